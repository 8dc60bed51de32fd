"""An ingest run: archive files handed to worker processes (one file at a time each), a run record for `stats`.

The files come from an iterable (`ingest_files`): today the expanded command line, tomorrow a shared queue that
hands files to workers on several machines; nothing here depends on where they come from. Each file is ingested
whole by one worker (corpus/ingest/worker.py), so a run uses as many cores as it has unfinished files.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable

from corpus import durable
from corpus.ingest.worker import FileResult, IngestOptions, ingest_file
from corpus.stats import RUNS_DIR
from corpus.store import CorpusStore, check_job_name, new_run_id


POLL = 1.0  # seconds between two asks for a file while none is ready
_END = object()


class IngestFailed(RuntimeError):
    """A worker died while ingesting a file (a crash in native code, the OOM killer): finished files are kept."""


@dataclass
class IngestReport:
    run_id: str
    files: int = 0
    done_before: int = 0
    records: int = 0
    rows: int = 0
    drops: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the workers' CPU time on files (start-up and model loading not included)
    first_start: float = 0.0
    last_end: float = 0.0

    def add(self, result: FileResult) -> None:
        self.cpu_seconds += result.cpu_seconds
        self.first_start = min(self.first_start or result.started, result.started)
        self.last_end = max(self.last_end, result.ended)
        self.files += 1
        self.done_before += result.done_before
        self.records += result.records
        self.rows += result.rows
        self.drops.update(result.drops)
        self.skipped.update(result.skipped)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ingest_files(files: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], job: str, *,
                 workers: int | None = None, run_id: str | None = None, shard_rows: int = 500,
                 on_file: Callable[[FileResult], None] | None = None) -> IngestReport:
    """Ingest each file not finished before into the corpus at `out` under crawl job `job`.

    `workers` processes (default: every core) each take one file at a time; 0 runs in this process. A None from
    `files` means no file is ready yet (a shared queue whose other workers still hold files): the files running
    here are seen through, and `files` is asked again."""
    check_job_name(job)
    CorpusStore(out)  # create the corpus (and recover a commit cut short) before any worker starts
    options = IngestOptions(str(out), job, run_id or new_run_id(), shard_rows)
    report = IngestReport(options.run_id)
    started = time.monotonic()
    started_at = datetime.now(timezone.utc)
    workers = default_workers() if workers is None else workers

    def done(result: FileResult) -> None:
        report.add(result)
        report.seconds = time.monotonic() - started
        _save_run(out, job, report, started_at, None)  # a killed run keeps its counts up to its last file
        if on_file is not None:
            on_file(result)

    if workers == 0:
        for path in files:
            if path is None:
                time.sleep(POLL)
                continue
            try:
                result = ingest_file(path, options)
            except OSError as exc:
                raise _unreadable(path, exc) from None
            done(result)
    else:
        _in_pool(files, options, workers, done)
    report.seconds = time.monotonic() - started
    _save_run(out, job, report, started_at, "finished")
    return report


def _in_pool(files: Iterable, options: IngestOptions, workers: int, done: Callable[[FileResult], None]) -> None:
    from crawler.extensions.page_workers import _exit_with_parent

    # forkserver, preloaded like the crawl's page workers: every worker starts with the models loaded, and with
    # the ingest's own modules (the store, pyarrow, warcio) imported, not on its first file
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(["crawler.page_warmup", "corpus.ingest.worker"])
    pending = iter(files)
    running: set[Future] = set()
    names: dict[Future, str] = {}
    exhausted = False
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_exit_with_parent) as pool:
        while True:
            idle = False
            while not exhausted and len(running) < workers:  # one file per worker in flight
                path = next(pending, _END)
                if path is _END:
                    exhausted = True
                elif path is None:
                    idle = True
                else:
                    future = pool.submit(ingest_file, path, options)
                    running.add(future)
                    names[future] = str(path)
                    continue
                break
            if not running:
                if exhausted:
                    return
                time.sleep(POLL)
                continue
            finished, running = wait(running, timeout=POLL if idle else None, return_when=FIRST_COMPLETED)
            for future in finished:
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    raise IngestFailed(f"a worker died while ingesting {names[future]} ({exc}); the files finished "
                                       "so far are kept: run the same command again to resume") from None
                except OSError as exc:
                    raise _unreadable(names[future], exc) from None
                done(result)


def _unreadable(path, exc: OSError) -> IngestFailed:
    # a queued path another machine wrote may not exist here: the run stops, and the file goes back to the queue
    return IngestFailed(f"cannot read {path} ({exc.strerror or exc}): on several machines every one must see the "
                        "archives under the same path; the files finished so far are kept")


def _save_run(out: str | os.PathLike[str], job: str, report: IngestReport, started: datetime,
              reason: str | None) -> None:
    """_runs/<run>.json in the crawl's format, so `spamcorpus stats` shows the ingest's drops beside the crawls'."""
    stats = {
        "start_time": started.isoformat(),
        "spamcorpus/ingest/files": report.files,
        "spamcorpus/ingest/files_done_before": report.done_before,
        "spamcorpus/ingest/records": report.records,
        "spamcorpus/ingest/cpu_seconds": round(report.cpu_seconds, 3),
        # from the first file's start to the last one's end: the run without start-up and shutdown
        "spamcorpus/ingest/work_seconds": round(report.last_end - report.first_start, 3),
        "spamcorpus/pages_extracted": report.rows,
        "spamcorpus/rows_committed": report.rows,
        **{f"spamcorpus/drops/{k}": v for k, v in sorted(report.drops.items())},
        **{f"spamcorpus/skipped/{k}": v for k, v in sorted(report.skipped.items())},
    }
    if reason is not None:
        stats["finish_time"] = datetime.now(timezone.utc).isoformat()
    record = {"run_id": report.run_id, "job": job, "finish_reason": reason, "kind": "ingest", "stats": stats}
    durable.write_json(Path(out) / RUNS_DIR / f"{report.run_id}.json", record, sort_keys=True)
