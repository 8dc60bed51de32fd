"""robots.txt files and sitemaps of the sample web, and the truth about links that leave it."""
from __future__ import annotations

import dataclasses
import gzip
import ipaddress
from urllib.parse import urlsplit

from spamcorpus.sample_web import themes
from spamcorpus.sample_web.campaigns import BLOG, BROKEN, FORUM
from spamcorpus.sample_web.layout import page_html
from spamcorpus.sample_web.site import ROW, PageTruth, Resource, SampleWeb

XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(urls: list[str]) -> bytes:
    items = "".join(f"<url><loc>{u}</loc><changefreq>weekly</changefreq></url>\n" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n{items}</urlset>\n'.encode()


def sitemapindex(urls: list[str]) -> bytes:
    items = "".join(f"<sitemap><loc>{u}</loc></sitemap>\n" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">\n{items}</sitemapindex>\n'.encode()


def _meta(web: SampleWeb, host: str, path: str, resource: Resource, kind: str, expect: str = "meta") -> None:
    web.add(host, path, resource, PageTruth(url=web.url(host, path), host=host, path=path, kind=kind, expect=expect))


def add_paste_meta(web: SampleWeb, host: str, post_paths: list[str]) -> None:
    """The paste service: robots.txt -> sitemap index -> a plain sitemap of pastes and a gzipped one of listings;
    /private/ (private pastes) disallowed but linked."""
    base = web.base_url(host)
    listings = [p for (h, p), _ in web.resources.items() if h == host and p not in post_paths]
    _meta(web, host, "/robots.txt", Resource(content_type=TEXT, body=(
        f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap_index.xml\n").encode()), "robots")
    _meta(web, host, "/sitemap_index.xml", Resource(content_type=XML, body=sitemapindex(
        [f"{base}/post-sitemap.xml", f"{base}/page-sitemap.xml.gz"])), "sitemap")
    _meta(web, host, "/post-sitemap.xml", Resource(content_type=XML, body=urlset([base + p for p in post_paths])), "sitemap")
    _meta(web, host, "/page-sitemap.xml.gz", Resource(content_type="application/gzip", body=gzip.compress(
        urlset([base + p for p in listings]), mtime=0)), "sitemap")
    for k in (1, 2, 3):
        html = page_html(themes.PASTE, title=f"Private paste {k}", body_html="<p>Unlisted text.</p>", h1_html=f"Private paste {k}",
                         crumbs=[], sidebar=[], friends=[])
        _meta(web, host, f"/private/draft-{k}.html", Resource(body=html.encode()), "special", "robots_disallowed")


def add_code_meta(web: SampleWeb, host: str, doc_paths: list[str]) -> None:
    """The code host: robots.txt allows all and names one sitemap of its home page and files."""
    base = web.base_url(host)
    _meta(web, host, "/robots.txt", Resource(content_type=TEXT, body=(
        f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n").encode()), "robots")
    _meta(web, host, "/sitemap.xml", Resource(content_type=XML, body=urlset([base + "/"] + [base + p for p in doc_paths])),
          "sitemap")


def add_robots(web: SampleWeb, role_hosts: dict[str, str]) -> None:
    """robots.txt of the other hosts: one Disallow on the blog, allow-all on the forum, a 500 on the broken host.

    The special host has none (404: everything allowed, RFC 9309 §2.3.1.3).
    """
    blog, forum, broken = role_hosts[BLOG], role_hosts[FORUM], role_hosts[BROKEN]
    _meta(web, blog, "/robots.txt", Resource(content_type=TEXT, body=b"User-agent: *\nDisallow: /wp-admin/\n"), "robots")
    html = page_html(themes.BLOG, title="登录", body_html="<form><input name=log><input name=pwd></form>", h1_html="登录",
                     crumbs=[], sidebar=[], friends=[])
    _meta(web, blog, "/wp-admin/", Resource(body=html.encode()), "special", "robots_disallowed")
    _meta(web, forum, "/robots.txt", Resource(content_type=TEXT, body=b"User-agent: *\nDisallow:\n"), "robots")
    _meta(web, broken, "/robots.txt", Resource(status=500, content_type=TEXT, body=b"database error\n"), "robots")
    # RFC 9309 §2.3.1.4: a robots.txt answering 5xx disallows the whole host
    for url, t in web.by_url().items():
        if t.host == broken and t.expect == ROW:
            web._truth[url] = dataclasses.replace(t, expect="robots_disallowed")


def _is_private(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_private
    except ValueError:
        return False


def classify_outlinks(web: SampleWeb) -> None:
    """Truth for every link out of a row page that names no page here: off-site, private address, or 404."""
    links = dict.fromkeys(link for t in web.pages() for link in t.links)
    for link in links:
        parts = urlsplit(link)
        host = parts.hostname or ""
        if host in web.hosts:
            path = parts.path or "/"
            if parts.port == web.port and web.lookup(host, path) is None:
                web.add_truth(PageTruth(url=link.split("?", 1)[0], host=host, path=path, kind="special",
                                        expect="http_404"))
            continue
        expect = "ssrf" if _is_private(host) else "offsite"
        web.add_truth(PageTruth(url=link, host=host, path=parts.path or "/", kind="link", expect=expect))
    meta = "http://169.254.169.254/latest/meta-data/"
    web.add_truth(PageTruth(url=meta, host="169.254.169.254", path="/latest/meta-data/", kind="link", expect="ssrf"))
