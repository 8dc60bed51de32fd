"""Unicode folding in one place: the characters filter dodgers use, and the NFKC tables every text path folds with.

Each path keeps its own fold because each needs another guarantee: contacts keep a map back to the original span,
the lexicon matcher keeps offsets one for one, the campaign normaliser folds everything (NFKC, Traditional to
Simplified) and the detector's n-grams fold code points in numpy. What they must agree on lives here.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

# Invisible characters inserted inside words and numbers to break matching (soft hyphen, Mongolian vowel separator,
# zero-width space/joiners, direction marks, word joiner, invisible operators, BOM, variation selectors)
ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\ufe0e\ufe0f"
# full-width ASCII (！ to ～): NFKC maps each to the ASCII character 0xFEE0 below it
FULLWIDTH_ASCII = (0xFF01, 0xFF5E)
FULLWIDTH_OFFSET = 0xFEE0
IDEOGRAPHIC_SPACE = "\u3000"
# blocks holding the compatibility letters and digits of filter dodgers: circled (Ⓐ ①), full- and half-width
# forms, mathematical alphanumerics (𝐞 𝕤), enclosed alphanumerics (🅰)
CIRCLED = (0x2460, 0x24FF)
HALF_AND_FULL_WIDTH_ALNUM = (0xFF10, 0xFF9F)
MATH_ALNUM = (0x1D400, 0x1D7FF)
ENCLOSED_ALNUM = (0x1F100, 0x1F1FF)
DODGER_BLOCKS = (CIRCLED, HALF_AND_FULL_WIDTH_ALNUM, MATH_ALNUM, ENCLOSED_ALNUM)


def compat_table(blocks: Iterable[tuple[int, int]], accept: Callable[[str, str], bool],
                 transform: Callable[[str], str] = str) -> dict[str, str]:
    """Zero-width characters to "", and each character of `blocks` whose NFKC form (after `transform`) differs
    and passes `accept(char, folded)` to that form."""
    table = dict.fromkeys(ZERO_WIDTH, "")
    for lo, hi in blocks:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            folded = transform(unicodedata.normalize("NFKC", ch))
            if folded != ch and ch not in table and accept(ch, folded):
                table[ch] = folded
    return table


def char_class(codepoints: Iterable[int]) -> str:
    """The body of a regex class for `codepoints` as ranges: sre tests a class item by item, so few items keep
    scans fast."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        elif not ranges or cp > ranges[-1][1]:
            ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_FULLWIDTH_RE = re.compile(f"[{chr(FULLWIDTH_ASCII[0])}-{chr(FULLWIDTH_ASCII[1])}{IDEOGRAPHIC_SPACE}]")


def _halfwidth(match: re.Match[str]) -> str:
    ch = match.group()
    return " " if ch == IDEOGRAPHIC_SPACE else chr(ord(ch) - FULLWIDTH_OFFSET)


def halfwidth_ascii(text: str) -> str:
    """Full-width ASCII and the ideographic space as NFKC maps them, without NFKC's slow path on CJK text."""
    return _FULLWIDTH_RE.sub(_halfwidth, text)
