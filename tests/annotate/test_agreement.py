"""Agreement statistics against hand-computed and published values, and on annotation tables."""
from datetime import datetime, timezone

import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import cohen_kappa_score

from annotate.agreement import (agreement_report, cohen_kappa, disagreements, field_agreement,
                                krippendorff_alpha_nominal, prediction_agreement, span_agreement)
from corpus.annotations import ANNOTATION_SCHEMA


def test_kappa_and_alpha_by_hand():
    # A = a a b b, B = a b b b: po = 3/4, pe = .5*.25 + .5*.75 = .5, kappa = (.75-.5)/.5 = .5
    pairs = list(zip("aabb", "abbb"))
    assert cohen_kappa(pairs) == pytest.approx(0.5)
    # alpha: n=8 values (a:3, b:5); one disagreeing unit gives o_ab = o_ba = 1; 1 - 7*2/(2*3*5) = 8/15
    assert krippendorff_alpha_nominal([list(p) for p in pairs]) == pytest.approx(8 / 15)


def test_alpha_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units, missing data
    coders = ["1 2 3 3 2 1 4 1 2 . . .", "1 2 3 3 2 2 4 1 2 5 . 3", ". 3 3 3 2 3 4 2 2 5 1 .",
              "1 2 3 3 2 4 4 1 2 5 1 ."]
    units = [[v for v in unit if v != "."] for unit in zip(*(c.split() for c in coders))]
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)


def test_undefined_when_one_category():
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # undefined: None, never nan (corpus/agreement.py)
    assert krippendorff_alpha_nominal([["a", "a"], ["a", "a", "a"]]) is None
    assert krippendorff_alpha_nominal([["a"], ["b"]]) is None  # nothing pairable


