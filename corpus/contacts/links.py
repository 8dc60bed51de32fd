"""Links that are contacts: messenger and Telegram URLs, mailto/tel schemes, shorteners and call-to-action links."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from corpus.contacts.cues import CTA_CUE
from corpus.contacts.hosts import LINE_HOSTS, MESSAGING_HOSTS, MESSENGER_HOSTS, SHORTENERS, TELEGRAM_HOSTS, bare_host
from corpus.contacts.kinds import TELEGRAM_RESERVED, Contact, canonical_url, is_placeholder
from corpus.contacts.kinds import plain_normal as normal
from corpus.contacts.promote import link_sites

CONTACT_HOSTS = frozenset({*MESSAGING_HOSTS, *SHORTENERS, *(f"www.{h}" for h in (*MESSAGING_HOSTS, *SHORTENERS))})
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DOUBLED_SCHEME = re.compile(r"^(?:https?:/*)+(?=https?://)", re.IGNORECASE)
_HTTP_HOST = re.compile(r"https?://(?:[^/?#@]*@)?([^/?#:\\]+)", re.IGNORECASE)
CONTACT_SCHEMES = frozenset({"tg", "mailto", "tel", "weixin", "whatsapp", "skype", "viber", "line", "sms"})


@lru_cache(maxsize=1 << 15)
def classify_url(url: str, cta: bool = False) -> tuple[str, str] | None:
    """(kind, value) of a link that is a contact: messenger links, mailto/tel, shorteners, or `cta` links."""
    url = _DOUBLED_SCHEME.sub("", url.strip())  # `https://https://t.me/x`: a typo that still names t.me/x
    if not _SCHEME.match(url):
        url = "https://" + url
    fast = _HTTP_HOST.match(url)
    if fast and not cta:  # most links on a page go elsewhere: decide on the host before parsing the URL
        host = fast.group(1).lower()
        if host not in CONTACT_HOSTS and not host.endswith((".t.me", "whatsapp.com", "qq.com")) and not (
                "google." in host and "/url?" in url):
            return None
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    except ValueError:
        return None
    query = parse_qs(parts.query)
    if scheme in ("http", "https"):
        host = bare_host(host)  # the lists spell hosts without `www.`
        segs = [unquote(p) for p in parts.path.split("/") if p]
        if host in TELEGRAM_HOSTS:
            if segs and segs[0] == "s":
                segs = segs[1:]
            if not segs or segs[0].lower() in TELEGRAM_RESERVED:
                return None
            if segs[0].startswith("+") or segs[0].lower() in ("joinchat", "c"):
                return _url_contact(url)
            handle = normal("telegram", segs[0])
            return ("telegram", handle) if handle else None
        if host.endswith(".t.me"):
            handle = normal("telegram", host[:-5])
            return ("telegram", handle) if handle else None
        if host == "wa.me" or (host.endswith("whatsapp.com") and host != "chat.whatsapp.com"):
            digits = segs[0] if host == "wa.me" and segs else (query.get("phone") or [""])[0]
            number = normal("whatsapp", "+" + digits.lstrip("+")) if digits.lstrip("+").isdigit() else None
            if number:
                return "whatsapp", number
            # `wa.me/message/…` is an invite; `wa.me/` and `wa.me/${n}` are a link built in code, not a contact
            return _url_contact(url) if host == "wa.me" and segs and segs[0][:1].isalnum() else None
        if host.endswith("qq.com") and (number := (query.get("group_code") or query.get("uin") or [""])[0]):
            qq = normal("qq", number)  # qm.qq.com/cgi-bin/qm/qr?…&group_code=N: a QQ group's number
            return ("qq", qq) if qq else _url_contact(url)
        if host in LINE_HOSTS:
            idx = next((i for i, p in enumerate(segs) if p == "p" and i and segs[i - 1] == "ti"), -1)
            if 0 <= idx < len(segs) - 1:
                line_id = normal("line", segs[idx + 1])
                return ("line", line_id) if line_id else None
            return _url_contact(url)
        bare = host.removeprefix("www.")
        if bare.startswith("google.") and parts.path == "/url" and query.get("q"):
            return _url_contact(url)  # google.com/url?q=…: a redirect, like a shortener
        if bare in SHORTENERS or bare in MESSENGER_HOSTS or cta:
            return _url_contact(url)
        return None
    if scheme == "tg":
        if host == "resolve" and query.get("domain"):
            handle = normal("telegram", query["domain"][0])
            return ("telegram", handle) if handle else None
        return _url_contact(url) if host == "join" else None
    if scheme == "mailto":
        email = normal("email", unquote(url[7:]).strip())  # `mailto: name@host` with a space works in browsers
        return ("email", email) if email else None
    if scheme in ("tel", "sms"):
        number = normal("phone", unquote(url.split(":", 1)[1]).split("?")[0].split(";")[0])
        return ("phone", number) if number else None
    if scheme == "whatsapp" and query.get("phone"):
        number = normal("whatsapp", "+" + query["phone"][0].lstrip("+ "))
        return ("whatsapp", number) if number else None
    return _url_contact(url) if scheme in CONTACT_SCHEMES else None


def _url_contact(url: str) -> tuple[str, str] | None:
    value = canonical_url(url)
    return ("url", value) if value else None


def contacts_from_links(urls: Iterable[str], anchors: Mapping[str, str] | None = None,
                        page_url: str | None = None, declared: Iterable[str] = ()) -> list[Contact]:
    """Contacts among a page's link targets (where="link"); `anchors` maps a URL to its anchor text.

    A link is a call to action by its anchor (`联系我们`, `buy now`) only if it leaves the page's own site:
    a site's navigation to its own contact page is not a contact. The sites the links promote (corpus.contacts.promote)
    follow as `domain` contacts; a site the page `declared` as its own (canonical link, og:url) is one of them
    unless it is the site the page was fetched from.
    """
    out = []
    urls = list(urls)
    own = site_of(page_url) if page_url else None
    for url in urls:
        anchor = (anchors or {}).get(url, "")
        cta = bool(anchor) and bool(CTA_CUE.search(anchor.lower())) and site_of(url) != own
        got = classify_url(url, cta=cta)
        if got and not is_placeholder(*got):
            out.append(Contact(got[0], got[1], "link"))
    out += [Contact("domain", d, "link") for d in link_sites(urls, anchors, own, declared)
            if not is_placeholder("domain", d)]
    return out


def site_of(url: str) -> str:
    fast = _HTTP_HOST.match(url)
    return fast.group(1).lower().removeprefix("www.") if fast else ""
