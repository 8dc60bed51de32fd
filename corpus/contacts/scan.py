"""Mentions of contacts in text: e-mails, links, values after cue words, bare `@handles` and `+` numbers."""
from __future__ import annotations

import bisect
import re
from collections.abc import Collection

from corpus.contacts.cues import CTA_CUE, CUE_KIND, CUE_TAIL, CUE_TRIGGER, TG_CUE
from corpus.contacts.kinds import Contact, is_placeholder, normal
from corpus.contacts.links import classify_url
from corpus.contacts.normalise import Norm
from corpus.contacts.phones import phone_candidates

URL_IN_TEXT = re.compile(  # every alternative starts with a literal: see cues.py
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
                add(left.start(), right.end(), "email", normal("email", low[left.start():right.end()]))
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
                add(left.start(), m.end(), "telegram", normal("telegram", left.group()))


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
            value = normal(kind, raw)
            if value and not raw.startswith("@") and not re.search(r"[0-9_]", value) and value not in known:
                continue  # `Telegram: Download`: a bare word needs digits, `@` or a link elsewhere
        elif kind in ("phone", "whatsapp", "qq"):
            region, value = ("CN" if not cue.isascii() else None), None
            for cand in phone_candidates(raw):
                value = normal(kind, cand, region)
                if value:
                    b = a + len(cand)
                    break
        else:
            value = normal(kind, raw)
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
        value = normal("telegram", m.group())
        if value and not _CODE_AFTER.match(low, m.end()) and (
                value in known or TG_CUE.search(_window(low, m.start(), m.end(), 40, 20))):
            add(m.start(), m.end(), "telegram", value)
    for m in INTL_PHONE.finditer(low):
        if not free(*m.span()):  # already read after a cue: skip the costly parse
            continue
        for cand in phone_candidates(m.group()):
            value = normal("phone", cand)
            if value:
                add(m.start(), m.start() + len(cand), "phone", value)
                break
    found.sort()
    return found


def find_contacts(text: str, where: str = "text", known_handles: Collection[str] = ()) -> list[Contact]:
    """Every contact mention in `text`, in text order, with offsets into `text`.

    A bare `@handle` counts as Telegram only next to a Telegram cue or when it is in `known_handles`
    (handles linked through t.me elsewhere on the page) or linked in `text` itself.
    """
    if not text:
        return []
    norm = Norm(text)
    out = []
    for a, b, kind, value in scan(norm.text, norm.low, known_handles):
        if is_placeholder(kind, value):
            continue
        start, end = norm.span(a, b)
        out.append(Contact(kind, value, where, start, end))
    return out
