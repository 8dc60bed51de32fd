"""The store pipeline commits on its writer thread: the reactor keeps fetching meanwhile; a failing store
stops the crawl with its rows counted; the last commit is waited for."""
from __future__ import annotations

import json

import pytest

from tests.crawler.conftest import CRAWL_GROUP, check_store_integrity, read_rows
from tests.crawler.store_hooks import RECORD, pipelines
from tests.crawler.tiny_site import Route, TinySite, crawl, drops, page, serve

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]
PAGES = 40


@pytest.fixture
def site():
    links = [f"/p{i}" for i in range(PAGES)]
    routes = {"/": Route(page("home", links))}
    # each page takes a little while, so at most a few requests are in flight at any moment
    routes.update({link: Route(page(f"page {link}"), delay=0.15) for link in links})
    site = TinySite(routes)
    server = serve(site)
    yield site
    server.shutdown()


def _commits(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_slow_commit_does_not_stop_the_fetching(site, tmp_path):
    record = tmp_path / "commits.jsonl"
    run = crawl(site, tmp_path, ["/"], extra="[follow]\ndepth = 1\n", env={RECORD: str(record)},
                sets=[pipelines("SlowStore"), "SPAMCORPUS_SHARD_ROWS=5"])
    assert run.returncode == 0, run.stderr[-3000:]
    commits = _commits(record)
    assert commits and all(not c["main"] and c["thread"].startswith("spamcorpus-store") for c in commits)
    # a blocked reactor sends nothing: at most the requests already in flight (4 per host) could arrive while
    # a commit sleeps; a free one keeps asking for pages. Every commit window is looked at, not only the first:
    # on a loaded machine the first one can fall while the page worker is still busy with the first pages
    # (extraction, not the store, then holds the fetching back), as it once did in a full test run
    during = [[s for s in site.seen if c["start"] + 0.2 < s.at < c["end"]] for c in commits]
    assert max(map(len, during)) >= 6, ([len(d) for d in during], commits, [s.at for s in site.seen])
    # every page made a row, and the commit that was still running at the close was waited for
    assert sum(c["rows"] for c in commits) == PAGES + 1
    assert run.stats["spamcorpus/rows_committed"] == PAGES + 1
    assert len(read_rows(tmp_path / "corpus", ["doc_id"])) == PAGES + 1
    check_store_integrity(tmp_path / "corpus")


def test_a_failing_store_stops_the_crawl_and_counts_its_rows(site, tmp_path):
    record = tmp_path / "commits.jsonl"
    run = crawl(site, tmp_path, ["/"], extra="[follow]\ndepth = 1\n", env={RECORD: str(record)},
                sets=[pipelines("FailingStore"), "SPAMCORPUS_SHARD_ROWS=3"])
    assert run.finish_reason == "store_error", (run.finish_reason, run.stderr[-3000:])
    commits = _commits(record)
    committed = sum(c.get("rows", 0) for c in commits)
    failed = sum(c.get("failed", 0) for c in commits)
    assert committed == 3 and failed >= 3
    assert drops(run.stats)["store_error"] == failed
    # the failed commits' exchanges are counted as not archived (fewer than their rows can be: a row extracted
    # late points at a record an earlier commit archived)
    assert run.stats["spamcorpus/warc/records_not_archived"] == sum(c.get("exchanges", 0) for c in commits) > 0
    assert run.stats["spamcorpus/rows_committed"] == committed
    assert len(read_rows(tmp_path / "corpus", ["doc_id"])) == committed
    check_store_integrity(tmp_path / "corpus")
