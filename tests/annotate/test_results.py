"""Reading Label Studio results back: vocabulary checks, family only for spam, comparing with predictions."""
from annotate.results import (accepted_unchanged, choice_item, note_item, parse_result, same_result,
                              span_item)


def test_parse_full_result():
    result = [choice_item("verdict", "spam"), choice_item("family", "gambling"),
              span_item(10, 18, "contact", "@bet8888", "x1"), span_item(0, 4, "brand", "Acme", "x2"),
              note_item("same template as yesterday")]
    labels = parse_result(result)
    assert (labels.verdict, labels.family, labels.note) == ("spam", "gambling", "same template as yesterday")
    assert [(s["start"], s["label"]) for s in labels.spans] == [(0, "brand"), (10, "contact")]


def test_unknown_values_are_dropped_and_named():
    labels = parse_result([choice_item("verdict", "maybe"), choice_item("family", "casino"),
                           span_item(3, 1, "contact", "x", "s"), span_item(1, 3, "phone", "x", "t")])
    assert labels.verdict is None and labels.family is None and labels.spans == []
    assert sorted(labels.problems) == ["family:casino", "span:contact", "span:phone", "verdict:maybe"]


def test_family_is_dropped_unless_spam():
    labels = parse_result([choice_item("verdict", "benign"), choice_item("family", "loans")])
    assert (labels.verdict, labels.family) == ("benign", None)


def test_same_result_ignores_ids_and_order():
    a = [choice_item("verdict", "spam", "v"), span_item(1, 5, "contact", "@abc", "s1")]
    b = [span_item(1, 5, "contact", "@abc", "other-id"), choice_item("verdict", "spam", "verdict")]
    assert same_result(a, b)
    assert not same_result(a, [choice_item("verdict", "spam")])
    assert not same_result(a, [choice_item("verdict", "spam"), span_item(1, 6, "contact", "@abcd", "s1")])


def test_accepted_unchanged():
    pred = {"id": 7, "model_version": "v1", "result": [choice_item("verdict", "spam")]}
    same = {"result": [choice_item("verdict", "spam", "x")], "was_cancelled": False, "parent_prediction": 7}
    changed = {"result": [choice_item("verdict", "benign")], "was_cancelled": False, "parent_prediction": 7}
    skipped = {"result": [], "was_cancelled": True}
    assert accepted_unchanged(same, [pred], "v1")
    assert not accepted_unchanged(changed, [pred], "v1")
    assert not accepted_unchanged(skipped, [pred], "v1")
    no_parent = {"result": same["result"], "was_cancelled": False}
    assert accepted_unchanged(no_parent, [pred], "v1") and not accepted_unchanged(no_parent, [pred], "v2")


from hypothesis import given, strategies as st  # noqa: E402

from corpus.labels import FAMILIES, SPAN_LABELS, VERDICTS  # noqa: E402

spans = st.lists(st.tuples(st.integers(0, 500), st.integers(1, 40), st.sampled_from(SPAN_LABELS), st.text(max_size=8)),
                 max_size=6)


@given(st.sampled_from(VERDICTS), st.sampled_from(FAMILIES), spans, st.text(max_size=30))
def test_build_then_parse_round_trip(verdict, family, raw_spans, note):
    result = [choice_item("verdict", verdict), choice_item("family", family), note_item(note)]
    result += [span_item(s, s + n, label, text, f"s{i}") for i, (s, n, label, text) in enumerate(raw_spans)]
    labels = parse_result(result)
    assert labels.verdict == verdict and labels.family == (family if verdict == "spam" else None)
    assert labels.note == (note or None) and labels.problems == []
    assert sorted((s["start"], s["end"], s["label"], s["text"]) for s in labels.spans) == \
        sorted((s, s + n, label, text) for s, n, label, text in raw_spans)
    assert same_result(result, list(reversed(result)))
