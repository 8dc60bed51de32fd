"""Operation-grouped cross-validation: the detector beside its baselines, per family and language."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable

import numpy as np

from corpus.detector.cuts import HARD_FP_CEILING, ceiling_cut, metrics, oracle_threshold
from corpus.detector.train import (C, DENSE_SCALE, FULL, NGRAM_SCALE, Design, Example, FeatureSet, _logreg,
                                   fit_platt, grouped_folds, out_of_fold)
from corpus.detector.vector import DENSE_NAMES

SEEDS = (0, 1, 2)          # fold assignments; figures are the mean (and spread) over them
# Block scales (n-gram, dense) the nested candidate chooses among on each training part's inner folds: the
# shipped pair was chosen on the outer folds themselves, so its figure is optimistic by the choice.
SCALE_GRID = ((4.0, 1.0), (NGRAM_SCALE, DENSE_SCALE), (16.0, 1.0), (8.0, 0.5), (8.0, 2.0), (1.0, 2.0))


def one_line_rule(ex: Example) -> bool:
    """The plain rule the issue measured: a t.me link or a 【Q header means spam."""
    text = ex.view.title + "\n" + ex.view.text
    return "t.me/" in text or "【Q" in text


def _summary(runs: list[dict]) -> dict:
    out = {}
    for key in ("f1", "precision", "recall", "hard_fp_rate"):
        vals = np.array([r[key] for r in runs])
        out[key], out[key + "_sd"] = round(float(vals.mean()), 4), round(float(vals.std()), 4)
    return out


def _calibrated_oof(examples: list[Example], fs: FeatureSet, folds: np.ndarray, c: float = C,
                    train_mask: np.ndarray | None = None, inner_probs: list | None = None) -> np.ndarray:
    """Out-of-fold probabilities; the Platt map of each test fold is fitted on its training folds only (on their
    own grouped inner folds' decision values). `inner_probs`, if given, receives per test fold (in fold order) the
    training rows and their calibrated inner probabilities: what a choice made without the test fold can read."""
    y = np.array([ex.spam for ex in examples])
    z = out_of_fold(examples, fs, c, folds, train_mask)
    prob = np.zeros(len(examples))
    groups = [ex.group for ex in examples]
    for f in np.unique(folds):
        train = folds != f if train_mask is None else (folds != f) & train_mask
        idx = np.flatnonzero(train)
        inner = grouped_folds([groups[i] for i in idx], strata=[bool(y[i]) for i in idx])
        sub = [examples[i] for i in idx]
        z_inner = out_of_fold(sub, fs, c, inner)
        a, b = fit_platt(z_inner, y[idx]) if len(np.unique(y[idx])) == 2 else (1.0, 0.0)
        test = folds == f
        prob[test] = 1 / (1 + np.exp(-(a * z[test] + b)))
        if inner_probs is not None:
            inner_probs.append((idx, 1 / (1 + np.exp(-(a * z_inner + b)))))
    return prob


def _nested_oof(examples: list[Example], folds: np.ndarray) -> tuple[np.ndarray, list]:
    """Out-of-fold probabilities of the detector whose block scales are chosen, per test fold, by average
    precision on grouped inner folds of its training part (then Platt-calibrated on those inner decision values):
    the selection itself is cross-validated. Also returns the scales each fold chose."""
    from sklearn.metrics import average_precision_score
    y = np.array([ex.spam for ex in examples])
    design = Design(examples)
    prob, chosen = np.zeros(len(examples)), []
    for f in np.unique(folds):
        train = folds != f
        idx = np.flatnonzero(train)
        sub = [examples[i] for i in idx]
        inner = grouped_folds([ex.group for ex in sub], strata=[ex.spam for ex in sub])
        sub_design = Design(sub)
        best = None
        for scales in SCALE_GRID:
            z_inner = out_of_fold(sub, folds=inner, scales=scales, design=sub_design)
            ap = average_precision_score(y[idx], z_inner)
            if best is None or ap > best[0] + 1e-9:
                best = (ap, scales, z_inner)
        _, scales, z_inner = best
        a, b = fit_platt(z_inner, y[idx])
        X = design.matrix(design.idf(train), scales)
        z = _logreg(C).fit(X[train], y[train]).decision_function(X[folds == f])
        prob[folds == f] = 1 / (1 + np.exp(-(a * z + b)))
        chosen.append(list(scales))
    return prob, chosen


def ceiling_cut_oof(examples: list[Example], folds: np.ndarray, ceiling: float = HARD_FP_CEILING,
                    c: float = C, calibrated: tuple[np.ndarray, list] | None = None) -> tuple[np.ndarray, dict]:
    """Out-of-fold verdicts of the shipped detector at a cut chosen per test fold by ceiling_cut on its training
    part's calibrated inner-fold probabilities: the choice is cross-validated. Also returns the cuts chosen.
    `calibrated`: _calibrated_oof's probabilities and inner probabilities on these folds, if already computed."""
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    if calibrated is None:
        inner: list = []
        prob = _calibrated_oof(examples, FULL, folds, c, inner_probs=inner)
    else:
        prob, inner = calibrated
    pred, cuts = np.zeros(len(examples), dtype=bool), []
    for f, (idx, inner_prob) in zip(np.unique(folds), inner):
        cut = ceiling_cut(inner_prob, y[idx], hard[idx], ceiling)
        pred[folds == f] = prob[folds == f] >= cut
        cuts.append(cut)
    return pred, {"cuts_chosen": cuts}


def _plain_ngram_oof(examples: list[Example], folds: np.ndarray) -> np.ndarray:
    """The plain baseline of the release card (corpus.release.baseline: char_wb 1-3-gram TF-IDF + logistic
    regression on title + text), fitted on the training folds."""
    from threadpoolctl import threadpool_limits

    from corpus.release.baseline import baseline_text, plain_ngram_classifier
    texts = [baseline_text(ex.view.title, ex.view.text) for ex in examples]
    y = np.array([ex.spam for ex in examples])
    prob = np.zeros(len(examples))
    for f in np.unique(folds):
        train, test = folds != f, folds == f
        vec, model = plain_ngram_classifier()
        with threadpool_limits(limits=1):
            model.fit(vec.fit_transform([t for t, m in zip(texts, train) if m]), y[train])
            prob[test] = model.predict_proba(vec.transform([t for t, m in zip(texts, test) if m]))[:, 1]
    return prob


def _signal_columns() -> tuple[int, ...]:
    return tuple(i for i, n in enumerate(DENSE_NAMES) if n.startswith("signal:"))


NESTED = "detector, block scales chosen on inner folds (nested)"
MEAN_WITH_TREES = "mean of the detector's and the boosted trees' probabilities (not shipped)"
CEILING_CUT = f"detector, cut chosen on inner folds for <= {HARD_FP_CEILING:.0%} hard negatives (nested)"


def candidates(nested: bool = False) -> dict[str, Callable]:
    """name -> f(examples, folds) -> predicted spam (bool array), or (that, facts to keep with the run). Side by
    side on the same folds. The nested candidate (six times the shipped one's cost) only when asked. The functions
    of one table share fits keyed by the folds: use a table for one set of examples (compare makes one per call)."""
    memo: dict = {}

    def once(name: str, folds: np.ndarray, make: Callable):
        # the shipped model's calibrated probabilities serve three rows and the trees' two: fitted once a seed
        key = (name, folds.tobytes())
        if key not in memo:
            memo[key] = make()
        return memo[key]

    def calibrated(examples, folds):
        def make():
            inner: list = []
            return _calibrated_oof(examples, FULL, folds, inner_probs=inner), inner
        return once("shipped", folds, make)

    def stacked(examples, folds):
        from corpus.detector.stack import stack_out_of_fold
        return once("trees", folds, lambda: stack_out_of_fold(examples, folds))

    def rule(examples, folds):
        return np.array([one_line_rule(ex) for ex in examples])

    def hand_set(examples, folds):
        from corpus.signals import score_by_rules
        return np.array([score_by_rules(ex.view.title, ex.view.text, contacts=ex.view.contacts, links=ex.view.links,
                                        lang=ex.view.lang, boilerplate=ex.view.boilerplate).score >= 0.5
                         for ex in examples])

    def nested_choice(examples, folds):
        prob, chosen = _nested_oof(examples, folds)
        return prob >= 0.5, {"scales_chosen": chosen}

    def learned(fs):
        return lambda examples, folds: _calibrated_oof(examples, fs, folds) >= 0.5

    def trees(examples, folds):
        return stacked(examples, folds) >= 0.5

    def mean_with_trees(examples, folds):
        return (calibrated(examples, folds)[0] + stacked(examples, folds)) / 2 >= 0.5

    def shipped(examples, folds):
        prob = calibrated(examples, folds)[0]
        return prob >= 0.5, {"oracle_threshold": oracle_threshold(prob, examples)}

    def ceiling(examples, folds):
        return ceiling_cut_oof(examples, folds, calibrated=calibrated(examples, folds))

    table = {
        "one-line rule (t.me link or 【Q)": rule,
        "hand-set signal weights (score_by_rules)": hand_set,
        "plain char_wb 1-3-gram TF-IDF + LR (release baseline)": lambda examples, folds: _plain_ngram_oof(examples, folds) >= 0.5,
        "signals only, learned weights": learned(FeatureSet(ngrams=False, dense_columns=_signal_columns())),
        "dense features only (signals, lexicons, contacts, shape)": learned(FeatureSet(ngrams=False)),
        "hashed n-gram TF-IDF only": learned(FeatureSet(dense=False)),
        "boosted trees over out-of-fold n-gram log-odds + dense (not shipped)": trees,
        "detector: n-grams + dense (shipped)": shipped,
        CEILING_CUT: ceiling,
        MEAN_WITH_TREES: mean_with_trees,
    }
    if nested:
        table[NESTED] = nested_choice
    return table


def compare(examples: list[Example], seeds=SEEDS, only: list[str] | None = None, nested: bool = False,
            predictions: dict | None = None) -> dict:
    """Every candidate on the same grouped folds, for each seed; mean and spread. `predictions`, if given, receives
    each candidate's out-of-fold verdicts on the first seed's folds (for corpus.intervals)."""
    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative and not ex.spam for ex in examples])
    results = {}
    for name, fn in candidates(nested).items():
        if only and name not in only:
            continue
        runs = []
        for seed in seeds:
            folds = grouped_folds([ex.group for ex in examples], seed=seed, strata=list(y))
            out = fn(examples, folds)
            pred, facts = out if isinstance(out, tuple) else (out, {})
            if predictions is not None and seed == seeds[0]:
                predictions[name] = np.asarray(pred, dtype=bool)
            runs.append({**metrics(pred, y, hard), **facts})
        results[name] = {**_summary(runs), "runs": runs}
    return results


