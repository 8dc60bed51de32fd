"""Which sites a page promotes: the evidence that turns a linked or written domain into a `domain` contact."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from corpus.contacts.cues import literals
from corpus.contacts.domains import AFFILIATE, REFERRAL, domain_normal, never_promoted, promotable, registrable

# Words that offer a site in a link's anchor: the promoted site by "official site", "register", "download", "入口";
# a documentation link by "see", "docs", "more".
SITE_WORDS = (
    "官网", "官網", "官方", "网址", "網址", "地址", "域名", "入口", "注册", "註冊", "网站", "網站", "辋芷", "网止", "最新地址",
    "产品：", "產品：", "contact us",
    "official site", "official website", "our website", "our site", "webiste", "website:", "visit us", "visit our",
    "сайт*", "ссылк*", "домен*", "зеркал*", "giriş", "sitemiz*", "situs", "link alternatif", "trang chủ", "link vào",
    "사이트", "주소", "도메인", "바로가기", "公式サイト")
TEXT_CUE = re.compile(literals(*SITE_WORDS))
ANCHOR_CUE = re.compile(literals(
    *SITE_WORDS, "登录", "登錄", "下载", "下載", "点击", "點擊", "演示", "私享群", "进群", "加入", "site", "website", "visit",
    "register", "sign up", "signup", "join", "download", "get release", "invest now", "play now", "bet now", "claim",
    "bonus", "click here", "buy now", "order now", "shop now", "login", "log in", "daftar", "kunjungi", "truy cập",
    "đăng ký", "вход*", "adres*", "sitio", "visita", "acesse", "regístrate", "cadastre"))
# A site's own address, declared in its source: `<link rel="canonical" href=…>`, `og:url`, Next.js
# `metadataBase: new URL(…)`, JSON-LD `"@id"`, `site_url = …`, `site_name: …`, `SITE CONFIG — host`.
SELF_CUE = re.compile(literals(
    "canonical", "og:url", "og:site_name", "metadatabase", "\"@id\"", "site_url", "siteurl", "site_name", "sitename",
    "site config", "base_url", "baseurl", "officialurl", "official_url", "domain:", "domain ="))
# Obfuscated and bracketed writing: nobody obfuscates a documentation link.
OPEN_BRACKETS, CLOSE_BRACKETS = "【《「『〖〔", "】》」』〗〕"
DOMINANT_MIN = 3  # mentions of one site that make it the page's subject


def referral(url: str, domain: str) -> bool:
    """An affiliate network or a referral path: the link itself is the promotion."""
    return domain in AFFILIATE or bool(REFERRAL.search(url))


def brand_of(domain: str) -> str:
    """`kx777.pro` -> `kx777pro`, `kxtd.top` -> `kxtdtop`: how a site's name is spelt in handles and e-mails."""
    return re.sub(r"[^a-z0-9]", "", domain)


def brand_matches(domains: Iterable[str], emails: Iterable[str]) -> set[str]:
    """Sites spelt in the page's e-mail addresses: the address's own domain (`admin@kxbet.com`), or a local part
    that spells the whole site (`kx777pro1@gmail.com` -> `kx777.pro`); failing that, one that spells its first
    label (`kxdefense@gmail.com` -> `kxdefense.github.io`)."""
    emails = [e.partition("@")[::2] for e in emails]
    locals_ = [brand_of(local) for local, _ in emails]
    mail_domains = {d for _, d in emails}
    whole = {d for d in domains if d in mail_domains or len(brand_of(d)) >= 6
             and any(local.startswith(brand_of(d)) for local in locals_)}
    if whole:
        return whole
    return {d for d in domains if len(first := brand_of(d.split(".")[0])) >= 6 and first in locals_}


class Sites:
    """Candidate sites of one text or link list, with the evidence for each; `promoted()` decides."""

    __slots__ = ("count", "first", "strong")

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.strong: set[str] = set()
        self.first: dict[str, tuple[int, int]] = {}

    def add(self, domain: str | None, strong: bool, span: tuple[int, int] = (-1, -1)) -> None:
        if not domain or not promotable(domain) or len(domain.split(".")[0]) < 2:
            return
        self.count[domain] += 1
        self.first.setdefault(domain, span)
        if strong:
            self.strong.add(domain)

    def promoted(self, names: Iterable[str] = ()) -> list[str]:
        """Sites with strong evidence, the page's dominant site, and sites spelt like its e-mail addresses."""
        total = sum(self.count.values())
        names = [n for n in names if "@" in n]
        branded = brand_matches(self.count, names) if names else set()
        return [d for d, n in self.count.items()
                if d in self.strong or n >= DOMINANT_MIN and 2 * n >= total or d in branded]


