"""Corpus row -> Label Studio task with the detector's pre-annotations (pure: no I/O beyond the config file)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from annotate.results import FAMILY, VERDICT, choice_item, span_item
from corpus.lang import language_tag

LABEL_CONFIG = Path(__file__).with_name("labeling.xml")
DECISION_POINT = 0.5  # the detector's decision point (corpus/schema.py: spam_score)
# corpus columns a task is built from
ROW_COLUMNS = ["doc_id", "url", "final_url", "host", "title", "text", "lang", "script", "contacts", "spam_score",
               "spam_signals", "family_guess", "detector_version"]
TOP_SIGNALS = 5   # spam_signals come strongest first (corpus/detector/model.py): the header shows these many
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")   # a Markdown ATX heading line
_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")             # a setext heading's underline


@lru_cache(maxsize=1)
def label_config() -> str:
    """The labeling config: every crawled field shown through the Text tag (plain text, never HTML)."""
    return LABEL_CONFIG.read_text(encoding="utf-8").strip()  # the server strips it too: compare equal


def predicted_verdict(score: float) -> str:
    return "spam" if float(score) >= DECISION_POINT else "benign"


def shown_text(title: str, text: str) -> tuple[str, int]:
    """The text as the view shows it: without a first line that only repeats the title (an HTML page's h1, a
    Markdown heading, a plain text's first line), which the view already shows once above it.

    Returns the text and how many code points were dropped from its start (add them to a span's offsets to
    point into the stored row's text, which is never changed)."""
    title = " ".join((title or "").split())
    if not title or not text:
        return text or "", 0
    first, newline, rest = text.lstrip().partition("\n")
    heading = _HEADING.match(first)
    line = " ".join((heading.group(1) if heading else first).split())
    if line != title:
        return text, 0
    if not heading and newline:   # a setext heading: the title's line, then its underline
        under, newline2, after = rest.partition("\n")
        if _UNDERLINE.match(under):
            rest = after if newline2 else ""
    kept = rest.lstrip()
    return kept, len(text) - len(kept)


def shift_spans(spans: Iterable[dict], by: int) -> list[dict]:
    """Spans moved `by` code points: `+text_offset` from the task's text to the row's, `-text_offset` back."""
    return [dict(s, start=s["start"] + by, end=s["end"] + by) for s in spans or ()]


def signals_line(signals: Iterable[str] | None, top: int = TOP_SIGNALS) -> str:
    """The detector's strongest signals as one plain-text line, e.g. `telegram_handle, sim_terms (+2 more)`."""
    names = [str(s) for s in signals or ()]
    if not names:
        return "none fired"
    more = f" (+{len(names) - top} more)" if len(names) > top else ""
    return ", ".join(names[:top]) + more


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
    text, _dropped = shown_text(row.get("title") or "", row.get("text") or "")
    result = [choice_item(VERDICT, verdict)]
    if verdict == "spam" and row.get("family_guess"):
        result.append(choice_item(FAMILY, row["family_guess"]))
    tag = language_tag(row.get("lang") or "und", row.get("script") or "")
    for i, span in enumerate(contact_spans(text, row.get("contacts") or (), finder, lang=tag)):
        result.append(span_item(span["start"], span["end"], span["label"], span["text"], f"contact{i}"))
    return {"model_version": row.get("detector_version") or "unknown", "score": round(float(row["spam_score"]), 4),
            "result": result}


def row_to_task(row: dict[str, Any], *, campaign_id: str | None = None, extra: dict | None = None,
                finder: Callable[..., list] | None = None) -> dict:
    """One task: the row's doc_id in `data` (the stable key: Label Studio ignores imported task ids).

    Every field the view shows is a plain string shown by the Text or Header tag: `score`, `family_guess` and
    `signals` explain the detector's guess; `text` is the row's text less a first line repeating the title
    (`text_offset` code points dropped: spans are offsets into the text shown)."""
    text, dropped = shown_text(row.get("title") or "", row.get("text") or "")
    score = float(row["spam_score"])
    data = {
        "doc_id": row["doc_id"],
        "title": row.get("title") or "",
        "url": row.get("final_url") or row.get("url") or "",
        "lang": row.get("lang") or "und",
        "text": text,
        "text_offset": dropped,
        "host": row.get("host") or "",
        "spam_score": round(score, 4),
        "score": f"{score:.2f} ({predicted_verdict(score)})",
        "family_guess": row.get("family_guess") or "",
        "signals": signals_line(row.get("spam_signals")),
    }
    if campaign_id is not None:
        data["campaign_id"] = campaign_id
    data.update(extra or {})
    return {"data": data, "predictions": [prediction_for(row, finder)]}
