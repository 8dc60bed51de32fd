"""`push --review`: tasks whose annotators split go to a review project "<P> (review)" for a third annotator.

The review project is an ordinary project with one annotation per task. Its tasks are the corpus rows of the
disagreeing tasks (same `data.doc_id`), and instead of the detector's guess they carry one prediction per
earlier annotator (model version "annotator <pseudonym>", with a note saying who chose what), so the reviewer
sees both sides and can start from either. `spamcorpus pull --project "<P> (review)"` brings the adjudications
back; the folder holds `review.json`, by which the release builder counts its annotations as adjudications.
Sending is exactly once per document, through the same ledger and pending journal as `push`.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from annotate.agreement import _latest, disagreements
from annotate.client import StudioClient
from annotate.errors import ImportUncertain, StudioError
from annotate.files import project_dir, project_lock, write_json
from annotate.push import MAX_BATCH, PENDING, BadProjectTitle, _Ledger, check_title, read_rows, recover
from annotate.results import FAMILY, VERDICT, choice_item, note_item, span_item
from annotate.tasks import ROW_COLUMNS, label_config, row_to_task, shift_spans
from corpus.annotations import read_annotations

SUFFIX = " (review)"
REVIEW_FILE = "review.json"   # in the review project's folder; corpus/release/inputs.py looks for this name
INSTRUCTIONS = (
    "<p>Annotators disagreed on these pages. Each earlier annotation is shown as a prediction named after its "
    "(pseudonymous) annotator. Read the page, then give the verdict you judge right (and the family for spam): "
    "your label settles the page in the release.</p>")


class ReviewError(StudioError):
    """Nothing to review from: no pulled annotations for the project."""


def review_title(project: str) -> str:
    """The review project's title; BadProjectTitle when the project is itself a review or the title is too long."""
    if project.endswith(SUFFIX):
        raise BadProjectTitle(f"project {project!r} is a review project already; review its source project instead")
    try:
        return check_title(project + SUFFIX)
    except BadProjectTitle as exc:
        raise BadProjectTitle(f"the review project of {project!r} would be titled {project + SUFFIX!r}: {exc}") \
            from None


def annotation_result(row: dict, text_offset: int = 0) -> list[dict]:
    """A pulled annotation row back as Label Studio result items (verdict, family, spans, note); spans, stored as
    offsets into the row's text, move back into the task's (which leaves out `text_offset` code points)."""
    result = [choice_item(VERDICT, row["verdict"])] if row["verdict"] else []
    if row["verdict"] == "spam" and row["family"]:
        result.append(choice_item(FAMILY, row["family"]))
    for i, span in enumerate(shift_spans(row["spans"], -text_offset)):
        result.append(span_item(span["start"], span["end"], span["label"], span["text"], f"span{i}"))
    return result


def review_task(row: dict, split: dict, by_annotator: dict[str, dict], project: str, batch: str) -> dict:
    """The review task of one disagreeing task: the page, and one prediction per earlier annotator."""
    said = "; ".join(f"{a}: {v}" for a, v in split["verdicts"].items())
    task = row_to_task(row, extra={"review_of": project, "source_task_id": split["task_id"],
                                   "annotator_verdicts": said, "push_batch": batch})
    predictions = []
    for annotator, ann in sorted(by_annotator.items()):
        if ann["verdict"] is None:
            continue
        family = f" ({ann['family']})" if ann["verdict"] == "spam" and ann["family"] else ""
        note = f"{annotator} chose {ann['verdict']}{family}" + (f"; their note: {ann['note']}" if ann["note"] else "")
        predictions.append({"model_version": f"annotator {annotator}",
                            "result": annotation_result(ann, task["data"]["text_offset"]) + [note_item(note)]})
    task["predictions"] = predictions
    return task


@dataclass
class ReviewReport:
    project: str
    title: str
    project_id: int | None = None
    created: bool = False
    disagreeing: int = 0
    sent: int = 0
    already_sent: int = 0
    recovered: int = 0
    missing: list[str] | None = None   # doc_ids no longer in the corpus
    seconds: float = 0.0


def _review_project(client: StudioClient, title: str, project: str) -> tuple[dict, bool]:
    found = client.find_project(title)
    if found is not None:
        return found, False
    return client.create_project(title, label_config=label_config(), maximum_annotations=1,
                                 description=f"spamcorpus: adjudication of the disagreements in {project!r}",
                                 expert_instruction=INSTRUCTIONS, show_instruction=True), True


