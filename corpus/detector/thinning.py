"""The learning curve: operation-grouped cross-validation with the training folds thinned to a share of their
operations (whole operations, nested shares), so that F1 against training size says what more labels buy."""
from __future__ import annotations

import hashlib

import numpy as np

from corpus.detector.crossval import SEEDS, _calibrated_oof, _summary
from corpus.detector.cuts import metrics
from corpus.detector.train import FULL, Example, grouped_folds

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
