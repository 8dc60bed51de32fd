"""Score the detector and the contact extractor on a labelled set (JSONL or Parquet): P/R/F1 by language and family."""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

SPAM_LABELS = {"spam", "1", "true", "yes"}
BENIGN_LABELS = {"benign", "0", "false", "no", "ham", "not_spam"}
SKIPPED_LABELS = {"borderline", "unsure", ""}
_URL = re.compile(r"https?://[^\s)\]>\"'，。）】]+")


class EvaluationError(ValueError):
    """A labelled set that cannot be read: missing file, bad line, missing column or unknown label."""


@dataclass
class LabelledDoc:
    id: str
    title: str
    text: str
    spam: bool
    lang: str = "und"
    family: str = "other"
    hard_negative: bool = False
    contacts: set[tuple[str, str]] | None = None   # expected (kind, value); None = not labelled
    links: list[str] = field(default_factory=list)
    raw: Any = None  # a raw page (corpus.page.row.PageInput) when the record is one: the crawler extracts it first


@dataclass
class Outcome:
    doc: LabelledDoc
    score: float
    family: str
    signals: tuple[str, ...]
    found: set[tuple[str, str]]

    @property
    def predicted(self) -> bool:
        return self.score >= 0.5


def _label(value: Any, where: str) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value if value is not None else "").strip().lower()
    if text in SPAM_LABELS:
        return True
    if text in BENIGN_LABELS:
        return False
    if text in SKIPPED_LABELS:
        return None
    raise EvaluationError(f"{where}: unknown label {value!r} (use spam/benign/borderline, 1/0 or true/false)")


def _contacts(value: Any, where: str, lang: str) -> set[tuple[str, str]] | None:
    if value is None:
        return None
    if isinstance(value, dict):  # the real-world set's form: kind -> values as written, read as its bench reads them
        from corpus.realworld import expected_pairs
        return expected_pairs({str(k): list(v or ()) for k, v in value.items()}, lang)
    try:
        return {(str(c["kind"]), str(c["value"])) for c in value}
    except (TypeError, KeyError):
        raise EvaluationError(f"{where}: contacts must be a list of {{kind, value}} objects") from None


def _doc(record: dict, where: str, index: int) -> LabelledDoc | None:
    if not isinstance(record, dict):
        raise EvaluationError(f"{where}: expected a JSON object")
    for column in ("text", "label"):
        if column not in record:
            raise EvaluationError(f"{where}: missing column {column!r}")
    spam = _label(record["label"], where)
    if spam is None:
        return None
    title, text = str(record.get("title") or ""), str(record.get("text") or "")
    links = record.get("links")
    doc_id = str(record.get("id") or record.get("doc_id") or index)
    lang = str(record.get("lang") or record.get("language") or "") or _detect_lang(title + "\n" + text)
    return LabelledDoc(
        id=doc_id, title=title, text=text, spam=spam, lang=lang,
        family=str(record.get("family") or "other"), hard_negative=bool(record.get("hard_negative") or False),
        contacts=_contacts(record.get("contacts"), where, lang),
        links=list(links) if links is not None else sorted(set(_URL.findall(title + "\n" + text))),
        raw=_raw_page(record, doc_id, text, where))


def _raw_page(record: dict, doc_id: str, text: str, where: str):
    """A record with a `format` (the real-world set's md, html, txt, other) is a raw file, not extracted text."""
    from corpus.realworld import RAW_FORMATS, raw_page, stand_in_url

    fmt = record.get("format")
    if fmt is None:
        return None
    if fmt not in RAW_FORMATS:
        raise EvaluationError(f"{where}: format {fmt!r} is not a raw file's ({', '.join(sorted(RAW_FORMATS))}); "
                              "leave `format` out for extracted text")
    source = record.get("source") if isinstance(record.get("source"), dict) else None
    return raw_page(text, fmt, str(record.get("url") or stand_in_url(doc_id, fmt, source)))


def _detect_lang(text: str) -> str:
    from corpus.lang import detect_language
    return detect_language(text)[0]


def _records(path: Path) -> Iterable[tuple[str, int, dict]]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for a torn or foreign file
            raise EvaluationError(f"{path}: not a readable Parquet file ({exc})") from None
        for column in ("text", "label"):
            if column not in table.column_names:
                raise EvaluationError(f"{path}: missing column {column!r}")
        for i, row in enumerate(table.to_pylist(), 1):
            yield f"{path} row {i}", i, row
        return
    with open(path, "rb") as fh:  # decoded line by line, so that a bad byte is reported with its line
        for lineno, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise EvaluationError(f"{path} line {lineno}: not UTF-8 text ({exc.reason})") from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{path} line {lineno}: not JSON ({exc.msg})") from None
            yield f"{path} line {lineno}", lineno, record


