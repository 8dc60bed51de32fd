"""Score the detector and the contact extractor on a labelled set (JSONL or Parquet): P/R/F1 by language and family."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from corpus.labelled_sets import LabelledDoc


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
