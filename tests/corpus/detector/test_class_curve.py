"""Which labels buy most: thinning keeps whole operations of one class, and the ranking is read without a threshold."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from corpus.detector.class_curve import class_curve, hard_fp_at_recall, keep_mask


def _examples():
    # 40 operations of two documents each, spam and benign alternating by operation
    return [SimpleNamespace(group=f"op{i // 2}", spam=(i // 2) % 2 == 0) for i in range(80)]


@pytest.mark.parametrize("thinned", ["benign", "spam", "both"])
def test_thinning_keeps_whole_operations_and_the_other_class(thinned):
    examples = _examples()
    for seed in (0, 1):
        keep = keep_mask(examples, seed, 0.5, thinned)
        for g in {ex.group for ex in examples}:  # an operation is kept or dropped whole
            assert len({bool(k) for k, ex in zip(keep, examples) if ex.group == g}) == 1
        spam = np.array([ex.spam for ex in examples])
        if thinned == "benign":
            assert keep[spam].all() and 0 < keep[~spam].sum() < (~spam).sum()
        elif thinned == "spam":
            assert keep[~spam].all() and 0 < keep[spam].sum() < spam.sum()
        else:
            assert 0 < keep[spam].sum() < spam.sum() and 0 < keep[~spam].sum() < (~spam).sum()
        assert keep_mask(examples, seed, 1.0, thinned).all()
        assert not keep_mask(examples, seed, 0.0, "both").any()
    # a larger share keeps a superset: the curve's points are nested, as in curve.learning_curve
    assert (keep_mask(examples, 0, 0.5, "benign") <= keep_mask(examples, 0, 0.75, "benign")).all()
    with pytest.raises(ValueError, match="thinned"):
        keep_mask(examples, 0, 0.5, "ham")


def test_hard_negatives_are_counted_at_the_cut_that_keeps_the_recall():
    prob = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.75, 0.65, 0.1])
    y = np.array([True, True, True, True, True, False, False, False])
    hard = np.array([False] * 5 + [True, True, True])
    # 80 % of five spam is four: the cut is the fourth highest spam score, 0.6; two of three hard negatives reach it
    assert hard_fp_at_recall(prob, y, hard) == pytest.approx(2 / 3)
    assert hard_fp_at_recall(prob, y, hard, recall=0.6) == pytest.approx(1 / 3)  # cut 0.7: only 0.75 reaches it
    assert hard_fp_at_recall(prob, y, hard, recall=0.4) == 0.0                    # cut 0.8: above every one
    assert hard_fp_at_recall(prob, y, np.zeros(8, bool)) == 0.0


@pytest.mark.realworld
def test_the_full_point_is_the_plain_cross_validation_and_thinning_changes_it():
    from corpus.detector.crossval import _calibrated_oof
    from corpus.detector.cuts import metrics
    from corpus.detector.data import realworld_examples
    from corpus.detector.train import FULL, grouped_folds

    examples = realworld_examples()[0][::3]
    rows = class_curve(examples, seeds=(0,), fractions=(0.5, 1.0), thinned=("benign", "spam"))
    assert [(r["thinned"], r["fraction"]) for r in rows] == [("benign", 0.5), ("benign", 1.0), ("spam", 0.5),
                                                             ("spam", 1.0)]
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    prob = _calibrated_oof(examples, FULL, grouped_folds([ex.group for ex in examples], seed=0, strata=list(y)))
    direct = metrics(prob >= 0.5, y, hard)
    for full in (rows[1], rows[3]):
        assert full["f1"] == round(direct["f1"], 4) and full["hard_fp_rate"] == round(direct["hard_fp_rate"], 4)
    assert rows[0] != rows[1] and rows[2] != rows[3]
    assert all(0 <= r["average_precision"] <= 1 and 0 <= r["hard_fp_at_recall"] <= 1 for r in rows)
