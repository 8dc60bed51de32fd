"""Mentions of contacts in text: e-mails, links, values after cue words, bare `@handles`, `+` numbers, promoted sites."""
from __future__ import annotations

import bisect
import re
from collections.abc import Collection

from corpus.contacts.context import example, offered_on_telegram
from corpus.contacts.cues import (
    ASTRAL_CUES, ASTRAL_TRIGGER, CTA_CUE, CUE_KIND, CUE_REGIONS, CUE_TAIL, CUE_TRIGGER, CUE_TRIGGERS, MORE,
    OFFER_BEFORE, PHONE_VALUE, cue_word,
)
from corpus.contacts.kinds import Contact, is_placeholder
from corpus.contacts.values import normal
from corpus.contacts.links import classify_url
from corpus.contacts.mail import header_addresses_of_sites, read_emails
from corpus.contacts.normalise import Norm
from corpus.contacts.phones import number_regions, phone_candidates, regions_for
from corpus.contacts.promote import Sites, bare_sites, url_site

URL_IN_TEXT = re.compile(  # every alternative starts with a literal: see cues.py
    "(?:" + "|".join(re.escape(p) for p in (
        "http://", "https://", "tg://", "whatsapp://", "weixin://", "mailto:", "tel:", "t.me/", "www.t.me/",
        "telegram.me/", "www.telegram.me/", "telegram.dog/", "wa.me/", "line.me/", "www.line.me/",
        "api.whatsapp.com/", "chat.whatsapp.com/")) + r")[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*")  # ASCII: `t.me/x获取` ends at 获
SUBDOMAIN_TG = re.compile(r"\.t\.me(?![a-z0-9.-])")
_SUBDOMAIN_LEFT = re.compile(r"[a-z][a-z0-9_]{3,30}$")
_WHOIS_LINE = re.compile(r"[ \t]*(?:registrar|registrant|registry|admin|tech|billing)[a-z ]*(?:phone|fax)[a-z ]*:")
BARE_HANDLE = re.compile(r"@(?<![a-z0-9._%+\-/@]@)[a-z][a-z0-9_]{3,31}(?![a-z0-9_])")
INTL_PHONE = re.compile(r"\+(?<![\w+]\+)[0-9][0-9 \-.()]{6,20}[0-9](?![0-9])")
_CODE_AFTER = re.compile(r"\.[a-z_]|[(/@]|:/")
# A number a few words after a phone or WhatsApp cue (`call Expedia at 1-888-614-2093`): the words between
# hold no digits, no `@`, no line break and no cue of another kind.
_NUMBER_START = re.compile(r"[0-9+(\[【\n@#№]")
_GROUPS = re.compile(r"[0-9]+")
_NEAR_VALUE = re.compile(PHONE_VALUE)
# Money and counts, not numbers to call: `1 299 000 đ`, `2.500.000 VND`, `50 000 ₽`.
_CLOSER = {"(": ")", "[": "]", "【": "】"}
_AMOUNT_AFTER = re.compile(r" ?(?:[%$€£¥₫₽₩฿円元원]|đ|vnd|usd|rp|руб|р\.|baht|บาท|dong|đồng|reais|pesos)")


def _window(text: str, a: int, b: int, before: int, after: int) -> str:
    """Up to `before` characters before [a, b) and `after` after it, on the same line."""
    lo, hi = max(text.rfind("\n", 0, a) + 1, a - before), text.find("\n", b)
    return text[lo:a] + " " + text[b:min(b + after, len(text) if hi < 0 else hi)]


def _urls(text: str, low: str, add, sites: Sites) -> None:
    for m in URL_IN_TEXT.finditer(low):
        a = m.start()
        if a and low[a - 1] in "abcdefghijklmnopqrstuvwxyz0123456789.@-" and not low.startswith(("http", "tg:"), a):
            continue
        b = a + len(m.group().rstrip(".,;:!?*_~'\""))
        cta = bool(CTA_CUE.search(_window(low, a, b, 24, 0)))
        got = classify_url(text[a:b], cta=cta)  # original case: URL paths are case-sensitive
        if got:
            add(a, b, *got)
        if low.startswith("http", a):
            url_site(sites, low, a, b)
    if ".t.me" in low:
        for m in SUBDOMAIN_TG.finditer(low):
            left = _SUBDOMAIN_LEFT.search(low, max(0, m.start() - 31), m.start())
            if left and not (left.start() and low[left.start() - 1] in "abcdefghijklmnopqrstuvwxyz0123456789_.-/"):
                add(left.start(), m.end(), "telegram", normal("telegram", left.group()))


