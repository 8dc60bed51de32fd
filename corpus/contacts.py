"""Contact extraction: every mention of a handle, number, id, e-mail or call-to-action link, in normal form."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Iterable, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

import phonenumbers

from corpus.ids import InvalidURL, canonicalize_url

# --- text normalisation with an offset map -------------------------------------------------------------
# Only characters whose NFKC form carries ASCII letters, digits or URL punctuation are rewritten (full-width
# ＱＱ１２３, mathematical 𝐞𝐬𝐢𝐦, circled Ⓐ, ℡); CJK punctuation stays, so most Chinese text is copied as is.
ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\ufe0e\ufe0f"
# full-width sentence punctuation is everywhere in Chinese text and never part of a contact: leave it alone
KEEP = frozenset("，！？；：")
_BLOCKS = ((0x80, 0x2FFF), (0x3000, 0x33FF), (0xFB00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF))


def _build_char_map() -> dict[str, str]:
    table = {ch: "" for ch in ZERO_WIDTH}
    for lo, hi in _BLOCKS:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            norm = unicodedata.normalize("NFKC", ch)
            if norm != ch and norm.isascii() and norm.strip() and norm.isprintable() and ch not in KEEP:
                table[ch] = norm
    table["\u0130"] = "I"  # the one character whose lowercase is two characters: keep lower() length-preserving
    return table


CHAR_MAP = _build_char_map()


def _char_class(chars: Iterable[str]) -> str:
    """A regex class of `chars` as ranges: sre tests a class item by item, so few items keep scans fast."""
    cps, items = sorted(ord(c) for c in chars), []
    for cp in cps:
        if items and items[-1][1] == cp - 1:
            items[-1][1] = cp
        else:
            items.append([cp, cp])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in items) + "]"


# One pattern per plane: sre tests a BMP-only class with a bitmap, but a class (or an alternation) with astral
# characters range by range, which is several times slower on every character of the page.
_CHANGED = (re.compile(_char_class(c for c in CHAR_MAP if CHAR_MAP[c] != c and c <= "\uffff") + "+"),
            re.compile("[\U0001d400-\U0001d7ff\U0001f100-\U0001f1ff]+"))
ONE_TO_ONE = {ord(c): r for c, r in CHAR_MAP.items() if len(r) == 1}
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_TLD_AHEAD = r"(?=(?:com|net|org|me|io|co|cn|hk|tw|info|xyz|top|cc|ru|[a-z]{2})(?![a-z0-9]))"
# obfuscated dots and ats (`gmail[dot]com`, `t。me`, `name(at)mail`, `abc ● com`), in lowercased text, each
# token found by its own pattern that starts with the token (fast) and checked for a letter or digit before it
AT_TOKENS = ("[at]", "(at)", "{at}", "<at>")
OBFUSCATION = {tok: re.compile(re.escape(tok) + " ?" + ("(?=[a-z0-9])" if tok[0] in "[({<" else _TLD_AHEAD))
               for tok in ("[dot]", "(dot)", "{dot}", "<dot>", *AT_TOKENS, "●", "•", "·", "。", " dot ")}


def _obfuscations(low: str) -> list[tuple[int, int, str]]:
    edits = []
    for token, pattern in OBFUSCATION.items():
        if token not in low:
            continue
        for m in pattern.finditer(low):
            a = m.start() - (token[0] != " " and m.start() > 0 and low[m.start() - 1] == " ")
            if a > 0 and low[a - 1] in _ALNUM:
                edits.append((a, m.end(), "@" if token in AT_TOKENS else "."))
    edits.sort()
    return [e for i, e in enumerate(edits) if i == 0 or e[0] >= edits[i - 1][1]]


def _spliced(text: str, edits: list[tuple[int, int, str]]) -> list[str]:
    pieces, last = [], 0
    for a, b, rep in edits:
        pieces += (text[last:a], rep)
        last = b
    pieces.append(text[last:])
    return pieces


class _Norm:
    """Normalised text, its lowercase twin (same length), and for each character the original span it came from."""

    __slots__ = ("text", "low", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text, self.starts, self.ends = text, None, None
        runs = []
        if not text.isascii():
            astral = len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)  # C-speed, unlike max()
            patterns = _CHANGED if astral else _CHANGED[:1]
            runs = [m.span() for p in patterns if p.search(text) for m in p.finditer(text)]
        if runs:
            edits = sorted((i, i + 1, CHAR_MAP.get(text[i], text[i])) for a, b in runs for i in range(a, b))
            if all(len(rep) == 1 for *_, rep in edits):  # the usual case: same length, identity offsets
                self.text = "".join(_spliced(text, edits))
            else:
                self._apply(edits)
        self.low = self.text.lower()
        edits = _obfuscations(self.low)
        if edits:
            self._apply(edits)
            self.low = self.text.lower()

    def _apply(self, edits: list[tuple[int, int, str]]) -> None:
        """Replace text[a:b] by each `rep`; the new characters map to the original span of text[a:b]."""
        src = self.text
        old_s = self.starts if self.starts is not None else range(len(src))
        old_e = self.ends if self.ends is not None else range(1, len(src) + 1)
        pieces, starts, ends, last = [], [], [], 0
        for a, b, rep in edits:
            pieces.append(src[last:a]); starts.extend(old_s[last:a]); ends.extend(old_e[last:a])
            pieces.append(rep); starts.extend([old_s[a]] * len(rep)); ends.extend([old_e[b - 1]] * len(rep))
            last = b
        pieces.append(src[last:]); starts.extend(old_s[last:]); ends.extend(old_e[last:])
        self.text, self.starts, self.ends = "".join(pieces), starts, ends

    def span(self, a: int, b: int) -> tuple[int, int]:
        if self.starts is None:
            return a, b
        return self.starts[a], self.ends[b - 1]


def normalize_text(text: str) -> str:
    """The form contacts are matched in (NFKC letters and digits, no zero-width characters, de-obfuscated)."""
    return _Norm(text).text


# --- normal forms ---------------------------------------------------------------------------------------
TELEGRAM_RE = re.compile(r"[a-z][a-z0-9_]{3,30}[a-z0-9]")
WECHAT_RE = re.compile(r"[a-z][a-z0-9_-]{5,19}|[0-9]{6,15}")
QQ_RE = re.compile(r"[1-9][0-9]{4,10}")
LINE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,19}")
EMAIL_RE = re.compile(r"[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}")
FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "ico", "bmp", "avif"})
CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
NANP = re.compile(r"1?[2-9][0-9]{2}[2-9][0-9]{6}")
_TG_URL = re.compile(r"https?://|tg:|(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/|[a-z0-9_]+\.t\.me(?![a-z0-9.-])", re.I)


def _phone(raw: str, region: str | None = None) -> str | None:
    """E.164 for a written number: `+` form as is, `00` prefix, CN mobile and NANP shapes, else `region`."""
    digits = re.sub(r"[^0-9]", "", raw)
    if not 7 <= len(digits) <= 17:
        return None
    if raw.lstrip().startswith("+"):
        candidate = "+" + digits
    elif digits.startswith("00"):
        candidate = "+" + digits[2:]
    elif CN_MOBILE.fullmatch(digits):
        candidate, region = digits, "CN"
    elif region is None and NANP.fullmatch(digits):
        candidate, region = digits, "US"
    elif region:
        candidate = digits
    else:
        return None
    try:
        number = phonenumbers.parse(candidate, None if candidate.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_value(kind: str, raw: str, region: str | None = None) -> str | None:
    """Normal form of a raw contact of `kind` (as written or as linked), or None if it is not valid syntax."""
    return _normal(kind, normalize_text(raw).strip(), region)


@lru_cache(maxsize=1 << 15)  # pure; the same handles and numbers recur across a campaign's pages
def _normal(kind: str, raw: str, region: str | None = None) -> str | None:
    """normalize_value for text that is already normalised."""
    if kind == "telegram":
        if _TG_URL.match(raw):  # a link: the same rules as links on the page
            got = classify_url(raw)
            return got[1] if got and got[0] == "telegram" else None
        value = raw.removeprefix("@").lower()
        return value if TELEGRAM_RE.fullmatch(value) and "__" not in value else None
    if kind in ("phone", "whatsapp"):
        return _phone(raw, region)
    if kind == "wechat":
        value = raw.lower()
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
    if kind == "url":
        return _canonical_url(raw)
    raise ValueError(f"unknown contact kind {kind!r}")


def _canonical_url(raw: str) -> str | None:
    try:
        parts = urlsplit(raw)
        if parts.scheme.lower() in ("http", "https"):
            return canonicalize_url(raw)
    except ValueError:  # InvalidURL included
        return None
    if not parts.scheme or any(c.isspace() for c in raw):
        return None
    return parts.scheme.lower() + raw[len(parts.scheme):]


# --- placeholders ---------------------------------------------------------------------------------------
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
_FICTIONAL_PHONE = re.compile(
    r"\+1[2-9][0-9]{2}55501[0-9]{2}|\+447700900[0-9]{3}|\+44207946[0-9]{4}|\+61491570(?:15[6-9]|1[6-9][0-9])")


def _repetitive(digits: str) -> bool:
    return (len(set(digits)) <= 2 or "123456789" in digits or "987654321" in digits
            or digits in "01234567890" or digits in "9876543210")


def is_placeholder(kind: str, value: str) -> bool:
    """True for documentation placeholders and fictional values (`@your_bot`, `user@example.com`, 555-01xx)."""
    v = value.lower()
    if re.fullmatch(r"[x*._@+-]*", v) or "xxx" in v or "***" in v:
        return True
    if kind in ("telegram", "wechat", "line"):
        return v in PLACEHOLDER_HANDLES or v.startswith(("your", "my_")) or v.endswith(("_here", "_name"))
    if kind in ("phone", "whatsapp"):
        return bool(_FICTIONAL_PHONE.fullmatch(v)) or _repetitive(v.lstrip("+")[2:])
    if kind == "qq":
        return _repetitive(v) or v in ("10000", "10001")
    if kind == "email":
        local, _, domain = v.partition("@")
        return (domain in PLACEHOLDER_DOMAINS or domain.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS
                or local in PLACEHOLDER_EMAIL_LOCALS or local.startswith("your") or domain.startswith("your"))
    if kind == "url":
        host = (urlsplit(v).hostname or "").removeprefix("www.")
        return host in PLACEHOLDER_DOMAINS or host.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS
    return False


# --- links ----------------------------------------------------------------------------------------------
SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "t.cn", "goo.gl", "is.gd", "ow.ly", "cutt.ly", "rebrand.ly", "shorturl.at",
    "s.id", "t.co", "rb.gy", "tiny.cc", "bitly.com", "v.gd", "dwz.cn", "url.cn", "suo.im", "lin.ee", "linktr.ee"})
MESSENGER_HOSTS = frozenset({
    "chat.whatsapp.com", "wa.link", "signal.me", "signal.group", "discord.gg", "discord.com", "m.me",
    "zalo.me", "open.kakao.com", "qm.qq.com", "u.wechat.com", "weixin.qq.com", "viber.me", "invite.viber.com",
    "join.skype.com", "lin.ee"})
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog", "www.t.me", "www.telegram.me"})
# first path segments of t.me that are not user names (share buttons, sticker packs, proxies)
TELEGRAM_RESERVED = frozenset({"share", "addstickers", "addemoji", "addtheme", "setlanguage", "proxy", "socks",
                               "iv", "login", "bg", "invoice", "confirmphone", "addlist", "boost", "contact"})
CONTACT_HOSTS = frozenset({*TELEGRAM_HOSTS, "wa.me", "line.me", "www.line.me", *SHORTENERS, *MESSENGER_HOSTS,
                           *(f"www.{h}" for h in (*SHORTENERS, *MESSENGER_HOSTS))})
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)
_HTTP_HOST = re.compile(r"https?://(?:[^/?#@]*@)?([^/?#:\\]+)", re.I)
CONTACT_SCHEMES = frozenset({"tg", "mailto", "tel", "weixin", "whatsapp", "skype", "viber", "line", "sms"})


@lru_cache(maxsize=1 << 15)
def classify_url(url: str, cta: bool = False) -> tuple[str, str] | None:
    """(kind, value) of a link that is a contact: messenger links, mailto/tel, shorteners, or `cta` links."""
    url = url.strip()
    if not _SCHEME.match(url):
        url = "https://" + url
    fast = _HTTP_HOST.match(url)
    if fast and not cta:  # most links on a page go elsewhere: decide on the host before parsing the URL
        host = fast.group(1).lower()
        if host not in CONTACT_HOSTS and not host.endswith((".t.me", "whatsapp.com")):
            return None
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    except ValueError:
        return None
    query = parse_qs(parts.query)
    if scheme in ("http", "https"):
        segs = [unquote(p) for p in parts.path.split("/") if p]
        if host in TELEGRAM_HOSTS:
            if segs and segs[0] == "s":
                segs = segs[1:]
            if not segs or segs[0].lower() in TELEGRAM_RESERVED:
                return None
            if segs[0].startswith("+") or segs[0].lower() in ("joinchat", "c"):
                return _url_contact(url)
            handle = _normal("telegram", segs[0])
            return ("telegram", handle) if handle else None
        if host.endswith(".t.me"):
            handle = _normal("telegram", host[:-5])
            return ("telegram", handle) if handle else None
        if host == "wa.me" or (host.endswith("whatsapp.com") and host != "chat.whatsapp.com"):
            digits = segs[0] if host == "wa.me" and segs else (query.get("phone") or [""])[0]
            number = _normal("whatsapp", "+" + digits.lstrip("+")) if digits.lstrip("+").isdigit() else None
            return ("whatsapp", number) if number else _url_contact(url) if host == "wa.me" else None
        if host in ("line.me", "www.line.me"):
            idx = next((i for i, p in enumerate(segs) if p == "p" and i and segs[i - 1] == "ti"), -1)
            if 0 <= idx < len(segs) - 1:
                line_id = _normal("line", segs[idx + 1])
                return ("line", line_id) if line_id else None
            return _url_contact(url)
        bare = host.removeprefix("www.")
        if bare in SHORTENERS or bare in MESSENGER_HOSTS or cta:
            return _url_contact(url)
        return None
    if scheme == "tg":
        if host == "resolve" and query.get("domain"):
            handle = _normal("telegram", query["domain"][0])
            return ("telegram", handle) if handle else None
        return _url_contact(url) if host == "join" else None
    if scheme == "mailto":
        email = _normal("email", unquote(url[7:]))
        return ("email", email) if email else None
    if scheme in ("tel", "sms"):
        number = _normal("phone", unquote(url.split(":", 1)[1]).split("?")[0].split(";")[0])
        return ("phone", number) if number else None
    if scheme == "whatsapp" and query.get("phone"):
        number = _normal("whatsapp", "+" + query["phone"][0].lstrip("+ "))
        return ("whatsapp", number) if number else None
    return _url_contact(url) if scheme in CONTACT_SCHEMES else None


def _url_contact(url: str) -> tuple[str, str] | None:
    value = _canonical_url(url)
    return ("url", value) if value else None


# --- mentions in text -----------------------------------------------------------------------------------
# Everything below runs on the lowercased normalised text. Each scan starts with a literal (a cue word, `@`,
# `+`, a URL prefix) because Python's re only skips ahead quickly when a pattern begins with one.
def _word(word: str) -> str:
    """An ASCII cue word with letter boundaries (lookbehind after the literal, see _after_alnum)."""
    return f"{re.escape(word)}(?<![a-z0-9]{re.escape(word)})(?![a-z])"


def _literals(*words: str) -> str:
    return "|".join(_word(w) if w.isascii() and w[0].isalpha() else re.escape(w)
                    for w in sorted(words, key=len, reverse=True))


TG_WORDS = ("telegram", "tg", "电报", "電報", "纸飞机", "紙飛機", "小飞机", "小飛機", "飞机", "飛機", "✈")
CUE_WORDS = {
    "telegram": TG_WORDS,
    "whatsapp": ("whatsapp", "whats app", "wa", "wapp", "瓦次普"),
    "phone": ("电话", "電話", "手机", "手機", "热线", "熱線", "客服", "座机", "座機", "致电", "致電", "拨打", "撥打", "tel",
              "phone", "mobile", "hotline", "call", "call us", "call now", "cell", "contact number", "☎", "📞", "📱"),
    "wechat": ("微信", "威信", "薇信", "v信", "加v", "加微", "vx", "wx", "wechat", "weixin"),
    "qq": ("qq", "扣扣", "企鹅", "企鵝", "q群"),
    "line": ("line", "line id", "lineid", "加賴", "賴"),
}
CUE_KIND = {w: kind for kind, words in CUE_WORDS.items() for w in words}
CUE_TRIGGER = re.compile(_literals(*CUE_KIND))
_GAP = r"(?P<gap>[^\w\n]{0,12}?)"  # punctuation, spaces and emoji between a cue and its value, never words
_PHONE_VALUE = r"\+?[0-9(\[【][0-9 \-.()\[\]【】]{5,28}[0-9](?![0-9])"
CUE_TAIL = {kind: re.compile(suffix + _GAP + f"(?P<v>{value})") for kind, suffix, value in (
    ("telegram", "(?:号|號| ?id|账号|帳號|频道|頻道|群组|群組|群)?", r"@?[a-z][a-z0-9_]{3,31}(?![a-z0-9_])"),
    ("whatsapp", "(?:号码|號碼|号|號)?", _PHONE_VALUE),
    ("phone", "(?:号码|號碼|号|號|热线|熱線|电话|電話)?", _PHONE_VALUE),
    ("wechat", "(?:号|號| ?id)?", r"[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])|[0-9]{6,15}(?![0-9])"),
    ("qq", "(?:交流群|群号|群號|群|号|號)?", _PHONE_VALUE),  # written like phone numbers: 1761-2745, 【1761】【2745】
    ("line", "(?: ?id)?", r"@?~?[a-z0-9][a-z0-9._-]{2,19}(?![a-z0-9_-])"),
)}
TG_CUE = re.compile(_literals(*TG_WORDS))
CTA_CUE = re.compile(_literals(
    "联系", "聯繫", "聯絡", "咨询", "諮詢", "购买", "購買", "下单", "下單", "客服", "加我", "私聊", "点击", "點擊", "contact",
    "buy now", "order now", "chat with us", "message us", "dm me", "get in touch", "click here", "shop now", "join now"))
URL_IN_TEXT = re.compile(  # every alternative starts with a literal: see the note above
    "(?:" + "|".join(re.escape(p) for p in (
        "http://", "https://", "tg://", "whatsapp://", "weixin://", "mailto:", "tel:", "t.me/", "www.t.me/",
        "telegram.me/", "www.telegram.me/", "telegram.dog/", "wa.me/", "line.me/", "www.line.me/",
        "api.whatsapp.com/", "chat.whatsapp.com/")) + r")[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*")  # ASCII: `t.me/x获取` ends at 获
SUBDOMAIN_TG = re.compile(r"\.t\.me(?![a-z0-9.-])")
_SUBDOMAIN_LEFT = re.compile(r"[a-z][a-z0-9_]{3,30}$")
_EMAIL_LEFT = re.compile(r"[a-z0-9][a-z0-9._%+-]{0,63}$")
_EMAIL_RIGHT = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
                          r"\.[a-z]{2,24}(?![a-z0-9-])")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
BARE_HANDLE = re.compile(r"@(?<![a-z0-9._%+\-/@]@)[a-z][a-z0-9_]{3,31}(?![a-z0-9_])")
INTL_PHONE = re.compile(r"\+(?<![\w+]\+)[0-9][0-9 \-.()]{6,20}[0-9](?![0-9])")
_CODE_AFTER = re.compile(r"\.[a-z_]|[(/@]|:/")


def _phone_candidates(raw: str) -> Iterable[str]:
    """The whole written number, then shorter prefixes ending at a group break (`138 0013 8000 2024`)."""
    yield raw
    for m in reversed(list(re.finditer(r"[0-9][^0-9]+(?=[0-9])", raw))):
        yield raw[:m.start() + 1]


def _window(text: str, a: int, b: int, before: int, after: int) -> str:
    """Up to `before` characters before [a, b) and `after` after it, on the same line."""
    lo, hi = max(text.rfind("\n", 0, a) + 1, a - before), text.find("\n", b)
    return text[lo:a] + " " + text[b:min(b + after, len(text) if hi < 0 else hi)]


def _emails(low: str, add) -> None:
    at = low.find("@")
    while at >= 0:
        left = _EMAIL_LEFT.search(low, max(0, at - 64), at)
        right = _EMAIL_RIGHT.match(low, at + 1)
        if left and right and not (left.start() and low[left.start() - 1] in _LOCAL_CHARS):
            if not re.match(r":[^\s]", low[right.end():right.end() + 2]):  # git@host:path is an SSH remote
                add(left.start(), right.end(), "email", _normal("email", low[left.start():right.end()]))
        at = low.find("@", at + 1)


def _urls(text: str, low: str, add) -> None:
    for m in URL_IN_TEXT.finditer(low):
        a = m.start()
        if a and low[a - 1] in "abcdefghijklmnopqrstuvwxyz0123456789.@-" and not low.startswith(("http", "tg:"), a):
            continue
        b = a + len(m.group().rstrip(".,;:!?*_~'\""))
        cta = bool(CTA_CUE.search(_window(low, a, b, 24, 0)))
        got = classify_url(text[a:b], cta=cta)  # original case: URL paths are case-sensitive
        if got:
            add(a, b, *got)
    if ".t.me" in low:
        for m in SUBDOMAIN_TG.finditer(low):
            left = _SUBDOMAIN_LEFT.search(low, max(0, m.start() - 31), m.start())
            if left and not (left.start() and low[left.start() - 1] in "abcdefghijklmnopqrstuvwxyz0123456789_.-/"):
                add(left.start(), m.end(), "telegram", _normal("telegram", left.group()))


def _cues(text: str, low: str, known: set[str], add) -> None:
    for m in CUE_TRIGGER.finditer(low):
        cue, kind = m.group(), CUE_KIND[m.group()]
        tail = CUE_TAIL[kind].match(low, m.end())
        if not tail:
            continue
        if cue == "line" and text[m.start():m.end()] != "LINE" and not tail.group().startswith(("id", " id")):
            continue  # the English word `line` is a cue only as `LINE` or `Line ID`
        raw, gap, (a, b) = tail.group("v"), tail.group("gap"), tail.span("v")
        if kind == "telegram":
            if _CODE_AFTER.match(low, b):
                continue
            value = _normal(kind, raw)
            if value and not raw.startswith("@") and not re.search(r"[0-9_]", value) and value not in known:
                continue  # `Telegram: Download`: a bare word needs digits, `@` or a link elsewhere
        elif kind in ("phone", "whatsapp", "qq"):
            region, value = ("CN" if not cue.isascii() else None), None
            for cand in _phone_candidates(raw):
                value = _normal(kind, cand, region)
                if value:
                    b = a + len(cand)
                    break
        else:
            value = _normal(kind, raw)
            if value and kind != "qq" and value.isalpha() and ":" not in gap and "：" not in gap:
                continue  # `微信 WeChat`: a letters-only id needs `微信：id`
        add(a, b, kind, value)


def scan(text: str, low: str, known_handles: Collection[str] = ()) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of every mention in normalised `text` (`low` = text.lower()).

    Rules run from the most specific (e-mail, links) to the least (bare `@handle`, `+` numbers); a
    mention overlapping one already found is dropped.
    """
    found: list[tuple[int, int, str, str]] = []
    spans: list[tuple[int, int]] = []  # sorted, non-overlapping

    def free(a: int, b: int) -> bool:
        i = bisect.bisect(spans, (a, b))
        return not (i and spans[i - 1][1] > a) and not (i < len(spans) and spans[i][0] < b)

    def add(a: int, b: int, kind: str, value: str | None) -> None:
        if value and free(a, b):
            bisect.insort(spans, (a, b))
            found.append((a, b, kind, value))

    if "@" in low:
        _emails(low, add)
    _urls(text, low, add)
    known = {h.lower() for h in known_handles} | {v for *_, k, v in found if k == "telegram"}
    _cues(text, low, known, add)
    for m in BARE_HANDLE.finditer(low):
        if not free(*m.span()):
            continue
        value = _normal("telegram", m.group())
        if value and not _CODE_AFTER.match(low, m.end()) and (
                value in known or TG_CUE.search(_window(low, m.start(), m.end(), 40, 20))):
            add(m.start(), m.end(), "telegram", value)
    for m in INTL_PHONE.finditer(low):
        if not free(*m.span()):  # already read after a cue: skip the costly parse
            continue
        for cand in _phone_candidates(m.group()):
            value = _normal("phone", cand)
            if value:
                add(m.start(), m.start() + len(cand), "phone", value)
                break
    found.sort()
    return found


