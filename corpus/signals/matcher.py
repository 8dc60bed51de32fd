"""One-pass lexicon matching (Aho-Corasick, leftmost-longest), word boundaries checked for spaced scripts."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from corpus.lexicons import Term, load_terms
from corpus.textfold import DODGER_BLOCKS, ZERO_WIDTH, compat_table

try:  # Rust Aho-Corasick: ~0.04 ms for 5 KB against ~3,000 terms; the regex fallback is ~50x slower
    import ahocorasick_rs
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    ahocorasick_rs = None

# Scripts written without spaces (or with attached prefixes): their terms match anywhere.
_UNSPACED = re.compile(r"[\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _fold_map() -> dict[str, str]:
    """Characters whose NFKC form is one other letter or digit (full-width Ｑ, 𝐞, half-width ｶ); zero-width ones out."""
    return compat_table(DODGER_BLOCKS, lambda ch, norm: len(norm) == 1 and norm.isalnum(), str.lower)


_FOLD = _fold_map()

# whole blocks in the class (few ranges keep sre's scan fast); characters without a folding map to themselves
_FOLD_RE = re.compile("[" + re.escape(ZERO_WIDTH) + "".join(f"{chr(a)}-{chr(b)}" for a, b in DODGER_BLOCKS) + "]+")


# A hit is a plain (term index, start, end) tuple: a dense 5 KB page has hundreds, so no object per hit.
Hit = tuple[int, int, int]


class TermInfo(NamedTuple):
    term: str
    categories: tuple[tuple[str, float], ...]  # (category, weight) pairs the term belongs to
    family: bool                                # one of the categories is a family
    cue: str                                    # "messenger", "cta" or "" (a contact may follow)
    spaced: bool                                # needs word boundaries
    stem: bool                                  # any word ending matches


# Characters that continue a word in a spaced script (Latin, Greek, Cyrillic, Vietnamese) or digits: a set, because
# a membership test is what the per-hit boundary check can afford.
WORD_CHARS = frozenset(ch for cp in (*range(0x0590), *range(0x1E00, 0x2000)) if (ch := chr(cp)).isalnum())


def is_word_char(ch: str) -> bool:
    return ch in WORD_CHARS


def _cue(categories: set[str]) -> str:
    return "messenger" if "messenger" in categories else "cta" if "cta" in categories else ""


class Matcher:
    """Finds lexicon terms in prepared text; built once per document language and cached."""

    def __init__(self, terms: list[Term]) -> None:
        cats: dict[str, list[tuple[str, float]]] = {}
        stem: dict[str, bool] = {}
        for t in terms:
            entry = cats.setdefault(t.text, [])
            if (t.category, t.weight) not in entry:
                entry.append((t.category, t.weight))
            stem[t.text] = stem.get(t.text, False) or t.stem
        self.patterns = sorted(cats)
        self.info = [TermInfo(p, tuple(cats[p]), any(c.startswith("family:") for c, _ in cats[p]),
                              _cue({c for c, _ in cats[p]}), not _UNSPACED.search(p), stem[p]) for p in self.patterns]
        self._spaced = [(i.spaced, i.stem) for i in self.info]
        if ahocorasick_rs is not None:
            self._ac = ahocorasick_rs.AhoCorasick(self.patterns, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
        else:
            alternation = "|".join(map(re.escape, sorted(self.patterns, key=len, reverse=True)))
            self._re = re.compile(alternation)
            self._pos = {p: i for i, p in enumerate(self.patterns)}

    def _raw(self, text: str) -> list[tuple[int, int, int]]:
        if ahocorasick_rs is not None:
            return self._ac.find_matches_as_indexes(text)
        return [(self._pos[m.group()], m.start(), m.end()) for m in self._re.finditer(text)]

    def find(self, text: str) -> list[Hit]:
        """Hits in `text` (already prepared); offsets index into it."""
        hits: list[Hit] = []
        n, flags, word = len(text), self._spaced, WORD_CHARS
        for hit in self._raw(text):
            idx, start, end = hit
            spaced, stem = flags[idx]
            if spaced:
                if start > 0 and text[start - 1] in word:
                    continue
                if stem:
                    while end < n and text[end] in word:
                        end += 1
                    hit = (idx, start, end)
                elif end < n and text[end] in word:
                    continue
            hits.append(hit)
        return hits


    def terms(self, text: str) -> list[str]:
        """The matched terms of `text` (already prepared), in order: for tests and curious readers."""
        return [self.info[idx].term for idx, _s, _e in self.find(text)]


def prepare(text: str) -> str:
    """Lowercase and fold compatibility characters one for one, so offsets stay those of the original text
    (zero-width characters, which split words to dodge filters, are dropped: offsets shift by as many)."""
    text = text.lower()
    return _FOLD_RE.sub(lambda m: "".join(_FOLD.get(c, c) for c in m.group()), text)


@lru_cache(maxsize=32)
def matcher_for(lang: str) -> Matcher:
    """English plus the document language for spaced scripts; every unspaced-script term always."""
    lang = (lang or "und").split("-")[0].lower()
    lang = {"ms": "id", "": "und"}.get(lang, lang)
    terms = [t for t in load_terms() if t.lang in ("en", lang) or _UNSPACED.search(t.text)
             or (lang == "und" and t.lang == "zh")]
    return Matcher(terms)