def _number(low: str, kind: str, raw: str, a: int, region) -> tuple[str | None, int]:
    """The value of a number written at low[a:], trying shorter prefixes; (value, end)."""
    for cand in phone_candidates(raw):
        if _AMOUNT_AFTER.match(low, a + len(cand)):
            continue
        value = normal(kind, cand, region)
        if value:
            return value, a + len(cand)
    return None, a


def _unbracketed(low: str, raw: str, a: int) -> tuple[str, int]:
    """`(1-888-614-2093` read out of `(1-888-614-2093)` loses its opening bracket (`(212) 736-4400` keeps it),
    and `1900 6000 (8` out of `1900 6000 (8h–17h)` its tail, whose bracket closes after a word."""
    closer = _CLOSER.get(raw[0])
    if closer and closer not in raw:
        raw, a = raw[1:], a + 1
    cut = max(raw.rfind(opener) for opener in _CLOSER)
    if cut > 0 and _CLOSER[raw[cut]] not in raw[cut:] and not low.startswith(_CLOSER[raw[cut]], a + len(raw)):
        raw = raw[:cut].rstrip(" -.")
    return raw, a


def _value(low: str, kind: str, raw: str, a: int, b: int, known: set[str], region) -> tuple[str | None, int, int]:
    """A cue's value and its span, or None where the syntax or the rules of its kind say no."""
    if kind in ("phone", "whatsapp", "qq"):
        raw, a = _unbracketed(low, raw, a)
        value, b = _number(low, kind, raw, a, region)
        return value, a, b
    value = normal(kind, raw)
    bare_word = value and not raw.startswith("@") and not re.search(r"[0-9_]", value) and value not in known
    if kind == "telegram" and (_CODE_AFTER.match(low, b) or bare_word):
        return None, a, b  # `Telegram: Download`: a bare word needs digits, `@` or a link elsewhere
    return value, a, b


def _cues(text: str, low: str, known: set[str], add, regions: tuple[str, ...]) -> None:
    """Values after cue words, cues in text order from the separate trigger scans (see cues.CUE_TRIGGERS)."""
    triggers = CUE_TRIGGERS + ((ASTRAL_TRIGGER,) if any(c in low for c in ASTRAL_CUES) else ())
    ahead = [t.search(low) for t in triggers]
    pos = 0
    while True:
        for i, t in enumerate(triggers):
            if ahead[i] is not None and ahead[i].start() < pos:
                ahead[i] = t.search(low, pos)
        live = [m for m in ahead if m is not None]
        if not live:
            return
        pos = _cue(text, low, min(live, key=lambda m: m.start()), known, add, regions)


def _cue(text: str, low: str, m: re.Match, known: set[str], add, regions: tuple[str, ...]) -> int:
    """Read the value after the cue `m`; return where to look for the next cue."""
    cue = cue_word(m.group())
    kind = CUE_KIND[cue]
    tail = CUE_TAIL[kind].match(low, m.end())
    if cue == "line" and tail and (text[m.start():m.end()] != "LINE" and not tail.group().startswith(("id", " id"))
                                   or low[m.start() - 1:m.start()] == "_" or low.startswith("_", m.end())):
        return m.end()  # the English word `line` is a cue only as `LINE` or `Line ID`, never in `TEXT_LINE`
    # a number without its country code: the countries of the page's language and of the cue word's
    cue_regions = CUE_REGIONS.get(cue, ())
    region = tuple(dict.fromkeys((*regions, *cue_regions))) if regions or cue_regions else (
        None if cue.isascii() else "CN")
    if not tail:
        if kind in ("phone", "whatsapp"):
            _near_number(low, kind, m.end(), add, region)
        return m.start() + 1  # a shorter cue may start inside this one
    raw, gap, (a, b) = tail.group("v"), tail.group("gap"), tail.span("v")
    value, a, b = _value(low, kind, raw, a, b, known, region)
    if value and kind in ("wechat", "line") and value.isalpha() and not raw.startswith("【") and (low.startswith(":", b) or ":" not in gap and (
            "：" not in gap) and not (cue.startswith(("加", "แอด")) or OFFER_BEFORE.search(low, max(0, m.start() - 12),
                                                                                        m.start()))):
        return m.end()  # `微信 WeChat`: a letters-only id needs `微信：id` or `加微信 id`; `body:` is a key in code
    add(a, b, kind, value)
    while value and (more := MORE[kind].match(low, b)):  # `QQ群：312456789（已满）/ 412456789`
        if CUE_TRIGGER.match(low, more.start("v")):
            break  # `微信:abc123 或QQ271828182`: the next value is another kind's
        value, start, end = _value(low, kind, more.group("v"), more.start("v"), more.end("v"), known, region)
        if not value or value.isalpha():
            break
        add(start, end, kind, value)
        b = end
    return max(m.end(), b)


