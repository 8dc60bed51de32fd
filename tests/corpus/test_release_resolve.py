"""Label resolution policy and agreement figures, on real annotation tables."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.annotations import ANNOTATION_SCHEMA, PROPAGATED_SCHEMA
from corpus.agreement import krippendorff_alpha_nominal, pairwise_agreement
from corpus.release.resolve import LabelPolicy, resolve_labels
from tests.corpus.test_release_fixtures import annotation, propagated

T0 = datetime(2026, 11, 3, tzinfo=timezone.utc)


def corpus(*docs: tuple[str, float, str]) -> pa.Table:
    return pa.table({"doc_id": [d[0] for d in docs], "spam_score": pa.array([d[1] for d in docs], pa.float32()),
                     "family_guess": [d[2] for d in docs]})


def anns(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=ANNOTATION_SCHEMA)


def props(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=PROPAGATED_SCHEMA)


NONE = PROPAGATED_SCHEMA.empty_table()


def test_majority_single_annotator_and_agreement_share():
    c = corpus(("a", 0.9, "gambling"), ("b", 0.9, "gambling"))
    res = resolve_labels(c, anns([
        annotation("p", "a", "u1", "spam", "gambling", aid=1),
        annotation("p", "a", "u2", "spam", "gambling", aid=2),
        annotation("p", "a", "u3", "benign", aid=3),
        annotation("p", "b", "u1", "benign", aid=4),
    ]), NONE)
    a, b = res.labels["a"], res.labels["b"]
    assert (a.verdict, a.family, a.source, a.n_annotators) == ("spam", "gambling", "human", 3)
    assert a.agreement == pytest.approx(2 / 3, abs=1e-6)
    assert (b.verdict, b.family, b.source, b.n_annotators, b.agreement) == ("benign", None, "human", 1, 1.0)
    assert res.queue == []


def test_tie_goes_to_borderline_or_waits_for_adjudication():
    c = corpus(("a", 0.9, "loans"))
    votes = anns([annotation("p", "a", "u1", "spam", "loans", aid=1), annotation("p", "a", "u2", "benign", aid=2)])
    res = resolve_labels(c, votes, NONE, LabelPolicy(tie="borderline"))
    assert res.labels["a"].verdict == "borderline" and res.labels["a"].source == "human"
    assert res.labels["a"].agreement == 0.0 and res.labels["a"].family is None
    assert res.queue == [{"doc_id": "a", "reason": "no_majority", "votes": {"benign": 1, "spam": 1}}]

    held = resolve_labels(c, votes, NONE, LabelPolicy(tie="queue"))
    assert "a" not in held.labels
    assert held.counts["document_awaiting_adjudication"] == 1
    assert [q["doc_id"] for q in held.queue] == ["a"]
    with pytest.raises(ValueError):
        LabelPolicy(tie="coin-flip")


def test_family_tie_uses_detector_guess_then_family_order_and_is_queued():
    votes = anns([annotation("p", "a", "u1", "spam", "loans", aid=1),
                  annotation("p", "a", "u2", "spam", "gambling", aid=2)])
    guessed = resolve_labels(corpus(("a", 0.9, "loans")), votes, NONE)
    assert (guessed.labels["a"].verdict, guessed.labels["a"].family) == ("spam", "loans")
    assert guessed.queue[0]["reason"] == "family_tie"
    unguessed = resolve_labels(corpus(("a", 0.9, "adult")), votes, NONE)
    assert unguessed.labels["a"].family == "gambling"   # gambling comes before loans in corpus.labels.FAMILIES


def test_adjudication_by_project_or_by_annotator_wins():
    c = corpus(("a", 0.9, "loans"))
    rows = [annotation("p", "a", "u1", "spam", "loans", aid=1), annotation("p", "a", "u2", "benign", aid=2),
            annotation("adjudication", "a", "lead", "benign", aid=3)]
    by_project = resolve_labels(c, anns(rows), NONE, LabelPolicy(adjudication_projects=frozenset({"adjudication"})))
    label = by_project.labels["a"]
    assert (label.verdict, label.source, label.n_annotators) == ("benign", "adjudicated", 3)
    assert label.agreement == pytest.approx(2 / 3, abs=1e-6)
    assert by_project.queue == []
    by_person = resolve_labels(c, anns(rows), NONE, LabelPolicy(adjudicators=frozenset({"lead"})))
    assert by_person.labels["a"].source == "adjudicated"
    # without the policy the lead is an ordinary third annotator: majority benign, human
    plain = resolve_labels(c, anns(rows), NONE)
    assert (plain.labels["a"].verdict, plain.labels["a"].source) == ("benign", "human")


def test_bad_annotations_are_counted_and_latest_annotation_of_a_person_counts():
    c = corpus(("a", 0.9, "loans"), ("b", 0.1, "other"))
    res = resolve_labels(c, anns([
        annotation("p", "a", "u1", "benign", aid=1, when=T0),
        annotation("p", "a", "u1", "spam", "loans", aid=2, when=T0 + timedelta(hours=1)),  # supersedes aid 1
        annotation("p", "a", "u2", None, aid=3),
        annotation("p", "a", "u3", "spam", "loans", aid=4, cancelled=True),
        annotation("p", "a", "u4", "maybe", aid=5),
        annotation("p", "zzz", "u1", "spam", aid=6),
        annotation("p", "b", "u1", "benign", "loans", aid=7),
        annotation("p", "a", "u5", "spam", "not-a-family", aid=8),
    ]), NONE)
    assert dict(res.counts) == {"annotation_superseded": 1, "annotation_without_verdict": 1,
                                "annotation_cancelled": 1, "annotation_invalid_verdict": 1,
                                "annotation_unknown_document": 1, "annotation_family_ignored_not_spam": 1,
                                "annotation_invalid_family": 1}
    assert (res.labels["a"].verdict, res.labels["a"].family, res.labels["a"].n_annotators) == ("spam", "loans", 2)
    assert res.labels["b"].family is None


def test_propagated_silver_and_their_precedence():
    c = corpus(("human", 0.9, "loans"), ("prop", 0.9, "loans"), ("conflict", 0.9, "loans"),
               ("spammy", 0.7, "gambling"), ("clean", 0.2, "other"))
    a = anns([annotation("p", "human", "u1", "benign", aid=1)])
    p = props([propagated("p", "human", "c1", "x", "spam", "loans"),
               propagated("p", "prop", "c1", "x", "spam", "loans"),
               propagated("p", "conflict", "c2", "y", "spam", "loans"),
               propagated("q", "conflict", "c2", "z", "benign", None)])
    res = resolve_labels(c, a, p, LabelPolicy(include_silver=True))
    assert res.labels["human"].source == "human" and res.labels["human"].verdict == "benign"
    assert res.labels["prop"] == ("spam", "loans", "propagated", 0, None)
    assert "conflict" not in res.labels and res.counts["document_propagation_conflict"] == 1
    assert any(q["doc_id"] == "conflict" and q["reason"] == "propagation_conflict" for q in res.queue)
    assert res.labels["spammy"] == ("spam", "gambling", "silver", 0, None)
    assert res.labels["clean"] == ("benign", None, "silver", 0, None)
    without = resolve_labels(c, a, p)
    assert {"spammy", "clean"}.isdisjoint(without.labels)
    assert without.counts["document_unlabelled_silver_excluded"] == 2


def test_krippendorff_alpha_matches_the_published_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example: alpha = 0.743
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [[c[u] for c in coders if c[u] is not None] for u in range(12)]
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha_nominal([["a", "a"], ["b", "b"]]) == 1.0
    assert krippendorff_alpha_nominal([["a", "a"], ["a", "a"]]) is None       # no variation: undefined
    assert krippendorff_alpha_nominal([["a"], ["b"]]) is None                # nothing pairable
    assert pairwise_agreement([["a", "a", "b"]]) == pytest.approx(1 / 3)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["spam", "benign", "borderline"]), min_size=1, max_size=6))
def test_resolved_verdict_is_the_strict_majority_or_borderline(verdicts):
    c = corpus(("a", 0.5, "other"))
    rows = [annotation("p", "a", f"u{i}", v, "other" if v == "spam" else None, aid=i + 1)
            for i, v in enumerate(verdicts)]
    label = resolve_labels(c, anns(rows), NONE).labels["a"]
    top, n = Counter(verdicts).most_common(1)[0]
    assert label.verdict == (top if n * 2 > len(verdicts) else "borderline")
    assert label.n_annotators == len(verdicts)
    assert label.agreement == pytest.approx(verdicts.count(label.verdict) / len(verdicts), abs=1e-6)


def test_model_silver_threshold_is_the_shipped_cut_and_refuses_other_scores():
    from corpus.detector.model import load_model
    from corpus.release.resolve import SilverThresholdError, model_silver_threshold

    model = load_model()
    cut, source = model_silver_threshold({model.version})
    assert cut == model.meta["precision_cut"]["cut"] and model.version in source
    assert model_silver_threshold(None)[0] == cut  # no corpus to check (no silver rows released)
    with pytest.raises(SilverThresholdError, match="run `spamcorpus rescore` first"):
        model_silver_threshold({model.version, "signals-1.3"})
