"""Which labels buy most: the learning curve with one class's operations thinned, read without a threshold."""
from __future__ import annotations

import numpy as np

from corpus.detector.crossval import SEEDS, _calibrated_oof, _summary
from corpus.detector.curve import operations_kept
from corpus.detector.cuts import metrics
from corpus.detector.train import FULL, Example, grouped_folds

THINNED = ("benign", "spam", "both")
FRACTIONS = (0.25, 0.5, 0.75, 1.0)
RECALL = 0.8  # the operating point the hard-negative rate is read at


def keep_mask(examples: list[Example], seed: int, fraction: float, thinned: str) -> np.ndarray:
    """Training rows kept: the operations of the thinned class that curve.operations_kept keeps (as the plain
    learning curve chooses them), and every row of the other class."""
    if thinned not in THINNED:
        raise ValueError(f"thinned must be one of {THINNED}, not {thinned!r}")
    untouched = np.array([thinned != "both" and ex.spam != (thinned == "spam") for ex in examples], dtype=bool)
    return untouched | operations_kept(examples, seed, fraction)


def hard_fp_at_recall(prob: np.ndarray, y: np.ndarray, hard: np.ndarray, recall: float = RECALL) -> float:
    """Share of hard negatives flagged at the highest cut that still finds `recall` of the spam: a figure of the
    ranking alone. Thinning one class moves the training prior, and with it every probability, so the 0.5 cut's
    figures mix less data with a different base rate."""
    spam = np.sort(prob[y])[::-1]
    if not len(spam) or not hard.any():
        return 0.0
    cut = spam[max(0, int(np.ceil(recall * len(spam))) - 1)]
    return float((prob[hard] >= cut).mean())


def average_precision(prob: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import average_precision_score
    return float(average_precision_score(y, prob))


def class_curve(examples: list[Example], seeds=SEEDS, fractions=FRACTIONS, thinned=THINNED) -> list[dict]:
    """Per thinned class and fraction of its operations kept in the training folds: average precision and the
    hard-negative rate at RECALL (threshold-free), and F1 / hard negatives at 0.5, mean and spread over seeds.
    The full-data point is the same for every class and is fitted once a seed."""
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    full: dict[int, np.ndarray] = {}
    rows = []
    for which in thinned:
        for frac in fractions:
            runs = []
            for seed in seeds:
                folds = grouped_folds([ex.group for ex in examples], seed=seed, strata=list(y))
                if frac >= 1.0:
                    prob = full.get(seed)
                    if prob is None:
                        prob = full[seed] = _calibrated_oof(examples, FULL, folds)
                else:
                    prob = _calibrated_oof(examples, FULL, folds, train_mask=keep_mask(examples, seed, frac, which))
                runs.append({**metrics(prob >= 0.5, y, hard), "average_precision": average_precision(prob, y),
                             "hard_fp_at_recall": hard_fp_at_recall(prob, y, hard)})
            summary = _summary(runs)
            for key in ("average_precision", "hard_fp_at_recall"):
                vals = np.array([r[key] for r in runs])
                summary[key], summary[key + "_sd"] = round(float(vals.mean()), 4), round(float(vals.std()), 4)
            rows.append({"thinned": which, "fraction": frac, **summary})
    return rows