def breakdown(examples: list[Example], seed: int = 0) -> dict:
    """The shipped detector's out-of-fold verdicts by family and language, the family guess, and the misses."""
    y = np.array([ex.spam for ex in examples])
    folds = grouped_folds([ex.group for ex in examples], seed=seed, strata=list(y))
    prob = _calibrated_oof(examples, FULL, folds)
    pred = prob >= 0.5
    by_family, by_lang = defaultdict(lambda: [0, 0]), defaultdict(list)
    for ex, p in zip(examples, pred):
        if ex.spam:
            by_family[ex.family or "other"][0] += 1
            by_family[ex.family or "other"][1] += int(p)
        by_lang[ex.lang].append(int(p))
    langs = {}
    for lang in sorted(by_lang):
        idx = [i for i, ex in enumerate(examples) if ex.lang == lang]
        m = metrics(pred[idx], y[idx], np.zeros(len(idx), dtype=bool))
        langs[lang] = {"documents": len(idx), "spam": int(y[idx].sum()), "f1": round(m["f1"], 4),
                       "precision": round(m["precision"], 4), "recall": round(m["recall"], 4), "fp": m["fp"]}
    families = {f: {"spam": n, "found": k, "recall": round(k / n, 4)} for f, (n, k) in sorted(by_family.items())}
    misses = [{"id": ex.id, "label": "spam" if ex.spam else "benign", "family": ex.family, "lang": ex.lang,
               "probability": round(float(p), 3)} for ex, p, q in zip(examples, prob, pred) if q != ex.spam]
    return {"by_family": families, "by_language": langs, "family_guess": family_accuracy(examples, folds),
            "errors": sorted(misses, key=lambda m: m["id"]), "calibration": calibration(prob, y)}


