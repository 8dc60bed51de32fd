"""The spam detector's entry point: the learned model (corpus/detector) over named signals, and the hand-set rules."""
from __future__ import annotations

from dataclasses import dataclass

from corpus.signals import features as _f
from corpus.signals.layout import make_part
from corpus.signals.mentions import collect_mentions
from corpus.signals.score import REPORT_AT, combine, guess_family, strengths

RULES_VERSION = "signals-1.3"  # the hand-set weights, kept as a baseline and for tests of the signals
MAX_REPORTED = 8

__all__ = ["DETECTOR_VERSION", "RULES_VERSION", "Verdict", "analyse", "explain", "score_by_rules", "score_document"]


def __getattr__(name: str):
    # the version is the shipped model's; read lazily so that importing the signals does not load the model
    if name == "DETECTOR_VERSION":
        from corpus.detector.model import load_model
        return load_model().version
    raise AttributeError(name)


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


def analyse(title: str, text: str, *, contacts=(), links=(), lang: str = "und",
            boilerplate: str = "") -> tuple[dict[str, float], dict[str, float]]:
    """Every signal's strength and the position-weighted lexicon sum of every category (`family:gambling`,
    `selling`, `cta`, ...) from one layout: the learned detector's hand-made features."""
    doc = _layout(title or "", text or "", contacts, links or (), lang or "und", boilerplate or "")
    return strengths(doc), dict(doc.sums)


def score_document(title: str, text: str, *, contacts=(), links=(), lang: str = "und",
                   boilerplate: str = "", doc_format: str = "") -> Verdict:
    """Score one document with the shipped learned model: calibrated probability, the features that moved it most
    (signal names, `family_lexicon:<family>`, `contacts:<kind>`, `ngrams:<region>`), and the learned family."""
    from corpus.detector.features import DocumentView
    from corpus.detector.model import REPORT_AT as MODEL_REPORT_AT, load_model

    model = load_model()
    view = DocumentView(title or "", text or "", boilerplate or "", list(contacts), list(links or ()),
                        lang or "und", doc_format or "")
    z, dense, by_region, folded = model.decision(view)
    probability = model.probability(z)
    family = model.family(dense, folded)
    names = [_display(name) for name, c in model.explain(dense, by_region) if abs(c) >= MODEL_REPORT_AT]
    return Verdict(round(probability, 4), tuple(names[:MAX_REPORTED]), family)


def _display(feature: str) -> str:
    if feature.startswith("signal:"):
        return feature[len("signal:"):]
    if feature.startswith("lexicon:family:"):
        return "family_lexicon:" + feature[len("lexicon:family:"):]
    return feature


def score_by_rules(title: str, text: str, *, contacts=(), links=(), lang: str = "und",
                   boilerplate: str = "") -> Verdict:
    """Score one document with the hand-set signal weights (the pre-learning detector, kept as a baseline)."""
    doc = _layout(title or "", text or "", contacts, links or (), lang or "und", boilerplate or "")
    score, contributions = combine(strengths(doc))
    family = guess_family(doc)
    names = []
    for name, contribution in contributions:
        if abs(contribution) < REPORT_AT:
            continue
        names.append(f"family_lexicon:{family}" if name == "family_lexicon" and family != "other" else name)
    return Verdict(round(score, 4), tuple(names), family)
