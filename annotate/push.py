"""Push corpus rows to a Label Studio project as tasks with pre-annotations, exactly once per doc_id.

Exactly once, because Label Studio duplicates re-imported tasks and ignores imported ids:
- the push ledger (doc_id -> task_id) is the record of what the project holds; rows in it are skipped;
- each batch (at most 1,000 tasks) carries a batch id in `data.push_batch` and is written to a local
  pending journal *before* the import call; the call is never retried; after a lost answer or a crash
  the next push asks the server for that batch id (imports are all-or-nothing) and records what it finds;
- if the server holds tasks the ledger does not know (e.g. a lost ledger), the ledger is rebuilt from the
  server's `data.doc_id`s before anything is imported.
"""
from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa

from annotate.client import StudioClient, dm_filter
from annotate.errors import ImportUncertain, StudioError, StudioUnreachable
from annotate.files import project_dir, project_lock, read_json, write_json, write_table
from annotate.selection import Selection, select
from annotate.strategies import choose
from annotate.tasks import ROW_COLUMNS, label_config, row_to_task
from corpus.annotations import LEDGER_FILE, LEDGER_SCHEMA, read_ledger

MAX_BATCH = 1000
PENDING = "push_pending.json"
INSTRUCTIONS = (
    "<p>Decide whether the page is <b>spam</b> (mass-produced, selling something through a contact), "
    "<b>benign</b> or <b>borderline</b>; for spam pick the family. Mark contact handles, brands/products and "
    "calls to action in the text. The detector's guess is pre-filled: correct it, don't trust it.</p>")


# Label Studio 1.23's PROJECT_TITLE_MIN_LEN / _MAX_LEN (label_studio/core/settings/base.py); its API lets an
# empty title through (blank=True) and trims spaces, so a padded title would never be found again by title
TITLE_MIN, TITLE_MAX = 3, 50


class PushInterrupted(StudioError):
    """The push stopped part-way; everything imported so far is recorded and a re-run resumes it."""


class BadProjectTitle(ValueError):
    """A project title Label Studio would refuse, store blank or store altered; raised before any request."""


def check_title(title: str) -> str:
    """The title, if Label Studio will store it exactly as given; BadProjectTitle saying why otherwise."""
    if not title.strip():
        raise BadProjectTitle(f"project title {title!r} is blank: give {TITLE_MIN} to {TITLE_MAX} characters")
    if title != title.strip():
        raise BadProjectTitle(f"project title {title!r} starts or ends with spaces (Label Studio would strip "
                              "them, and the next push would not find the project)")
    if not title.isprintable():
        raise BadProjectTitle(f"project title {title!r} holds control characters (a newline, a tab, ...)")
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        shown = title if len(title) <= 60 else title[:57] + "..."
        raise BadProjectTitle(f"project title {shown!r} has {len(title)} characters; Label Studio allows "
                              f"{TITLE_MIN} to {TITLE_MAX}")
    return title


@dataclass
class PushOptions:
    project: str
    corpus_dir: Path
    out_root: Path
    selection: Selection = field(default_factory=Selection)
    batch_size: int = MAX_BATCH
    overlap_fraction: float | None = None   # share of tasks given to several annotators; None: keep the project's
    overlap_annotators: int = 2
    strategy: str | None = None             # annotate/strategies.py: pick `limit` new rows instead of selecting
    limit: int | None = None

    def __post_init__(self) -> None:
        check_title(self.project)
        if (self.strategy is None) != (self.limit is None):
            raise ValueError("a strategy and a limit go together")


@dataclass
class PushReport:
    project_id: int
    project_created: bool
    model_version: str
    corpus_rows: int
    selected: int
    campaigns: int
    campaigns_assigned: bool
    already_pushed: int
    pushed: int = 0
    batches: int = 0
    recovered: int = 0                # tasks found on the server that the ledger had missed
    server_seconds: float = 0.0       # import time as the server reports it (the rest is ours and the network)
    dropped: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    strategy: str | None = None
    seed: int = 0


def campaign_map(corpus_dir: Path) -> dict[str, str] | None:
    """doc_id -> campaign_id, or None when the corpus has no campaign assignment."""
    from corpus.campaigns import campaigns_computed, read_campaigns
    if not campaigns_computed(corpus_dir):
        return None
    table = read_campaigns(corpus_dir)
    if table.num_rows == 0:
        return None
    return dict(zip(table.column("doc_id").to_pylist(), table.column("campaign_id").to_pylist()))


