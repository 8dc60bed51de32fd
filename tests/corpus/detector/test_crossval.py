"""Grouped cross-validation of the detector: a test fold's own labels never reach its prediction, nested choice included."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import corpus.detector.crossval as crossval
from corpus.detector.crossval import _calibrated_oof, _nested_oof
from corpus.detector.data import realworld_examples
from corpus.detector.train import FULL, grouped_folds

pytestmark = pytest.mark.realworld  # reads the pinned real-world set


@pytest.fixture(scope="module")
def small():
    """Every third real document: enough of both classes for inner folds, small enough to fit in seconds."""
    examples = realworld_examples()[0][::3]
    folds = grouped_folds([ex.group for ex in examples], k=2, strata=[ex.spam for ex in examples])
    return examples, folds


def _flip_fold(examples, folds, fold):
    return [dataclasses.replace(ex, spam=not ex.spam) if f == fold else ex for ex, f in zip(examples, folds)]


def test_a_test_folds_labels_do_not_move_its_calibrated_probabilities(small):
    examples, folds = small
    before = _calibrated_oof(examples, FULL, folds)
    after = _calibrated_oof(_flip_fold(examples, folds, 0), FULL, folds)
    assert np.allclose(before[folds == 0], after[folds == 0])
    assert not np.allclose(before[folds == 1], after[folds == 1])  # the other fold trained on the flipped labels


def test_the_nested_choice_is_made_without_the_test_fold(small, monkeypatch):
    examples, folds = small
    grid = ((1.0, 2.0), (8.0, 1.0))  # two choices that rank differently on this set, at a third of the grid's cost
    monkeypatch.setattr(crossval, "SCALE_GRID", grid)
    before, chosen = _nested_oof(examples, folds)
    after, chosen_after = _nested_oof(_flip_fold(examples, folds, 0), folds)
    assert ((before >= 0) & (before <= 1)).all()
    assert len(chosen) == 2 and all(tuple(c) in grid for c in chosen)
    assert chosen[0] == chosen_after[0]
    assert np.allclose(before[folds == 0], after[folds == 0])


def test_the_boosted_trees_candidate_never_sees_a_test_folds_labels(small):
    from corpus.detector.stack import stack_out_of_fold

    examples, folds = small
    before = stack_out_of_fold(examples, folds)
    after = stack_out_of_fold(_flip_fold(examples, folds, 0), folds)
    assert ((before >= 0) & (before <= 1)).all()
    assert np.allclose(before[folds == 0], after[folds == 0])
    assert not np.allclose(before[folds == 1], after[folds == 1])


def test_the_oracle_cut_is_the_best_cut_and_reported_as_such():
    from types import SimpleNamespace

    examples = [SimpleNamespace(spam=s, hard_negative=h) for s, h in
                [(True, False)] * 4 + [(False, True), (False, False), (False, False)]]
    # the spam sit at 0.30-0.45: the 0.5 cut finds none of them, the cut at 0.3 all of them and one hard negative
    prob = np.array([0.45, 0.40, 0.35, 0.30, 0.32, 0.10, 0.05])
    got = crossval.oracle_threshold(prob, examples)
    assert got["cut"] <= 0.30 and got["f1"] == round(2 * 0.8 * 1.0 / 1.8, 4) and got["hard_fp_rate"] == 1.0
    assert crossval.metrics(prob >= 0.5, np.array([e.spam for e in examples]), np.zeros(7, bool))["f1"] == 0.0


def test_the_shipped_features_keep_their_lead_over_the_plain_baseline():
    # A guard, not the floor (bench/detector_cv.py measures that, 3 seeds): on seed 0's folds the shipped features
    # gave F1 0.854 with 12.0 % of hard negatives flagged and the plain baseline 0.777 when this was written, both
    # deterministic. A change to extraction, contacts or features that breaks what the detector reads shows here.
    from corpus.detector.crossval import _plain_ngram_oof
    from corpus.detector.cuts import metrics

    examples = realworld_examples()[0]
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    folds = grouped_folds([ex.group for ex in examples], seed=0, strata=list(y))
    shipped = metrics(_calibrated_oof(examples, FULL, folds) >= 0.5, y, hard)
    plain = metrics(_plain_ngram_oof(examples, folds) >= 0.5, y, hard)
    assert shipped["f1"] >= 0.82 and shipped["f1"] >= plain["f1"] + 0.04
    assert shipped["hard_fp_rate"] <= 0.16
