"""The `domain` kind: registrable domains (public-suffix list, bundled snapshot), and hosts that are never promoted."""
from __future__ import annotations

import re
from functools import lru_cache

from corpus.contacts.hosts import SHORTENERS

# A host as written in text or a link: labels of letters (any script, for IDNs), digits and hyphens.
_LABEL = re.compile(r"(?!-)[0-9a-z\u00a1-\uffff-]{1,63}(?<!-)")
_ASCII_HOST = re.compile(r"(?!-)[0-9a-z-]{1,63}(?<!-)(?:\.(?!-)[0-9a-z-]{1,63}(?<!-))+")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@lru_cache(maxsize=1)
def _psl():
    # the snapshot bundled with the package; accept_unknown=False: `config.json`, `main.rs` are not domains
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=False)


def host_of(raw: str) -> str:
    """The host part of a URL or of a bare `host/path` (lowercase, no port, no trailing dot)."""
    s = raw.strip()
    m = _SCHEME.match(s)
    while m:  # `https://https://t.me/x`: a doubled scheme is a typo, not a host named `https`
        s = s[m.end():]
        m = _SCHEME.match(s)
    s = s.lstrip("/")
    s = re.split(r"[/?#\\\s]", s, maxsplit=1)[0]
    s = s.rsplit("@", 1)[-1]
    if s.startswith("["):
        return ""
    return s.split(":", 1)[0].rstrip(".").lower()


@lru_cache(maxsize=1 << 14)
def registrable(host: str) -> str | None:
    """The registrable domain of `host` in IDNA form (`www.foo.example.co.uk` -> `example.co.uk`,
    `a.github.io` -> `a.github.io`); None for public suffixes, IP addresses, unknown TLDs and bad labels."""
    host = host.strip().rstrip(".").lower()
    if not host or len(host) > 253 or _IPV4.fullmatch(host) or "." not in host:
        return None
    if host.isascii():  # the usual case: one pattern for the whole host instead of one per label
        return _psl().privatesuffix(host) if _ASCII_HOST.fullmatch(host) else None
    labels = host.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    try:
        ascii_host = ".".join(lab if lab.isascii() else "xn--" + lab.encode("punycode").decode("ascii")
                              for lab in labels)
    except UnicodeError:
        return None
    if any(len(lab) > 63 or "_" in lab for lab in ascii_host.split(".")):
        return None
    return _psl().privatesuffix(ascii_host)


_DATE_LIKE = re.compile(r"^[0-9]{1,4}([-/][0-9]{1,4}){1,2}\.")


@lru_cache(maxsize=1 << 14)  # pure; a site's links recur on every page of a crawl
def domain_normal(raw: str) -> str | None:
    """Normal form of the `domain` kind for normalised text: a URL or a bare host -> its registrable domain.

    None for a link shortener or redirector (`bit.ly/x`, `google.com/url?q=…`): it is shared by every operation
    that uses it, so it names no site; its links are `url` contacts."""
    domain = registrable(host_of(raw))
    if domain and _DATE_LIKE.match(domain):
        return None  # "2026-01-07. By …": a date before a sentence, not a site
    if domain in SHORTENERS or domain and domain.startswith("google.") and "/url?" in raw:
        return None
    return domain