def push_review(client: StudioClient, project: str, corpus_dir: Path, out_root: Path,
                batch_size: int = MAX_BATCH) -> ReviewReport:
    """Send the disagreeing tasks of the last pull of `project` to its review project (once per document)."""
    t0 = time.monotonic()
    title = review_title(project)
    report = ReviewReport(project, title, missing=[])
    source = project_dir(out_root, project)
    rows = read_annotations(source).to_pylist()
    if not rows:
        raise ReviewError(f"no annotations pulled for {project!r} in {source}: run "
                          f"`spamcorpus pull --project {project!r}` first")
    splits = disagreements(rows)
    report.disagreeing = len(splits)
    if not splits:
        report.seconds = time.monotonic() - t0
        return report
    latest = _latest(rows)
    rdir = project_dir(out_root, title)
    with project_lock(rdir):
        info, report.created = _review_project(client, title, project)
        report.project_id = info["id"]
        write_json(rdir / REVIEW_FILE, {"review_of": project, "review_project": title, "project_id": info["id"]})
        ledger = _Ledger(rdir, title, info["id"])
        report.recovered = recover(client, rdir, ledger)
        todo = [s for s in splits if s["doc_id"] not in ledger.doc_ids]
        report.already_sent = len(splits) - len(todo)
        corpus = {r["doc_id"]: r for r in read_rows(corpus_dir, ROW_COLUMNS, [s["doc_id"] for s in todo])} \
            if todo else {}
        report.missing = [s["doc_id"] for s in todo if s["doc_id"] not in corpus]
        todo = [s for s in todo if s["doc_id"] in corpus]
        # the ledger says why each task is there: a review of a split, scored by the row's detector version
        ledger.how = ("review", 0)
        ledger.versions = {d: r["detector_version"] for d, r in corpus.items()}
        run = uuid.uuid4().hex[:12]
        for number, start in enumerate(range(0, len(todo), batch_size)):
            batch, tag = todo[start:start + batch_size], f"review-{run}-{number:05d}a"
            tasks = [review_task(corpus[s["doc_id"]], s, latest[s["task_id"]], project, tag) for s in batch]
            # journal first: a lost answer is looked up by its batch tag on the next run, never re-imported blindly
            write_json(rdir / PENDING, {"batches": [{"batch": tag, "project_id": info["id"], "tasks": len(batch)}]})
            try:
                task_ids = client.import_tasks(info["id"], tasks)
            except ImportUncertain as exc:
                raise StudioError(f"{exc}; run the same command again: the batch is looked up on the server "
                                  "before anything is sent again") from None
            except StudioError:
                write_json(rdir / PENDING, {"batches": []})   # refused or never sent: nothing was stored
                raise
            report.sent += ledger.add([(s["doc_id"], t) for s, t in zip(batch, task_ids)], ours=True)
            write_json(rdir / PENDING, {"batches": []})
    report.seconds = time.monotonic() - t0
    return report


def adjudicated(out_root: Path, project: str, splits: list[dict]) -> int:
    """How many of the disagreeing tasks the pulled review project already settles (a non-skipped verdict)."""
    try:
        rdir = project_dir(out_root, review_title(project))
    except BadProjectTitle:
        return 0
    settled = {r["doc_id"] for r in read_annotations(rdir).to_pylist() if r["verdict"] and not r["was_cancelled"]}
    return sum(1 for s in splits if s["doc_id"] in settled)


def format_review(report: ReviewReport) -> str:
    if not report.disagreeing:
        return f"project {report.project!r}: no disagreements in the pulled annotations; nothing to review"
    state = "created" if report.created else "found"
    lines = [f"review project {report.title!r}: id {report.project_id} ({state})",
             f"{report.disagreeing} tasks of {report.project!r} where annotators chose different verdicts: "
             f"sent {report.sent}, already in review {report.already_sent}"]
    if report.recovered:
        lines.append(f"recorded {report.recovered} review tasks left on the server by an interrupted run")
    if report.missing:
        lines.append(f"not sent, no longer in the corpus: {len(report.missing)} ({', '.join(report.missing[:5])})")
    lines.append(f"after the review, `spamcorpus pull --project {report.title!r}`: releases then use the "
                 "adjudicated label where annotators split")
    return "\n".join(lines)
