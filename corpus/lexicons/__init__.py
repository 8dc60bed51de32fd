"""Spam lexicons as data: one TOML file per language, terms per family and per cue, Traditional Chinese generated."""
from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from corpus.labels import FAMILIES

# Cue categories besides the families: what a term in them says about a document.
CUES: tuple[str, ...] = ("cta", "messenger", "selling", "anti_spam", "developer")


class LexiconError(ValueError):
    """A lexicon file that does not have the expected shape."""


@dataclass(frozen=True)
class Term:
    text: str        # normalised (NFKC, lowercase)
    category: str    # "family:<name>" or a cue name
    lang: str        # the file it came from
    weight: float    # 1.0 unless the file says `term=0.5`
    stem: bool       # a trailing * in the file: any word ending matches


def normalise(text: str) -> str:
    """The form both lexicon terms and documents are matched in: NFKC, lowercase."""
    return unicodedata.normalize("NFKC", text).lower()


def _parse(raw: str, category: str, lang: str) -> Term:
    text, weight = raw, 1.0
    if "=" in raw[1:]:
        text, _, w = raw.rpartition("=")
        try:
            weight = float(w)
        except ValueError:
            raise LexiconError(f"{lang}: bad weight in {raw!r}") from None
    stem = text.endswith("*")
    text = normalise(text.rstrip("*").strip())
    if not text:
        raise LexiconError(f"{lang}: empty term in {category}")
    return Term(text, category, lang, weight, stem)


def _traditional_variants(terms: list[Term]) -> list[Term]:
    """Traditional Chinese forms (Taiwan and Hong Kong usage) of Simplified terms, via OpenCC."""
    import opencc  # imported here: only the zh lexicon needs it, and only once

    converters = [opencc.OpenCC(cfg) for cfg in ("s2t", "s2tw", "s2hk")]
    seen = {t.text for t in terms}
    extra = []
    for term in terms:
        for conv in converters:
            variant = normalise(conv.convert(term.text))
            if variant not in seen:
                seen.add(variant)
                extra.append(Term(variant, term.category, term.lang, term.weight, term.stem))
    return extra


def _load_file(lang: str, data: dict) -> list[Term]:
    terms: list[Term] = []
    for family, words in data.get("family", {}).items():
        if family not in FAMILIES:
            raise LexiconError(f"{lang}: unknown family {family!r}")
        terms += [_parse(w, f"family:{family}", lang) for w in words]
    for cue, words in data.get("cue", {}).items():
        if cue not in CUES:
            raise LexiconError(f"{lang}: unknown cue {cue!r}")
        terms += [_parse(w, cue, lang) for w in words]
    if lang == "zh":
        terms += _traditional_variants(terms)
    return terms


@lru_cache(maxsize=1)
def load_terms() -> tuple[Term, ...]:
    """Every term of every bundled lexicon file."""
    terms: list[Term] = []
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            terms += _load_file(data.get("lang", entry.name[:-5]), data)
    return tuple(terms)


def languages() -> tuple[str, ...]:
    return tuple(sorted({t.lang for t in load_terms()}))
