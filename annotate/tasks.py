"""Corpus row -> Label Studio task with the detector's pre-annotations (pure: no I/O beyond the config file)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from annotate.results import FAMILY, VERDICT, choice_item, span_item
from corpus.lang import language_tag

LABEL_CONFIG = Path(__file__).with_name("labeling.xml")
DECISION_POINT = 0.5  # the detector's decision point (corpus/schema.py: spam_score)
# corpus columns a task is built from
ROW_COLUMNS = ["doc_id", "url", "final_url", "host", "title", "text", "lang", "script", "contacts", "spam_score",
               "family_guess", "detector_version"]


@lru_cache(maxsize=1)
def label_config() -> str:
    """The labeling config: every crawled field shown through the Text tag (plain text, never HTML)."""
    return LABEL_CONFIG.read_text(encoding="utf-8").strip()  # the server strips it too: compare equal


def predicted_verdict(score: float) -> str:
    return "spam" if float(score) >= DECISION_POINT else "benign"


def _default_finder() -> Callable[..., list]:
    from corpus.contacts import find_contacts
    return find_contacts


def contact_spans(text: str, contacts: Iterable[dict] = (), finder: Callable[..., list] | None = None,
                  lang: str | None = None) -> list[dict]:
    """Contact mentions in `text` as non-overlapping spans (label `contact`), offsets into `text`.

    Offsets count code points, as Label Studio stores them (its editor may draw a span after an emoji one
    character off: a display bug of Label Studio, the stored offsets are right)."""
    find = finder or _default_finder()
    known = sorted({c["value"] for c in contacts or () if c.get("kind") == "telegram"})
    spans, last_end = [], -1
    for contact in sorted(find(text or "", "text", known_handles=known, lang=lang), key=lambda c: (c.start, -c.end)):
        if contact.start < 0 or contact.end <= contact.start or contact.start < last_end:
            continue  # links have no offsets; overlapping mentions would make two regions over one string
        spans.append({"start": contact.start, "end": contact.end, "label": "contact",
                      "text": text[contact.start:contact.end]})
        last_end = contact.end
    return spans


def prediction_for(row: dict[str, Any], finder: Callable[..., list] | None = None) -> dict:
    """The detector's pre-annotation: verdict with score, family guess (for spam), contact spans."""
    verdict = predicted_verdict(row["spam_score"])
    result = [choice_item(VERDICT, verdict)]
    if verdict == "spam" and row.get("family_guess"):
        result.append(choice_item(FAMILY, row["family_guess"]))
    tag = language_tag(row.get("lang") or "und", row.get("script") or "")
    for i, span in enumerate(contact_spans(row.get("text") or "", row.get("contacts") or (), finder, lang=tag)):
        result.append(span_item(span["start"], span["end"], span["label"], span["text"], f"contact{i}"))
    return {"model_version": row.get("detector_version") or "unknown", "score": round(float(row["spam_score"]), 4),
            "result": result}


def row_to_task(row: dict[str, Any], *, campaign_id: str | None = None, extra: dict | None = None,
                finder: Callable[..., list] | None = None) -> dict:
    """One task: the row's doc_id in `data` (the stable key: Label Studio ignores imported task ids)."""
    data = {
        "doc_id": row["doc_id"],
        "title": row.get("title") or "",
        "url": row.get("final_url") or row.get("url") or "",
        "lang": row.get("lang") or "und",
        "text": row.get("text") or "",
        "host": row.get("host") or "",
        "spam_score": round(float(row["spam_score"]), 4),
        "family_guess": row.get("family_guess") or "",
    }
    if campaign_id is not None:
        data["campaign_id"] = campaign_id
    data.update(extra or {})
    return {"data": data, "predictions": [prediction_for(row, finder)]}