labels = st.sampled_from(["spam", "benign", "borderline"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(labels, labels), min_size=2, max_size=40))
def test_kappa_matches_sklearn_and_alpha_matches_scotts_pi(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    ours = cohen_kappa(pairs)
    theirs = cohen_kappa_score(a, b) if len(set(a) | set(b)) > 1 else None
    assert (ours is None and theirs is None) or ours == pytest.approx(theirs)
    # two coders, no missing values: alpha = 1 - (1 - pi) * (n - 1) / n, n = number of values (Scott's pi)
    n = 2 * len(pairs)
    pooled = {c: (a + b).count(c) / n for c in set(a + b)}
    pe = sum(p * p for p in pooled.values())
    alpha = krippendorff_alpha_nominal([list(p) for p in pairs])
    if pe < 1:
        pi = (sum(x == y for x, y in pairs) / len(pairs) - pe) / (1 - pe)
        assert alpha == pytest.approx(1 - (1 - pi) * (n - 1) / n)


T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def ann(task, annotator, verdict, family=None, spans=(), i=[0], cancelled=False, accepted=False):
    i[0] += 1
    return {"project": "p", "task_id": task, "doc_id": f"d{task}", "annotation_id": i[0], "annotator": annotator,
            "verdict": verdict, "family": family, "spans": [dict(s) for s in spans], "note": None,
            "created_at": T0, "updated_at": T0, "lead_time": 1.0, "accepted_prediction": accepted,
            "was_cancelled": cancelled}


def test_field_agreement_two_annotators():
    rows = [ann(t, "A", v) for t, v in enumerate("ssbb", 1)] + [ann(t, "B", v) for t, v in enumerate("sbbb", 1)]
    rows = [dict(r, verdict={"s": "spam", "b": "benign"}[r["verdict"]]) for r in rows]
    rows.append(ann(5, "A", "spam"))              # rated once: counts as rated, not as multiply rated
    rows.append(ann(1, "B", None, cancelled=True))  # a skip never counts
    out = field_agreement(rows, "verdict")
    assert (out["items_rated"], out["items_multiply_rated"], out["annotators"], out["pairs"]) == (5, 4, 2, 4)
    assert out["cohen_kappa"] == pytest.approx(0.5) and out["krippendorff_alpha"] == pytest.approx(8 / 15, abs=1e-4)
    assert out["observed_agreement"] == 0.75


def test_three_annotators_get_alpha_not_kappa():
    rows = [ann(1, a, "spam", "loans") for a in "ABC"] + [ann(2, a, v, "loans") for a, v in zip("ABC", ["spam", "spam", "benign"])]
    out = field_agreement(rows, "verdict")
    assert out["cohen_kappa"] is None and out["annotators"] == 3 and out["krippendorff_alpha"] is not None
    fam = field_agreement(rows, "family")
    assert fam["items_multiply_rated"] == 2 and fam["pairs"] == 4  # family only from spam verdicts


def test_latest_annotation_per_annotator_counts():
    first = ann(1, "A", "benign")
    later = dict(ann(1, "A", "spam"), updated_at=datetime(2026, 11, 2, tzinfo=timezone.utc))
    out = field_agreement([first, later, ann(1, "B", "spam")], "verdict")
    assert out["observed_agreement"] == 1.0


def test_span_f1():
    s1 = {"start": 0, "end": 5, "label": "contact", "text": "@abcd"}
    s2 = {"start": 9, "end": 12, "label": "brand", "text": "Foo"}
    out = span_agreement([ann(1, "A", "spam", spans=[s1, s2]), ann(1, "B", "spam", spans=[s1])])
    assert out["f1"] == pytest.approx(2 / 3, abs=1e-4) and out["pairs"] == 1


def test_prediction_agreement():
    s1 = {"start": 0, "end": 5, "label": "contact", "text": "@abcd"}
    preds = [{"task_id": 1, "model_version": "v", "verdict": "spam", "family": "loans", "spans": [s1]},
             {"task_id": 2, "model_version": "v", "verdict": "spam", "family": "loans", "spans": []}]
    rows = [ann(1, "A", "spam", "loans", spans=[s1], accepted=True), ann(2, "A", "benign", spans=[s1])]
    out = prediction_agreement(rows, preds)
    assert out["verdict"]["n"] == 2 and out["verdict"]["accuracy"] == 0.5
    assert out["family"]["n"] == 1 and out["family"]["accuracy"] == 1.0
    assert out["contact_spans"] == {"predicted": 1, "annotated": 2, "precision": 1.0, "recall": 0.5,
                                    "f1": pytest.approx(2 / 3, abs=1e-4)}
    assert out["accepted_unchanged"] == 1


def test_report_from_table():
    table = pa.Table.from_pylist([ann(1, "A", "spam"), ann(1, "B", "spam")], schema=ANNOTATION_SCHEMA)
    report = agreement_report(table)
    assert report["annotators"] == 2 and [f["field"] for f in report["fields"]] == ["verdict", "family", "spans"]
    assert report["disagreeing_tasks"] == []
    split = pa.Table.from_pylist([ann(3, "A", "spam"), ann(3, "B", "benign")], schema=ANNOTATION_SCHEMA)
    assert agreement_report(split)["disagreeing_tasks"] == [3]


def test_disagreements_are_tasks_whose_latest_verdicts_differ():
    later = datetime(2026, 11, 2, tzinfo=timezone.utc)
    rows = [ann(1, "A", "spam", "loans"), ann(1, "B", "benign"),                  # split
            ann(2, "A", "spam", "loans"), ann(2, "B", "spam", "gambling"),        # same verdict: not a split
            ann(3, "A", "spam"), ann(3, "B", None, cancelled=True),               # a skip is no verdict
            ann(4, "A", "benign"), dict(ann(4, "A", "spam"), updated_at=later), ann(4, "B", "spam"),  # A changed
            ann(5, "A", "benign"), ann(5, "B", "spam"), dict(ann(5, "B", "benign"), updated_at=later),  # B did
            ann(6, "A", "spam"), ann(6, "B", None),                               # no verdict chosen
            ann(7, "C", "borderline"), ann(7, "A", "spam"), ann(7, "B", "spam")]  # one of three
    assert disagreements(rows) == [
        {"task_id": 1, "doc_id": "d1", "verdicts": {"A": "spam", "B": "benign"}},
        {"task_id": 7, "doc_id": "d7", "verdicts": {"A": "spam", "B": "spam", "C": "borderline"}}]
    assert disagreements([]) == []