# Sites that a page links for reasons other than promoting them: the code host itself, package registries,
# CDNs and file hosts, badges, documentation and standards, search engines, encyclopaedias, the big social
# platforms (a profile link there names a person, not a site), and the messengers (contacts of their own kinds).
NOT_PROMOTED = frozenset({
    # code hosts and their raw-file and release hosts
    "github.com", "gitlab.com", "gitee.com", "bitbucket.org", "sourceforge.net", "codeberg.org", "gitcode.com",
    "gitcode.net", "coding.net", "githubassets.com", "github.blog", "gitlab.io", "gist.github.com", "git.io",
    # package registries and language sites
    "npmjs.com", "npmjs.org", "pypi.org", "python.org", "packagist.org", "pugx.org", "nuget.org", "crates.io",
    "rubygems.org", "mvnrepository.com", "maven.org", "apache.org", "golang.org", "go.dev", "pkg.go.dev",
    "nodejs.org", "php.net", "rust-lang.org", "docs.rs", "java.com", "oracle.com", "microsoft.com",
    "visualstudio.com", "docker.com", "hub.docker.com", "anaconda.org", "conda.io", "cpan.org", "hex.pm",
    "pub.dev", "cocoapods.org", "jitpack.io", "readthedocs.io", "readthedocs.org", "gnu.org", "kernel.org",
    "debian.org", "ubuntu.com", "archlinux.org", "mozilla.org", "w3.org", "whatwg.org", "ietf.org", "rfc-editor.org",
    "schema.org", "opensource.org", "creativecommons.org", "choosealicense.com", "spdx.org", "json-schema.org",
    "stackoverflow.com", "stackexchange.com", "wikipedia.org", "wikimedia.org", "wikidata.org", "mdn.io",
    # CDNs, storage, badges, images
    "jsdelivr.net", "unpkg.com", "cdnjs.com", "cloudflare.com", "cloudfront.net", "akamaihd.net", "googleapis.com",
    "gstatic.com", "bootstrapcdn.com", "fontawesome.com", "cloudinary.com", "imgur.com", "unsplash.com",
    "shields.io", "badgen.net", "badge.fury.io", "travis-ci.org", "travis-ci.com", "circleci.com", "codecov.io",
    "coveralls.io", "starchart.cc", "star-history.com", "vercel.com", "netlify.com", "heroku.com",
    "amazonaws.com", "aliyuncs.com", "qcloud.com", "myqcloud.com", "sinaimg.cn", "postimg.cc", "ibb.co",
    "gravatar.com", "img.shields.io", "dmca.com",
    # search engines, big platforms, social networks
    "google.com", "bing.com", "baidu.com", "yandex.ru", "yahoo.com", "duckduckgo.com", "apple.com",
    "youtube.com", "youtu.be", "facebook.com", "facebook.net", "fb.com", "instagram.com", "twitter.com", "x.com",
    "tiktok.com", "linkedin.com", "reddit.com", "medium.com", "pinterest.com", "tumblr.com", "weibo.com",
    "zhihu.com", "bilibili.com", "douyin.com", "vk.com", "ok.ru", "discord.com", "discord.gg", "twitch.tv",
    "openai.com", "chatgpt.com", "anthropic.com", "claude.ai", "deepseek.com", "android.com", "openstreetmap.org",
    # messengers: their links are contacts of their own kinds (telegram, whatsapp, qq, line, wechat)
    "t.me", "telegram.me", "telegram.dog", "telegram.org", "wa.me", "whatsapp.com", "whatsapp.net", "qq.com",
    "line.me", "lin.ee", "line.biz", "wechat.com", "weixin.qq.com", "signal.me", "signal.org", "skype.com",
    "viber.com", "kakao.com", "zalo.me",
})
# Placeholder and documentation names (RFC 2606/6761 and their usual stand-ins).
PLACEHOLDER_SITES = frozenset({
    "example.com", "example.org", "example.net", "domain.com", "yourdomain.com", "yoursite.com", "yourcompany.com",
    "company.com", "test.com", "sample.com", "foo.com", "bar.com", "website.com", "mysite.com", "mydomain.com",
    "site.com", "email.com", "localhost.com"})


_HTTP_HOST = re.compile(r"https?://(?:www\.)?([^/?#@:\\]+)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _skipped_hosts() -> frozenset[str]:
    """Hosts whose registrable domain is in NOT_PROMOTED, recognised before any public-suffix lookup."""
    return frozenset(h for h in NOT_PROMOTED if registrable(h) in NOT_PROMOTED)


def never_promoted(url: str) -> bool:
    """A link to github.com, shields.io, t.me …: decided from its host alone (most links on a page)."""
    m = _HTTP_HOST.match(url)
    return bool(m) and m.group(1).lower() in _skipped_hosts()


def promotable(domain: str) -> bool:
    """A registrable domain that a page could be promoting: not infrastructure and not a placeholder."""
    return domain not in NOT_PROMOTED and domain not in PLACEHOLDER_SITES and not domain.startswith(
        ("your", "my-site", "example")) and "example" not in domain.split(".")[0]


# Link shorteners and redirectors: the link itself is what a page promotes.
# Affiliate networks: a link there pays someone for the visit.
AFFILIATE = frozenset({"pxf.io", "sjv.io", "impactradius-go.com", "awin1.com", "anrdoezrs.net", "dpbolvw.net",
                       "jdoqocy.com", "kqzyfj.com", "tkqlhce.com", "linksynergy.com", "shareasale.com",
                       "clickbank.net", "hop.clickbank.net", "avantlink.com", "partnerize.com", "prf.hn"})
# Referral and tracking paths: `/ref/code`, `/i/CODE`, `?ref=`, `?aff=`, `?chn=`, `?invite=`.
REFERRAL = re.compile(r"/(?:ref|r|i|invite|aff|promo)/[^/?#]+|[?&](?:ref|aff|affid|aff_id|chn|invite|"
                      r"invitecode|invite_code|inviter|promo|promocode|code|agent|tracking|btag|pid|clickid)=", re.I)
