"""Inter-annotator agreement (Cohen's kappa, Krippendorff's alpha, span F1) and detector-vs-annotator agreement."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any, Iterable

import pyarrow as pa

from corpus.agreement import cohen_kappa, krippendorff_alpha_nominal

def _latest(rows: list[dict]) -> dict[int, dict[str, dict]]:
    """task_id -> annotator -> that annotator's latest non-skipped annotation."""
    out: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: (r["updated_at"], r["annotation_id"])):
        if not row["was_cancelled"]:
            out[row["task_id"]][row["annotator"]] = row
    return out


def _value(row: dict, field: str) -> Any:
    if field == "family":
        return row["family"] if row["verdict"] == "spam" else None
    return row[field]


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(x, 4)


def field_agreement(rows: list[dict], field: str) -> dict:
    """Agreement between annotators on one field (verdict or family), with the counts behind it."""
    by_task = _latest(rows)
    units, annotators, pairs = [], set(), []
    for per_annotator in by_task.values():
        values = {a: _value(r, field) for a, r in per_annotator.items() if _value(r, field) is not None}
        if len(values) >= 2:
            units.append(list(values.values()))
            annotators.update(values)
            for (a, va), (b, vb) in combinations(sorted(values.items()), 2):
                pairs.append((a, b, va, vb))
    out = {"field": field, "items_rated": sum(1 for t in by_task.values()
                                              if any(_value(r, field) is not None for r in t.values())),
           "items_multiply_rated": len(units), "annotators": len(annotators), "pairs": len(pairs),
           "observed_agreement": _clean(sum(va == vb for *_, va, vb in pairs) / len(pairs)) if pairs else None,
           "cohen_kappa": None, "krippendorff_alpha": _clean(krippendorff_alpha_nominal(units))}
    if len(annotators) == 2:
        a, b = sorted(annotators)
        out["cohen_kappa"] = _clean(cohen_kappa([(va, vb) if x == a else (vb, va) for x, _y, va, vb in pairs]))
    return out


def _span_keys(spans: Iterable[dict], labels: set[str] | None = None) -> set[tuple]:
    return {(s["start"], s["end"], s["label"]) for s in spans or () if labels is None or s["label"] in labels}


def span_agreement(rows: list[dict]) -> dict:
    """Pairwise exact-match F1 of spans (start, end, label) between annotators of the same task (micro)."""
    matched = total = pairs = 0
    for per_annotator in _latest(rows).values():
        for ra, rb in combinations(per_annotator.values(), 2):
            a, b = _span_keys(ra["spans"]), _span_keys(rb["spans"])
            matched += 2 * len(a & b)
            total += len(a) + len(b)
            pairs += 1
    return {"field": "spans", "pairs": pairs, "spans": total, "f1": _clean(matched / total) if total else None}


def prediction_agreement(rows: list[dict], predictions: list[dict], model_version: str | None = None) -> dict:
    """How often annotators agree with the detector: verdict and family (kappa, accuracy), contact span P/R/F1."""
    pred_by_task: dict[int, dict] = {}
    for p in predictions:
        if model_version is None or p["model_version"] == model_version:
            pred_by_task.setdefault(p["task_id"], p)
    verdicts, families, accepted = [], [], []
    tp = fp = fn = 0
    for task_id, per_annotator in _latest(rows).items():
        pred = pred_by_task.get(task_id)
        if pred is None:
            continue
        for row in per_annotator.values():
            accepted.append(row["accepted_prediction"])
            if row["verdict"] is not None and pred["verdict"] is not None:
                verdicts.append((pred["verdict"], row["verdict"]))
            if row["verdict"] == "spam" and pred["verdict"] == "spam" and row["family"] and pred["family"]:
                families.append((pred["family"], row["family"]))
            p, h = _span_keys(pred["spans"], {"contact"}), _span_keys(row["spans"], {"contact"})
            tp, fp, fn = tp + len(p & h), fp + len(p - h), fn + len(h - p)

    def scored(pairs: list[tuple]) -> dict:
        return {"n": len(pairs), "accuracy": _clean(sum(a == b for a, b in pairs) / len(pairs)) if pairs else None,
                "cohen_kappa": _clean(cohen_kappa(pairs)),
                "confusion": sorted([list(k) + [v] for k, v in Counter(pairs).items()])}

    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else (0.0 if tp + fp and tp + fn else None)
    return {"annotations": len(accepted), "accepted_unchanged": sum(accepted),
            "verdict": scored(verdicts), "family": scored(families),
            "contact_spans": {"predicted": tp + fp, "annotated": tp + fn, "precision": _clean(precision),
                              "recall": _clean(recall), "f1": _clean(f1)}}


def agreement_report(annotations: pa.Table, predictions: pa.Table | None = None,
                     model_version: str | None = None) -> dict:
    rows = annotations.to_pylist()
    report = {"annotations": len(rows), "annotators": len({r["annotator"] for r in rows}),
              "tasks": len({r["task_id"] for r in rows}),
              "fields": [field_agreement(rows, "verdict"), field_agreement(rows, "family"), span_agreement(rows)],
              "disagreeing_tasks": [d["task_id"] for d in disagreements(rows)]}
    if predictions is not None:
        report["detector"] = prediction_agreement(rows, predictions.to_pylist(), model_version)
    return report


def disagreements(rows: list[dict]) -> list[dict]:
    """Tasks whose annotators' verdicts differ (latest non-skipped annotation of each, verdict chosen).

    One entry per task: task_id, doc_id and each annotator's verdict (pseudonym -> verdict), by task id.
    """
    out = []
    for task_id, per_annotator in sorted(_latest(rows).items()):
        verdicts = {a: r["verdict"] for a, r in sorted(per_annotator.items()) if r["verdict"] is not None}
        if len(set(verdicts.values())) > 1:
            doc_id = next(iter(per_annotator.values()))["doc_id"]
            out.append({"task_id": task_id, "doc_id": doc_id, "verdicts": verdicts})
    return out
