"""Where things sit in a document: head, tail or middle, inside code or not, and the title/text/boilerplate parts."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from corpus.signals.matcher import Hit, matcher_for, prepare

# Fenced code blocks, inline code and <code>/<pre> left in text: quoted spam there is an example, not an offer.
_CODE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]{1,200}`|<(pre|code)>.*?</\1>", re.S)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Quoted text and blockquotes: spam quoted in a warning, a rule list or a study is an example, not an offer.
_QUOTED = re.compile(r"“[^”\n]{1,160}”|「[^」\n]{1,160}」|『[^』\n]{1,160}』|\"[^\"\n]{1,160}\"|^>[^\n]*|"
                     r"(?<!\w)'[^'\n]{1,160}'(?!\w)|‘[^’\n]{1,160}’(?!\w)|«[^»\n]{1,160}»", re.M)
# Lines that look like code or patterns: regex syntax, statements, assignments, quoted rule-list entries,
# lines ending in ; { }, indented lines with code punctuation and no CJK (Markdown code; wrapped prose is CJK).
_CODE_LINE_MARKS = re.compile(
    r"\\[dwsbS.]|\(\?[:i!=<]|\[\^|\]\+|\.\*|"
    r"^[ \t]*(?:(?:def|class|import|const|let|var|return|elif|function|async|await)\s|"
    r"[A-Za-z_][\w.\[\]'\"]*[ \t]*[:+]?=[ \t]*\S|[-*]?[ \t]*r?['\"/][^\n]*['\"/],?[ \t]*$)|"
    r"[;{}][ \t]*$|^(?:    |\t)(?=[^\n]*[=(){}\[\]<>$])(?![^\n]*[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])", re.M)


HEAD, MIDDLE, TAIL = "head", "middle", "tail"


def edge_size(length: int) -> int:
    """Characters at each end of the text that count as head or tail (spam wraps tutorials there)."""
    return min(max(200, length // 8), 600)


@dataclass
class Part:
    """One of title, text, boilerplate: its prepared form, lexicon hits and code spans (code and quotations)."""

    name: str
    raw: str
    norm: str = ""
    hits: list[Hit] = field(default_factory=list)
    code: list[tuple[int, int]] = field(default_factory=list)
    _code_starts: list[int] = field(default_factory=list)

    def in_code(self, pos: int) -> bool:
        i = bisect.bisect_right(self._code_starts, pos) - 1
        return i >= 0 and self.code[i][0] <= pos < self.code[i][1]

    def region(self, pos: int) -> str:
        """head, middle or tail for the text; the title is all head; boilerplate counts as tail (footers)."""
        if self.name == "title":
            return HEAD
        if self.name == "boilerplate":
            return TAIL
        edge = edge_size(len(self.raw))
        if pos < edge:
            return HEAD
        if pos >= len(self.raw) - edge:
            return TAIL
        return MIDDLE


def _code_spans(text: str) -> list[tuple[int, int]]:
    if not text:
        return []
    spans = [m.span() for m in _CODE.finditer(text)] + [m.span() for m in _QUOTED.finditer(text)]
    if "\n" in text:  # only multi-line documents have code lines; a title never does
        last_end = -1
        for m in _CODE_LINE_MARKS.finditer(text):
            if m.start() < last_end:
                continue
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.start())
            last_end = len(text) if end < 0 else end
            spans.append((start, last_end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def make_part(name: str, raw: str, lang: str) -> Part:
    raw = raw or ""
    norm = prepare(raw)  # same offsets as raw unless zero-width characters were dropped (a few characters off)
    part = Part(name, raw, norm, matcher_for(lang).find(norm), _code_spans(raw))
    part._code_starts = [s for s, _ in part.code]
    return part
