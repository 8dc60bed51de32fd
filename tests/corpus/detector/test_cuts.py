"""Decision cuts: the ceiling cut keeps under its ceiling of hard negatives where it can, and its nested choice never
sees the test fold."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from corpus.detector.cuts import CUT_GRID, ceiling_cut, metrics


def test_the_ceiling_cut_is_the_best_f1_under_the_ceiling():
    y = np.array([True] * 5 + [False] * 5)
    hard = np.array([False] * 5 + [True] * 5)
    # one hard negative at 0.62 outranks two spam: 0.5 flags it (20 %), 0.65 does not and keeps 3 of 5 spam
    prob = np.array([0.9, 0.8, 0.7, 0.6, 0.55, 0.62, 0.3, 0.2, 0.1, 0.05])
    assert ceiling_cut(prob, y, hard, ceiling=0.10) == 0.65
    # 20 % allowed: every cut from 0.35 to 0.55 finds all spam and that one hard negative; the lowest wins the tie
    assert ceiling_cut(prob, y, hard, ceiling=0.25) == 0.35


def test_with_no_cut_under_the_ceiling_it_flags_fewest():
    y = np.array([True, True, False, False])
    hard = np.array([False, False, True, True])
    prob = np.array([0.2, 0.1, 0.99, 0.98])  # every hard negative outranks every spam
    cut = ceiling_cut(prob, y, hard, ceiling=0.0, grid=(0.3, 0.5, 0.985))
    assert cut == 0.985 and metrics(prob >= cut, y, hard)["hard_fp_rate"] == 0.5


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans(), st.booleans()), min_size=4, max_size=40),
       st.sampled_from([0.0, 0.08, 0.2, 1.0]))
def test_the_cut_respects_the_ceiling_whenever_some_cut_can(rows, ceiling):
    prob = np.array([p for p, _, _ in rows])
    y = np.array([s for _, s, _ in rows])
    hard = np.array([h and not s for _, s, h in rows])
    cut = ceiling_cut(prob, y, hard, ceiling)
    assert cut in CUT_GRID
    rates = [metrics(prob >= t, y, hard)["hard_fp_rate"] for t in CUT_GRID]
    if min(rates) <= ceiling:
        assert metrics(prob >= cut, y, hard)["hard_fp_rate"] <= ceiling
    else:
        assert metrics(prob >= cut, y, hard)["hard_fp_rate"] == min(rates)


@pytest.mark.realworld  # reads the pinned real-world set
def test_the_nested_cut_is_chosen_without_the_test_fold():
    import dataclasses

    from corpus.detector.crossval import ceiling_cut_oof
    from corpus.detector.data import realworld_examples
    from corpus.detector.train import grouped_folds

    examples = realworld_examples()[0][::3]
    folds = grouped_folds([ex.group for ex in examples], k=2, strata=[ex.spam for ex in examples])
    flipped = [dataclasses.replace(ex, spam=not ex.spam) if f == 0 else ex for ex, f in zip(examples, folds)]
    before, facts = ceiling_cut_oof(examples, folds)
    after, facts_after = ceiling_cut_oof(flipped, folds)
    assert len(facts["cuts_chosen"]) == 2 and all(c in CUT_GRID for c in facts["cuts_chosen"])
    assert facts["cuts_chosen"][0] == facts_after["cuts_chosen"][0]
    assert (before[folds == 0] == after[folds == 0]).all()