def trained_on(paths: Iterable[str | Path]) -> list[str]:
    """Those of `paths` that are the pinned real-world set the shipped detector was trained on: figures on them
    are training figures (`spamcorpus train --cv` gives the operation-grouped cross-validated ones)."""
    from corpus.realworld import REALWORLD_SHA256, file_sha256
    out = []
    for raw in paths:
        path = Path(raw)
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path] if path.is_file() else []
        out += [str(f) for f in files if file_sha256(f) == REALWORLD_SHA256]
    return out


def load_labelled(paths: Iterable[str | Path]) -> tuple[list[LabelledDoc], int]:
    """Documents of one or more labelled files (JSONL or Parquet; a directory stands for its one *.jsonl or
    *.parquet file), and how many were skipped as borderline. Files named together are scored as one set."""
    docs, skipped = [], 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted([*path.glob("*.jsonl"), *path.glob("*.parquet")])
            if not files:
                raise EvaluationError(f"{path}: no *.jsonl or *.parquet files")
            if len(files) > 1:
                # a folder may hold sets that must never be pooled (development and held-out): make the caller
                # say which files form the set rather than mix them into one figure
                names = ", ".join(f.name for f in files)
                raise EvaluationError(
                    f"{path} holds {len(files)} evaluation files ({names}): name the file(s) to score as one set, "
                    f"e.g. `spamcorpus evaluate {files[0]}`; files named together are pooled into one figure")
        elif path.is_file():
            files = [path]
        else:
            raise EvaluationError(f"{path}: no such file")
        for file in files:
            for where, index, record in _records(file):
                doc = _doc(record, where, index)
                if doc is None:
                    skipped += 1
                else:
                    docs.append(doc)
    return docs, skipped


def document_contacts(doc: LabelledDoc) -> list:
    """The contacts the crawler would extract from a labelled document's title, text and links."""
    from corpus.contacts import contacts_from_links, find_contacts, merge_contacts

    return merge_contacts([find_contacts(doc.title, "title", lang=doc.lang),
                           find_contacts(doc.text, "text", lang=doc.lang), contacts_from_links(doc.links)])


def run(docs: list[LabelledDoc]) -> list[Outcome]:
    """Extract contacts and score each document the way the crawler does (title, text, links)."""
    from corpus.page.row import PageRejected, extract_page
    from corpus.signals import score_document

    outcomes = []
    for doc in docs:
        if doc.raw is not None:  # a raw file: extracted as the crawler extracts a fetched page, then scored
            try:
                page = extract_page(doc.raw)
            except PageRejected as exc:  # the crawler would have dropped it: no score, no contact
                outcomes.append(Outcome(doc, 0.0, "other", (f"rejected:{exc.reason}",), set()))
                continue
            contacts = page.contacts
            verdict = score_document(page.title, page.text, contacts=contacts, links=page.links, lang=page.lang,
                                     boilerplate=page.boilerplate, doc_format=page.doc_format)
        else:
            contacts = document_contacts(doc)
            verdict = score_document(doc.title, doc.text, contacts=contacts, links=doc.links, lang=doc.lang)
        outcomes.append(Outcome(doc, verdict.score, verdict.family, verdict.signals,
                                {(c.kind, c.value) for c in contacts}))
    return outcomes


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1; an empty denominator gives 0.0 (and the counts say why)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def detection_metrics(outcomes: list[Outcome], cut: float = 0.5) -> dict[str, float | int]:
    flagged = [o.score >= cut for o in outcomes]
    tp = sum(f and o.doc.spam for f, o in zip(flagged, outcomes))
    fp = sum(f and not o.doc.spam for f, o in zip(flagged, outcomes))
    fn = sum(not f and o.doc.spam for f, o in zip(flagged, outcomes))
    return {**prf(tp, fp, fn), "tn": len(outcomes) - tp - fp - fn, "documents": len(outcomes)}


def _grouped(outcomes: list[Outcome], key) -> dict[str, dict]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[key(o)].append(o)
    return {name: detection_metrics(group) for name, group in sorted(groups.items())}


