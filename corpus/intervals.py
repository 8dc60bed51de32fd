"""How sure a bench figure is: an operation bootstrap of out-of-fold verdicts (alone and paired), Wilson intervals."""
from __future__ import annotations

import numpy as np

RESAMPLES = 2000
LEVEL = 0.95


def _group_index(groups: list[str]) -> tuple[np.ndarray, int]:
    names = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    return np.array([names[g] for g in groups]), len(names)


def _counts(pred: np.ndarray, y: np.ndarray, hard: np.ndarray, of: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """tp, fp, fn and flagged/total hard negatives of each resample: `weights[r, g]` is how often resample r drew
    operation g, so a resample's count is a weighted sum over operations (no copy of the documents)."""
    per_group = np.zeros((5, weights.shape[1]))
    for row, mask in enumerate((pred & y, pred & ~y, ~pred & y, pred & hard, hard)):
        per_group[row] = np.bincount(of, weights=mask.astype(float), minlength=weights.shape[1])
    return weights @ per_group.T  # (resamples, 5)


def _f1_and_fp(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tp, fp, fn, hard_flagged, hard = c.T
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        fp_rate = np.where(hard > 0, hard_flagged / hard, 0.0)
    return f1, fp_rate


def _interval(values: np.ndarray) -> list[float]:
    tail = (1 - LEVEL) / 2 * 100
    return [round(float(v), 4) for v in np.percentile(values, [tail, 100 - tail])]


def _weights(n_groups: int, resamples: int, seed: int) -> np.ndarray:
    draws = np.random.default_rng(seed).integers(0, n_groups, size=(resamples, n_groups))
    weights = np.zeros((resamples, n_groups))
    np.add.at(weights, (np.repeat(np.arange(resamples), n_groups), draws.ravel()), 1.0)
    return weights


def bootstrap(preds: dict[str, np.ndarray], y: np.ndarray, hard: np.ndarray, groups: list[str],
              reference: str, against: list[str], floors: tuple[float, float] | None = None,
              resamples: int = RESAMPLES, seed: int = 0) -> dict:
    """Percentile intervals of F1 and of the hard-negative false-positive rate for each candidate's verdicts; of
    `reference` minus each of `against` on the same resamples (paired: both read the same drawn operations); and,
    given `floors` (F1, false-positive ceiling), the share of resamples on which `reference` clears them.

    Operations, not documents, are drawn: the posts of one operation stand or fall together, so drawing documents
    would claim more certainty than the set's operations give."""
    of, n_groups = _group_index(groups)
    weights = _weights(n_groups, resamples, seed)
    scored = {name: _f1_and_fp(_counts(np.asarray(p, dtype=bool), y, hard, of, weights)) for name, p in preds.items()}
    out = {"resamples": resamples, "level": LEVEL, "operations": n_groups, "candidates": {}, "differences": {}}
    for name, (f1, fp_rate) in scored.items():
        out["candidates"][name] = {"f1": _interval(f1), "hard_fp_rate": _interval(fp_rate)}
    ref_f1, ref_fp = scored[reference]
    for name in against:
        f1, fp_rate = scored[name]
        out["differences"][name] = {"f1": _interval(ref_f1 - f1), "hard_fp_rate": _interval(ref_fp - fp_rate),
                                    "f1_reference_better_share": round(float((ref_f1 > f1).mean()), 4)}
    if floors is not None:
        f1_floor, fp_ceiling = floors
        out["reference_clears"] = {"f1": round(float((ref_f1 >= f1_floor).mean()), 4),
                                   "hard_fp_rate": round(float((ref_fp <= fp_ceiling).mean()), 4),
                                   "both": round(float(((ref_f1 >= f1_floor) & (ref_fp <= fp_ceiling)).mean()), 4)}
    return out



def wilson(successes: int, trials: int, z: float = 1.959964) -> list[float] | None:
    """Wilson score interval (95 %) of a proportion: for counts such as contacts found of contacts labelled, where a
    percentile bootstrap collapses to a point at 0/n or n/n. It treats the items as independent (contacts of one
    page are not quite), so it is a lower bound on the real uncertainty."""
    if trials <= 0:
        return None
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return [round(float(max(0.0, centre - half)), 4), round(float(min(1.0, centre + half)), 4)]
