"""Contact mentions a document makes: the row's contacts (found once, by corpus.contacts) placed in title/head/middle/tail."""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.signals.layout import Part

_WHATSAPP_CUE = re.compile(r"whatsapp|wa\.me|\bwa\b|\bzap\b|wsp|واتساب|واتس")
_DIGITS = re.compile(r"\d+")
# A contact introduced as an example ("一般是这样写的：TG：x", "for example @x") is quoted, not offered.
_EXAMPLE_CUE = re.compile(r"例如|示例|样本|样例|這樣寫|这样写|写法|寫法|for example|e\.g\.|such as|like this|"
                          r"например|por ejemplo|por exemplo|ví dụ|contoh|例えば|예를 들어|zum beispiel|par exemple")


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


def _mention(kind: str, value: str, name: str, part: Part, pos: int) -> Mention:
    where = "boilerplate" if name == "boilerplate" else part.region(pos) if name == "text" else "title"
    if kind == "phone" and pos >= 0 and _WHATSAPP_CUE.search(part.norm, max(0, pos - 24), pos):
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
    return out
