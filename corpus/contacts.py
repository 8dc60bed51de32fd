"""Contact extraction: every mention of a handle, number, id, e-mail or call-to-action link, in normal form."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Collection, Iterable, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

import phonenumbers

from corpus.ids import InvalidURL, canonicalize_url

# --- text normalisation with an offset map -------------------------------------------------------------
# Only characters whose NFKC form carries ASCII letters, digits or URL punctuation are rewritten (full-width
# ＱＱ１２３, mathematical 𝐞𝐬𝐢𝐦, circled Ⓐ, ℡); CJK punctuation stays, so most Chinese text is copied as is.
ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\ufe0e\ufe0f"
_BLOCKS = ((0x80, 0x2FFF), (0x3000, 0x33FF), (0xFB00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF))


def _build_char_map() -> dict[str, str]:
    table = {ch: "" for ch in ZERO_WIDTH}
    wanted = re.compile(r"[A-Za-z0-9@.:/+()\[\]-]")
    for lo, hi in _BLOCKS:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            norm = unicodedata.normalize("NFKC", ch)
            if norm != ch and norm.isascii() and wanted.search(norm):
                table[ch] = norm
    table["\u3002"] = "\u3002"  # ideographic full stop is handled in context (below), not everywhere
    return table


CHAR_MAP = _build_char_map()
_CHANGED = re.compile("[" + "".join(re.escape(c) for c in CHAR_MAP if CHAR_MAP[c] != c) + "]+")
# obfuscated dots and ats: `gmail[dot]com`, `t。me`, `name(at)mail`, `abc ● com`
_OBFUSCATED = re.compile(
    r"(?<=[A-Za-z0-9])\s?(?:(?P<dot>\[dot\]|\(dot\)|\{dot\}|<dot>)|(?P<at>\[at\]|\(at\)|\{at\}|<at>))\s?(?=[A-Za-z0-9])"
    r"|(?<=[A-Za-z0-9])(?P<sdot>\s?[●•·。]\s?| dot )(?=(?:com|net|org|me|io|co|cn|hk|tw|info|xyz|top|cc|ru|[a-z]{2})"
    r"(?![A-Za-z0-9]))", re.I)


class _Norm:
    """Normalised text plus, for each of its characters, the span of the original characters it came from."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text, self.starts, self.ends = text, None, None
        if _CHANGED.search(text):
            self._rewrite(_CHANGED, lambda m: "".join(CHAR_MAP[c] for c in m.group()), per_char=True)
        if _OBFUSCATED.search(self.text):
            self._rewrite(_OBFUSCATED, lambda m: "@" if m.group("at") else ".", per_char=False)

    def _rewrite(self, pattern: re.Pattern, repl, per_char: bool) -> None:
        src = self.text
        old_s = self.starts if self.starts is not None else range(len(src) + 1)
        old_e = self.ends if self.ends is not None else range(1, len(src) + 2)
        pieces, starts, ends, last = [], [], [], 0
        for m in pattern.finditer(src):
            a, b = m.span()
            pieces.append(src[last:a]); starts.extend(old_s[last:a]); ends.extend(old_e[last:a])
            if per_char:  # each original character keeps its own span
                for i in range(a, b):
                    rep = CHAR_MAP[src[i]]
                    pieces.append(rep); starts.extend([old_s[i]] * len(rep)); ends.extend([old_e[i]] * len(rep))
            else:
                rep = repl(m)
                pieces.append(rep); starts.extend([old_s[a]] * len(rep)); ends.extend([old_e[b - 1]] * len(rep))
            last = b
        pieces.append(src[last:]); starts.extend(old_s[last:len(src)]); ends.extend(old_e[last:len(src)])
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
_TG_PREFIX = re.compile(r"^(?:(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?|tg://resolve\?domain=|@)",
                        re.I)


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
    raw = normalize_text(raw).strip()
    if kind == "telegram":
        value = _TG_PREFIX.sub("", raw).lstrip("@").split("/")[0].split("?")[0].lower()
        return value if TELEGRAM_RE.fullmatch(value) and "__" not in value else None
    if kind in ("phone", "whatsapp"):
        return _phone(raw, region)
    if kind == "wechat":
        value = raw.lower()
        return value if WECHAT_RE.fullmatch(value) else None
    if kind == "qq":
        value = re.sub(r"\s", "", raw)
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
    return len(set(digits)) <= 2 or "123456789" in digits or "987654321" in digits


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
CONTACT_SCHEMES = frozenset({"tg", "mailto", "tel", "weixin", "whatsapp", "skype", "viber", "line", "sms"})


