"""Contact mentions a document makes: the extractor's contacts placed in title/head/middle/tail, plus fallbacks."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.contacts.kinds import is_placeholder
from corpus.signals.layout import Part

# Mentions the extractor may not know (a bare @handle after a cue in another language, a local-format number after
# "WA"/"zap"/"Zalo"): found here as `handle` and `number` so the detector does not hinge on one extractor's cues.
# Each pattern starts with a literal so sre skips ahead; the left boundary is checked in Python.
_AT_HANDLE = re.compile(r"@([a-z][a-z0-9_]{4,31})(?![\w@.-]*\.[a-z]{2,}\b)(?![\w/-])")
_NUMBER_CUE = re.compile(
    r"(whatsapp|wa|wsp|wpp|zap|zalo|viber|tel|telp|phone|call|text|hotline|sms|hp|电话|手机|热线|客服|"
    r"واتساب|واتس|звоните|тел)(?![a-z])[^\d\n]{0,12}(\+?\(?\d[\d ().\-]{7,18}\d)")
# An id right after a messenger name or call to action ("LINE友だち追加：casino_bonus_jp", "加微信：abc_88").
_ID_AFTER_CUE = re.compile(r"([^a-z0-9\n]{0,12}?(?:id|號|号)?[^a-z0-9\n]{0,4}?)([a-z][a-z0-9_.-]{3,30}[a-z0-9])")
# North American toll-free numbers, the currency of fake support pages; no cue needed.
_TOLL_FREE = re.compile(r"8(?:00|33|44|55|66|77|88)\)?[-. ]?\d{3}[-. ]?\d{4}(?!\d)")
_WHATSAPP_CUE = re.compile(r"whatsapp|wa\.me|\bwa\b|\bzap\b|wsp|واتساب|واتس")
_WHATSAPP_WORDS = frozenset({"whatsapp", "wa", "wsp", "wpp", "zap", "واتساب", "واتس"})
_DIGITS = re.compile(r"\d+")
# A contact introduced as an example ("一般是这样写的：TG：x", "for example @x") is quoted, not offered.
_EXAMPLE_CUE = re.compile(r"例如|示例|样本|样例|這樣寫|这样写|写法|寫法|for example|e\.g\.|such as|like this|"
                          r"например|por ejemplo|por exemplo|ví dụ|contoh|例えば|예를 들어|zum beispiel|par exemple")
_NOT_HANDLES = frozenset({"media", "import", "override", "param", "return", "returns", "author", "since", "property",
                          "staticmethod", "classmethod", "dataclass", "keyframes", "font-face", "supports", "charset",
                          "deprecated", "example", "types", "babel", "angular", "vue", "testing", "throws",
                          "username", "everyone", "here", "channel", "admin", "admins"})
_HANDLE_LEFT = set("abcdefghijklmnopqrstuvwxyz0123456789_.@/+-")


@dataclass
class Mention:
    kind: str
    value: str
    where: str      # title, head, middle, tail, boilerplate or link
    part: str       # title, text, boilerplate or link
    pos: int        # offset in that part, -1 for links
    in_code: bool = False


def digits_of(text: str) -> str:
    return "".join(_DIGITS.findall(text))


@lru_cache(maxsize=8192)  # phone checks parse the number (~0.1 ms); spam repeats the same handle and number
def _is_placeholder(kind: str, value: str) -> bool:
    return is_placeholder(kind, value)


def _mention(kind: str, value: str, name: str, part: Part, pos: int) -> Mention:
    where = "boilerplate" if name == "boilerplate" else part.region(pos) if name == "text" else "title"
    if kind in ("phone", "number") and pos >= 0 and _WHATSAPP_CUE.search(part.norm, max(0, pos - 24), pos):
        kind = "whatsapp"  # "واتساب +971 ..." : a phone number offered for chat
    example = pos >= 0 and _EXAMPLE_CUE.search(part.norm, max(0, pos - 30), pos) is not None
    return Mention(kind, value, where, name, pos, part.in_code(pos) or example)


def collect_mentions(parts: dict[str, Part], contacts) -> list[Mention]:
    """Every place a contact shows: its own offset, plus first and last occurrence of its value in each part."""
    out: list[Mention] = []
    for c in contacts:
        kind, value, where = c.kind, str(c.value).lower(), c.where
        if where == "link":
            out.append(Mention(kind, value, "link", "link", -1))
        seen = set()
        start = getattr(c, "start", -1)
        if where in parts and start is not None and start >= 0:
            seen.add((where, start))
        needle = value.lstrip("+") if kind in ("phone", "whatsapp") else value
        if len(needle) >= 4:
            for name, part in parts.items():
                first = part.norm.find(needle)
                if first >= 0:
                    seen.update({(name, first), (name, part.norm.rfind(needle))})
        out += [_mention(kind, value, name, parts[name], pos) for name, pos in seen]
    known = {m.value.lstrip("+") for m in out}
    return out + fallback_mentions(parts, known)


def _numbers(name: str, part: Part, known: set[str]) -> list[Mention]:
    out = []
    norm = part.norm
    for m in _NUMBER_CUE.finditer(norm):
        if m.start() and norm[m.start() - 1].isascii() and norm[m.start() - 1].isalpha():
            continue  # "call" inside "recall"
        digits = digits_of(m.group(2))
        if not 8 <= len(digits) <= 15 or digits in known or any(digits.endswith(k[-8:]) for k in known if k.isdigit()):
            continue
        # an international number can be checked as such; a local one has no country, so only junk is refused
        fake = _is_placeholder("phone", "+" + digits) if "+" in m.group(2) else len(set(digits)) <= 2
        if part.in_code(m.start()) or fake:
            continue
        known.add(digits)
        out.append(_mention("whatsapp" if m.group(1) in _WHATSAPP_WORDS else "number", digits, name, part, m.start(2)))
    for m in _TOLL_FREE.finditer(norm):
        if m.start() and norm[m.start() - 1].isdigit():
            continue
        digits = digits_of(m.group())
        if digits not in known and not part.in_code(m.start()) and not _is_placeholder("phone", "+1" + digits):
            known.add(digits)
            out.append(_mention("number", digits, name, part, m.start()))
    return out


def fallback_mentions(parts: dict[str, Part], known: set[str]) -> list[Mention]:
    """@handles, ids after a messenger cue and cue-led numbers the extractor did not report (not in code)."""
    out: list[Mention] = []
    for name, part in parts.items():
        norm = part.norm
        if "@" in norm:
            for m in _AT_HANDLE.finditer(norm):
                value = m.group(1)
                if (m.start() and norm[m.start() - 1] in _HANDLE_LEFT) or value in known or value in _NOT_HANDLES \
                        or part.in_code(m.start()) or _is_placeholder("telegram", value):
                    continue
                known.add(value)
                out.append(_mention("handle", value, name, part, m.start()))
        out += _numbers(name, part, known)
        for idx, _start, end in part.cues:
            cue = part.info[idx]
            m = _ID_AFTER_CUE.match(norm, end)
            if m is None or m.group(2) in known or m.group(2) in _NOT_HANDLES:
                continue
            sep, value = m.groups()
            id_like = any(ch.isdigit() or ch == "_" for ch in value)
            # after a messenger name: an id if it looks like one, follows a colon, or sits in non-Latin text
            # ("ไลน์ ngernduan"); after a call to action ("加微信：abc_88") only if it looks like one
            if not id_like and not (cue.cue == "messenger" and (any(ch in sep for ch in ":：=@") or "id" in sep
                                                                or not cue.term.isascii())):
                continue
            if _is_placeholder("telegram", value):
                continue
            known.add(value)
            out.append(_mention("handle", value, name, part, m.start(2)))
    return out
