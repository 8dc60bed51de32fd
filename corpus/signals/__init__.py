"""The spam detector: named, position-weighted signals combined by a logistic score, plus a family guess."""
from __future__ import annotations

from dataclasses import dataclass

from corpus.signals import features as _f
from corpus.signals.layout import make_part
from corpus.signals.mentions import collect_mentions
from corpus.signals.score import REPORT_AT, combine, guess_family, strengths

DETECTOR_VERSION = "signals-1.2"  # bump when weights, lexicons or signals change

__all__ = ["DETECTOR_VERSION", "Verdict", "score_document", "explain"]


@dataclass(frozen=True)
class Verdict:
    score: float                 # 0..1, 0.5 = decision point
    signals: tuple[str, ...]     # names of signals that fired, strongest first
    family: str                  # one of corpus.labels.FAMILIES


def _layout(title: str, text: str, contacts, links, lang: str, boilerplate: str) -> _f.Doc:
    parts = {"title": make_part("title", title, lang), "text": make_part("text", text, lang)}
    if boilerplate:
        parts["boilerplate"] = make_part("boilerplate", boilerplate, lang)
    doc = _f.Doc(parts, collect_mentions(parts, contacts), list(links))
    _f.lexicon_sums(doc)
    families = _f.family_strengths(doc)
    doc.top_family = max(families, key=lambda k: (families[k], k)) if families else "other"
    return doc


def explain(title: str, text: str, *, contacts=(), links=(), lang: str = "und",
            boilerplate: str = "") -> dict[str, float]:
    """Every signal's strength (0..1) for one document, fired or not: for tests, tuning and curious annotators."""
    return strengths(_layout(title, text, contacts, links, lang, boilerplate))


def score_document(title: str, text: str, *, contacts=(), links=(), lang: str = "und",
                   boilerplate: str = "") -> Verdict:
    """Score one document. `contacts` are corpus.contacts.Contact objects (kind, value, where, start, end)."""
    doc = _layout(title or "", text or "", contacts, links or (), lang or "und", boilerplate or "")
    score, contributions = combine(strengths(doc))
    family = guess_family(doc)
    names = []
    for name, contribution in contributions:
        if abs(contribution) < REPORT_AT:
            continue
        names.append(f"family_lexicon:{family}" if name == "family_lexicon" and family != "other" else name)
    return Verdict(round(score, 4), tuple(names), family)
