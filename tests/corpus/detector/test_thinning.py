"""The learning curve: whole operations kept, nested shares, and its full point is the plain cross-validation."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from corpus.detector.thinning import learning_curve, operations_kept


def test_operations_are_kept_whole_and_larger_shares_keep_supersets():
    examples = [SimpleNamespace(group=f"op{i // 3}") for i in range(90)]  # 30 operations of three documents
    for seed in (0, 1, 2):
        masks = [operations_kept(examples, seed, f) for f in (0.0, 0.2, 0.5, 0.8, 1.0)]
        assert not masks[0].any() and masks[-1].all()
        for smaller, larger in zip(masks, masks[1:]):
            assert (smaller <= larger).all()
        for keep in masks:
            for g in {ex.group for ex in examples}:
                assert len({bool(k) for k, ex in zip(keep, examples) if ex.group == g}) == 1
        assert 5 <= masks[2].sum() // 3 <= 25  # about half of the 30 operations
    # another seed draws other operations
    assert (operations_kept(examples, 0, 0.5) != operations_kept(examples, 1, 0.5)).any()


@pytest.mark.realworld
def test_the_curve_ends_at_the_plain_cross_validation_and_starts_lower_in_data():
    from corpus.detector.crossval import _calibrated_oof
    from corpus.detector.cuts import metrics
    from corpus.detector.data import realworld_examples
    from corpus.detector.train import FULL, grouped_folds

    examples = realworld_examples()[0][::3]
    rows = learning_curve(examples, seeds=(0,), fractions=(0.4, 1.0))
    assert [r["fraction"] for r in rows] == [0.4, 1.0]
    assert rows[1]["train_documents"] == round(len(examples) * 0.8)  # four of five folds
    assert rows[0]["train_documents"] == round(len(examples) * 0.8 * 0.4)
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    direct = metrics(_calibrated_oof(examples, FULL, grouped_folds([ex.group for ex in examples], seed=0,
                                                                    strata=list(y))) >= 0.5, y, hard)
    assert rows[1]["f1"] == round(direct["f1"], 4) and rows[1]["hard_fp_rate"] == round(direct["hard_fp_rate"], 4)
    assert rows[0]["f1"] != rows[1]["f1"]
