"""Fit the detector: logistic regression over hashed n-grams and dense features, Platt-calibrated on grouped folds."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from corpus.detector.features import HASH_BITS, DocumentView, hashed_ngrams
from corpus.detector.model import DetectorModel, model_digest
from corpus.detector.vector import DENSE_NAMES, dense_vector

FEATURE_VERSION = "1"
# Chosen by operation-grouped cross-validation on the real set (bench/detector_cv.py prints the grid).
C = 10.0
DENSE_SCALE = 2.0   # dense features are few and strong; scaled up they are not drowned by 10^5 n-gram columns
FAMILY_C = 3.0
FOLDS = 5


@dataclass
class Example:
    """One labelled document: what the detector sees and what a person said."""

    id: str
    view: DocumentView
    spam: bool
    family: str | None = None
    group: str = ""           # operation (or repository) for grouped folds
    lang: str = "und"
    hard_negative: bool = False
    source: str = "realworld"
    dense: np.ndarray | None = field(default=None, repr=False)
    ngrams: tuple | None = field(default=None, repr=False)

    def features(self) -> tuple[np.ndarray, tuple]:
        if self.dense is None:
            self.dense = dense_vector(self.view)
            b, v, _ = hashed_ngrams(self.view)
            self.ngrams = (b, v)
        return self.dense, self.ngrams


@dataclass(frozen=True)
class FeatureSet:
    """Which feature blocks a model reads: both in the detector; one at a time for the side-by-side baselines."""

    ngrams: bool = True
    dense: bool = True
    dense_columns: tuple[int, ...] | None = None  # a subset of DENSE_NAMES (None = all)


FULL = FeatureSet()


def design_matrix(examples: list[Example], fs: FeatureSet = FULL) -> sp.csr_matrix:
    blocks = []
    if fs.ngrams:
        rows, cols, vals = [], [], []
        for i, ex in enumerate(examples):
            b, v = ex.features()[1]
            rows.append(np.full(len(b), i, dtype=np.int64))
            cols.append(b)
            vals.append(v)
        blocks.append(sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                    shape=(len(examples), 1 << HASH_BITS), dtype=np.float64))
    if fs.dense:
        dense = np.vstack([ex.features()[0] for ex in examples]).astype(np.float64) * DENSE_SCALE
        if fs.dense_columns is not None:
            mask = np.zeros(dense.shape[1], dtype=bool)
            mask[list(fs.dense_columns)] = True
            dense = dense * mask  # keep column positions so weights line up with DENSE_NAMES
        blocks.append(sp.csr_matrix(dense))
    return sp.hstack(blocks).tocsr()


def _logreg(c: float, seed: int = 0):
    from sklearn.linear_model import LogisticRegression
    # liblinear: deterministic for a fixed seed, so the same data gives the same model bytes
    return LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=seed)


def grouped_folds(groups: list[str], k: int = FOLDS, seed: int = 0, strata: list | None = None) -> np.ndarray:
    """Fold per example such that no group is in two folds. Groups are dealt largest first to the fold with the
    fewest examples of the group's stratum (spam and benign balanced separately), ties by a seeded hash."""
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    order = sorted(members, key=lambda g: (-len(members[g]), hashlib.sha256(f"{seed}:{g}".encode()).hexdigest()))
    sizes: dict = {}
    fold = np.zeros(len(groups), dtype=np.int64)
    for g in order:
        stratum = strata[members[g][0]] if strata is not None else None
        counts = sizes.setdefault(stratum, [0] * k)
        f = min(range(k), key=lambda j: (counts[j], j))
        fold[members[g]] = f
        counts[f] += len(members[g])
    return fold


def out_of_fold(examples: list[Example], fs: FeatureSet = FULL, c: float = C, folds: np.ndarray | None = None,
                train_mask: np.ndarray | None = None) -> np.ndarray:
    """Decision value of every example from a model that never saw its operation."""
    X = design_matrix(examples, fs)
    y = np.array([ex.spam for ex in examples])
    folds = grouped_folds([ex.group for ex in examples], strata=[ex.spam for ex in examples]) if folds is None else folds
    z = np.zeros(len(examples))
    for f in np.unique(folds):
        train = folds != f
        if train_mask is not None:
            train &= train_mask
        if len(np.unique(y[train])) < 2:
            continue
        z[folds == f] = _logreg(c).fit(X[train], y[train]).decision_function(X[folds == f])
    return z


def fit_platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Calibration map from out-of-fold decision values to probabilities (Platt scaling)."""
    from sklearn.linear_model import LogisticRegression
    m = LogisticRegression(C=1e4, solver="lbfgs").fit(z.reshape(-1, 1), y)
    return float(m.coef_[0, 0]), float(m.intercept_[0])


def fit_family(examples: list[Example]):
    spam = [ex for ex in examples if ex.spam and ex.family]
    families = sorted({ex.family for ex in spam})
    if len(families) < 2:
        return families, np.zeros((len(families), len(DENSE_NAMES)), np.float32), np.zeros(len(families), np.float32)
    X = np.vstack([ex.features()[0] for ex in spam]).astype(np.float64)
    y = np.array([ex.family for ex in spam])
    from sklearn.linear_model import LogisticRegression
    m = LogisticRegression(C=FAMILY_C, solver="lbfgs", max_iter=5000).fit(X, y)
    w, b = m.coef_, m.intercept_
    if len(m.classes_) == 2:  # binary sklearn keeps one row; the scorer takes an argmax over rows
        w, b = np.vstack([-w[0], w[0]]), np.array([-b[0], b[0]])
    return list(m.classes_), w.astype(np.float32), b.astype(np.float32)


def train_model(examples: list[Example], *, calibrate: bool = True, note: str = "") -> DetectorModel:
    """The shipped kind of model from labelled examples (borderline already left out)."""
    if len({ex.spam for ex in examples}) < 2:
        raise ValueError("training needs both spam and benign examples")
    X = design_matrix(examples)
    y = np.array([ex.spam for ex in examples])
    lr = _logreg(C).fit(X, y)
    coef = lr.coef_[0]
    ngram_w, dense_w = coef[: 1 << HASH_BITS], coef[1 << HASH_BITS:] * DENSE_SCALE
    buckets = np.flatnonzero(ngram_w).astype(np.int32)
    platt = fit_platt(out_of_fold(examples), y) if calibrate else (1.0, 0.0)
    families, fam_w, fam_b = fit_family(examples)
    weights = ngram_w[buckets].astype(np.float32)
    data_digest = model_digest([f"{ex.id}\t{int(ex.spam)}\t{ex.family}".encode() for ex in examples])
    digest = model_digest([weights.tobytes(), dense_w.astype(np.float32).tobytes(), data_digest.encode()])
    meta = {"feature_version": FEATURE_VERSION, "C": C, "dense_scale": DENSE_SCALE, "examples": len(examples),
            "spam": int(y.sum()), "sources": _count(ex.source for ex in examples), "data_sha256": data_digest,
            "note": note}
    return DetectorModel(version=f"learned-{FEATURE_VERSION}.{digest[:10]}", dense_names=list(DENSE_NAMES),
                         dense_weights=dense_w.astype(np.float32), buckets=buckets, bucket_weights=weights,
                         bias=float(lr.intercept_[0]), platt=platt, families=families, family_weights=fam_w,
                         family_bias=fam_b, meta=meta)


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))
