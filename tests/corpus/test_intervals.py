"""corpus.intervals: the operation bootstrap equals a resampled copy of the documents; Wilson textbook values."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.detector.crossval import metrics
from corpus.intervals import _counts, _f1_and_fp, _group_index, _weights, bootstrap


def _toy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.5
    hard = ~y & (rng.random(n) < 0.6)
    groups = [f"op{i // 3}" for i in range(n)]  # three documents an operation
    return y, hard, groups


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_vectorised_counts_equal_a_resampled_copy_of_the_documents(seed):
    y, hard, groups = _toy(seed=seed)
    pred = np.random.default_rng(seed + 1).random(len(y)) < 0.5
    of, n_groups = _group_index(groups)
    weights = _weights(n_groups, 5, seed)
    f1, fp_rate = _f1_and_fp(_counts(pred, y, hard, of, weights))
    for r in range(5):
        rows = np.concatenate([np.repeat(np.flatnonzero(of == g), int(weights[r, g])) for g in range(n_groups)])
        m = metrics(pred[rows], y[rows], hard[rows])
        assert abs(f1[r] - m["f1"]) < 1e-12
        assert abs(fp_rate[r] - m["hard_fp_rate"]) < 1e-12


def test_perfect_verdicts_have_a_point_interval_and_identical_ones_no_difference():
    y, hard, groups = _toy()
    out = bootstrap({"perfect": y.copy(), "copy": y.copy(), "all_spam": np.ones_like(y)}, y, hard, groups,
                    "perfect", ["copy", "all_spam"], floors=(0.85, 0.08), resamples=300)
    assert out["candidates"]["perfect"] == {"f1": [1.0, 1.0], "hard_fp_rate": [0.0, 0.0]}
    assert out["differences"]["copy"]["f1"] == [0.0, 0.0]
    assert out["differences"]["copy"]["f1_reference_better_share"] == 0.0
    assert out["candidates"]["all_spam"]["hard_fp_rate"] == [1.0, 1.0]
    assert out["differences"]["all_spam"]["f1"][0] > 0  # flagging everything is worse on every resample
    assert out["reference_clears"] == {"f1": 1.0, "hard_fp_rate": 1.0, "both": 1.0}
    assert out["operations"] == 20


def test_errors_bunched_in_one_operation_widen_the_interval():
    # the same verdicts, the same errors: drawn by operation when the errors are one operation's posts, the
    # figure is less certain than when each document is drawn alone
    y = np.array([True] * 40 + [False] * 40)
    hard = ~y
    pred = y.copy()
    pred[40:50] = True  # ten false positives
    bunched = [f"spam{i}" for i in range(40)] + ["op-x"] * 10 + [f"benign{i}" for i in range(30)]
    alone = [f"doc{i}" for i in range(80)]
    wide = bootstrap({"d": pred}, y, hard, bunched, "d", [])["candidates"]["d"]["hard_fp_rate"]
    narrow = bootstrap({"d": pred}, y, hard, alone, "d", [])["candidates"]["d"]["hard_fp_rate"]
    assert wide[1] - wide[0] > 1.5 * (narrow[1] - narrow[0])
    assert wide[0] == 0.0  # some resamples draw no post of op-x at all


def test_wilson_interval_matches_the_textbook_values_and_stays_inside_0_1():
    from corpus.intervals import wilson

    assert wilson(5, 10) == [0.2366, 0.7634]
    assert wilson(10, 10) == [0.7225, 1.0]   # a clean 10 of 10 is no proof of a 0.9 floor
    assert wilson(0, 10) == [0.0, 0.2775]
    assert wilson(7, 8)[0] < 0.9 < wilson(7, 8)[1]
    assert wilson(0, 0) is None
