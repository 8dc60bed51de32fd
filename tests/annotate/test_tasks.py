"""Row -> task: plain-text display only, the label vocabulary, pre-annotations at the right offsets."""
import xml.etree.ElementTree as ET

from hypothesis import assume, example, given, settings, strategies as st

from annotate.results import parse_result, span_item
from annotate.tasks import contact_spans, label_config, predicted_verdict, row_to_task, shown_text, signals_line
from corpus.labels import FAMILIES, SPAN_LABELS, VERDICTS
from tests.conftest import make_row

SPAM_TEXT = "办理香港eSIM请联系 Telegram：@esim1088 📱 或者打开 t.me/esim1088，当天发货。Order now!"


def _choices(root, name):
    tag = next(e for e in root.iter() if e.get("name") == name)
    return tuple(c.get("value") for c in tag)


def test_labeling_config_vocabulary_matches_corpus_labels():
    root = ET.fromstring(label_config())
    assert _choices(root, "verdict") == VERDICTS
    assert _choices(root, "family") == FAMILIES
    assert _choices(root, "spans") == SPAN_LABELS


def test_labeling_config_shows_crawled_fields_as_plain_text_only():
    root = ET.fromstring(label_config())
    tags = {e.tag for e in root.iter()}
    assert not tags & {"HyperText", "HyperTextLabels", "Html", "Iframe", "Image"}
    shown = {e.get("value") for e in root.iter("Text")}
    assert shown == {"$title", "$url", "$lang", "$text", "$score", "$family_guess", "$signals"}
    # headers are our own words: no task field reaches the page through them
    assert not [e.get("value") for e in root.iter("Header") if "$" in e.get("value")]
    # the family question is only shown once the verdict is spam
    family_view = next(v for v in root.iter("View") if any(c.get("name") == "family" for c in v))
    assert (family_view.get("visibleWhen"), family_view.get("whenChoiceValue")) == ("choice-selected", "spam")


def test_first_screen_order_and_hotkeys_kept():
    root = ET.fromstring(label_config())
    order = [e.get("name") for e in root.iter() if e.get("name")]
    # title, the explanation, the verdict, the family and the note come before the long text
    assert order.index("text") == len(order) - 1
    assert order[:4] == ["title", "score", "family_guess", "signals"]
    assert order.index("verdict") < order.index("family") < order.index("note") < order.index("text")
    keys = {c.get("value"): c.get("hotkey") for c in root.iter() if c.tag in ("Choice", "Label")}
    assert (keys["spam"], keys["benign"], keys["borderline"]) == ("1", "2", "3")
    assert (keys["contact"], keys["brand"], keys["call_to_action"]) == ("d", "f", "g")
    # one key each, unique, and the ones Label Studio had assigned by position before they were made explicit
    assert [keys[f] for f in FAMILIES] == list("4567890qwetas")
    assert None not in keys.values() and len(set(keys.values())) == len(keys)


def test_task_explains_the_detector_in_plain_text_fields():
    row = make_row("http://shop.example/p/1", SPAM_TEXT, score=0.9134, family="telecom_sim",
                   spam_signals=["telegram_handle", "sim_terms", "<b>x</b>", "d", "e", "f", "g"])
    data = row_to_task(row)["data"]
    assert (data["score"], data["family_guess"]) == ("0.91 (spam)", "telecom_sim")
    assert data["signals"] == "telegram_handle, sim_terms, <b>x</b>, d, e (+2 more)"   # text, shown as text
    assert data["spam_score"] == 0.9134
    benign = row_to_task(make_row("http://blog.example/a", "bread", score=0.12))["data"]
    assert (benign["score"], benign["signals"]) == ("0.12 (benign)", "none fired")
    assert signals_line(["a", "b"], top=1) == "a (+1 more)"


def test_task_text_drops_a_first_line_that_repeats_the_title():
    body = "联系 Telegram：@esim1088 当天发货"
    for stored in (f"# 香港 eSIM\n\n{body}", f"香港  eSIM\n{body}", f"香港 eSIM\n=======\n{body}",
                   f"\n## 香港 eSIM ##\n{body}"):
        row = make_row("http://shop.example/p/1", stored, title="香港 eSIM", score=0.9, family="telecom_sim")
        task = row_to_task(row)
        data = task["data"]
        assert data["text"] == body and stored[data["text_offset"]:] == body, stored
        assert row["text"] == stored   # the stored row keeps its text
        (span,) = parse_result(task["predictions"][0]["result"]).spans   # offsets into the text shown
        assert body[span["start"]:span["end"]] == span["text"] == "@esim1088"
        assert stored[span["start"] + data["text_offset"]:span["end"] + data["text_offset"]] == "@esim1088"
    # a first line that only starts like the title, or a title found later, stays
    for stored in (f"香港 eSIM 卡\n{body}", f"{body}\n# 香港 eSIM"):
        assert shown_text("香港 eSIM", stored) == (stored, 0)
    assert shown_text("", body) == (body, 0)