# what selection needs: no text, so a large corpus is selected without loading its pages
SELECTION_COLUMNS = ["doc_id", "host", "lang", "contacts", "spam_score", "family_guess", "detector_version",
                     "text_sha256"]


def read_rows(corpus_dir: Path, columns: list[str], doc_ids: list[str] | None = None) -> list[dict[str, Any]]:
    import pyarrow.dataset as ds

    from corpus.store import open_corpus
    where = ds.field("doc_id").isin(doc_ids) if doc_ids is not None else None
    return open_corpus(corpus_dir).read(columns=columns, filter=where).to_pylist()


def ensure_project(client: StudioClient, options: PushOptions, model_version: str) -> tuple[dict, bool]:
    """Find the project by title or create it; make its config, model version and overlap ours."""
    settings: dict[str, Any] = {"label_config": label_config(), "model_version": model_version}
    if options.overlap_fraction is not None:
        fraction = max(0.0, min(1.0, options.overlap_fraction))
        settings["maximum_annotations"] = options.overlap_annotators if fraction > 0 else 1
        settings["overlap_cohort_percentage"] = round(fraction * 100) if fraction > 0 else 100
    project = client.find_project(options.project)
    if project is None:
        project = client.create_project(options.project, description="spamcorpus annotation project",
                                        expert_instruction=INSTRUCTIONS, show_instruction=True,
                                        show_overlap_first=True, **settings)
        return project, True
    changed = {k: v for k, v in settings.items() if project.get(k) != v}
    if changed:
        client.update_project(project["id"], **changed)
        project.update(changed)
    return project, False


def _ledger_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=LEDGER_SCHEMA)


class _Ledger:
    """The push ledger of one project, rewritten atomically after every batch."""

    def __init__(self, pdir: Path, project: str, project_id: int) -> None:
        self.path = pdir / LEDGER_FILE
        table = read_ledger(pdir)
        self.rows = [r for r in table.to_pylist() if r["project_id"] == project_id]
        self.reset = table.num_rows - len(self.rows)   # rows of a deleted and recreated project
        self.project, self.project_id = project, project_id
        self.doc_ids = {r["doc_id"] for r in self.rows}
        self.how: tuple[str, int] | None = None   # (strategy, seed) of this push, for the rows it imports
        self.versions: dict[str, str] = {}        # doc_id -> detector version of the score it was chosen by

    def add(self, pairs: list[tuple[str, int]], ours: bool = False) -> int:
        """Record imported tasks; `ours`: imported by this push (else found on the server, origin unknown)."""
        now = datetime.now(timezone.utc)
        fresh = [(d, t) for d, t in pairs if d not in self.doc_ids]
        strategy, seed = self.how if ours and self.how else (None, None)
        for doc_id, task_id in fresh:
            self.rows.append({"doc_id": doc_id, "task_id": task_id, "project": self.project,
                              "project_id": self.project_id, "pushed_at": now, "strategy": strategy, "seed": seed,
                              "detector_version": self.versions.get(doc_id) if ours else None})
            self.doc_ids.add(doc_id)
        if fresh or self.reset:
            write_table(self.path, _ledger_table(self.rows))
            self.reset = 0
        return len(fresh)


def _found(client: StudioClient, project_id: int, *filters: dict) -> list[tuple[str, int]]:
    pairs = [(data.get("doc_id"), task_id) for task_id, data in client.find_tasks(project_id, *filters)]
    return sorted((d, t) for d, t in pairs if isinstance(d, str))


def recover(client: StudioClient, pdir: Path, ledger: _Ledger) -> int:
    """Record tasks of batches whose import answer was lost, then any other task the ledger misses."""
    pending = read_json(pdir / PENDING, {"batches": []})
    recovered = 0
    for batch in pending["batches"]:
        if batch["project_id"] == ledger.project_id:
            recovered += ledger.add(_found(client, ledger.project_id,
                                           dm_filter("data.push_batch", "equal", batch["batch"])))
    if pending["batches"]:
        write_json(pdir / PENDING, {"batches": []})
    if client.task_count(ledger.project_id) > len(ledger.rows):
        recovered += ledger.add(_found(client, ledger.project_id))   # slow path: list every task once
    return recovered