def contact_metrics(outcomes: list[Outcome]) -> dict[str, Any]:
    """Contact extraction per kind, over the documents whose expected contacts are labelled."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    labelled = [o for o in outcomes if o.doc.contacts is not None]
    # `url` is the catch-all kind of links that name no handle: scored only where the set labels it; a labelled
    # contact of another kind written as such a link (`url:https://t.me/+invite`) is found by that link
    url_scored = any(kind == "url" for o in labelled for kind, _ in o.doc.contacts or ())
    for o in labelled:
        expected = o.doc.contacts or set()
        urls = {"url:" + v.lower() for k, v in o.found if k == "url"}
        as_labelled = {(k, v) for k, v in expected if k != "url" and v in urls}
        taken = {v for _, v in as_labelled}
        found = {(k, v) for k, v in o.found if k != "url" or url_scored and "url:" + v.lower() not in taken}
        found |= as_labelled
        for kind, _ in found & expected:
            counts[kind][0] += 1
        for kind, _ in found - expected:
            counts[kind][1] += 1
        for kind, _ in expected - found:
            counts[kind][2] += 1
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {"documents": len(labelled), "overall": prf(*total),
            "by_kind": {kind: prf(*c) for kind, c in sorted(counts.items())}}


def evaluate(docs: list[LabelledDoc], skipped: int = 0) -> dict[str, Any]:
    """The full report as plain data (what `spamcorpus evaluate --json` prints)."""
    from corpus.detector.model import load_model
    from corpus.signals import DETECTOR_VERSION

    outcomes = run(docs)
    cut = (load_model().meta.get("precision_cut") or {}).get("cut")
    hard = [o for o in outcomes if o.doc.hard_negative and not o.doc.spam]
    hard_fp = [o for o in hard if o.predicted]
    spam_with_family = [o for o in outcomes if o.doc.spam and o.doc.family != "other"]
    errors = sorted((o for o in outcomes if o.predicted != o.doc.spam), key=lambda o: -abs(o.score - 0.5))
    return {
        "detector_version": DETECTOR_VERSION,
        "documents": len(outcomes), "spam": sum(o.doc.spam for o in outcomes), "skipped_borderline": skipped,
        "overall": detection_metrics(outcomes),
        "hard_negatives": {"documents": len(hard), "false_positives": len(hard_fp),
                           "false_positive_rate": round(len(hard_fp) / len(hard), 4) if hard else 0.0},
        # the model's precision-first cut (spamcorpus train chose it for silver labels), beside the 0.5 one
        "at_precision_cut": {"cut": cut, **detection_metrics(outcomes, cut),
                             "hard_negative_false_positives": sum(o.score >= cut for o in hard)} if cut else None,
        "by_language": _grouped(outcomes, lambda o: o.doc.lang),
        "by_family": _grouped(outcomes, lambda o: o.doc.family),
        "family_guess": {"documents": len(spam_with_family), "accuracy": round(
            sum(o.family == o.doc.family for o in spam_with_family) / len(spam_with_family), 4)
            if spam_with_family else 0.0},
        "contacts": contact_metrics(outcomes),
        # raw files the crawler's extraction refuses (no text at all): scored benign, no contact; by reason
        "rejected_raw_files": dict(Counter(o.signals[0].removeprefix("rejected:") for o in outcomes
                                           if o.signals and o.signals[0].startswith("rejected:"))),
        "errors": [{"id": o.doc.id, "label": "spam" if o.doc.spam else "benign", "score": o.score,
                    "lang": o.doc.lang, "family": o.doc.family, "signals": list(o.signals)} for o in errors],
    }


def _row(name: str, m: dict) -> str:
    return (f"  {name:<16} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}"
            f"  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']}{', docs ' + str(m['documents']) if 'documents' in m else ''})")


def format_report(report: dict[str, Any], max_errors: int = 15) -> str:
    hn = report["hard_negatives"]
    lines = [f"detector {report['detector_version']}: {report['documents']} documents, {report['spam']} spam"
             + (f", {report['skipped_borderline']} borderline skipped" if report["skipped_borderline"] else ""),
             _row("overall", report["overall"]),
             f"  hard negatives: {hn['false_positives']}/{hn['documents']} false positives"
             f" ({hn['false_positive_rate']:.1%})",
             *([_row(f"precision cut {report['at_precision_cut']['cut']:.2f}", report["at_precision_cut"])
                + f", hard negatives {report['at_precision_cut']['hard_negative_false_positives']}/{hn['documents']}"]
               if report.get("at_precision_cut") else []),
             *([f"  raw files the crawler would drop (scored benign): {report['rejected_raw_files']}"]
               if report.get("rejected_raw_files") else []),
             f"  family guess accuracy on spam: {report['family_guess']['accuracy']:.3f}"
             f" ({report['family_guess']['documents']} documents)", "by language:"]
    lines += [_row(k, v) for k, v in report["by_language"].items()]
    lines.append("by family:")
    lines += [_row(k, v) for k, v in report["by_family"].items()]
    contacts = report["contacts"]
    if contacts["documents"]:
        lines.append(f"contacts ({contacts['documents']} labelled documents):")
        lines.append(_row("all kinds", contacts["overall"]))
        lines += [_row(k, v) for k, v in contacts["by_kind"].items()]
    if report["errors"]:
        lines.append(f"errors ({len(report['errors'])}, worst first):")
        lines += [f"  {e['id']} {e['label']} score {e['score']:.3f} {e['lang']} {e['family']}: "
                  f"{', '.join(e['signals'][:5])}" for e in report["errors"][:max_errors]]
    return "\n".join(lines)
