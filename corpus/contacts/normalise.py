"""Unicode folding of page text for contact matching, with a map from each folded character to its original span."""
from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.textfold import ENCLOSED_ALNUM, MATH_ALNUM, char_class, compat_table

# Only characters whose NFKC form carries ASCII letters, digits or URL punctuation are rewritten (full-width
# ＱＱ１２３, mathematical 𝐞𝐬𝐢𝐦, circled Ⓐ, ℡); CJK punctuation stays, so most Chinese text is copied as is.
# full-width sentence punctuation is everywhere in Chinese text and never part of a contact: leave it alone
KEEP = frozenset("，！？；：")
_BLOCKS = ((0x80, 0x2FFF), (0x3000, 0x33FF), (0xFB00, 0xFFEF), MATH_ALNUM, ENCLOSED_ALNUM)


def _build_char_map() -> dict[str, str]:
    table = compat_table(_BLOCKS, lambda ch, norm: norm.isascii() and bool(norm.strip()) and norm.isprintable()
                         and ch not in KEEP)
    table["\u0130"] = "I"  # the one character whose lowercase is two characters: keep lower() length-preserving
    return table


CHAR_MAP = _build_char_map()


def _char_class(chars: Iterable[str]) -> str:
    return "[" + char_class(ord(c) for c in chars) + "]"


# One pattern per plane: sre tests a BMP-only class with a bitmap, but a class (or an alternation) with astral
# characters range by range, which is several times slower on every character of the page.
_CHANGED = (re.compile(_char_class(c for c in CHAR_MAP if CHAR_MAP[c] != c and c <= "\uffff") + "+"),
            re.compile("[\U0001d400-\U0001d7ff\U0001f100-\U0001f1ff]+"))
ONE_TO_ONE = {ord(c): r for c, r in CHAR_MAP.items() if len(r) == 1}
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_TLD_AHEAD = (r"(?=(?:com|net|org|me|io|co|cn|hk|tw|info|xyz|top|cc|ru|vip|bet|app|pro|win|club|shop|site|online|live|"
              r"fun|asia|biz|tv|icu|cyou|buzz|store|games|casino|link|life|world|ltd|xn--[a-z0-9-]+|[a-z]{2})(?![a-z0-9]))")
# obfuscated dots and ats (`gmail[dot]com`, `t。me`, `name(at)mail`, `abc ● com`, `888yx点vip`), in lowercased text, each
# token found by its own pattern that starts with the token (fast) and checked for a letter or digit before it
AT_TOKENS = ("[at]", "(at)", "{at}", "<at>")
OBFUSCATION = {tok: re.compile(re.escape(tok) + " ?" + ("(?=[a-z0-9])" if tok[0] in "[({<" else _TLD_AHEAD))
               for tok in ("[dot]", "(dot)", "{dot}", "<dot>", *AT_TOKENS, "●", "•", "·", "。", "点", "點", " dot ")}


# `name AT gmail.com`: the capitals say the word stands for `@` (lowercase ` at ` is the English word)
_SPELT_AT = re.compile(r"(?<=[a-z0-9]) at (?=[a-z0-9-]+\.[a-z0-9.-]*[a-z]{2})")


def _obfuscations(low: str, text: str = "") -> list[tuple[int, int, str]]:
    edits = [(m.start(), m.end(), "@") for m in _SPELT_AT.finditer(low) if text[m.start():m.end()] == " AT "] \
        if " AT " in text else []
    for token, pattern in OBFUSCATION.items():
        if token not in low:
            continue
        for m in pattern.finditer(low):
            if token == "。" and m.start() and low[m.start() - 1] == " ":
                continue  # `@kx777 。aa`: a spaced full stop ends a sentence; obfuscators glue it (`t。me`)
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


class Norm:
    """Normalised text, its lowercase twin (same length), and for each character the original span it came from."""

    __slots__ = ("ends", "low", "source", "starts", "text")

    def __init__(self, text: str) -> None:
        self.source = self.text = text
        self.starts = self.ends = None
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
        edits = _obfuscations(self.low, self.text)
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

    def rewritten(self, a: int, b: int) -> bool:
        """text[a:b] was written in other characters (full-width, `●` or `点` for a dot, zero-width inside)."""
        start, end = self.span(a, b)
        return self.source[start:end] != self.text[a:b]

    def span(self, a: int, b: int) -> tuple[int, int]:
        if self.starts is None:
            return a, b
        return self.starts[a], self.ends[b - 1]


def normalize_text(text: str) -> str:
    """The form contacts are matched in (NFKC letters and digits, no zero-width characters, de-obfuscated)."""
    return Norm(text).text
