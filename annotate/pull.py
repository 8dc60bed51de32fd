"""Pull annotations back through snapshot exports into Parquet; incremental by the tasks' `updated_at`.

The first pull exports every task with an annotation (skips included). Later pulls export only tasks updated since the previous snapshot
started (server clock, minus a 10 s safety overlap): Label Studio bumps a task's `updated_at` whenever one of
its annotations is created, changed or deleted. The rows of exported tasks are replaced, all other rows
are kept as they are, and the files are rewritten (atomically) only if something changed.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from annotate.agreement import disagreements
from annotate.client import StudioClient, dm_datetime, dm_filter
from annotate.errors import StudioError
from annotate.files import annotator_salt, project_dir, project_lock, read_json, write_json, write_table
from annotate.results import accepted_unchanged, parse_result
from annotate.tasks import shift_spans
from corpus.annotations import ANNOTATION_SCHEMA, ANNOTATIONS_FILE, SPAN_TYPE, read_annotations

STATE = "pull_state.json"
PREDICTIONS_FILE = "predictions.parquet"
# tasks whose annotators' verdicts differ, rewritten with every pull: what `push --review` sends for adjudication
DISAGREEMENTS_FILE = "disagreements.json"
# re-read tasks updated shortly before the last snapshot began: an annotation stamped just before it may
# have been committed just after the snapshot read its data
OVERLAP = timedelta(seconds=10)
# what the detector pre-annotated each task with, for prediction-vs-annotator agreement
PREDICTION_SCHEMA = pa.schema([
    pa.field("project", pa.string(), nullable=False),
    pa.field("task_id", pa.int64(), nullable=False),
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("prediction_id", pa.int64(), nullable=False),
    pa.field("model_version", pa.string()),
    pa.field("score", pa.float64()),
    pa.field("verdict", pa.string()),
    pa.field("family", pa.string()),
    pa.field("spans", pa.list_(SPAN_TYPE), nullable=False),
])


@dataclass
class PullReport:
    project_id: int
    incremental: bool
    tasks_exported: int
    annotations: int                 # rows in annotations.parquet after the pull
    added: int = 0
    updated: int = 0
    removed: int = 0
    rewritten: bool = False
    skipped: Counter = field(default_factory=Counter)   # reason -> count (tasks or label values)
    disagreements: list[dict] = field(default_factory=list)   # task_id, doc_id, verdicts by annotator
    seconds: float = 0.0


def pseudonym(user: Any, salt: bytes) -> str:
    """A stable pseudonymous annotator id: salted HMAC of the e-mail (or user id), never the e-mail itself."""
    if isinstance(user, dict):
        key = f"email:{user['email'].strip().lower()}" if user.get("email") else f"id:{user.get('id')}"
    else:
        key = f"id:{user}"
    return "a-" + hmac.new(salt, key.encode(), hashlib.sha256).hexdigest()[:12]


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(timezone.utc) if value else None


def rows_from_export(tasks: list[dict], project: str, model_version: str | None,
                     salt: bytes) -> tuple[list[dict], list[dict], Counter]:
    """Annotation rows and prediction rows of exported tasks (pure)."""
    annotations, predictions, skipped = [], [], Counter()
    for task in tasks:
        doc_id = (task.get("data") or {}).get("doc_id")
        if not isinstance(doc_id, str):
            skipped["task_without_doc_id"] += 1
            continue
        preds = task.get("predictions") or []
        # spans are offsets into the task's text, which may leave out a first line repeating the title: stored
        # shifted into the row's text (annotate/tasks.py: shown_text)
        offset = int((task.get("data") or {}).get("text_offset") or 0)
        for pred in preds:
            if not isinstance(pred, dict):
                continue
            labels = parse_result(pred.get("result"))
            predictions.append({"project": project, "task_id": task["id"], "doc_id": doc_id,
                                "prediction_id": pred["id"], "model_version": pred.get("model_version"),
                                "score": pred.get("score"), "verdict": labels.verdict, "family": labels.family,
                                "spans": shift_spans(labels.spans, offset)})
        for ann in task.get("annotations") or []:
            labels = parse_result(ann.get("result"))
            skipped.update(f"bad_value:{p}" for p in labels.problems)
            annotations.append({
                "project": project, "task_id": task["id"], "doc_id": doc_id, "annotation_id": ann["id"],
                "annotator": pseudonym(ann.get("completed_by"), salt),
                "verdict": labels.verdict, "family": labels.family, "spans": shift_spans(labels.spans, offset),
                "note": labels.note,
                "created_at": _time(ann["created_at"]), "updated_at": _time(ann.get("updated_at") or ann["created_at"]),
                "lead_time": ann.get("lead_time"),
                "accepted_prediction": accepted_unchanged(ann, [p for p in preds if isinstance(p, dict)],
                                                          model_version),
                "was_cancelled": bool(ann.get("was_cancelled")),
            })
    return annotations, predictions, skipped


def _merge(old: pa.Table, new_rows: list[dict], touched: set[int], schema: pa.Schema) -> pa.Table:
    keep = [r for r in old.to_pylist() if r["task_id"] not in touched]
    rows = keep + new_rows
    rows.sort(key=lambda r: (r["task_id"], r.get("annotation_id", r.get("prediction_id"))))
    return pa.Table.from_pylist(rows, schema=schema)


def _diff(old: pa.Table, new_rows: list[dict], touched: set[int]) -> tuple[int, int, int]:
    before = {r["annotation_id"]: r for r in old.to_pylist() if r["task_id"] in touched}
    after = {r["annotation_id"]: r for r in new_rows}
    updated = sum(1 for k in before.keys() & after.keys() if before[k] != after[k])
    return len(after.keys() - before.keys()), updated, len(before.keys() - after.keys())


def read_disagreements(pdir: Path) -> list[dict]:
    """The disagreeing tasks the last pull marked (empty before any pull)."""
    return (read_json(Path(pdir) / DISAGREEMENTS_FILE) or {}).get("tasks", [])


def read_predictions(pdir: Path) -> pa.Table:
    path = Path(pdir) / PREDICTIONS_FILE
    return pq.read_table(path, schema=PREDICTION_SCHEMA) if path.exists() else PREDICTION_SCHEMA.empty_table()


def pull(client: StudioClient, project: str, out_root: Path, *, full: bool = False,
         overlap: timedelta = OVERLAP) -> PullReport:
    """Bring one project's annotations up to date in out_root/<project>/annotations.parquet."""
    t0 = time.monotonic()
    pdir = project_dir(out_root, project)
    with project_lock(pdir):
        info = client.find_project(project)
        if info is None:
            raise StudioError(f"no project named {project!r} on {client.url}")
        state = read_json(pdir / STATE, {})
        incremental = (not full and state.get("project_id") == info["id"] and bool(state.get("watermark"))
                       and (pdir / ANNOTATIONS_FILE).exists())
        if incremental:   # tasks changed since the last snapshot (annotations created, edited or deleted)
            since = datetime.fromisoformat(state["watermark"]) - overlap
            tasks, started = client.export_tasks(info["id"], [dm_filter("updated_at", "greater", dm_datetime(since),
                                                                        "Datetime")])
        else:             # every task with an annotation, skips included
            tasks, started = client.export_tasks(info["id"], [dm_filter(column, "greater", 0, "Number") for column
                                                              in ("total_annotations", "cancelled_annotations")], "or")
        rows, preds, skipped = rows_from_export(tasks, project, info.get("model_version"), annotator_salt(out_root))
        touched = {t["id"] for t in tasks}
        old = read_annotations(pdir) if incremental else ANNOTATION_SCHEMA.empty_table()
        added, updated, removed = _diff(old, rows, touched) if incremental else (len(rows), 0, 0)
        table = _merge(old, rows, touched, ANNOTATION_SCHEMA)
        report = PullReport(info["id"], incremental, len(tasks), table.num_rows, added, updated, removed,
                            skipped=skipped)
        if not incremental or added or updated or removed or not (pdir / ANNOTATIONS_FILE).exists():
            write_table(pdir / ANNOTATIONS_FILE, table)
            old_preds = read_predictions(pdir) if incremental else PREDICTION_SCHEMA.empty_table()
            write_table(pdir / PREDICTIONS_FILE, _merge(old_preds, preds, touched, PREDICTION_SCHEMA))
            report.rewritten = True
        report.disagreements = disagreements(table.to_pylist())
        marked = {"project": project, "project_id": info["id"], "tasks": report.disagreements}
        if report.rewritten or read_json(pdir / DISAGREEMENTS_FILE) != marked:
            write_json(pdir / DISAGREEMENTS_FILE, marked)
        write_json(pdir / STATE, {"project_id": info["id"], "watermark": started.isoformat(),
                                  "pulled_at": datetime.now(timezone.utc).isoformat()})
    report.seconds = time.monotonic() - t0
    return report
