"""The dense half of the detector's input: named signal strengths, lexicon sums per category, contacts and shape."""
from __future__ import annotations

import math

import numpy as np

from corpus.detector.features import DocumentView, dense_features, dense_names
from corpus.labels import FAMILIES
from corpus.signals import analyse
from corpus.signals.score import SIGNALS

SIGNAL_NAMES = sorted(SIGNALS)
# Cue categories of corpus/lexicons plus one per family; a lexicon sum is position-weighted (title and edges count
# more), so log1p keeps a stuffed page from dwarfing everything else.
LEXICON_CATEGORIES = ["anti_spam", "cta", "developer", "messenger", "selling"] + [
    f"family:{f}" for f in FAMILIES if f != "other"]
DENSE_NAMES = ([f"signal:{n}" for n in SIGNAL_NAMES] + [f"lexicon:{c}" for c in LEXICON_CATEGORIES]
               + dense_names())


def dense_vector(view: DocumentView) -> np.ndarray:
    """The dense features of one document, in DENSE_NAMES order."""
    strengths, sums = analyse(view.title, view.text, contacts=_contacts(view.contacts), links=view.links,
                              lang=view.lang, boilerplate=view.boilerplate)
    values = [strengths.get(n, 0.0) for n in SIGNAL_NAMES]
    values += [math.log1p(max(sums.get(c, 0.0), 0.0)) / 3 for c in LEXICON_CATEGORIES]
    return np.concatenate([np.asarray(values, dtype=np.float32), dense_features(view)])


def _contacts(contacts: list) -> list:
    """The signals read Contact objects; rows carry plain {kind, value, where} dicts."""
    if not contacts or not isinstance(contacts[0], dict):
        return contacts
    from corpus.contacts import Contact
    return [Contact(c["kind"], c["value"], c.get("where") or "text") for c in contacts]
