"""Weights of the named signals, the logistic score and the family guess."""
from __future__ import annotations

import math

from corpus.signals import features as f

# name -> (signal function, weight). Positive weights push toward spam, negative toward benign.
# Hand-set, guided by a logistic regression on the dev set (bench/devset/fit_weights.py, 5-fold CV): the fit leans
# on "contact at the edge" because most dev posts are short; real footers carry official handles too, so the
# weight sits on the interaction (a spam family's goods AND a seller handle) instead. Signals too rare in the dev
# set for the fit to see (placeholders, shorteners, random tokens) keep their designed weights.
SIGNALS = {
    "commerce_with_contact": (f.commerce_with_contact, 4.0),
    "family_lexicon": (f.family_lexicon, 2.0),
    "contact_at_edge": (f.contact_at_edge, 1.6),
    "cta_near_contact": (f.cta_near_contact, 1.4),
    "contact_in_title": (f.contact_in_title, 1.0),
    "contact_in_boilerplate": (f.contact_in_boilerplate, 0.6),
    "contact_in_body": (f.contact_in_body, 0.4),
    "selling_terms": (f.selling_terms, 0.7),
    "call_to_action": (f.call_to_action, 0.3),
    "template_placeholder": (f.template_placeholder, 1.2),
    "decorated_contact": (f.decorated_contact, 0.6),
    "handle_repeated": (f.handle_repeated, 0.6),
    "shortener_link": (f.shortener_link, 0.6),
    "messaging_link": (f.messaging_link, 0.5),
    "bracket_header": (f.bracket_header, 0.5),
    "keyword_stuffing": (f.keyword_stuffing, 0.5),
    "random_token_line": (f.random_token_line, 0.5),
    "contact_density": (f.contact_density, 0.4),
    "anti_spam_framing": (f.anti_spam_framing, -2.0),
    "developer_context": (f.developer_context, -1.2),
    "contacts_in_code": (f.contacts_in_code, -1.0),
    "placeholder_contacts": (f.placeholder_contacts, -0.8),
}
BIAS = -4.4
# A signal is named in spam_signals when it moves the log-odds at least this much.
REPORT_AT = 0.25
# Family guess: the best family's weighted lexicon sum must reach this, else `other`.
FAMILY_MIN = 2.0


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def strengths(doc: f.Doc) -> dict[str, float]:
    return {name: fn(doc) for name, (fn, _w) in SIGNALS.items()}


def combine(values: dict[str, float]) -> tuple[float, list[tuple[str, float]]]:
    """Score and (name, contribution) pairs, strongest first."""
    contributions = [(name, SIGNALS[name][1] * v) for name, v in values.items() if v]
    z = BIAS + sum(c for _, c in contributions)
    contributions.sort(key=lambda p: -abs(p[1]))
    return logistic(z), contributions


def guess_family(doc: f.Doc) -> str:
    return guess_family_from_sums(f.family_strengths(doc))


def guess_family_from_sums(sums: dict[str, float]) -> str:
    """The family with the largest lexicon sum, if it reaches FAMILY_MIN; else `other`."""
    if not sums:
        return "other"
    best = max(sums, key=lambda k: (sums[k], k))
    return best if sums[best] >= FAMILY_MIN else "other"