def test_task_carries_doc_id_and_fields_the_config_shows():
    row = make_row("http://shop.example/p/1", SPAM_TEXT, title="<b>eSIM</b>", score=0.91, family="telecom_sim",
                   lang="zh")
    task = row_to_task(row, campaign_id="c-1", extra={"push_batch": "b1"})
    data = task["data"]
    assert data["doc_id"] == row["doc_id"]
    assert (data["title"], data["url"], data["lang"], data["text"]) == ("<b>eSIM</b>", row["final_url"], "zh", SPAM_TEXT)
    assert (data["campaign_id"], data["push_batch"]) == ("c-1", "b1")
    assert "id" not in task  # Label Studio ignores imported ids: doc_id in data is the key


def test_prediction_verdict_score_family_and_contact_spans():
    row = make_row("http://shop.example/p/1", SPAM_TEXT, score=0.91, family="telecom_sim")
    (pred,) = row_to_task(row)["predictions"]
    assert pred["model_version"] == row["detector_version"] and pred["score"] == 0.91
    labels = parse_result(pred["result"])
    assert (labels.verdict, labels.family) == ("spam", "telecom_sim")
    assert [s["text"] for s in labels.spans] == ["@esim1088", "t.me/esim1088"]
    for span in labels.spans:  # offsets are into the text the annotator sees (code points, past the emoji)
        assert SPAM_TEXT[span["start"]:span["end"]] == span["text"]
    assert labels.problems == []


def test_benign_prediction_has_no_family():
    row = make_row("http://blog.example/a", "A recipe for bread.", score=0.2, family="other")
    labels = parse_result(row_to_task(row)["predictions"][0]["result"])
    assert (labels.verdict, labels.family, labels.spans) == ("benign", None, [])


def test_decision_point():
    assert predicted_verdict(0.5) == "spam" and predicted_verdict(0.4999) == "benign"


handles = st.from_regex(r"[a-z][a-z0-9]{4,10}", fullmatch=True)
filler = st.text(alphabet=st.sampled_from(list("abc 的是在了，。 📱\n")), max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(filler, handles), min_size=1, max_size=4), filler)
@example(parts=[("", "xxx00"), ("的", "kashang8")], tail="")  # a placeholder handle (`xxx`) is no contact
def test_contact_spans_point_at_their_text_and_never_overlap(parts, tail):
    from corpus.contacts import is_placeholder

    # stand-ins (`@xxx00`, Telegram's own `@login`) are rightly no contact: the property is about real handles
    parts = [(pre, h) for pre, h in parts if not is_placeholder("telegram", h)]
    assume(parts)
    text = "".join(f"{pre} Telegram: @{h} " for pre, h in parts) + tail
    spans = contact_spans(text)
    assert spans, text
    last = -1
    for span in spans:
        assert text[span["start"]:span["end"]] == span["text"]
        assert span["start"] >= last and span["label"] == "contact"
        last = span["end"]


def test_pulled_spans_point_into_the_row_text_and_go_back_for_review():
    from annotate.pull import rows_from_export
    from annotate.review import annotation_result

    stored = "# 香港 eSIM\n\n联系 Telegram：@esim1088 当天发货"
    row = make_row("http://shop.example/p/1", stored, title="香港 eSIM", score=0.9, family="telecom_sim")
    task = row_to_task(row)
    shown = task["data"]["text"]
    start = shown.index("@esim1088")
    exported = {"id": 7, "data": task["data"], "predictions": [dict(task["predictions"][0], id=1)],
                "annotations": [{"id": 3, "completed_by": 1, "created_at": "2026-11-01T00:00:00+00:00",
                                 "result": [span_item(start, start + 9, "contact", "@esim1088", "s1")]}]}
    (ann,), (pred,), _ = rows_from_export([exported], "p", None, b"s" * 32)
    for span in [*ann["spans"], *pred["spans"]]:   # stored as offsets into the row's text, as before the view
        assert stored[span["start"]:span["end"]] == span["text"] == "@esim1088"
    # a review task shows the task's text again: the spans move back
    (back,) = parse_result(annotation_result(ann, task["data"]["text_offset"])).spans
    assert shown[back["start"]:back["end"]] == "@esim1088"
