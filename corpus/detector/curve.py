"""What more labels buy: the learning curve (operation-grouped cross-validation with the training folds thinned to a
share of their operations), power-law fits of its error rates, and the training size where each would reach a
target."""
from __future__ import annotations

import hashlib
import math

import numpy as np

from corpus.detector.crossval import SEEDS, _calibrated_oof, _summary
from corpus.detector.cuts import metrics
from corpus.detector.train import FULL, Example, grouped_folds

# An error rate measured as 0 (a perfect fold) would be -inf in log space; such a point says "below one in a few
# hundred" on a set this size, so it is fitted as that.
FLOOR_RATE = 1e-3


def power_fit(sizes: list[float], rates: list[float]) -> tuple[float, float] | None:
    """(a, b) of rate = a * size ** -b, least squares on log rate against log size; None under two sizes."""
    points = [(math.log(n), math.log(max(r, FLOOR_RATE))) for n, r in zip(sizes, rates) if n > 0]
    if len({x for x, _ in points}) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return math.exp(my - slope * mx), -slope


def size_for(fit: tuple[float, float] | None, rate: float) -> float | None:
    """Training size at which the fitted rate falls to `rate`; None when the fitted curve does not fall."""
    if fit is None or rate <= 0:
        return None
    a, b = fit
    if b <= 1e-9:
        return None
    return (a / rate) ** (1.0 / b)


def extrapolate(curve: list[dict], f1_targets=(0.85, 0.95), fp_targets=(0.08, 0.03)) -> dict:
    """Training documents at which 1 - F1 and the hard-negative rate would reach each target, fitted on all points
    of `curve` (rows with train_documents, f1, hard_fp_rate) and on its last three: two fits that disagree say how
    little a few points pin an extrapolation down."""
    fits = {"all points": curve, "last three": curve[-3:]}
    out: dict = {"measured_up_to": max((row["train_documents"] for row in curve), default=0), "fits": {}}
    for name, rows in fits.items():
        sizes = [row["train_documents"] for row in rows]
        f1_fit = power_fit(sizes, [1.0 - row["f1"] for row in rows])
        fp_fit = power_fit(sizes, [row["hard_fp_rate"] for row in rows])
        out["fits"][name] = {
            "f1_error_exponent": None if f1_fit is None else round(f1_fit[1], 3),
            "hard_fp_exponent": None if fp_fit is None else round(fp_fit[1], 3),
            "train_documents_for_f1": {str(t): _rounded(size_for(f1_fit, 1.0 - t)) for t in f1_targets},
            "train_documents_for_hard_fp": {str(t): _rounded(size_for(fp_fit, t)) for t in fp_targets},
        }
    return out


def _rounded(n: float | None) -> int | None:
    return None if n is None or not math.isfinite(n) else int(round(n))


CURVE = (0.2, 0.4, 0.6, 0.8, 1.0)


def operations_kept(examples: list[Example], seed: int, fraction: float) -> np.ndarray:
    """Rows of the operations (groups) a seeded hash keeps at `fraction`: whole groups, and a larger fraction keeps
    a superset, so the points of a learning curve are nested."""
    return np.array([int(hashlib.sha256(f"{seed}:{ex.group}".encode()).hexdigest(), 16) % 1000 < fraction * 1000
                     for ex in examples], dtype=bool)


def learning_curve(examples: list[Example], seeds=SEEDS, fractions=CURVE) -> list[dict]:
    """F1 on the test folds when the training folds keep only a fraction of their operations."""
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    rows = []
    for frac in fractions:
        runs = []
        for seed in seeds:
            folds = grouped_folds([ex.group for ex in examples], seed=seed, strata=list(y))
            keep = operations_kept(examples, seed, frac)
            runs.append(metrics(_calibrated_oof(examples, FULL, folds, train_mask=keep) >= 0.5, y, hard))
        train_size = int(round(len(examples) * (1 - 1 / len(set(folds.tolist()))) * frac))
        rows.append({"fraction": frac, "train_documents": train_size, **_summary(runs)})
    return rows
