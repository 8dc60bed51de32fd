"""Decoded page -> title, main text, whole visible text and links, for HTML, Markdown and plain text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from urllib.parse import quote, unquote_plus, urljoin, urlsplit

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree
from selectolax.lexbor import LexborHTMLParser

from corpus.contacts import CONTACT_SCHEMES
from corpus.ids import TRACKING_KEYS, TRACKING_PREFIXES, InvalidURL, canonicalize_url
from corpus.page.front_matter import metadata_title, split_front_matter
from corpus.page.markdown_links import BARE_ATTR, BARE_URL, markdown_html, strip_bare
from corpus.page.markdown_text import reduce_markdown
from corpus.page.message import message_subject
from corpus.page.source_file import CODE_HEAD, SOURCE_SUFFIXES, TEMPLATE_CODE, is_source, source_title

DocFormat = Literal["html", "markdown", "text"]
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
MAX_TITLE = 500
MAX_ANCHOR = 200
MAX_DESCRIPTION = 5_000
# scripts, styles, templates and noscript never reach the text (resiliparse skips them); forms are chrome
TEXT_OPTIONS = dict(preserve_formatting=True, list_bullets=True, alt_texts=True, links=False, form_fields=False,
                    noscript=False)

# page chrome that resiliparse's main-content heuristics sometimes keep (a top-level <header> of links)
CHROME = ["body > header", "body > nav", "body > footer", "body > aside", "[role=banner]", "[role=navigation]",
          "[role=contentinfo]"]


@dataclass(frozen=True)
class Extraction:
    title: str
    text: str                 # main text, boilerplate removed
    full_text: str            # all visible text, navigation and footer included
    links: list[str]          # absolute http(s) links, document order, deduplicated (link_form: query as written)
    contact_hrefs: list[str]  # tg:, mailto:, tel:, weixin:, whatsapp: ... targets, deduplicated
    doc_format: DocFormat
    anchors: dict[str, str] = field(default_factory=dict)  # link -> first non-empty anchor text
    declared: list[str] = field(default_factory=list)  # the site's own address as its <head> declares it


_HTML_HEAD = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]", re.I | re.S)
_MD_SIGNS = re.compile(r"^#{1,6} \S|^(?:=+|-+)\s*$|\]\((?:https?://|/|\.)|^```|^\s*[-*+] \S|^\s*\d+\. \S", re.M)


def detect_format(content_type: str | None, url: str, head: str) -> DocFormat:
    """How to read a body: by media type, then by URL suffix and shape (raw .md is often text/plain)."""
    mtype = (content_type or "").split(";", 1)[0].strip().lower()
    if mtype in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if mtype in ("text/html", "application/xhtml+xml"):
        return "html"
    if _HTML_HEAD.match(head):
        return "html"
    path = urlsplit(url).path.lower() if url else ""
    if not path.endswith(MARKDOWN_SUFFIXES) and (path.endswith(SOURCE_SUFFIXES) or CODE_HEAD.match(head)):
        return "text"
    if path.endswith(MARKDOWN_SUFFIXES) or len(_MD_SIGNS.findall(head[:4096])) >= 2:
        return "markdown"
    if not mtype and "<" in head and re.search(r"</(?:p|div|a|span)>", head, re.I):
        return "html"
    return "text"


# a browser drops ASCII tab and newline anywhere in a URL ("java\tscript:" is javascript:), and C0 controls and
# spaces at its ends
_URL_NOISE = str.maketrans("", "", "\t\n\r")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
# WHATWG's query percent-encode set: controls, space, " # < > and non-ASCII; everything else stays as written
_QUERY_SAFE = "!$%&'()*+,-./:;=?@[\\]^_`{|}~"


def link_form(url: str) -> str:
    """How a link is stored: canonical scheme, host, port and path, no fragment, no tracking keys, and the rest of
    the query as written (`?x` stays `?x`, keys keep their order). Dedup keys remain corpus.ids.canonicalize_url."""
    canonical = canonicalize_url(url)  # validates (http(s), a host) and normalises all but the query
    query = urlsplit(url.strip()).query
    kept = [p for p in query.split("&") if p and not _tracking(p.split("=", 1)[0])]
    path = canonical.split("?", 1)[0]
    return f"{path}?{quote('&'.join(kept), safe=_QUERY_SAFE)}" if kept else path


def _tracking(key: str) -> bool:
    key = unquote_plus(key).lower()
    return key in TRACKING_KEYS or key.startswith(TRACKING_PREFIXES)


def _canonical(href: str, base: str) -> tuple[str, str] | None:
    """('link', stored form) or ('contact', href) for one href; None for fragments, javascript:, data: and junk."""
    href = href.translate(_URL_NOISE).strip(_C0_AND_SPACE)
    if not href or href.startswith("#"):
        return None
    # navigation repeats on every page of a site: key the cache so that such links hit it across pages
    if href.startswith(("http://", "https://")):
        return _resolve("", href)
    if href.startswith("/") and not href.startswith("//"):
        cut = base.find("/", base.find("//") + 2)
        return _resolve(base if cut < 0 else base[:cut], href)
    return _resolve(base, href)


@lru_cache(maxsize=1 << 16)
def _resolve(base: str, href: str) -> tuple[str, str] | None:
    scheme = href.split(":", 1)[0].lower() if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href) else ""
    if scheme in CONTACT_SCHEMES:
        return "contact", href
    if scheme and scheme not in ("http", "https"):
        return None
    try:
        return "link", link_form(urljoin(base, href) if base else href)
    except (InvalidURL, ValueError):  # UnicodeEncodeError (a lone surrogate) is a ValueError too
        return None


class _Links:
    def __init__(self, base: str) -> None:
        self.base, self.links, self.contacts, self.anchors = base, {}, {}, {}

    def add(self, href: str | None, anchor: str = "") -> None:
        got = _canonical(href or "", self.base)
        if got is None:
            return
        kind, target = got
        (self.links if kind == "link" else self.contacts).setdefault(target, None)
        anchor = " ".join(anchor.split())[:MAX_ANCHOR]
        if anchor and kind == "link":
            self.anchors.setdefault(target, anchor)


def _title(text: str) -> str:
    return " ".join(text.split())[:MAX_TITLE]


def extract_html(html: str, base_url: str) -> Extraction:
    # resiliparse for the text (main-content heuristics); selectolax for title and links, because building
    # resiliparse node objects costs ~70 us per node (~3 ms per page) while selectolax takes ~30 us per page
    tree = HTMLTree.parse(html)
    text = extract_plain_text(tree, main_content=True, skip_elements=CHROME, **TEXT_OPTIONS)
    full_text = extract_plain_text(tree, main_content=False, **TEXT_OPTIONS)
    dom = LexborHTMLParser(html)
    title_el = dom.css_first("title")
    title = _title(title_el.text() if title_el is not None else "")
    if TEMPLATE_CODE.search(title):  # `<?= $page_title ?>`: a template's source, whose code sets the title
        title = _title(source_title(html))
    if not title:
        h1 = dom.css_first("h1")
        title = _title(h1.text()) if h1 is not None else ""
    text = text.strip()
    # where main-content heuristics keep nothing (a page that is one popup) all its visible text is its content; an
    # app shell (a Vite/React index.html: an empty root element and a script) carries only its head's description
    if not text:
        text = full_text.strip() or _head_description(dom)
    base_el = dom.css_first("base[href]")
    base = base_url
    if base_el is not None:
        candidate = _canonical(base_el.attributes.get("href") or "", base_url)
        base = candidate[1] if candidate and candidate[0] == "link" else base_url
    links = _html_links(dom, base)
    declared = _head_declarations(dom, base, links)
    return Extraction(title, text, full_text.strip(), list(links.links), list(links.contacts), "html",
                      links.anchors, declared)


_DESCRIPTION = 'meta[name="description" i][content], meta[property="og:description"][content], ' \
               'meta[name="twitter:description" i][content]'


def _head_description(dom: LexborHTMLParser) -> str:
    """The first non-empty description meta tag's content (standard, Open Graph or Twitter), cut to a bound."""
    for node in dom.css(_DESCRIPTION):
        content = " ".join((node.attributes.get("content") or "").split())
        if content:
            return content[:MAX_DESCRIPTION]
    return ""


