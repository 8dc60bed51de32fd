"""One archive file through the page pipeline into the store; its last commit records the file as finished.

A file is finished when a manifest line says so (`"ingested": {"sha256": ...}`), written in the same line as the
file's last shard (one commit point), so a kill at any moment leaves the file either finished or not: an
unfinished file is read again from its start, and its rows that an earlier attempt committed are skipped
(`skipped/already_committed`), never written twice.
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.durable import sha256_file
from corpus.ids import InvalidURL, doc_id
from corpus.store import CorpusStore
from corpus.warc.reader import MAX_BODY, NotAnArchive, iter_responses, sniff
from corpus.warc.records import ArchivedResponse, Damaged
from corpus.page.row import PageInput, PageRejected, build_row
from crawler.settings import SPAMCORPUS_PAGE_TIMEOUT

LEDGER = "ingested"


@dataclass
class FileResult:
    path: str
    sha256: str
    done_before: bool = False
    records: int = 0  # response records read (damaged ones included)
    rows: int = 0  # rows committed
    drops: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    cpu_seconds: float = 0.0  # this file's CPU time in its worker (reading, extraction, commits)
    started: float = 0.0  # wall clock (time.time) at its start and end
    ended: float = 0.0


@dataclass(frozen=True)
class IngestOptions:
    out: str
    job: str
    run_id: str
    shard_rows: int = 500
    max_body: int = MAX_BODY
    page_timeout: float = SPAMCORPUS_PAGE_TIMEOUT  # the crawl's limit on one page's extraction


class PageTimeout(Exception):
    """A page's extraction ran past the page timeout."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise PageTimeout in this (main) thread after `seconds`; elsewhere (no signals), no limit."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise PageTimeout()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def finished(store: CorpusStore) -> set[str]:
    """sha256 of every archive file whose ingest has committed its last line."""
    return {line[LEDGER]["sha256"] for line in store.notes(LEDGER)}


def ingest_file(path: str | os.PathLike[str], options: IngestOptions) -> FileResult:
    """Read one archive into the corpus (see the module doc); runs in a worker process or in-process."""
    path = Path(path)
    started, cpu = time.time(), time.process_time()
    result = FileResult(str(path), sha256_file(path), started=started)
    # a run id per file: shard names stay unique however many workers commit at once
    store = CorpusStore(options.out, run_id=f"{options.run_id}-{result.sha256[:12]}")
    if result.sha256 in finished(store):
        result.done_before = True
        return _timed(result, cpu)
    committed = store.committed_ids()
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    try:
        sniff(path)
        records = iter_responses(path, max_body=options.max_body)
    except NotAnArchive:  # checked before a run starts; a file handed over by other means may still be one
        result.drops["not_an_archive"] += 1
        records = iter(())
    for record in records:
        result.records += 1
        row = _row(record, path, options, result, committed, seen)
        if row is None:
            continue
        rows.append(row)
        if len(rows) >= options.shard_rows:
            _commit(store, rows, result)
            rows = []
    note = {LEDGER: {"sha256": result.sha256, "path": str(path), "records": result.records,
                     "drops": dict(sorted(result.drops.items()))}}
    _commit(store, rows, result, note=note)
    return _timed(result, cpu)


def _timed(result: FileResult, cpu_before: float) -> FileResult:
    result.cpu_seconds, result.ended = time.process_time() - cpu_before, time.time()
    return result


def _commit(store: CorpusStore, rows: list[dict[str, Any]], result: FileResult, note: dict | None = None) -> None:
    outcome = store.commit(rows, note=note)
    result.rows += outcome.written
    if outcome.duplicates:  # committed meanwhile by another worker (the same page in another file)
        result.drops["duplicate_doc_id"] += len(outcome.duplicates)


def _row(record: ArchivedResponse | Damaged, path: Path, options: IngestOptions, result: FileResult,
         committed: set[str], seen: set[str]) -> dict[str, Any] | None:
    """The record's row, or None with the reason counted (the crawl's reasons where the crawl has one)."""
    if isinstance(record, Damaged):
        result.drops[record.reason] += 1
        return None
    if record.target_uri.split("?", 1)[0].endswith("/robots.txt"):
        result.skipped["robots_txt"] += 1  # the crawl fetches it for its rules, never as a page
        return None
    if 300 <= record.status < 400:
        result.skipped["redirect"] += 1  # the crawl follows it; the target has its own record
        return None
    if not 200 <= record.status < 300:
        result.drops[f"http_{record.status}"] += 1
        return None
    try:
        key = doc_id(record.target_uri)
    except InvalidURL:
        result.drops["invalid_url"] += 1
        return None
    if key in committed:
        result.skipped["already_committed"] += 1
        return None
    if key in seen:
        result.drops["duplicate_doc_id"] += 1
        return None
    page = PageInput(url=record.target_uri, final_url=record.target_uri, status=record.status,
                     headers=record.headers, body=record.body, fetched_at=record.date, crawl_job=options.job,
                     run_id=options.run_id)
    try:
        with time_limit(options.page_timeout):
            row = build_row(page)
    except PageTimeout:
        result.drops["extraction_timeout"] += 1  # the crawl's reason for a page that hangs its extractor
        return None
    except PageRejected as exc:
        result.drops[exc.reason] += 1
        return None
    except Exception:  # noqa: BLE001 (hostile input: any extractor error is one counted drop, as in the crawl)
        result.drops["extraction_error"] += 1
        return None
    seen.add(key)
    row["warc_file"], row["warc_offset"] = str(path), record.offset
    return row
