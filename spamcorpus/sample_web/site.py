"""The generated sample web: every URL's response and ground truth (what the crawler should make of it)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

from spamcorpus.sample_web.articles import Article

DEFAULT_HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7")
DEFAULT_PORT = 8642
ROW = "row"
_HREF = re.compile(r'href="([^"]+)"')
_MD_LINK = re.compile(r"\]\((\S+?)\)")


@dataclass
class Resource:
    """One response the server gives for (host, path); the query string is ignored, as many CMSs do."""

    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    body: bytes = b""
    location: str | None = None
    stream: str = ""  # "large": > 10 MiB streamed without Content-Length; "slow": sent after a delay


@dataclass(frozen=True)
class PageTruth:
    """Ground truth of one URL of the sample web (or one URL it links to outside itself)."""

    url: str
    host: str
    path: str
    kind: str              # article, index, special, redirect, robots, sitemap, link
    expect: str            # "row", or why it makes none: http_404, http_500, too_large, robots_disallowed,
    #                        unsupported_content_type, ssrf, offsite, redirect (followed), meta (robots/sitemap)
    spam: bool | None = None
    family: str | None = None
    lang: str = ""         # ISO 639-1 of the main text: zh or en
    script: str = ""       # Hans or Hant for zh
    contacts: tuple[tuple[str, str], ...] = ()              # (kind, normal value), sorted, unique
    contact_places: tuple[tuple[str, str, str], ...] = ()   # (kind, value, where): title, text, boilerplate, link
    contact_forms: tuple[tuple[str, str, str], ...] = ()    # (kind, value, form): how it was written (fullwidth, ...)
    title: str = ""        # the <title> (or Markdown heading) as generated: decoded pages must match it exactly
    campaign: str | None = None
    template: str | None = None
    doc_format: str = ""   # html or markdown
    encoding: str = ""
    final_url: str | None = None  # redirects: where they lead
    via: str | None = None        # a row reached only through a redirect chain: the URL first requested
    links: tuple[str, ...] = ()   # absolute http(s) links on the page, in order, unique
    # the campaign grouping should put the page in: `campaign`, or for campaigns whose sellers share a handle the
    # joined ids ("c01-esim-renewal+c03-esim-en"; campaigns.expected_groups). None for benign pages.
    campaign_group: str | None = None
    # (kind, value, why) handle-like mentions that are *not* contacts by the contact policy: a bare `@handle`
    # with no Telegram cue in a quoted list ("bare_handle_without_cue"), a placeholder ("placeholder")
    non_contacts: tuple[tuple[str, str, str], ...] = ()
    # the site a release counts the page under with the sample platforms file (PLATFORMS_FILE): host/account on
    # a platform whose paths name the account (blog /u/<author>, code host /<account>), host/thread or host/paste
    # where they name only the post (forum /t/<id>, paste /p/<id>), else the host (listings, ordinary sites)
    site: str = ""
    account: str = ""      # the platform account a post went up under (shown on the page); "" for a site's own


@dataclass
class SampleWeb:
    seed: int
    port: int
    hosts: tuple[str, ...]
    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # tracking/fragment link -> the page it names
    _truth: dict[str, PageTruth] = field(default_factory=dict)

    # -- addresses --------------------------------------------------------------------------------
    def base_url(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def url(self, host: str, path: str) -> str:
        return f"{self.base_url(host)}{path}"

    @property
    def base_urls(self) -> list[str]:
        return [self.base_url(h) + "/" for h in self.hosts]

    def seed_urls(self) -> list[str]:
        """The page seeds of the bundled job: the blog and forum home pages."""
        return [self.url(self.hosts[0], "/"), self.url(self.hosts[1], "/")]

    def robots_seed_urls(self) -> list[str]:
        """The robots.txt seeds of the bundled job, whose Sitemap: lines lead to the sitemaps."""
        return [self.url(self.hosts[2], "/robots.txt"), self.url(self.hosts[3], "/robots.txt")]

    # -- truth ------------------------------------------------------------------------------------
    def truth(self) -> list[PageTruth]:
        """Every URL the site serves or links to, with what the crawler should do with it."""
        return list(self._truth.values())

    def pages(self) -> list[PageTruth]:
        """The URLs that should each become exactly one corpus row."""
        return [t for t in self._truth.values() if t.expect == ROW]

    def by_url(self) -> dict[str, PageTruth]:
        return dict(self._truth)

    def by_doc_id(self) -> dict[str, PageTruth]:
        """Row pages keyed by the doc_id their corpus row gets (to join truth with a crawled corpus)."""
        from corpus.ids import doc_id

        return {doc_id(t.url): t for t in self.pages()}

    def expected_drops(self) -> Counter:
        """How many distinct URLs should be dropped, by reason (off-site and redirects excluded)."""
        return Counter(t.expect for t in self._truth.values() if t.expect not in (ROW, "redirect", "meta"))

    # -- building (used by the generator) ---------------------------------------------------------
    def add(self, host: str, path: str, resource: Resource, truth: PageTruth | None) -> None:
        key = (host, path)
        if key in self.resources:
            raise ValueError(f"two resources at {self.url(host, path)}")
        self.resources[key] = resource
        if truth is not None:
            self._truth[truth.url] = truth

    def add_truth(self, truth: PageTruth) -> None:
        self._truth.setdefault(truth.url, truth)

    def lookup(self, host: str, path: str) -> Resource | None:
        return self.resources.get((host, path))


def links_in(body: str, base: str, markdown: bool = False) -> tuple[str, ...]:
    """Absolute http(s) links of a generated page, in order, unique (what a link extractor should see)."""
    raw = _MD_LINK.findall(body) if markdown else [unescape(h) if "&" in h else h for h in _HREF.findall(body)]
    origin = base[: base.index("/", base.index("//") + 2)]
    out: dict[str, None] = {}
    for href in raw:
        # fast paths for the shapes the generator writes; urljoin for anything else
        if href.startswith(("http://", "https://")):
            absolute = href
        elif href.startswith("/"):
            absolute = origin + href
        elif href.startswith("mailto:"):
            continue
        else:
            absolute = urljoin(base, href)
            if urlsplit(absolute).scheme not in ("http", "https"):
                continue
        cut = absolute.find("#")
        out.setdefault(absolute if cut < 0 else absolute[:cut])
    return tuple(out)


def article_truth(url: str, host: str, path: str, art: Article, *, spam: bool, family: str | None,
                  campaign: str | None, template: str | None, doc_format: str, body: str, markdown: bool = False,
                  encoding: str = "utf-8", kind: str = "article", via: str | None = None,
                  campaign_group: str | None = None, site: str | None = None, account: str = "") -> PageTruth:
    places = sorted({(c.kind, c.value, where) for c, where in art.contacts})
    return PageTruth(
        url=url, host=host, path=path, kind=kind, expect=ROW, spam=spam, family=family,
        lang="en" if art.lang == "en" else "zh", script={"zh-Hans": "Hans", "zh-Hant": "Hant"}.get(art.lang, ""),
        contacts=tuple(sorted({(k, v) for k, v, _ in places})), contact_places=tuple(places),
        contact_forms=tuple(sorted({(c.kind, c.value, form) for c, form in art.forms})), title=art.title,
        campaign=campaign, template=template, doc_format=doc_format, encoding=encoding,
        via=via, links=links_in(body, url, markdown), campaign_group=campaign_group,
        non_contacts=tuple(sorted({(c.kind, c.value, why) for c, why in art.non_contacts})),
        site=site or host, account=account,
    )
