"""The resume frontier: uncommitted links of committed pages, at their smallest depth, under the follow mode."""
from __future__ import annotations

import dataclasses

import pytest

from corpus.store import CorpusStore
from crawler.job import CrawlJob
from crawler.spiders.frontier import committed_frontier, follows
from tests.conftest import make_row
from tests.crawler.conftest import read_rows
from tests.crawler.tiny_site import Route, TinySite, crawl, page, serve

B = "http://site.example"


@pytest.fixture
def store(tmp_path):
    store = CorpusStore(tmp_path / "corpus", run_id="frontier-test")
    redirected = make_row(f"{B}/news/1", job="j", score=0.9, depth=1, links=[f"{B}/go/old", f"{B}/p5"])
    redirected["url"] = f"{B}/go/old"
    rows = [
        # a benign seed (depth 0) linking p1, p2, a committed page and something unparsable
        make_row(f"{B}/", job="j", score=0.2, depth=0,
                 links=[f"{B}/p1", f"{B}/p2?utm_source=x", f"{B}/spam", "mailto:someone@site.example", f"{B}/p1#top"]),
        # a spam page (depth 1) linking p2 (already at depth 1 from the seed) and p3
        make_row(f"{B}/spam", job="j", score=0.9, depth=1, links=[f"{B}/p2", f"{B}/p3", f"{B}/"]),
        # a page at the depth limit: its links are not followed
        make_row(f"{B}/deep", job="j", score=0.9, depth=2, links=[f"{B}/p4"]),
        # a page reached through a redirect: both of its URLs are done
        redirected,
        # another job's rows are not this job's resume state
        make_row(f"{B}/other", job="other-job", score=0.9, depth=0, links=[f"{B}/p6"]),
    ]
    store.commit(rows[:4])
    store.commit(rows[4:])
    return store


def job(**kw) -> CrawlJob:
    return CrawlJob(name="j", seeds=[f"{B}/"], depth=2, **kw).validate()


def test_follow_all(store):
    state = committed_frontier(store, job(), max_links=500)
    assert state.committed_rows == 4
    assert {f"{B}/", f"{B}/spam", f"{B}/deep", f"{B}/news/1", f"{B}/go/old"} <= state.done
    assert state.frontier == [
        (f"{B}/p1", 1, f"{B}/"),
        (f"{B}/p2", 1, f"{B}/"),          # the seed's depth wins over the spam page's
        (f"{B}/p3", 2, f"{B}/spam"),
        (f"{B}/p5", 2, f"{B}/news/1"),
    ]


def test_spam_only_follows_out_of_spam_pages_only(store):
    state = committed_frontier(store, job(follow="spam_only", spam_threshold=0.5), max_links=500)
    assert state.frontier == [(f"{B}/p2", 2, f"{B}/spam"), (f"{B}/p3", 2, f"{B}/spam"), (f"{B}/p5", 2, f"{B}/news/1")]
    assert follows(job(follow="spam_only"), 0.5) and not follows(job(follow="spam_only"), 0.49)


def test_follow_none_and_depth_limit(store):
    assert committed_frontier(store, job(follow="none"), max_links=500).frontier == []
    shallow = dataclasses.replace(job(), depth=1)
    assert [u for u, *_ in committed_frontier(store, shallow, max_links=500).frontier] == [f"{B}/p1", f"{B}/p2"]


def test_links_per_page_limit(store):
    state = committed_frontier(store, job(), max_links=1)
    assert [u for u, *_ in state.frontier] == [f"{B}/p1", f"{B}/p2"]  # first link of the seed and of the spam page


def test_empty_corpus(tmp_path):
    state = committed_frontier(CorpusStore(tmp_path / "fresh", run_id="t"), job(), max_links=500)
    assert state.committed_rows == 0 and state.frontier == [] and state.done == set()


def test_a_resumed_crawl_asks_for_the_query_as_written(tmp_path):
    # `?x` and `?x=` may be different pages to a server: the frontier keeps the page's spelling, dedup stays canonical
    store = CorpusStore(tmp_path / "corpus", run_id="frontier-test")
    store.commit([make_row(f"{B}/", job="j", score=0.2, depth=0,
                           links=[f"{B}/shop?x", f"{B}/shop?x=", f"{B}/list?b=2&a=1&utm_source=feed"])])
    urls = [u for u, *_ in committed_frontier(store, job(), max_links=500).frontier]
    assert urls == [f"{B}/list?b=2&a=1", f"{B}/shop?x"]  # one request for the one canonical page; order as written


@pytest.mark.slow
def test_a_frontier_link_keeps_its_depth_when_an_earlier_page_links_to_it_deeper(tmp_path):
    # Scrapy pulls start requests a few at a time, so a frontier page (/a, depth 1) can be fetched and its link
    # to /z (depth 2) found before the frontier's own request for /z (depth 1) is pulled; that link would win the
    # dupefilter, and /leaf below /z would fall past the depth limit. It happened in a resume test under load
    # (four sample-web pages lost); here the timing is not forced, so what is checked is the rule that closes it:
    # a link the frontier asks for at a smaller depth is left to the frontier, counted, and depths come out right
    fillers = [f"/m{i:02d}" for i in range(30)]
    routes = {"/": Route(page("home", ["/a", *fillers, "/z"])), "/a": Route(page("a", ["/z"])),
              "/z": Route(page("z", ["/leaf"])), "/leaf": Route(page("leaf"))}
    site = TinySite({**routes, **{f: Route(page(f.strip("/"))) for f in fillers}})
    server = serve(site)
    try:
        follow = "[follow]\ndepth = 2\n"
        first = crawl(site, tmp_path, ["/"], extra=follow + "[limits]\npages = 1\n")
        assert first.returncode == 0, first.stderr[-3000:]
        assert [r["final_url"] for r in read_rows(tmp_path / "corpus", ["final_url"])] == [site.url("/")]
        resumed = crawl(site, tmp_path, ["/"], extra=follow)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
    finally:
        server.shutdown()
    rows = read_rows(tmp_path / "corpus", ["final_url", "depth"])
    depths = {r["final_url"].rsplit("/", 1)[1]: r["depth"] for r in rows}
    assert depths == {"": 0, "a": 1, "z": 1, "leaf": 2, **{f.strip("/"): 1 for f in fillers}}
    assert resumed.stats.get("spamcorpus/resume/link_left_to_frontier") == 1
