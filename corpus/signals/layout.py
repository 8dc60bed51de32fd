"""Where things sit in a document: head, tail or middle, inside code or not, and the title/text/boilerplate parts."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from corpus.signals.matcher import Hit, TermInfo, matcher_for, prepare

# Fenced code blocks, inline code and <code>/<pre> left in text: quoted spam there is an example, not an offer.
_CODE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]{1,200}`|<(pre|code)>.*?</\1>", re.S)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Quoted text and blockquotes: spam quoted in a warning, a rule list or a study is an example, not an offer.
# Every branch starts with a literal so the scan skips ahead; an apostrophe inside a word opens no quotation.
_QUOTED = re.compile(r"“[^”\n]{1,160}”|「[^」\n]{1,160}」|『[^』\n]{1,160}』|\"[^\"\n]{1,160}\"|\n>[^\n]*|"
                     r"'[^'\n]{1,160}'(?!\w)|‘[^’\n]{1,160}’|«[^»\n]{1,160}»")
# Lines that look like code or patterns: regex syntax, statements, assignments, quoted rule-list entries,
# lines ending in ; { }, indented lines with code punctuation and no CJK (Markdown code; wrapped prose is CJK).
# Matched in "\n" + text; every branch starts with a literal or a small class so sre scans ahead quickly.
_CODE_LINE_MARKS = re.compile(
    r"\\[dwsbS.]|\(\?[:i!=<]|\[\^|\]\+|\.\*|[;{}][ \t]*(?=\n|$)|"
    r"\n[ \t]*(?:(?:def|class|import|const|let|var|return|elif|function|async|await)\s|"
    r"[A-Za-z_][\w.\[\]'\"]*[ \t]*[:+]?=[ \t]*\S|[-*]?[ \t]*r?['\"/][^\n]*['\"/],?[ \t]*(?=\n|$))|"
    r"\n(?:    |\t)(?=[^\n]*[=(){}\[\]<>$])(?![^\n]*[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])")


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
    info: list[TermInfo] = field(default_factory=list)   # term index -> what the term is
    free: list[Hit] = field(default_factory=list)        # hits outside code and quotations
    free_starts: list[int] = field(default_factory=list)
    cues: list[Hit] = field(default_factory=list)        # free hits after which a contact may follow
    cue_starts: list[int] = field(default_factory=list)
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
    spans = [m.span() for m in _CODE.finditer(text)]
    for m in _QUOTED.finditer("\n" + text):  # the newline lets a blockquote on the first line match
        start, end = m.start() - 1, m.end() - 1     # offsets in text
        if m.group()[0] == "'" and start > 0 and text[start - 1].isalnum():
            continue
        spans.append((max(start, 0), end))
    if "\n" in text:  # only multi-line documents have code lines; a title never does
        last_end = -1
        padded = "\n" + text
        for m in _CODE_LINE_MARKS.finditer(padded):
            pos = m.start() + (padded[m.start()] == "\n") - 1  # a mark's offset in text
            if pos < last_end:
                continue
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
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
    matcher = matcher_for(lang)
    part = Part(name, raw, norm, matcher.find(norm), _code_spans(raw), matcher.info)
    part._code_starts = [s for s, _ in part.code]
    if part.code:  # one sweep over hits and spans, both in order
        spans, i = part.code, 0
        for hit in part.hits:
            while i < len(spans) and spans[i][1] <= hit[1]:
                i += 1
            if i == len(spans) or hit[1] < spans[i][0]:
                part.free.append(hit)
    else:
        part.free = part.hits
    part.free_starts = [h[1] for h in part.free]
    info = matcher.info
    part.cues = [h for h in part.free if info[h[0]].cue]
    part.cue_starts = [h[1] for h in part.cues]
    return part
