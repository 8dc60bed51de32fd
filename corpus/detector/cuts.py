"""Decision cuts of the detector's calibrated probability: verdict metrics, the best cut in hindsight (an upper bound,
not a result) and a precision-first cut under a ceiling of hard negatives flagged (training reads it: no model code
here)."""
from __future__ import annotations

import numpy as np


# The cuts a choice looks at: coarse, because a set of ~200 documents cannot tell 0.62 from 0.65.
CUT_GRID = tuple(float(t) for t in np.round(np.arange(0.30, 0.86, 0.05), 2))
HARD_FP_CEILING = 0.08  # issue 9's ceiling on hard negatives flagged


def metrics(pred: np.ndarray, y: np.ndarray, hard: np.ndarray) -> dict:
    tp, fp, fn = int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r,
            "hard_fp_rate": float((pred & hard).sum() / hard.sum()) if hard.any() else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def oracle_threshold(prob: np.ndarray, examples: list) -> dict:
    """The best F1 any cut of these out-of-fold probabilities reaches, the cut chosen on the test folds themselves:
    not a result (no model could pick that cut), an upper bound that tells a ranking problem from a calibration one."""
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    best = max((metrics(prob >= t, y, hard)["f1"], -abs(t - 0.5), t) for t in np.round(np.arange(0.05, 0.96, 0.01), 2))
    at = metrics(prob >= best[2], y, hard)
    return {"cut": float(best[2]), "f1": round(at["f1"], 4), "hard_fp_rate": round(at["hard_fp_rate"], 4)}


def ceiling_cut(prob: np.ndarray, y: np.ndarray, hard: np.ndarray, ceiling: float = HARD_FP_CEILING,
                grid=CUT_GRID) -> float:
    """The cut with the best F1 among those that flag at most `ceiling` of the hard negatives (ties: the lower
    cut); when none does, the cut that flags fewest (ties: the better F1)."""
    scored = [(t, metrics(prob >= t, y, hard)) for t in grid]
    under = [(m["f1"], -t) for t, m in scored if m["hard_fp_rate"] <= ceiling]
    if under:
        return -max(under)[1]
    return min(scored, key=lambda p: (p[1]["hard_fp_rate"], -p[1]["f1"], p[0]))[0]