def _near_number(low: str, kind: str, after: int, add, region) -> None:
    """A number a few words after a phone or WhatsApp cue: written in groups, with no other kind's cue and no
    other kind of number (`заказ № 4815162342`, `order #`) in between."""
    start = _NUMBER_START.search(low, after, after + 41)
    if start and start.group() == "\n":
        other = CUE_TRIGGER.search(low, after, start.start())
        if not (other and CUE_KIND[cue_word(other.group())] not in ("phone", "whatsapp")):  # `客服微信` is WeChat
            _next_line_number(low, kind, start.start(), add, region)
        return
    if not start or start.group() in "@#№":
        return
    near = _NEAR_VALUE.match(low, start.start())
    if not near or len(_GROUPS.findall(near.group())) < 3 and not near.group().startswith("+"):
        return
    other = CUE_TRIGGER.search(low, after, start.start())
    if other and CUE_KIND[cue_word(other.group())] not in ("phone", "whatsapp"):
        return
    raw, a = _unbracketed(low, near.group(), near.start())
    value, b = _number(low, kind, raw, a, region)
    add(a, b, kind, value)


_NEXT_LINE_NUMBER = re.compile(r"(?:[ \t]*(?:<[^<>\n]{0,60}>[ \t]*)*\n){1,3}[ \t]*(?:<[^<>\n]{0,60}>[ \t]*)*"
                               r"(?P<v>\+?[0-9][0-9 \-.]{6,16}[0-9])[ \t]*(?:<[^<>\n]{0,60}>[ \t]*)*$", re.M)


def _next_line_number(low: str, kind: str, eol: int, add, region) -> None:
    """`…व्हाट्सएप पर कॉल करें</p>` / `<p>9876501234</p>`: a line holding only a number, right under the line that
    ends with the cue's sentence, in a page's source (only tags in between)."""
    m = _NEXT_LINE_NUMBER.match(low, eol)
    if m:
        value, b = _number(low, kind, m.group("v"), m.start("v"), region)
        add(m.start("v"), b, kind, value)


