"""Contact kinds: the Contact record, each kind's syntax and plain-text normal form, and placeholder values."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from corpus.contacts.domains import PLACEHOLDER_SITES, domain_normal
from corpus.contacts.normalise import AT_TOKENS
from corpus.contacts.phones import is_fictional_phone, phone_e164, repetitive
from corpus.ids import canonicalize_url


@dataclass(frozen=True)
class Contact:
    kind: str      # corpus.labels.CONTACT_KINDS
    value: str     # normal form
    where: str     # title | text | boilerplate | link
    start: int = -1  # offsets of the mention in the original string (-1 for links)
    end: int = -1

    def as_row(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value, "where": self.where}


def merge_contacts(groups: Iterable[Iterable[Contact]]) -> list[Contact]:
    """One contact per (kind, value), in order; the first group (and first mention) wins."""
    seen: dict[tuple[str, str], Contact] = {}
    for group in groups:
        for contact in group:
            seen.setdefault((contact.kind, contact.value), contact)
    return list(seen.values())


TELEGRAM_RE = re.compile(r"[a-z][a-z0-9_]{3,30}[a-z0-9]")
WECHAT_RE = re.compile(r"[a-z][a-z0-9_-]{5,19}|[0-9]{6,15}|[\u4e00-\u9fff][\u4e00-\u9fffa-z0-9_-]{1,19}")
QQ_RE = re.compile(r"[1-9][0-9]{4,10}")
LINE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,19}")
EMAIL_RE = re.compile(r"[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}")
FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "ico", "bmp", "avif"})


@lru_cache(maxsize=1 << 15)  # pure; the same handles and numbers recur across a campaign's pages
def plain_normal(kind: str, raw: str, region: str | tuple[str, ...] | None = None) -> str | None:
    """Normal form of a value written as text (a handle, a number, an address), or None if it is not valid syntax.

    Values written as links (`t.me/x`, `wa.me/…`, `tel:…`) are read by corpus.contacts.values.normal, which sends
    them through the link rules first; `tel:`/`sms:` prefixes are plain text here.
    """
    if kind == "telegram":
        value = raw.lower()
        # `TG[at]kx777`: the scan reads an obfuscated at as `@`, so the mention it reports slices back to one
        value = value[len(at):] if (at := next((t for t in AT_TOKENS if value.startswith(t)), "")) else value
        value = value.removeprefix("@")
        return value if TELEGRAM_RE.fullmatch(value) and "__" not in value else None
    if kind in ("phone", "whatsapp", "qq") and raw[:4].lower() in ("tel:", "sms:"):
        raw = raw[4:].split("?")[0].split(";")[0]
    if kind in ("phone", "whatsapp"):
        number = phone_e164(raw, region)
        if number is None and kind == "whatsapp" and len(digits := re.sub(r"[^0-9]", "", raw)) >= 11 and (
                raw.strip()[:1].isdigit()):
            number = phone_e164("+" + digits)  # WhatsApp numbers are written with their country code, `+` or not
        return number
    if kind == "wechat":
        value = raw.lower().strip("【】")
        return value if WECHAT_RE.fullmatch(value) else None
    if kind == "qq":
        value = re.sub(r"[\s.()\[\]【】-]", "", raw)
        return value if QQ_RE.fullmatch(value) else None
    if kind == "line":
        value = raw.lower().lstrip("~@")
        return value if LINE_RE.fullmatch(value) and not value.endswith(".") else None
    if kind == "email":
        value = raw.lower().removeprefix("mailto:").split("?")[0]
        ok = EMAIL_RE.fullmatch(value) and value.rsplit(".", 1)[1] not in FILE_TLDS and ".." not in value
        return value if ok else None
    if kind == "domain":
        return domain_normal(raw)
    if kind == "url":
        return canonical_url(raw)
    raise ValueError(f"unknown contact kind {kind!r}")


def canonical_url(raw: str) -> str | None:
    try:
        parts = urlsplit(raw)
        if parts.scheme.lower() in ("http", "https"):
            return canonicalize_url(raw)
    except ValueError:  # InvalidURL included
        return None
    if not parts.scheme or any(c.isspace() for c in raw):
        return None
    return parts.scheme.lower() + raw[len(parts.scheme):]


# Telegram's own and well-known utility bots that set-up guides send readers to (to read a chat id, to make a bot):
# named on a page, they are not its contact.
SERVICE_BOTS = frozenset({
    "botfather", "userinfobot", "rawdatabot", "getmyid_bot", "getidsbot", "myidbot", "username_to_id_bot",
    "jsondumpbot", "chatid_echo_bot", "get_id_bot", "showjsonbot", "getchatid_bot", "raw_info_bot", "idbot",
    "stickers", "gif", "vid", "pic", "bing", "wiki", "imdb", "like", "vote", "telegraph", "spambot", "gamebot",
    "webpagebot", "quizbot", "tgstat", "tgstat_bot", "notoscam", "jobs_bot", "premiumbot", "wallet"})
# First path segments of t.me that are Telegram's own (share buttons, sticker packs, proxies, boosts): no user can
# hold these names, so `t.me/login` and `TG @login` name nobody alike.
TELEGRAM_RESERVED = frozenset({"share", "addstickers", "addemoji", "addtheme", "setlanguage", "proxy", "socks",
                               "iv", "login", "bg", "invoice", "confirmphone", "addlist", "boost", "contact"})
PLACEHOLDER_HANDLES = frozenset({
    "username", "user_name", "channel", "channelname", "channel_name", "botname", "bot_name", "example",
    "examplebot", "example_bot", "testbot", "test_bot", "handle", "mybot", "my_bot", "mychannel",
    "my_channel", "somebot", "some_bot", "foobar", "foo_bot", "foobot", "telegram", "botfather",
    "wechat", "weixin", "whatsapp", "wechat_id", "wechatid", "line_id", "lineid", "userid", "user_id"})
PLACEHOLDER_EMAIL_LOCALS = frozenset({
    "you", "your", "yourname", "your.name", "your_name", "youremail", "your.email", "your_email", "name",
    "username", "user", "email", "someone", "somebody", "test", "example", "john.doe", "jane.doe", "johndoe",
    "janedoe", "foo", "bar", "me", "firstname.lastname", "first.last"})
PLACEHOLDER_DOMAINS = frozenset({
    "example.com", "example.org", "example.net", "domain.com", "yourdomain.com", "email.com", "yoursite.com",
    "yourcompany.com", "company.com", "test.com", "sample.com", "foo.com", "bar.com", "website.com"})
PLACEHOLDER_TLDS = ("example", "invalid", "test", "local", "localhost")


# Mailing-list machinery (list addresses, subscription and bounce addresses, archive relays), messenger ids that
# look like addresses (WhatsApp's `number@s.whatsapp.net`), role addresses nobody answers, and the German
# "Mustermann" stand-ins.
LIST_HOSTS = ("googlegroups.com", "vger.kernel.org", "lfdr.de", "groups.io", "freelists.org", "s.whatsapp.net",
              "c.us", "g.us", "users.noreply.github.com")
LIST_LOCAL = re.compile(r".*\+(?:unsubscribe|subscribe|help|owners?|bnc[a-z0-9]*)$|googlegroups-manage\+.*|lists\+.*"
                        r"|.*-(?:owner|request|bounces?|unsubscribe|subscribe)|majordomo|listserv|mailer-daemon|postmaster"
                        r"|hostmaster|abuse|no-?reply|do-?not-?reply|muster.*|max\.mustermann")


def not_a_mailbox(local: str, domain: str) -> bool:
    if domain == "qq.com" and local.isdigit() and not QQ_RE.fullmatch(local):
        return True  # a QQ mailbox is named by its QQ number: `110@qq.com` is a joke, not an address
    if domain.startswith("lists.") or domain.endswith(LIST_HOSTS) or LIST_LOCAL.fullmatch(local):
        return True
    return domain_normal(domain) is None or domain.split(".")[0].startswith("muster")  # `kontakt@domain.tld`


def is_placeholder(kind: str, value: str) -> bool:
    """True for documentation placeholders and fictional values (`@your_bot`, `user@example.com`, 555-01xx)."""
    v = value.lower()
    if re.fullmatch(r"[x*._@+-]*", v) or "xxx" in v or "***" in v:
        return True
    if kind == "telegram" and (v in SERVICE_BOTS or v in TELEGRAM_RESERVED):
        return True
    if kind in ("telegram", "wechat", "line"):
        return v in PLACEHOLDER_HANDLES or v.startswith(("your", "my_")) or v.endswith(("_here", "_name"))
    if kind in ("phone", "whatsapp"):
        return is_fictional_phone(v)
    if kind == "qq":
        return repetitive(v) or v in ("10000", "10001")
    if kind == "email":
        local, _, domain = v.partition("@")
        return (domain in PLACEHOLDER_DOMAINS or not_a_mailbox(local, domain) or domain.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS
                or local in PLACEHOLDER_EMAIL_LOCALS or local.startswith("your") or domain.startswith("your"))
    if kind == "domain":
        return v in PLACEHOLDER_SITES or v.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS or v.startswith("your")
    if kind == "url":
        host = (urlsplit(v).hostname or "").removeprefix("www.")
        return host in PLACEHOLDER_DOMAINS or host.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS
    return False


# Contact-shaped stand-ins a page may write (`@your_channel`, `<your_token>`, `user@example.com`, `555-0142`, `xxxx`):
# found by shape here, judged by `is_placeholder` (the one rule set), so the detector's signal and the extractor
# never disagree on what a placeholder is.
_STAND_IN_WITHOUT_AT = (r"<(?:your|bot)[_ -]?\w*>|your[_-]?(?:bot|channel|handle|username)\b|555[-. ]?01\d\d\b|xxxx+|"
                        r"123456789\b")
_STAND_IN = re.compile(r"[a-z0-9._%+-]*@[a-z0-9_][\w.-]*|" + _STAND_IN_WITHOUT_AT)
# The same without the `@` branch, for texts with no `@`: that branch starts with a starred class, so sre tries it at
# every character of every word; skipping it finds the same stand-ins several times faster.
_STAND_IN_NO_AT = re.compile(_STAND_IN_WITHOUT_AT)
# Every branch needs one of these (or an `@`): most pages have none, and `in` is a memchr, not a regex scan.
_STAND_IN_NEEDS = ("your", "<bot", "555", "xxxx", "123456789")


def count_placeholders(low: str) -> int:
    """How many stand-in contacts lowercased text shows (documentation written for readers to fill in)."""
    if "@" in low:
        pattern = _STAND_IN
    elif any(needed in low for needed in _STAND_IN_NEEDS):
        pattern = _STAND_IN_NO_AT
    else:
        return 0
    n = 0
    for m in pattern.finditer(low):
        token = m.group().strip("<>").rstrip(".")
        local, at, host = token.partition("@")
        if at and local and "." in host:
            kind, value = "email", token
        elif at:
            kind, value = "telegram", host
        elif token[0].isdigit():
            digits = re.sub(r"\D", "", token)
            # a NANP number written without its area code: judged as if it had one
            kind, value = ("phone", "+1201" + digits) if digits.startswith("555") else ("qq", digits)
        else:
            kind, value = "telegram", token
        n += is_placeholder(kind, value)
    return n
