"""Shard files and their names: the store's errors, reading one shard, run ids and job names (corpus/store.py commits)."""
from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.schema import ADDED_NULLABLE, conform

MANIFEST = "_manifest.jsonl"
LOCK = "_manifest.lock"
STAGING = "_staging"
# hive readers take the partition value from the path over the file's column, so the two must agree
JOB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class StoreError(RuntimeError):
    """The corpus directory cannot be written or read safely."""


class CorruptShard(StoreError):
    """A committed shard is missing, unreadable, of another schema or not the bytes its manifest line names."""

    def __init__(self, path: str | os.PathLike[str], reason: str, corpus: str | os.PathLike[str] | None = None,
                 others: int = 0) -> None:
        self.path, self.reason, self.corpus = Path(path), reason, Path(corpus) if corpus else Path(path).parents[1]
        more = f" ({others} more damaged shard{'s' if others != 1 else ''})" if others else ""
        super().__init__(f"corpus shard {self.path} is {reason}{more}: "
                         f"run `spamcorpus verify --quarantine {self.corpus}`")


def read_shard(path: str | os.PathLike[str], columns: list[str] | None = None) -> pa.Table:
    """One committed shard; a damaged file raises CorruptShard naming it (never a bare Arrow error)."""
    try:
        with pq.ParquetFile(path) as fh:  # the file's own schema: no partition columns guessed from its path
            have = set(fh.schema_arrow.names)  # a version-1 shard has no warc columns: they read as nulls
            wanted = None if columns is None else [c for c in columns if c in have or c not in ADDED_NULLABLE]
            return conform(fh.read(columns=wanted), columns)
    except (pa.ArrowException, OSError) as exc:
        raise damaged(path, exc) from exc


def damaged(path: str | os.PathLike[str], exc: BaseException) -> CorruptShard:
    """The CorruptShard for a shard whose read raised `exc` (the file is looked at to say why)."""
    return CorruptShard(path, read_problem(Path(path), exc))


@dataclass
class CommitResult:
    shard: str | None
    written: int
    duplicates: list[str] = field(default_factory=list)
    warc: str | None = None  # the WARC file committed with the shard
    warc_offsets: dict[str, int] = field(default_factory=dict)  # response record id -> offset in it
    unlinked: int = 0  # rows whose record was in no WARC of this commit (their warc columns are null)


def new_run_id() -> str:
    """A run id unique across processes and machines, sortable by start time."""
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def check_job_name(name: str) -> str:
    """A crawl job name is its partition directory: letters, digits, `.`, `_`, `-`, at most 100."""
    if not isinstance(name, str) or not JOB_NAME.fullmatch(name):
        raise StoreError(f"crawl job name {name!r} must match {JOB_NAME.pattern}")
    return name



def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def quarantines(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The manifest's quarantine lines: shards taken out of the corpus by `spamcorpus verify --quarantine`."""
    return [e for e in entries if "quarantine" in e]


def read_problem(path: Path, exc: BaseException | None = None) -> str:
    """Why a shard cannot be read, from its bytes (used on the error path of every reader)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4)
            fh.seek(max(size - 4, 0))
            tail = fh.read(4)
    except FileNotFoundError:
        return "missing"
    except OSError as err:
        return f"unreadable ({err.strerror or err})"
    if size == 0:
        return "unreadable (empty file)"
    if head != b"PAR1":
        return "unreadable (not Parquet)"
    if tail != b"PAR1":
        return "unreadable (truncated?)"  # a torn write keeps the header magic and loses the footer
    text = " ".join(str(exc).split()) if exc is not None else ""
    return f"unreadable ({text[:120] or 'corrupt data'})"
