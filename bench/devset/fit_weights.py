"""Fit the detector's signal weights on the dev set (logistic regression) and report 5-fold cross-validated scores.

Run: .venv/bin/python bench/devset/fit_weights.py [--C 1.0]. It prints the fitted weights to paste into
corpus/signals/score.py, and cross-validated precision/recall/F1 (never the training-set numbers as the result).
The held-out file (heldout.jsonl) is never read here.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from corpus.contacts import contacts_from_links, find_contacts, merge_contacts  # noqa: E402
from corpus.labelled_sets import load_labelled  # noqa: E402
from corpus.signals import explain  # noqa: E402
from corpus.signals.score import SIGNALS  # noqa: E402


def features(docs) -> tuple[np.ndarray, np.ndarray, list[str]]:
    names = list(SIGNALS)
    rows, labels = [], []
    for d in docs:
        contacts = merge_contacts([find_contacts(d.title, "title", lang=d.lang), find_contacts(d.text, "text", lang=d.lang),
                                   contacts_from_links(d.links)])
        values = explain(d.title, d.text, contacts=contacts, links=d.links, lang=d.lang)
        rows.append([values[n] for n in names])
        labels.append(int(d.spam))
    return np.array(rows), np.array(labels), names


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    ap = argparse.ArgumentParser()
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args()
    files = [p for p in sorted(HERE.glob("*.jsonl")) if p.name != "heldout.jsonl"]
    docs, _ = load_labelled(files)
    X, y, names = features(docs)
    model = LogisticRegression(C=args.C, max_iter=5000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    proba = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    pred = proba >= 0.5
    tp, fp, fn = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum()), int((~pred & (y == 1)).sum())
    hard = np.array([d.hard_negative and not d.spam for d in docs])
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    print(f"5-fold CV on {len(y)} dev documents: P {p:.3f} R {r:.3f} F1 {2 * p * r / max(p + r, 1e-9):.3f}; "
          f"hard-negative FP {int((pred & hard).sum())}/{int(hard.sum())}")
    for i in np.where(pred != (y == 1))[0]:
        print(f"  cv error: {docs[i].id} label={'spam' if y[i] else 'benign'} p={proba[i]:.2f}")
    model.fit(X, y)
    print(f"BIAS = {model.intercept_[0]:.2f}")
    for name, w in sorted(zip(names, model.coef_[0]), key=lambda p: -abs(p[1])):
        print(f"    {name!r}: {w:.2f},")


if __name__ == "__main__":
    main()
