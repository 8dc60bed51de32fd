"""Parquet corpus store: shards committed atomically under a lock, with an append-only manifest as commit point.

Layout of a corpus directory (readers see only committed shards; `_`-prefixed entries are ignored by
`pyarrow.dataset`):

    DIR/crawl_job=<job>/part-<run_id>-<seq>.parquet   committed shards (hive-partitioned)
    DIR/_manifest.jsonl                               one JSON line per committed shard
    DIR/_manifest.lock                                flock taken for every commit and recovery
    DIR/_staging/                                     shards being written (only ever under the lock)

A commit, all under the lock: drop rows whose doc_id is already committed, write the shard to
`_staging/`, fsync, append its manifest line, fsync, rename into place, fsync the directory. A crash
at any point leaves either nothing (staged file without manifest line: deleted on recovery) or a
committed shard that recovery renames into place. No torn file is ever visible to readers.

A shard is rewritten (e.g. by `spamcorpus rescore`) by `replace_shard`: the new shard, holding exactly the
old one's doc_ids, is committed like any other with `"replaces": <old shard>` in its manifest line, then the
old file is deleted. The line is the commit point: before it the old shard is live, after it the new one
(recovery finishes a cut-short replace by renaming the new shard into place and deleting the old file).
`manifest()` lists live shards only, so a manifest reader never sees both. The new shard has a new name,
so `spamcorpus campaigns` sees that the manifest no longer starts with the shards it grouped.

A damaged shard (torn by a disk fault, edited by hand) is never read silently: every read path raises
`CorruptShard` naming the file, and `spamcorpus verify --quarantine` (corpus/integrity.py) takes it out with a
`{"quarantine": <shard>}` line, again the commit point, after which the file is moved under `_quarantine/`.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from corpus.durable import exclusive_lock, fsync_dir, sha256_file
from corpus.schema import SCHEMA, SCHEMA_VERSION, rows_to_table, validate_row

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
            return fh.read(columns=columns)
    except (pa.ArrowException, OSError) as exc:
        raise damaged(path, exc) from exc


def damaged(path: str | os.PathLike[str], exc: BaseException) -> CorruptShard:
    """The CorruptShard for a shard whose read raised `exc` (the file is looked at to say why)."""
    from corpus.integrity import read_problem

    return CorruptShard(path, read_problem(Path(path), exc))


@dataclass
class CommitResult:
    shard: str | None
    written: int
    duplicates: list[str] = field(default_factory=list)


def new_run_id() -> str:
    """A run id unique across processes and machines, sortable by start time."""
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def check_job_name(name: str) -> str:
    """A crawl job name is its partition directory: letters, digits, `.`, `_`, `-`, at most 100."""
    if not isinstance(name, str) or not JOB_NAME.fullmatch(name):
        raise StoreError(f"crawl job name {name!r} must match {JOB_NAME.pattern}")
    return name


class CorpusStore:
    """A corpus directory shared safely by any number of writer processes on one filesystem."""

    def __init__(self, root: str | os.PathLike[str], *, run_id: str | None = None, zstd_level: int = 3,
                 create: bool = True) -> None:
        self.root = Path(root)
        if create:
            (self.root / STAGING).mkdir(parents=True, exist_ok=True)
        elif not (self.root / MANIFEST).exists():
            raise StoreError(f"{self.root} is not a spamcorpus corpus (no {MANIFEST})")
        self.run_id = run_id or new_run_id()
        self.zstd_level = zstd_level
        self._seq = 0
        self._committed: set[str] = set()
        self._manifest_offset = 0
        if create:  # a reader leaves the corpus untouched (it may sit on a read-only filesystem)
            (self.root / MANIFEST).touch(exist_ok=True)

    # -- locking and recovery -------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with exclusive_lock(self.root / LOCK):
            self._recover_locked()
            yield

    def _recover_locked(self) -> None:
        manifest = self.root / MANIFEST
        raw = manifest.read_bytes()
        if raw and not raw.endswith(b"\n"):
            # a crash mid-append: the shard it named was never renamed, so the line is not a commit
            with open(manifest, "r+b") as fh:
                fh.truncate(raw.rfind(b"\n") + 1)
                os.fsync(fh.fileno())
        entries = self._entries()
        staging = self.root / STAGING
        staged = {p.name: p for p in staging.glob("*.parquet")} if staging.exists() else {}
        for entry in (e for e in entries if "shard" in e):
            final = self.root / entry["shard"]
            name = Path(entry["shard"]).name
            if not final.exists() and name in staged:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged.pop(name), final)  # roll forward a commit cut short by a crash
                fsync_dir(final.parent)
            staged.pop(name, None)
        for entry in entries:  # finish replaces: the old file goes only once its replacement is in place
            if entry.get("replaces") and (self.root / entry["shard"]).exists():
                old = self.root / entry["replaces"]
                if old.exists():
                    old.unlink()
                    fsync_dir(old.parent)
        for leftover in staged.values():  # written but never committed: the rows were not committed
            leftover.unlink(missing_ok=True)
        for tmp in staging.glob("*.tmp") if staging.exists() else []:
            tmp.unlink(missing_ok=True)
        if any("quarantine" in e for e in entries):
            from corpus.integrity import finish_quarantines

            finish_quarantines(self.root, quarantines(entries))  # a quarantine cut short after its line

    def recover(self) -> None:
        """Finish or discard commits cut short by a crash (also done before every commit)."""
        with self._locked():
            pass

    # -- manifest -------------------------------------------------------------------------------
    def _entries(self) -> list[dict[str, Any]]:
        entries = []
        with open(self.root / MANIFEST, encoding="utf-8") as fh:
            for line in fh:
                if line.endswith("\n") and line.strip():
                    entries.append(json.loads(line))
        return entries

    def manifest(self) -> list[dict[str, Any]]:
        """Live committed shards in commit order (a replaced shard gives way to its replacement's line, a
        quarantined one is gone)."""
        entries = self._entries()
        gone = {e["replaces"] for e in entries if e.get("replaces")} | {e["quarantine"] for e in quarantines(entries)}
        return [e for e in entries if "shard" in e and e["shard"] not in gone]

    def quarantined(self) -> list[dict[str, Any]]:
        """Shards taken out of the corpus by `spamcorpus verify --quarantine` (their manifest lines)."""
        return quarantines(self._entries())

    def shard_paths(self) -> list[Path]:
        return [self.root / e["shard"] for e in self.manifest()]

    def _refresh_committed(self) -> None:
        with open(self.root / MANIFEST, "rb") as fh:
            fh.seek(self._manifest_offset)
            new = fh.read()
        complete = new[: new.rfind(b"\n") + 1]
        self._manifest_offset += len(complete)
        for line in complete.decode("utf-8").splitlines():
            entry = json.loads(line) if line.strip() else {}
            if "shard" in entry and (self.root / entry["shard"]).exists():
                shard = self.root / entry["shard"]
                self._committed.update(read_shard(shard, columns=["doc_id"]).column(0).to_pylist())

    def committed_ids(self) -> set[str]:
        """doc_ids of every committed row (cached; refreshed from new manifest lines)."""
        with self._locked():
            self._refresh_committed()
        return set(self._committed)

    # -- writing --------------------------------------------------------------------------------
    def commit(self, rows: list[dict[str, Any]]) -> CommitResult:
        """Atomically commit rows as one shard; rows whose doc_id is already committed are skipped."""
        for row in rows:
            validate_row(row)
        with self._locked():
            self._refresh_committed()
            fresh, dups, seen = [], [], set()
            for row in rows:
                if row["doc_id"] in self._committed or row["doc_id"] in seen:
                    dups.append(row["doc_id"])
                else:
                    seen.add(row["doc_id"])
                    fresh.append(row)
            if not fresh:
                return CommitResult(None, 0, dups)
            shard = self._write_locked(rows_to_table(fresh))
            self._committed.update(seen)
            return CommitResult(shard, len(fresh), dups)

    def replace_shard(self, shard: str, table: pa.Table, *, expected_sha256: str | None = None) -> str:
        """Atomically replace committed `shard` by `table`, which must hold exactly its doc_ids (same crawl job).

        `expected_sha256` (the manifest's sha256 when the caller read the shard) refuses to overwrite a shard
        that someone else replaced meanwhile. Returns the new shard's path relative to the corpus."""
        if not table.schema.equals(SCHEMA, check_metadata=False):
            raise StoreError("the replacement does not have the corpus schema")
        with self._locked():
            live = {e["shard"]: e for e in self.manifest()}
            if shard not in live:
                raise StoreError(f"{shard} is not a live committed shard (replaced meanwhile?)")
            if expected_sha256 is not None and live[shard]["sha256"] != expected_sha256:
                raise StoreError(f"{shard} changed since it was read (replaced by another process)")
            old_ids = read_shard(self.root / shard, columns=["doc_id"]).column(0).to_pylist()
            if sorted(old_ids) != sorted(table.column("doc_id").to_pylist()):
                raise StoreError(f"a replacement of {shard} must hold exactly its doc_ids")
            self._refresh_committed()
            return self._write_locked(table, replaces=shard)

    def _write_locked(self, table: pa.Table, replaces: str | None = None) -> str:
        jobs = set(table.column("crawl_job").unique().to_pylist())
        if len(jobs) != 1:
            raise StoreError(f"one shard holds one crawl job, got {sorted(jobs)}")
        job = check_job_name(jobs.pop())
        if replaces is not None and not replaces.startswith(f"crawl_job={job}/"):
            raise StoreError(f"a replacement of {replaces} must stay in crawl job {job}")
        self._seq += 1
        name = f"part-{self.run_id}-{self._seq:05d}.parquet"
        rel = f"crawl_job={job}/{name}"
        staging = self.root / STAGING
        staging.mkdir(exist_ok=True)
        tmp, staged = staging / (name + ".tmp"), staging / name
        try:
            with open(tmp, "wb") as fh:
                pq.write_table(table, fh, compression="zstd", compression_level=self.zstd_level)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, staged)
            entry = {
                "shard": rel, "rows": table.num_rows, "bytes": staged.stat().st_size,
                "sha256": sha256_file(staged), "run_id": self.run_id, "schema_version": SCHEMA_VERSION,
                "committed_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            }
            if replaces is not None:
                entry["replaces"] = replaces
            with open(self.root / MANIFEST, "ab") as fh:
                fh.write((json.dumps(entry, sort_keys=True) + "\n").encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            # we hold the lock and refreshed before writing, so everything up to here is known
            self._manifest_offset = (self.root / MANIFEST).stat().st_size
        except OSError as exc:  # e.g. a full disk: nothing was committed, nothing torn is visible
            tmp.unlink(missing_ok=True)
            staged.unlink(missing_ok=True)
            raise StoreError(f"could not write shard {rel}: {exc}") from exc
        final = self.root / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)
        if replaces is not None:
            # right after the rename, so a plain directory reader has the smallest window to see both files
            # (recovery deletes it if we die in between); both live in one partition directory: one fsync
            (self.root / replaces).unlink(missing_ok=True)
        fsync_dir(final.parent)
        return rel

    # -- reading --------------------------------------------------------------------------------
    def dataset(self) -> ds.Dataset:
        """The committed shards as one pyarrow dataset with the explicit schema."""
        self.recover()
        paths = [str(p) for p in self.shard_paths()]
        return ds.dataset(paths, schema=SCHEMA, format="parquet")

    def read(self, columns: list[str] | None = None, filter: ds.Expression | None = None) -> pa.Table:
        """The committed rows; a damaged shard raises CorruptShard naming it."""
        for attempt in range(5):
            try:
                return self.dataset().to_table(columns=columns, filter=filter)
            except (pa.ArrowException, OSError) as exc:
                # a shard we listed was replaced (and deleted) while we read: the new listing names its successor
                if isinstance(exc, FileNotFoundError) and attempt < 4:
                    continue
                from corpus.integrity import first_damaged

                found = first_damaged(self)  # the error path only: looks at every shard to name the bad one
                if found is None:
                    raise
                raise found from exc
        raise AssertionError("unreachable")


def quarantines(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The manifest's quarantine lines: shards taken out of the corpus by `spamcorpus verify --quarantine`."""
    return [e for e in entries if "quarantine" in e]


def open_corpus(root: str | os.PathLike[str]) -> CorpusStore:
    """Open an existing corpus for reading (raises StoreError if DIR is not a corpus)."""
    return CorpusStore(root, create=False)