def classify_url(url: str, cta: bool = False) -> tuple[str, str] | None:
    """(kind, value) of a link that is a contact: messenger links, mailto/tel, shorteners, or `cta` links."""
    url = url.strip()
    if not re.match(r"[a-z][a-z0-9+.-]*:", url, re.I):
        url = "https://" + url
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
            handle = normalize_value("telegram", segs[0])
            return ("telegram", handle) if handle else None
        if host.endswith(".t.me"):
            handle = normalize_value("telegram", host[:-5])
            return ("telegram", handle) if handle else None
        if host == "wa.me" or (host.endswith("whatsapp.com") and host != "chat.whatsapp.com"):
            digits = segs[0] if host == "wa.me" and segs else (query.get("phone") or [""])[0]
            number = normalize_value("whatsapp", "+" + digits.lstrip("+")) if digits.lstrip("+").isdigit() else None
            return ("whatsapp", number) if number else _url_contact(url) if host == "wa.me" else None
        if host in ("line.me", "www.line.me"):
            idx = next((i for i, p in enumerate(segs) if p == "p" and i and segs[i - 1] == "ti"), -1)
            if 0 <= idx < len(segs) - 1:
                line_id = normalize_value("line", segs[idx + 1])
                return ("line", line_id) if line_id else None
            return _url_contact(url)
        bare = host.removeprefix("www.")
        if bare in SHORTENERS or bare in MESSENGER_HOSTS or cta:
            return _url_contact(url)
        return None
    if scheme == "tg":
        if host == "resolve" and query.get("domain"):
            handle = normalize_value("telegram", query["domain"][0])
            return ("telegram", handle) if handle else None
        return _url_contact(url) if host == "join" else None
    if scheme == "mailto":
        email = normalize_value("email", unquote(url[7:]))
        return ("email", email) if email else None
    if scheme in ("tel", "sms"):
        number = normalize_value("phone", unquote(url.split(":", 1)[1]).split("?")[0].split(";")[0])
        return ("phone", number) if number else None
    if scheme == "whatsapp" and query.get("phone"):
        number = normalize_value("whatsapp", "+" + query["phone"][0].lstrip("+ "))
        return ("whatsapp", number) if number else None
    return _url_contact(url) if scheme in CONTACT_SCHEMES else None


def _url_contact(url: str) -> tuple[str, str] | None:
    value = _canonical_url(url)
    return ("url", value) if value else None


# --- mentions in text -----------------------------------------------------------------------------------
_L = r"(?<![A-Za-z0-9])"
_GAP = r"[^\w\n]{0,12}?"  # punctuation, spaces and emoji between a cue and its value, never words
TG_CUE = rf"(?:{_L}(?:telegram|tg)(?![a-z])|电报|電報|纸飞机|紙飛機|小飞机|小飛機|飞机|飛機|✈)"
CTA_CUE = re.compile(
    rf"联系|聯繫|聯絡|咨询|諮詢|购买|購買|下单|下單|客服|加我|私聊|点击|點擊|{_L}(?:contact(?: us| me)?|buy now|order now|"
    r"chat with us|message us|dm me|get in touch|click here|shop now|join now|join us)(?![a-z])", re.I)
_TG_CUE_RE = re.compile(TG_CUE, re.I)
# (kind, cue) pairs; the value pattern of each kind follows the cue and a gap
_CUES = {
    "telegram": TG_CUE + r"(?:号|號| ?id|账号|帳號|频道|頻道|群|群组|群組)?",
    "whatsapp": rf"(?:{_L}(?:whats ?app|wa|wapp)(?![a-z])|瓦次普)(?:号码|號碼|号|號)?",
    "phone": rf"(?:电话|電話|手机|手機|热线|熱線|客服|座机|座機|致电|致電|拨打|撥打|{_L}(?:tel|phone|mobile|hotline|"
             r"call(?: us)?(?: now)?|cell|contact number)(?![a-z])|℡|☎|📞|📱)(?:号码|號碼|号|號|热线|熱線|电话|電話)?",
    "wechat": rf"(?:微信|威信|薇信|[vV]信|加[vV微]|{_L}(?:vx|wx|wechat|weixin)(?![a-z]))(?:号|號| ?id)?",
    "qq": rf"(?:{_L}qq|扣扣|企鹅|企鵝|[qQ]群)(?:交流群|群号|群號|群|号|號)?",
    "line": rf"(?:{_L}(?-i:LINE|Line ?ID|line ?id|Line ?Id)(?![A-Za-z])|加賴|賴)(?:ID)?",
}
_VALUES = {
    "telegram": r"@?[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_])",
    "whatsapp": r"\+?[0-9(\[【][0-9 \-.()\[\]【】]{5,28}[0-9](?![0-9])",
    "wechat": r"[A-Za-z][A-Za-z0-9_-]{5,19}(?![A-Za-z0-9_-])|[0-9]{6,15}(?![0-9])",
    "qq": r"[1-9][0-9]{4,10}(?![0-9])",
    "line": r"@?~?[A-Za-z0-9][A-Za-z0-9._-]{2,19}(?![A-Za-z0-9_-])",
}
_VALUES["phone"] = _VALUES["whatsapp"]
CUE_PATTERNS = {kind: re.compile(rf"(?:{cue})(?P<gap>{_GAP})(?P<v>{_VALUES[kind]})", re.I) for kind, cue in _CUES.items()}
_ZH_CUE = re.compile(r"[\u4e00-\u9fff]")
URL_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9.@/-])(?:(?:https?|tg|whatsapp|weixin|mailto|tel)://?|(?:www\.)?(?:t\.me|telegram\.(?:me|dog)|wa\.me|"
    r"line\.me|api\.whatsapp\.com|chat\.whatsapp\.com)/|[a-z][a-z0-9_]{3,30}\.t\.me(?![a-z0-9.-]))"
    r"[^\s<>\"'\[\](){}，。！？、；：“”‘’]*", re.I)