def scan(text: str, low: str, known_handles: Collection[str] = (), regions: tuple[str, ...] = (),
         obfuscated=None, linked_whatsapp: Collection[str] = ()) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of every mention in normalised `text` (`low` = text.lower()).

    Rules run from the most specific (e-mail, links) to the least (bare `@handle`, `+` numbers); a
    mention overlapping one already found is dropped. `regions`: countries whose numbers may be written
    without the country code (after a phone or WhatsApp cue, valid in exactly one of them). `obfuscated(a, b)`
    says whether text[a:b] was written in other characters (full-width, `●` for a dot): evidence of a promoted site.
    `linked_whatsapp`: numbers the page links through wa.me; the same number written out with no cue is that
    WhatsApp contact, not a second, phone-only one.
    """
    found: list[tuple[int, int, str, str]] = []
    spans: list[tuple[int, int]] = []  # sorted, non-overlapping

    def free(a: int, b: int) -> bool:
        i = bisect.bisect(spans, (a, b))
        return not (i and spans[i - 1][1] > a) and not (i < len(spans) and spans[i][0] < b)

    def add(a: int, b: int, kind: str, value: str | None) -> None:
        if kind == "phone" and value and _WHOIS_LINE.match(low, low.rfind("\n", 0, a) + 1):
            return  # a WHOIS record's registrar contact
        if value and free(a, b):
            bisect.insort(spans, (a, b))
            found.append((a, b, kind, value))

    sites = Sites()
    held: list[tuple[int, int, str | None]] = []  # addresses on mail header lines
    if "@" in low:
        read_emails(low, add, held)
    _urls(text, low, add, sites)
    bare_sites(low, sites, obfuscated)
    known = {h.lower() for h in known_handles} | {v for *_, k, v in found if k == "telegram"}
    _cues(text, low, known, add, (*regions, *number_regions(v for *_, k, v in found if k in ("phone", "whatsapp"))))
    if "@" in low:
        for m in BARE_HANDLE.finditer(low):
            if not free(*m.span()):
                continue
            value = normal("telegram", m.group())
            if value and not _CODE_AFTER.match(low, m.end()) and (
                    value in known or offered_on_telegram(low, m.start(), m.end())):
                add(m.start(), m.end(), "telegram", value)
    for m in INTL_PHONE.finditer(low):
        if not free(*m.span()):  # already read after a cue: skip the costly parse
            continue
        raw, a = _unbracketed(low, m.group(), m.start())
        value, b = _number(low, "phone", raw, a, None)
        add(a, b, "whatsapp" if value in linked_whatsapp else "phone", value)
    found = _templated_whatsapp(low, found)
    if sites.count:  # a site's mention may lie inside a link already read as another kind: no overlap check
        names = [v for *_, k, v in found if k in ("email", "telegram")]
        promoted = sites.promoted(names)
        found += [(*sites.first[d], "domain", d) for d in promoted]
        for a, b, value in header_addresses_of_sites(held, promoted):
            add(a, b, "email", value)
    found.sort()
    return found


# A WhatsApp link built in code from a variable (`wa.me/${phoneNumber}`, `wa.me/' + num`, `?phone={{ phone }}`)
_WA_TEMPLATE = re.compile(r"(?:wa\.me/|whatsapp\.com/send/?\?phone=|whatsapp://send\?phone=)"
                          r"(?:\$\{|\{\{|['\"`]\s*\+|%s|\{[a-z_])")


def _templated_whatsapp(low: str, found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """A page's source that builds its WhatsApp link from a variable, and writes one phone number and no WhatsApp
    number: that number is the WhatsApp contact (the site's button), not a phone-only one."""
    if "wa.me" not in low and "whatsapp" not in low or not _WA_TEMPLATE.search(low):
        return found
    if len({v for *_, k, v in found if k == "phone"}) != 1 or any(k == "whatsapp" for *_, k, _ in found):
        return found
    return [(a, b, "whatsapp" if k == "phone" else k, v) for a, b, k, v in found]


def find_contacts(text: str, where: str = "text", known_handles: Collection[str] = (),
                  lang: str | None = None, linked_whatsapp: Collection[str] = ()) -> list[Contact]:
    """Every contact mention in `text`, in text order, with offsets into `text`.

    A bare `@handle` counts as Telegram only next to a Telegram cue (a name of Telegram, or a bot, channel or
    group with no other platform named), when it is in `known_handles` (handles linked through t.me elsewhere
    on the page) or linked in `text` itself; likewise an international number with no cue is WhatsApp when it is
    in `linked_whatsapp` (the page's wa.me numbers: `[WhatsApp](https://wa.me/55…)` over `Número: +55 …`).
    `lang` (the page's language tag, `pt`, `zh-Hant`, `pt-BR`) lets a number written without its country code
    count after a phone or WhatsApp cue, if it is valid in exactly
    one of the language's countries, or in the country of an international number already read in `text`. A site
    is a `domain` contact when the text promotes it (see corpus.contacts.promote). Mentions quoted as examples
    (`例如："TG @x"`) and placeholders are left out.
    """
    if not text:
        return []
    norm = Norm(text)
    out = []
    for a, b, kind, value in scan(norm.text, norm.low, known_handles, regions_for(lang), norm.rewritten,
                                     linked_whatsapp):
        if is_placeholder(kind, value) or example(norm.low, a):
            continue
        start, end = norm.span(a, b)
        out.append(Contact(kind, value, where, start, end))
    return out