def push(client: StudioClient, options: PushOptions,
         progress: Callable[[int, int], None] | None = None) -> PushReport:
    """Select rows, then import the ones not yet in the project, in batches; see the module docstring."""
    t0 = time.monotonic()
    if not 1 <= options.batch_size <= MAX_BATCH:
        raise ValueError(f"batch size must be 1..{MAX_BATCH}")
    rows = read_rows(options.corpus_dir, SELECTION_COLUMNS)
    campaigns = campaign_map(options.corpus_dir)
    pdir = project_dir(options.out_root, options.project)
    with project_lock(pdir):
        versions = Counter(r["detector_version"] for r in rows)
        model_version = versions.most_common(1)[0][0] if versions else "unknown"
        project, created = ensure_project(client, options, model_version)
        ledger = _Ledger(pdir, options.project, project["id"])
        recovered = recover(client, pdir, ledger)
        if options.strategy:   # pushed rows are never picked again, so every such push adds `limit` new rows
            chosen = choose(rows, campaigns, options.selection, options.strategy, options.limit, ledger.doc_ids)
        else:
            chosen = select(rows, campaigns, options.selection, ledger.doc_ids)
        ledger.how = (options.strategy or "select", options.selection.seed)
        ledger.versions = {r["doc_id"]: r["detector_version"] for r in chosen.rows}
        todo_ids = [r["doc_id"] for r in chosen.rows if r["doc_id"] not in ledger.doc_ids]
        full = {r["doc_id"]: r for r in read_rows(options.corpus_dir, ROW_COLUMNS, todo_ids)} if todo_ids else {}
        todo = [full[d] for d in todo_ids]   # in the selection's (seeded, mixed) order
        report = PushReport(project["id"], created, model_version, len(rows), len(chosen.rows), chosen.campaigns,
                            campaigns is not None, len(chosen.rows) - len(todo), recovered=recovered,
                            dropped=chosen.dropped, strategy=options.strategy, seed=options.selection.seed)
        run = uuid.uuid4().hex[:12]
        batches = [todo[i:i + options.batch_size] for i in range(0, len(todo), options.batch_size)]
        if progress:
            progress(0, len(todo))
        done = 0
        # the next batch is encoded while the server imports this one (imports themselves stay sequential)
        with ThreadPoolExecutor(1) as encoder:
            encoded = encoder.submit(_encode, batches[0], f"{run}-00000a", campaigns) if batches else None
            for number, batch in enumerate(batches):
                payload = encoded.result()
                if number + 1 < len(batches):
                    encoded = encoder.submit(_encode, batches[number + 1], f"{run}-{number + 1:05d}a", campaigns)
                try:
                    report.pushed += _import_batch(client, pdir, ledger, batch, f"{run}-{number:05d}", payload,
                                                   campaigns)
                except PushInterrupted as exc:
                    raise PushInterrupted(f"{exc}; {report.pushed} tasks of this run recorded before that batch. "
                                          "Run the same push again to resume: nothing is imported twice.") from None
                report.batches += 1
                report.server_seconds += client.last_import_seconds
                done += len(batch)
                if progress:
                    progress(done, len(todo))
    report.seconds = time.monotonic() - t0
    return report


def _encode(batch: list[dict[str, Any]], tag: str, campaigns: dict[str, str] | None) -> bytes:
    tasks = [row_to_task(r, campaign_id=(campaigns or {}).get(r["doc_id"]), extra={"push_batch": tag})
             for r in batch]
    return json.dumps(tasks, ensure_ascii=False).encode()


def _import_batch(client: StudioClient, pdir: Path, ledger: _Ledger, batch: list[dict[str, Any]],
                  batch_id: str, payload: bytes, campaigns: dict[str, str] | None) -> int:
    """Import one batch; after a lost answer, look the batch up and import again only if it is not there."""
    for attempt in ("a", "b"):
        tag = f"{batch_id}{attempt}"
        if attempt == "b":
            payload = _encode(batch, tag, campaigns)
        write_json(pdir / PENDING, {"batches": [{"batch": tag, "project_id": ledger.project_id,
                                                 "tasks": len(batch)}]})
        try:
            task_ids = client.import_tasks(ledger.project_id, payload, expected=len(batch))
        except ImportUncertain as exc:
            try:
                found = recover(client, pdir, ledger)
            except StudioUnreachable:
                raise PushInterrupted(f"{exc}; the batch stays pending until the server answers") from None
            if found:
                return found   # the import had gone through
            if attempt == "b":
                raise PushInterrupted(f"{exc} (twice for one batch)") from None
            continue   # the server answers and holds none of the batch: importing it again is safe
        except StudioError:
            write_json(pdir / PENDING, {"batches": []})   # refused or never sent: nothing was stored
            raise
        added = ledger.add([(r["doc_id"], t) for r, t in zip(batch, task_ids)], ours=True)
        write_json(pdir / PENDING, {"batches": []})
        return added
    raise AssertionError("unreachable")