EMAIL_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])")
BARE_HANDLE = re.compile(r"(?<![A-Za-z0-9._%+\-/@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_])")
INTL_PHONE = re.compile(r"(?<![\w+])\+[0-9][0-9 \-.()]{6,20}[0-9](?![0-9])")


def _code_follows(text: str, end: int) -> bool:
    """A handle followed by `.name`, `(`, `/`, `@` or `://` is code, a path or an address, not a contact."""
    nxt = text[end:end + 3]
    return bool(re.match(r"\.[A-Za-z_]|[(/@]|:/", nxt))


def _phone_candidates(raw: str) -> Iterable[str]:
    """The whole written number, then shorter prefixes ending at a group break (`138 0013 8000 2024`)."""
    yield raw
    for m in reversed(list(re.finditer(r"[0-9][^0-9]+(?=[0-9])", raw))):
        yield raw[:m.start() + 1]


def _same_line_window(text: str, a: int, b: int, before: int, after: int) -> str:
    lo, hi = max(text.rfind("\n", 0, a) + 1, a - before), text.find("\n", b)
    return text[lo:a] + " " + text[b:min(b + after, len(text) if hi < 0 else hi)]


def scan(text: str, known_handles: Collection[str] = ()) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of every mention in normalised `text`; earlier rules win overlaps."""
    found: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def add(a: int, b: int, kind: str, value: str | None) -> None:
        if value and not any(a < e and s < b for s, e in taken):
            taken.append((a, b)); found.append((a, b, kind, value))

    for m in EMAIL_IN_TEXT.finditer(text):
        if not re.match(r":[^\s]", text[m.end():m.end() + 2]):  # git@host:path is an SSH remote
            add(m.start(), m.end(), "email", normalize_value("email", m.group()))
    urls = []
    for m in URL_IN_TEXT.finditer(text):
        url = m.group().rstrip(".,;:!?*_~'\"")
        urls.append((m.start(), m.start() + len(url), url))
    for a, b, url in urls:
        cta = bool(CTA_CUE.search(_same_line_window(text, a, b, 24, 0)))
        got = classify_url(url, cta=cta)
        if got:
            add(a, b, *got)
    known = {h.lower() for h in known_handles} | {v for *_, k, v in found if k == "telegram"}
    for kind, pattern in CUE_PATTERNS.items():
        for m in pattern.finditer(text):
            raw, gap, (a, b) = m.group("v"), m.group("gap"), m.span("v")
            if kind == "telegram":
                if _code_follows(text, b):
                    continue
                value = normalize_value(kind, raw)
                if value and not raw.startswith("@") and not re.search(r"[0-9_]", value) and value not in known:
                    continue  # `Telegram: Download`: a bare word needs digits, `@` or a link elsewhere
            elif kind in ("phone", "whatsapp"):
                region = "CN" if _ZH_CUE.search(m.group()[:m.start("gap") - m.start()]) else None
                value = None
                for cand in _phone_candidates(raw):
                    value = normalize_value(kind, cand, region)
                    if value:
                        b = a + len(cand)
                        break
            else:
                value = normalize_value(kind, raw)
                if value and kind != "qq" and value.isalpha() and ":" not in gap:
                    continue  # `微信 WeChat`: a letters-only id needs `微信：id`
            add(a, b, kind, value)
    for m in BARE_HANDLE.finditer(text):
        value = normalize_value("telegram", m.group())
        if not value or _code_follows(text, m.end()):
            continue
        if value in known or _TG_CUE_RE.search(_same_line_window(text, m.start(), m.end(), 40, 20)):
            add(m.start(), m.end(), "telegram", value)
    for m in INTL_PHONE.finditer(text):
        for cand in _phone_candidates(m.group()):
            value = normalize_value("phone", cand)
            if value:
                add(m.start(), m.start() + len(cand), "phone", value)
                break
    found.sort()
    return found


def contacts_from_links(urls: Iterable[str], anchors: Mapping[str, str] | None = None) -> list[Contact]:
    """Contacts among a page's link targets (where="link"); `anchors` maps a URL to its anchor text."""
    out = []
    for url in urls:
        anchor = (anchors or {}).get(url, "")
        got = classify_url(url, cta=bool(anchor and CTA_CUE.search(normalize_text(anchor))))
        if got and not is_placeholder(*got):
            out.append(Contact(got[0], got[1], "link"))
    return out


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
    for a, b, kind, value in scan(norm.text, known_handles):
        if is_placeholder(kind, value):
            continue
        start, end = norm.span(a, b)
        out.append(Contact(kind, value, where, start, end))
    return out
