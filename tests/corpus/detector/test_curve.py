"""Learning-curve extrapolation: power-law fits recover their parameters and invert; curves that do not fall say so."""
from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings, strategies as st

from corpus.detector.curve import FLOOR_RATE, extrapolate, power_fit, size_for


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
