"""Offsite and depth on Scrapy's own middlewares: the job's hosts only (redirect and sitemap hops free), one
offsite drop per URL, DEPTH_LIMIT from the job's depth, pages listed in a sitemap at depth 0."""
from __future__ import annotations

import pytest

from tests.crawler.conftest import CRAWL_GROUP, read_rows
from tests.crawler.tiny_site import Route, TinySite, crawl, drops, page, serve

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]
OFF = "http://127.0.0.9:9/"  # a host outside the job (nothing listens there: a request would be a refused drop)


@pytest.fixture
def site():
    site = TinySite({})
    server = serve(site)
    other = f"http://localhost:{site.port}"  # the same server under a host name the job does not list
    site.routes.update({
        "/": Route(page("home", ["/d1", f"{OFF}a", f"{OFF}b", "/go"])),
        "/d1": Route(page("d1", ["/d2", f"{OFF}a", f"{OFF}a?utm_source=x"])),
        "/d2": Route(page("d2", ["/d3", f"{other}/landing"])),
        "/d3": Route(page("d3")),
        "/go": Route(status=302, location=f"{other}/landing"),
        "/landing": Route(page("landing", ["/far"])),
        "/far": Route(page("far")),
        "/sitemap.xml": Route(
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f'<url><loc>{site.url("/s0")}</loc></url></urlset>'.encode(), content_type="application/xml"),
        "/s0": Route(page("s0", ["/s1"])),
        "/s1": Route(page("s1", ["/s2"])),
        "/s2": Route(page("s2", ["/s3"])),
        "/s3": Route(page("s3")),
    })
    yield site
    server.shutdown()


def _depths(tmp_path) -> dict[str, int]:
    rows = read_rows(tmp_path / "corpus", ["final_url", "depth"])
    return {r["final_url"].split("/", 3)[3]: r["depth"] for r in rows}


def test_depth_offsite_and_free_hops(site, tmp_path):
    sitemap = site.url("/sitemap.xml")
    run = crawl(site, tmp_path, ["/"], extra=f'sitemaps = ["{sitemap}"]\n[follow]\ndepth = 2\n')
    assert run.returncode == 0, run.stderr[-3000:]
    # a link's depth is its page's + 1, up to the job's depth; a page a sitemap lists starts at 0
    assert _depths(tmp_path) == {"": 0, "d1": 1, "d2": 2, "landing": 1, "s0": 0, "s1": 1, "s2": 2}
    # off-site links are never asked for, and each is counted once (…/a sits on two pages, once with a tracker):
    # a, b, and /far, linked from the redirect's landing page on a host the job does not list. The redirect
    # itself was followed (the SSRF guard judges redirect targets); d2's link to the landing page is past the
    # depth limit, so it never reaches the offsite filter
    assert drops(run.stats) == {"offsite": 3}, run.stats
    assert not {"/d3", "/s3", "/far"} & set(site.paths())


def test_star_allows_every_host(site, tmp_path):
    run = crawl(site, tmp_path, ["/d2"], extra='[follow]\ndepth = 1\nallowed_hosts = ["*"]\n')
    assert run.returncode == 0, run.stderr[-3000:]
    assert "offsite" not in drops(run.stats)
    assert sorted(_depths(tmp_path)) == ["d2", "d3", "landing"]
