"""Baseline classifier: character n-gram TF-IDF + logistic regression, trained on train, scored on test."""
from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa

from corpus.release.table import read_release_table

MAX_CHARS = 2000
MAX_TRAIN = 20_000   # a seeded sample beyond this: the baseline stays a matter of a minute on large releases
MIN_TRAIN = 10
# Figures on fewer test rows are noise: below 20 rows one document moves accuracy by more than 5 points, and
# spam-vs-benign precision and recall need both sides. Under these the baseline reports no figures at all.
MIN_TEST_ROWS = 20
MIN_TEST_PER_SIDE = 5
TEST_MINIMUM = (f"at least {MIN_TEST_ROWS} spam or benign test rows, {MIN_TEST_PER_SIDE} of them spam and "
                f"{MIN_TEST_PER_SIDE} benign")
MODEL = ("TF-IDF over character 1-3-grams within word boundaries (`char_wb`, sublinear tf, at most "
         f"100,000 features) of title + first {MAX_CHARS:,} characters of text; multinomial logistic "
         "regression (lbfgs, C=10, balanced class weights); classes: `benign` and each spam family; "
         f"`borderline` rows are left out of training and scoring; at most {MAX_TRAIN:,} training rows "
         "(a seeded sample)")


def _label(verdict: str, family: str | None) -> str | None:
    if verdict == "benign":
        return "benign"
    if verdict == "spam":
        return family or "other"
    return None


def _scores(y_true: list[str], y_pred: list[str], positive: set[str]) -> dict[str, Any]:
    tp = sum(1 for t, p in zip(y_true, y_pred) if t in positive and p in positive)
    fp = sum(1 for t, p in zip(y_true, y_pred) if t not in positive and p in positive)
    fn = sum(1 for t, p in zip(y_true, y_pred) if t in positive and p not in positive)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": tp + fn, "predicted": tp + fp}


def baseline_text(title: str, text: str) -> str:
    return f"{title}\n{text[:MAX_CHARS]}"


def plain_ngram_classifier(seed: int = 0):
    """The plain baseline (MODEL): an unfitted (vectorizer, logistic regression) pair. The detector's
    cross-validation (corpus/detector/crossval.py) scores the same pair beside the detector."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True,
                                 max_features=100_000, dtype=np.float64)
    return vectorizer, LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=seed)


def run_baseline(table: pa.Table, seed: int = 0) -> dict[str, Any]:
    """Train on the train split, report precision/recall/F1 on test per family and per language.

    `table` holds release rows with a `split` column. Returns {"skipped": reason} when training or
    scoring is impossible or would mean nothing (too few rows or a single class; TEST_MINIMUM on test).
    """
    rows = table.select(["doc_id", "split", "title", "text", "lang", "verdict", "family"]).to_pylist()
    data: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["doc_id"]):
        label = _label(r["verdict"], r["family"])
        if label is not None:
            data[r["split"]].append({**r, "label": label})
    train, test = data["train"], data["test"]
    available = len(train)
    if len(train) > MAX_TRAIN:
        train = sorted(random.Random(seed).sample(train, MAX_TRAIN), key=lambda r: r["doc_id"])
    classes = sorted({r["label"] for r in train})
    if len(train) < MIN_TRAIN or len(classes) < 2:
        return {"skipped": f"too little to train: {len(train)} rows, classes {classes}", "model": MODEL}
    spam_rows = sum(r["label"] != "benign" for r in test)
    benign_rows = len(test) - spam_rows
    if len(test) < MIN_TEST_ROWS or min(spam_rows, benign_rows) < MIN_TEST_PER_SIDE:
        return {"skipped": f"the test split has {len(test)} spam or benign rows ({spam_rows} spam, {benign_rows} "
                           f"benign): figures need {TEST_MINIMUM}",
                "model": MODEL, "test_rows": len(test)}

    from threadpoolctl import threadpool_limits

    def texts(part: list[dict[str, Any]]) -> list[str]:
        return [baseline_text(r["title"], r["text"]) for r in part]

    vectorizer, model = plain_ngram_classifier(seed)
    # one BLAS thread: several threads on a busy small machine ran the fit 3-5x slower here, and a fixed
    # summation order keeps the figures identical from build to build
    with threadpool_limits(limits=1):
        model.fit(vectorizer.fit_transform(texts(train)), [r["label"] for r in train])
        predicted = [str(p) for p in model.predict(vectorizer.transform(texts(test)))]
    truth = [r["label"] for r in test]
    spam = set(classes) | {r["label"] for r in test}
    spam.discard("benign")

    by_family = {label: _scores(truth, predicted, {label})
                 for label in sorted(set(truth) | set(predicted))}
    by_language: dict[str, Any] = {}
    for lang in sorted({r["lang"] for r in test}):
        idx = [i for i, r in enumerate(test) if r["lang"] == lang]
        t, p = [truth[i] for i in idx], [predicted[i] for i in idx]
        labels = sorted(set(t))
        per_class = [_scores(t, p, {label})["f1"] for label in labels]
        by_language[lang] = {"spam": _scores(t, p, spam), "macro_f1": round(sum(per_class) / len(per_class), 4),
                             "accuracy": round(sum(a == b for a, b in zip(t, p)) / len(t), 4), "rows": len(t)}
    return {
        "model": MODEL,
        "train_rows": len(train),
        "train_rows_available": available,
        "test_rows": len(test),
        "classes": classes,
        "spam": _scores(truth, predicted, spam),
        "accuracy": round(sum(a == b for a, b in zip(truth, predicted)) / len(truth), 4),
        "by_family": by_family,
        "by_language": by_language,
    }


def baseline_for_release(root: str | Path, seed: int = 0) -> dict[str, Any]:
    """Run the baseline on a release directory's data files."""
    return run_baseline(read_release_table(root), seed=seed)
