"""Responses past the size limit: a typed ResponseTooLarge (announced or streamed), counted as too_large."""
from __future__ import annotations

import gzip

import pytest

from corpus.version import __version__
from crawler.extensions.size_limit import ResponseSizeLimit, ResponseTooLarge
from crawler.settings import SPAMCORPUS_CONTACT_URL, user_agent
from tests.crawler.conftest import CRAWL_GROUP
from tests.crawler.tiny_site import Route, TinySite, crawl, drops, page, serve

LIMIT_MIB = 0.01  # 10,485 bytes
BIG = page("big", words=4000)  # ~40 KB


@pytest.fixture
def site():
    site = TinySite({
        "/": Route(page("home", ["/announced", "/streamed", "/packed", "/small"])),
        "/announced": Route(BIG),  # Content-Length says too much: stopped at the headers
        "/streamed": Route(BIG, length=False),  # no Content-Length: stopped while the bytes arrive
        # a few KB on the wire, past the limit once decompressed (Scrapy stops decompressing at the limit)
        "/packed": Route(gzip.compress(BIG), headers={"Content-Encoding": "gzip"}),
        "/small": Route(page("small")),
    })
    server = serve(site)
    yield site
    server.shutdown()


def test_the_limit_raises_the_typed_exception_on_headers_and_on_bytes():
    ext = ResponseSizeLimit(100)
    from scrapy import Request

    request = Request("http://a.example/")
    with pytest.raises(ResponseTooLarge) as announced:
        ext.headers_received({}, 101, request)
    assert announced.value.announced and announced.value.size == 101 and announced.value.limit == 100
    assert announced.value.fail  # the errback gets it, not the callback
    ext.headers_received({}, object(), request)  # no Content-Length (Twisted's UNKNOWN_LENGTH marker)
    ext.bytes_received(b"x" * 60, request)
    with pytest.raises(ResponseTooLarge) as streamed:
        ext.bytes_received(b"x" * 41, request)
    assert not streamed.value.announced and streamed.value.size == 101
    meta = Request("http://a.example/", meta={"download_maxsize": 1000})
    ext.headers_received({}, 500, meta)  # the request's own limit wins over the setting
    ext.bytes_received(b"x" * 500, meta)


@pytest.mark.slow
@pytest.mark.xdist_group(CRAWL_GROUP)
def test_too_large_is_counted_from_the_type_in_a_real_crawl(site, tmp_path):
    run = crawl(site, tmp_path, ["/"], extra="[follow]\ndepth = 1\n", politeness=f"max_size_mib = {LIMIT_MIB}")
    assert run.returncode == 0, run.stderr[-3000:]
    got = drops(run.stats)
    assert got.get("too_large") == 3, got  # one announced, one streamed, one decompressed
    assert "cancelled" not in got, got
    assert run.stats["spamcorpus/rows_committed"] == 2  # home and small
    assert sorted(site.paths()) == ["/", "/announced", "/packed", "/small", "/streamed"]


@pytest.mark.slow
@pytest.mark.xdist_group(CRAWL_GROUP)
def test_the_user_agent_is_the_settings_unless_the_job_names_its_contact(site, tmp_path):
    run = crawl(site, tmp_path / "a", ["/small"])
    assert run.returncode == 0, run.stderr[-3000:]
    contact = "https://research.example/who-we-are"
    run = crawl(site, tmp_path / "b", ["/small"], politeness=f'contact_url = "{contact}"')
    assert run.returncode == 0, run.stderr[-3000:]
    agents = [s.user_agent for s in site.seen]
    assert agents == [user_agent(SPAMCORPUS_CONTACT_URL), f"spamcorpus/{__version__} (+{contact})"]
