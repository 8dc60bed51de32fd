"""One de-dup layer for requests (the scheduler's dupefilter over canonical URLs, seeded with the job's committed
URLs) and one for rows (the store's doc_id check at commit, counted as duplicate_doc_id)."""
from __future__ import annotations

import pytest
from scrapy import Request

from crawler.fingerprinter import CanonicalURLFingerprinter
from tests.crawler.conftest import CRAWL_GROUP, check_store_integrity, read_rows
from tests.crawler.tiny_site import Route, TinySite, crawl, drops, page, serve


def test_the_fingerprint_is_the_canonical_urls():
    fp = CanonicalURLFingerprinter().fingerprint
    same = ["http://a.example/p", "http://A.example:80/p#top", "http://a.example/p?utm_source=x"]
    assert len({fp(Request(u)) for u in same}) == 1
    assert fp(Request("http://a.example/p")) != fp(Request("http://a.example/q"))
    assert fp(Request("http://a.example/p")) != fp(Request("http://a.example/p", method="POST"))
    assert len(fp(Request("http://a.example/p"))) == 20  # a sha1, like Scrapy's


@pytest.fixture
def site():
    site = TinySite({
        "/": Route(page("home", ["/p", "/p?utm_source=mail", "/p#comments", "/r", "/q"])),
        "/p": Route(page("p", ["/", "/q#top"])),
        "/q": Route(page("q", ["/p"])),
        "/r": Route(status=301, location="/p"),  # an alias of a page linked anyway
    })
    server = serve(site)
    yield site
    server.shutdown()


@pytest.mark.slow
@pytest.mark.xdist_group(CRAWL_GROUP)
def test_requests_are_deduplicated_once_by_canonical_url_and_across_runs(site, tmp_path):
    run = crawl(site, tmp_path, ["/"], extra="[follow]\ndepth = 2\n")
    assert run.returncode == 0, run.stderr[-3000:]
    paths = site.paths()
    assert sorted(paths) == ["/", "/p", "/q", "/r"], paths  # each page asked for once, whatever its spelling
    assert run.stats["dupefilter/filtered"] >= 4
    assert run.stats["spamcorpus/rows_committed"] == 3 and not drops(run.stats)
    # the same job again: the dupefilter starts with the committed URLs, so no page is asked for again; only
    # the alias, which made no row of its own (the frontier resumes it), and its target is filtered
    site.seen.clear()
    again = crawl(site, tmp_path, ["/"], extra="[follow]\ndepth = 2\n")
    assert again.returncode == 0, again.stderr[-3000:]
    assert site.paths() == ["/r"] and again.stats["spamcorpus/skipped/already_committed"] == 2  # "/" and "/p"
    assert again.stats.get("spamcorpus/rows_committed", 0) == 0 and not drops(again.stats)


@pytest.mark.slow
@pytest.mark.xdist_group(CRAWL_GROUP)
def test_a_row_another_job_committed_is_dropped_at_commit_and_counted(site, tmp_path):
    seeds_only = "[follow]\ndepth = 0\n"  # (Scrapy reads DEPTH_LIMIT 0 as "none": the follow policy stops here)
    first = crawl(site, tmp_path, ["/q"], extra=seeds_only)
    assert first.returncode == 0 and first.stats["spamcorpus/rows_committed"] == 1, first.stderr[-3000:]
    other = crawl(site, tmp_path, ["/q"], extra=seeds_only, name="other-job")
    assert drops(other.stats) == {"duplicate_doc_id": 1}, other.stats
    assert other.stats.get("spamcorpus/rows_committed", 0) == 0
    assert len(read_rows(tmp_path / "corpus", ["doc_id"])) == 1
    check_store_integrity(tmp_path / "corpus")
