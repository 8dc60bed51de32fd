"""The learning curve (whole operations kept, nested shares, its full point the plain cross-validation) and its
extrapolation: power-law fits recover their parameters and invert; curves that do not fall say so."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from corpus.detector.curve import FLOOR_RATE, extrapolate, learning_curve, operations_kept, power_fit, size_for


@settings(max_examples=100, deadline=None)
@given(st.floats(0.05, 3.0), st.floats(0.05, 2.0),
       st.lists(st.integers(10, 5000), min_size=2, max_size=8, unique=True))
def test_an_exact_power_law_is_recovered_and_inverted(a, b, sizes):
    rates = [a * n ** -b for n in sizes]
    assume(min(rates) > FLOOR_RATE)  # below it a rate is fitted as FLOOR_RATE (next test)
    got_a, got_b = power_fit(sizes, rates)
    assert got_a == pytest.approx(a, rel=1e-6)
    assert got_b == pytest.approx(b, rel=1e-6)
    for n, rate in zip(sizes, rates):
        assert size_for((got_a, got_b), rate) == pytest.approx(n, rel=1e-6)


def test_a_curve_that_does_not_fall_has_no_crossing():
    assert size_for(power_fit([50, 100, 200], [0.2, 0.2, 0.2]), 0.1) is None
    assert size_for(power_fit([50, 100, 200], [0.1, 0.2, 0.3]), 0.05) is None
    assert power_fit([100, 100], [0.2, 0.1]) is None  # one size: no slope
    assert size_for(None, 0.1) is None


def test_a_perfect_point_is_fitted_as_a_small_rate_not_minus_infinity():
    a, b = power_fit([50, 100, 200], [0.2, 0.1, 0.0])
    assert math.isfinite(a) and b > 1


def test_extrapolate_reports_both_fits_and_the_sizes_for_each_target():
    # errors halve at every doubling (exponent 1) on the last three points; the first two are off that line
    curve = [{"train_documents": n, "f1": 1 - e, "hard_fp_rate": e}
             for n, e in [(10, 0.9), (20, 0.9), (40, 0.4), (80, 0.2), (160, 0.1)]]
    got = extrapolate(curve, f1_targets=(0.95,), fp_targets=(0.05,))
    assert got["measured_up_to"] == 160
    last = got["fits"]["last three"]
    assert last["f1_error_exponent"] == pytest.approx(1.0) and last["hard_fp_exponent"] == pytest.approx(1.0)
    assert last["train_documents_for_f1"] == {"0.95": 320}
    assert last["train_documents_for_hard_fp"] == {"0.05": 320}
    everything = got["fits"]["all points"]
    assert everything["f1_error_exponent"] != pytest.approx(1.0)
    assert everything["train_documents_for_f1"]["0.95"] != 320


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