# A page's <head> names its own site (canonical link, Open Graph and Twitter URLs, the old SEO `url` and
# `identifier-url` tags) and its reply address. A spam page's source pushed to a code host keeps them, while its
# visible text may never write the site.
_DECLARED_URL = ('link[rel="canonical"][href], meta[property="og:url"][content], meta[name="twitter:url"][content], '
                 'meta[name="url"][content], meta[name="identifier-url"][content]')
_REPLY_TO = re.compile(r"[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")


def _head_declarations(dom: LexborHTMLParser, base: str, links: _Links) -> list[str]:
    """The site URLs the page declares as its own; a `<meta name="reply-to">` address joins its contact links."""
    declared = []
    for node in dom.css(_DECLARED_URL):
        got = _canonical(node.attributes.get("href") or node.attributes.get("content") or "", base)
        if got and got[0] == "link" and got[1] not in declared:
            declared.append(got[1])
    for node in dom.css('meta[name="reply-to"][content]'):
        address = (node.attributes.get("content") or "").strip().removeprefix("mailto:")
        if _REPLY_TO.fullmatch(address):
            links.add("mailto:" + address)
    return declared


def _html_links(dom: LexborHTMLParser, base: str, image_alts: bool = False) -> _Links:
    # only elements' href: text inside <script>/<style> is raw text to the parser (never an element), event
    # handlers (on*=) are never read, and _canonical refuses javascript:, vbscript: and data: targets
    links = _Links(base)
    for a in dom.css("a[href], area[href]"):
        if a.tag == "area":
            anchor = a.attributes.get("alt") or ""
        elif BARE_ATTR in a.attributes:
            anchor = ""
        else:
            anchor = _anchor_with_alts(a) if image_alts else a.text()
        links.add(a.attributes.get("href"), anchor)
    return links