def contacts_from_links(urls: Iterable[str], anchors: Mapping[str, str] | None = None,
                        page_url: str | None = None) -> list[Contact]:
    """Contacts among a page's link targets (where="link"); `anchors` maps a URL to its anchor text.

    A link is a call to action by its anchor (`联系我们`, `buy now`) only if it leaves the page's own site:
    a site's navigation to its own contact page is not a contact.
    """
    out = []
    own = _site(page_url) if page_url else None
    for url in urls:
        anchor = (anchors or {}).get(url, "")
        cta = bool(anchor) and _site(url) != own and bool(CTA_CUE.search(anchor.lower()))
        got = classify_url(url, cta=cta)
        if got and not is_placeholder(*got):
            out.append(Contact(got[0], got[1], "link"))
    return out


def _site(url: str) -> str:
    fast = _HTTP_HOST.match(url)
    return fast.group(1).lower().removeprefix("www.") if fast else ""


def merge_contacts(groups: Iterable[Iterable[Contact]]) -> list[Contact]:
    """One contact per (kind, value), in order; the first group (and first mention) wins."""
    seen: dict[tuple[str, str], Contact] = {}
    for group in groups:
        for contact in group:
            seen.setdefault((contact.kind, contact.value), contact)
    return list(seen.values())


@dataclass(frozen=True)
class Contact:
    kind: str      # corpus.labels.CONTACT_KINDS
    value: str     # normal form
    where: str     # title | text | boilerplate | link
    start: int = -1  # offsets of the mention in the original string (-1 for links)
    end: int = -1

    def as_row(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value, "where": self.where}


def find_contacts(text: str, where: str = "text", known_handles: Collection[str] = ()) -> list[Contact]:
    """Every contact mention in `text`, in text order, with offsets into `text`.

    A bare `@handle` counts as Telegram only next to a Telegram cue or when it is in `known_handles`
    (handles linked through t.me elsewhere on the page) or linked in `text` itself.
    """
    if not text:
        return []
    norm = _Norm(text)
    out = []
    for a, b, kind, value in scan(norm.text, norm.low, known_handles):
        if is_placeholder(kind, value):
            continue
        start, end = norm.span(a, b)
        out.append(Contact(kind, value, where, start, end))
    return out