def family_accuracy(examples: list[Example], folds: np.ndarray) -> dict:
    """Out-of-fold accuracy on spam of the learned family model, the lexicon's guess, and the shipped combination
    (lexicon where its terms are clear, else learned)."""
    from corpus.detector.model import family_sums
    from corpus.detector.train import fit_family, fold_columns, tfidf_rows
    from corpus.signals.score import guess_family_from_sums
    right = {"learned": 0, "lexicon": 0, "combined": 0}
    n = 0
    design = Design(examples)
    for f in np.unique(folds):
        train = folds != f
        idf = design.idf(train)
        families, w_dense, w_ngram, b = fit_family([ex for ex, t in zip(examples, train) if t], idf=idf)
        test = [i for i in np.flatnonzero(~train) if examples[i].spam and examples[i].family]
        if not test:
            continue
        # the model's weights are for raw tf-idf values: tfidf_rows at scale 1 is what decision() folds
        folded = fold_columns(tfidf_rows(design.counts[test], idf, 1.0)).toarray()
        for i, v in zip(test, folded):
            ex = examples[i]
            dense = ex.features()[0]
            learned = families[int(np.argmax(w_dense @ dense + w_ngram @ v + b))] if families else "other"
            lexicon = guess_family_from_sums(family_sums(dense))
            n += 1
            right["learned"] += learned == ex.family
            right["lexicon"] += lexicon == ex.family
            right["combined"] += (lexicon if lexicon != "other" else learned) == ex.family
    return {"documents": n, **{k: round(v / n, 4) if n else 0.0 for k, v in right.items()}}


def calibration(prob: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict]:
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (prob >= lo) & ((prob < hi) if hi < 1 else (prob <= hi))
        if m.any():
            out.append({"bin": f"{lo:.1f}-{hi:.1f}", "documents": int(m.sum()),
                        "mean_probability": round(float(prob[m].mean()), 3), "spam_share": round(float(y[m].mean()), 3)})
    return out
