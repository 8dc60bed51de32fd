"""Label Studio result items for the spamcorpus config, both ways: build them, read them back, compare them."""
from __future__ import annotations

from dataclasses import dataclass, field
from corpus.labels import FAMILIES, SPAN_LABELS, VERDICTS

# the control tag names of annotate/labeling.xml
VERDICT, FAMILY, SPANS, NOTE, TEXT = "verdict", "family", "spans", "note", "text"


def choice_item(name: str, value: str, item_id: str | None = None) -> dict:
    return {"id": item_id or name, "from_name": name, "to_name": TEXT, "type": "choices",
            "value": {"choices": [value]}}


def span_item(start: int, end: int, label: str, text: str, item_id: str) -> dict:
    return {"id": item_id, "from_name": SPANS, "to_name": TEXT, "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def note_item(text: str, item_id: str = "note") -> dict:
    return {"id": item_id, "from_name": NOTE, "to_name": TEXT, "type": "textarea", "value": {"text": [text]}}


@dataclass
class Labels:
    """What one annotation (or prediction) says, in corpus vocabulary."""
    verdict: str | None = None
    family: str | None = None
    spans: list[dict] = field(default_factory=list)   # start, end, label, text
    note: str | None = None
    problems: list[str] = field(default_factory=list)  # values outside the vocabulary, dropped


def parse_result(result: list[dict] | None) -> Labels:
    """Read a result list; unknown values are dropped and named in `problems`, never passed on."""
    out = Labels()
    for item in result or []:
        name, value = item.get("from_name"), item.get("value") or {}
        if name == VERDICT:
            choice = (value.get("choices") or [None])[0]
            if choice in VERDICTS:
                out.verdict = choice
            else:
                out.problems.append(f"verdict:{choice}")
        elif name == FAMILY:
            choice = (value.get("choices") or [None])[0]
            if choice in FAMILIES:
                out.family = choice
            else:
                out.problems.append(f"family:{choice}")
        elif name == SPANS:
            try:
                start, end = int(value["start"]), int(value["end"])
            except (KeyError, TypeError, ValueError):
                out.problems.append("span:offsets")
                continue
            for label in value.get("labels") or []:
                if label in SPAN_LABELS and 0 <= start < end:
                    out.spans.append({"start": start, "end": end, "label": label, "text": value.get("text")})
                else:
                    out.problems.append(f"span:{label}")
        elif name == NOTE:
            text = "\n".join(t for t in value.get("text") or [] if t)
            out.note = text or None
    if out.verdict != "spam":
        out.family = None  # the family question is only asked (shown) for spam
    out.spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    return out


def _frozen(value: object) -> object:
    """A hashable, order-insensitive form of a JSON value (lists of labels/choices compare as sets)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(sorted((_frozen(v) for v in value), key=repr))
    return value


def _canonical(result: list[dict] | None) -> list:
    return sorted((repr((i.get("from_name"), i.get("type"), _frozen(i.get("value") or {}))) for i in result or []))


def same_result(a: list[dict] | None, b: list[dict] | None) -> bool:
    """True if two results say the same thing, ignoring item ids, order and display-only keys."""
    return len(a or []) == len(b or []) and _canonical(a) == _canonical(b)


def accepted_unchanged(annotation: dict, predictions: list[dict], model_version: str | None) -> bool:
    """Did the annotator submit the pre-annotation as it was? (skips and empty results never count)."""
    if annotation.get("was_cancelled") or not annotation.get("result"):
        return False
    parent = annotation.get("parent_prediction")
    candidates = [p for p in predictions if p.get("id") == parent] if parent else \
        [p for p in predictions if model_version is None or p.get("model_version") == model_version]
    return any(same_result(annotation.get("result"), p.get("result")) for p in candidates)