def link_sites(urls: Iterable[str], anchors: dict[str, str] | None, own: str | None,
               declared: Iterable[str] = ()) -> list[str]:
    """The promoted sites among a page's links (anchor text as the context) and the sites it declares as its own;
    the site the page was fetched from is left out."""
    sites = Sites()
    own_domain = registrable(own) if own else None
    for url in declared:
        domain = None if never_promoted(url) else domain_normal(url)
        if domain and domain != own_domain:
            sites.add(domain, True)
    for url in urls:
        if not url.startswith(("http://", "https://", "HTTP", "Http")):
            continue
        if never_promoted(url):
            continue
        domain = domain_normal(url)
        if not domain or domain == own_domain or not promotable(domain):
            continue
        anchor = (anchors or {}).get(url, "").lower()
        sites.add(domain, referral(url, domain) or bool(anchor and ANCHOR_CUE.search(anchor)))
    return sites.promoted()


def bracketed(low: str, a: int, b: int) -> bool:
    """The mention sits in 【】《》「」 (spaces allowed inside), as spam headers write a site."""
    before = low[max(0, a - 3):a].rstrip(" \t*")
    after = low[b:b + 3].lstrip(" \t*")
    return bool(before and before[-1] in OPEN_BRACKETS or after and after[0] in CLOSE_BRACKETS)


def cued(low: str, a: int, width: int = 24) -> bool:
    """A site cue (TEXT_CUE) or a self-declaration (SELF_CUE) shortly before position `a`, on its line."""
    lo = max(low.rfind("\n", 0, a) + 1, a - width)
    window = low[lo:a]
    return bool(TEXT_CUE.search(window) or SELF_CUE.search(window))


def url_site(sites: Sites, low: str, a: int, b: int) -> None:
    """A URL written in the text at low[a:b]: its site, with the words before it as the evidence."""
    url = low[a:b]
    if never_promoted(url):
        return
    domain = domain_normal(url)
    if not domain or not promotable(domain):  # most links go to code hosts and docs: skip the context checks
        return
    label = _CONFIG_LABEL.match(low, b)  # a link in a site's navigation config: its label is its anchor
    sites.add(domain, referral(url, domain) or cued(low, a) or bracketed(low, a, b)
              or bool(label and ANCHOR_CUE.search(label.group(1))), (a, b))


_CONFIG_LABEL = re.compile(r"[\"'`]?,?\s{0,20}(?:label|text|title|name)[\"']?\s*[:=]\s*[\"'`]([^\"'`\n]{1,40})")


# The last label of a written domain; only the last one (`a.com.cn` is read once, at `.cn`).
_TLD_DOT = re.compile(r"\.(?:xn--[a-z0-9-]{1,59}|[a-z]{2,24})(?![a-z0-9-]|\.[a-z0-9])")
# Top-level domains that are also common file suffixes (Python, Markdown, shell, Perl, Rust, archives, make).
FILE_SUFFIXES = frozenset({"py", "md", "sh", "pl", "pm", "rs", "so", "zip", "mov", "ps", "mk", "ml", "ts", "cs", "in"})
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")


@lru_cache(maxsize=1)
def top_level_domains() -> frozenset[str]:
    """Every top-level label of the bundled public-suffix list (ICANN and private sections)."""
    from importlib.resources import files

    text = files("publicsuffixlist").joinpath("public_suffix_list.dat").read_text(encoding="utf-8")
    out = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("//"):
            label = line.rsplit(".", 1)[-1].lstrip("!*")
            out.add(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii"))
    return frozenset(out)


def bare_sites(low: str, sites: Sites, obfuscated=None) -> None:
    """Domains written without a scheme (`888yx.vip`, `【官方注册地址：kx940.com】`): a site only when written
    obfuscated, in brackets, or after a site cue; a plain `README.md` or `config.app` in prose is not one."""
    if "." not in low:
        return
    tlds = top_level_domains()
    for m in _TLD_DOT.finditer(low):
        if m.group()[1:] not in tlds:
            continue
        start = m.start()
        while start and low[start - 1] in _HOST_CHARS:
            start -= 1
        while start < m.start() and low[start] in ".-":
            start += 1
        end = m.end()
        if start >= m.start() or start and low[start - 1] in "/@:\\=_" or low.startswith(("@", "/@"), end):
            continue  # part of a URL, an e-mail address or an identifier
        if m.group()[1:] in FILE_SUFFIXES and not (obfuscated is not None and obfuscated(start, end)):
            continue  # `wrapper.py`, `README.md`: files named in prose
        if bracketed(low, start, end) or cued(low, start) or obfuscated is not None and obfuscated(start, end):
            sites.add(domain_normal(low[start:end]), True, (start, end))