def _anchor_with_alts(a) -> str:
    # a Markdown badge [![Telegram](badge.svg)](https://t.me/x) says what it links in the image's alt text
    return "".join(n.text_content or "" if n.tag == "-text" else n.attributes.get("alt") or "" if n.tag == "img"
                   else "" for n in a.traverse(include_text=True))


_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


def _markdown_title(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        m = _ATX.match(line)
        if m:
            return _title(_unwrapped(m.group(1)))
        if line.strip() and i + 1 < len(lines) and _SETEXT.match(lines[i + 1]) and not _SETEXT.match(line):
            return _title(_unwrapped(line))
    return _unwrapped(_first_line("\n".join(lines)))


_WRAPPED = re.compile(r"(\*\*|__|\*|_)(\S(?:.*\S)?)\1")


def _unwrapped(title: str) -> str:
    """`**Keonhacai - Nền tảng…**` -> `Keonhacai - Nền tảng…`: emphasis around a whole title is not its text."""
    m = _WRAPPED.fullmatch(title.strip())
    return m.group(2) if m else title


def extract_markdown(markdown: str, base_url: str) -> Extraction:
    # links from a Markdown parser's rendering, read like any HTML page's: real links only (see markdown_links)
    links = _html_links(LexborHTMLParser(markdown_html(markdown)), base_url, image_alts=True)
    text = reduce_markdown(markdown).strip()
    # Front matter stays in the text (a code host shows it above the file, as a table) but is no heading: read as
    # Markdown, its closing `---` would underline its last line into the page's title (`order: 50`).
    named, body = split_front_matter(markdown)
    body_text = text if named is None else reduce_markdown(body).strip()
    header = named if named is not None else _header_title(markdown)  # "": front matter naming no title
    title = _title(header or "") or _markdown_title(body_text.splitlines())
    return Extraction(title, text, text, list(links.links), list(links.contacts), "markdown", links.anchors)


def _header_title(text: str) -> str | None:
    """A title written as a header line: a raw mail's Subject, a metadata block's `Title:`."""
    subject = message_subject(text)
    return subject if subject is not None else metadata_title(text)


def _first_line(text: str) -> str:
    return next((_title(line) for line in text.splitlines() if line.strip()), "")


def extract_text(text: str, base_url: str) -> Extraction:
    links = _Links(base_url)
    for m in BARE_URL.finditer(text):
        links.add(strip_bare(m.group()))
    text = text.strip()
    # a source file's first line is an import; the page it builds names its title in a string
    named = source_title(text) if is_source(text, base_url) else ""
    title = _title(named or _header_title(text) or "") or _first_line(text)
    return Extraction(title, text, text, list(links.links), list(links.contacts), "text", links.anchors)


def extract(text: str, *, base_url: str, doc_format: DocFormat) -> Extraction:
    """Extract one decoded document; never executes anything in it."""
    if doc_format == "html":
        return extract_html(text, base_url)
    if doc_format == "markdown":
        return extract_markdown(text, base_url)
    return extract_text(text, base_url)
