"""Parquet corpus store: shards committed atomically under a lock, with an append-only manifest as commit point.

Layout of a corpus directory (readers see only committed shards; `_`-prefixed entries are ignored by
`pyarrow.dataset`):

    DIR/crawl_job=<job>/part-<run_id>-<seq>.parquet   committed shards (hive-partitioned)
    DIR/_manifest.jsonl                               one JSON line per committed shard
    DIR/_manifest.lock                                flock taken for every commit and recovery
    DIR/_staging/                                     shards being written (only ever under the lock)
    DIR/_warc/crawl_job=<job>/part-<run_id>-<seq>.warc.gz  the WARC file committed with the shard of that name

A commit may carry the WARC records of the pages fetched since the last one (corpus/warc/stage.py): the WARC
file is staged and fsynced first (so its offsets are known when the rows are written), named in the shard's own
manifest line, and renamed into place with it; recovery rolls both forward or deletes both. A commit with
records and no new rows writes a WARC-only line. A line may also carry a note (an ingest's finished file).

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
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from corpus.durable import exclusive_lock, fsync_dir, sha256_file
from corpus.schema import SCHEMA, SCHEMA_VERSION, rows_to_table, validate_row
from corpus.warc.stage import SUFFIX as WARC_SUFFIX, StagedWarc, link_rows, stage_warc
from corpus.shard_files import (JOB_NAME, LOCK, MANIFEST, STAGING, CommitResult, CorruptShard, StoreError, _now, check_job_name,
                                damaged, new_run_id, quarantines, read_shard)

# the store's public names, read from here by the rest of the project
__all__ = ["JOB_NAME", "LOCK", "MANIFEST", "STAGING", "CommitResult", "CorpusStore", "CorruptShard", "StoreError", "check_job_name",
           "damaged", "new_run_id", "open_corpus", "quarantines", "read_shard"]

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
        staged = {p.name: p for pattern in ("*.parquet", f"*{WARC_SUFFIX}")
                  for p in (staging.glob(pattern) if staging.exists() else [])}
        for rel in (e[key] for e in entries for key in ("shard", "warc") if e.get(key)):
            final = self.root / rel
            name = Path(rel).name
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
    def commit(self, rows: list[dict[str, Any]], *, exchanges: list | None = None, job: str | None = None,
               note: dict[str, Any] | None = None) -> CommitResult:
        """Atomically commit rows as one shard; rows whose doc_id is already committed are skipped.

        `exchanges` (corpus.warc.records.Exchange) go into a WARC file committed in the same manifest line; a row
        whose warc_file holds a record id is pointed at its record. `note` is merged into that line (or makes a
        line of its own when nothing else is committed). `job` names the WARC's partition when no row is new."""
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
            if not fresh and not exchanges:
                if note:
                    self._append_locked({**note, "run_id": self.run_id, "committed_at": _now()})
                return CommitResult(None, 0, dups)
            job = check_job_name(fresh[0]["crawl_job"] if fresh else job or "")
            warc = None
            if exchanges:
                try:  # written and fsynced before the shard, so the rows can be given their offsets
                    warc = stage_warc(self.root / STAGING, job, self._next_stem(),
                                      exchanges, {"crawl_job": job, "run_id": self.run_id})
                except OSError as exc:  # e.g. a full disk: nothing committed (stage_warc removed its files)
                    raise StoreError(f"could not write the WARC file of this commit: {exc}") from exc
            unlinked = link_rows(fresh, warc)
            table = rows_to_table(fresh) if fresh else None
            shard = self._write_locked(table, warc=warc, note=note, job=job)
            self._committed.update(seen)
            return CommitResult(shard if fresh else None, len(fresh), dups, warc.rel if warc else None,
                                warc.offsets if warc else {}, unlinked)

    def _next_stem(self) -> str:
        self._seq += 1
        return f"part-{self.run_id}-{self._seq:05d}"

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
            warc = {k: v for k, v in live[shard].items() if k.startswith("warc")}  # its rows still point there
            return self._write_locked(table, replaces=shard, note=warc)

    def _write_locked(self, table: pa.Table | None, replaces: str | None = None, *, warc: StagedWarc | None = None,
                      note: dict[str, Any] | None = None, job: str | None = None) -> str:
        if table is not None:
            jobs = set(table.column("crawl_job").unique().to_pylist())
            if len(jobs) != 1:
                raise StoreError(f"one shard holds one crawl job, got {sorted(jobs)}")
            job = check_job_name(jobs.pop())
        if replaces is not None and not replaces.startswith(f"crawl_job={job}/"):
            raise StoreError(f"a replacement of {replaces} must stay in crawl job {job}")
        stem = warc.staged.name[: -len(WARC_SUFFIX)] if warc is not None else self._next_stem()
        name = f"{stem}.parquet"
        rel = f"crawl_job={job}/{name}"
        staging = self.root / STAGING
        staging.mkdir(exist_ok=True)
        tmp, staged = staging / (name + ".tmp"), staging / name
        try:
            entry: dict[str, Any] = {**(note or {}), "run_id": self.run_id, "committed_at": _now()}
            if table is not None:
                with open(tmp, "wb") as fh:
                    pq.write_table(table, fh, compression="zstd", compression_level=self.zstd_level)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, staged)
                entry.update({"shard": rel, "rows": table.num_rows, "bytes": staged.stat().st_size,
                              "sha256": sha256_file(staged), "schema_version": SCHEMA_VERSION})
            if warc is not None:
                entry.update(warc.entry())
            if replaces is not None:
                entry["replaces"] = replaces
            self._append_locked(entry)
        except OSError as exc:  # e.g. a full disk: nothing was committed, nothing torn is visible
            tmp.unlink(missing_ok=True)
            staged.unlink(missing_ok=True)
            if warc is not None:
                warc.staged.unlink(missing_ok=True)
            raise StoreError(f"could not write shard {rel}: {exc}") from exc
        if warc is not None:
            final_warc = self.root / warc.rel
            final_warc.parent.mkdir(parents=True, exist_ok=True)
            os.replace(warc.staged, final_warc)
            fsync_dir(final_warc.parent)
        if table is None:
            return rel
        final = self.root / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)
        if replaces is not None:
            # right after the rename, so a plain directory reader has the smallest window to see both files
            # (recovery deletes it if we die in between); both live in one partition directory: one fsync
            (self.root / replaces).unlink(missing_ok=True)
        fsync_dir(final.parent)
        return rel

    def _append_locked(self, entry: dict[str, Any]) -> None:
        """Append one manifest line and fsync it: the commit point."""
        with open(self.root / MANIFEST, "ab") as fh:
            fh.write((json.dumps(entry, sort_keys=True) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        # we hold the lock and refreshed before writing, so everything up to here is known
        self._manifest_offset = (self.root / MANIFEST).stat().st_size

    def notes(self, key: str) -> list[dict[str, Any]]:
        """The manifest lines that carry `key` (e.g. an ingest's finished files), in commit order."""
        return [e for e in self._entries() if key in e]

    def warc_files(self) -> list[dict[str, Any]]:
        """Every committed WARC file's manifest fields, once each (a replaced shard's line repeats its WARC)."""
        seen: dict[str, dict[str, Any]] = {}
        for e in self._entries():
            if e.get("warc") and "warc_sha256" in e:
                seen.setdefault(e["warc"], {k: v for k, v in e.items() if k.startswith("warc")})
        return list(seen.values())

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


def open_corpus(root: str | os.PathLike[str]) -> CorpusStore:
    """Open an existing corpus for reading (raises StoreError if DIR is not a corpus)."""
    return CorpusStore(root, create=False)
