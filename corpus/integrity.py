"""Corpus integrity: check every committed shard (sha256, Parquet, schema), name the bad ones, quarantine them.

A shard is bad when it is missing, unreadable (truncated, not Parquet), of another schema, or not the bytes its
manifest line names (sha256). Quarantine takes bad shards out of the corpus the way the store takes out a
replaced one, with the manifest as commit point, all under the store's lock:

    1. append `{"quarantine": <shard>, "reason": ..., "moved_to": ...}` to the manifest and fsync it: from here
       on no reader lists the shard;
    2. move the file to `_quarantine/<time>/<shard>` (one rename inside the corpus) and fsync both directories;
    3. write `quarantine.json` beside it (atomic): why it was moved.

A crash after 1 leaves the file in place but out of the manifest; the store's recovery (before every commit and
read) finishes 2 and 3 from the line. A crash before 1 changes nothing. Good shards are never opened for writing.
`_quarantine` starts with `_`, so directory readers (`pyarrow.dataset`, hive partitioning) skip it.

WARC files (`_warc/`, committed in their shard's manifest line) are checked too: present and the sha256 the line
names. A damaged WARC file is reported (verify is not clean) but never quarantined: its rows' Parquet data is
whole, only their trace back to the fetched bytes is lost, and moving the file would not mend that.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.durable import fsync_dir, sha256_file, write_json
from corpus.schema import ADDED_NULLABLE, SCHEMA
from corpus.shard_files import read_problem
from corpus.store import MANIFEST, CorpusStore, CorruptShard
from corpus.warc.stage import SUFFIX as WARC_SUFFIX, WARC_DIR

QUARANTINE = "_quarantine"
NOTE = "quarantine.json"


@dataclass
class BadShard:
    shard: str  # relative to the corpus, as in the manifest
    path: str  # as the user names it (corpus dir / shard)
    kind: str  # missing | unreadable | schema | sha256 | warc_missing | warc_sha256 (`shard` is then the WARC)
    reason: str  # fits "corpus shard P is <reason>"
    sha256_mismatch: bool = False  # also not the bytes committed (a torn file is both)

    def line(self) -> str:
        extra = "; sha256 mismatch" if self.sha256_mismatch and self.kind != "sha256" else ""
        return f"{self.path}: {self.reason}{extra}"


@dataclass
class VerifyReport:
    corpus: str
    checked: int
    bad: list[BadShard]
    orphans: list[str]
    quarantined: list[dict[str, Any]]
    warcs_checked: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "clean": not self.bad}


def _schema_problem(schema: pa.Schema) -> str | None:
    """A difference from the corpus schema (types only: field docs and nullability do not change the data)."""
    have = {f.name: f.type for f in schema}
    missing = [f.name for f in SCHEMA if f.name not in have and f.name not in ADDED_NULLABLE]
    wrong = [f"{f.name} is {have[f.name]}, not {f.type}" for f in SCHEMA if f.name in have and have[f.name] != f.type]
    extra = [n for n in have if SCHEMA.get_field_index(n) < 0]
    parts = ([f"missing {', '.join(missing[:3])}"] if missing else []) + wrong[:2] + \
        ([f"extra {', '.join(extra[:3])}"] if extra else [])
    return "; ".join(parts) or None


def check_shard(root: Path, entry: dict[str, Any], *, deep: bool = True) -> BadShard | None:
    """None if the committed shard of manifest `entry` is whole; `deep` also compares its sha256."""
    path = root / entry["shard"]
    shown = str(path)

    def bad(kind: str, reason: str) -> BadShard:
        return BadShard(entry["shard"], shown, kind, reason, not sha_ok)

    sha_ok = True
    if not path.exists():
        return bad("missing", "missing")
    sha_ok = not deep or not entry.get("sha256") or _sha256(path) == entry["sha256"]
    try:
        schema = pq.ParquetFile(path).schema_arrow
    except (pa.ArrowException, OSError) as exc:
        return bad("unreadable", read_problem(path, exc))
    problem = _schema_problem(schema)
    if problem:
        return bad("schema", f"of another schema ({problem})")
    if sha_ok:
        return None
    try:  # the footer reads: say whether the data does too
        pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        return bad("unreadable", read_problem(path, exc))
    return bad("sha256", "not the file committed (sha256 mismatch)")


def _sha256(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


def find_bad(store: CorpusStore, *, deep: bool = True) -> list[BadShard]:
    return [b for b in (check_shard(store.root, e, deep=deep) for e in store.manifest()) if b is not None]


def first_damaged(store: CorpusStore, *, deep: bool = True) -> CorruptShard | None:
    """The error naming the first bad shard (and how many more), or None if every shard is whole."""
    bad = find_bad(store, deep=deep)
    if not bad:
        return None
    # name a shard that stops a read before one that only fails its checksum
    first = min(bad, key=lambda b: b.kind == "sha256")
    return CorruptShard(first.path, first.reason, store.root, others=len(bad) - 1)


def ensure_readable(root: str | os.PathLike[str]) -> None:
    """Raise CorruptShard if a committed shard of the corpus at ROOT cannot be read (footer and schema only:
    cheap enough to run before a crawl resumes from the corpus). A directory that is no corpus yet passes."""
    if not (Path(root) / MANIFEST).exists():
        return
    found = first_damaged(CorpusStore(root, create=False, run_id="reader"), deep=False)
    if found is not None:
        raise found


def orphans(store: CorpusStore) -> list[str]:
    """Parquet files in the partitions and WARC files under _warc/ that no manifest line names (left alone,
    never an error)."""
    live = {e["shard"] for e in store.manifest()} | {w["warc"] for w in store.warc_files()}
    files = sorted(str(p.relative_to(store.root)) for pattern in ("crawl_job=*/*.parquet",
                                                                  f"{WARC_DIR}/crawl_job=*/*{WARC_SUFFIX}")
                   for p in store.root.glob(pattern))
    return [f for f in files if f not in live]


def bad_warcs(store: CorpusStore) -> list[BadShard]:
    """Committed WARC files that are missing or not the bytes their manifest line names."""
    bad = []
    for warc in store.warc_files():
        path = store.root / warc["warc"]
        if not path.exists():
            bad.append(BadShard(warc["warc"], str(path), "warc_missing", "a missing WARC file", True))
        elif _sha256(path) != warc["warc_sha256"]:
            bad.append(BadShard(warc["warc"], str(path), "warc_sha256",
                                "not the WARC file committed (sha256 mismatch)", True))
    return bad


def verify(root: str | os.PathLike[str], *, quarantine: bool = False) -> VerifyReport:
    """Check every committed shard; with `quarantine`, take the bad ones out of the corpus (see the module doc)."""
    store = CorpusStore(root, create=False, run_id="verify")
    store.recover()
    checked = len(store.manifest())
    bad = find_bad(store)
    moved = _quarantine(store, bad) if quarantine and bad else []  # shards only (see the module doc on WARC)
    return VerifyReport(str(root), checked, bad + bad_warcs(store), orphans(store), moved, len(store.warc_files()))


def _quarantine(store: CorpusStore, bad: list[BadShard]) -> list[dict[str, Any]]:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    moved = []
    with store._locked():  # no commit, replace or recovery runs meanwhile
        live = {e["shard"]: e for e in store.manifest()}
        lines = []
        for b in bad:
            entry = live.get(b.shard)
            # re-checked under the lock: a shard replaced or mended since the check is left alone
            if entry is None or check_shard(store.root, entry) is None:
                continue
            target = store.root / b.shard
            lines.append({
                "quarantine": b.shard, "kind": b.kind, "reason": b.reason, "rows": entry.get("rows"),
                "sha256": entry.get("sha256"), "found_sha256": _sha256(target) if target.exists() else None,
                "moved_to": f"{QUARANTINE}/{stamp}/{b.shard}" if target.exists() else None,
                "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            })
        if not lines:
            return []
        with open(store.root / MANIFEST, "ab") as fh:  # the commit point: the shards are out from here on
            fh.write("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        finish_quarantines(store.root, lines)
        moved = lines
    return moved


def finish_quarantines(root: Path, lines: list[dict[str, Any]]) -> None:
    """Move each quarantined shard still in place and write its note (idempotent; runs under the store lock)."""
    for line in lines:
        source = root / line["quarantine"]
        if not line.get("moved_to"):
            continue
        target = root / line["moved_to"]
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)  # same filesystem: one atomic rename
            fsync_dir(target.parent)
            fsync_dir(source.parent)
        note = target.parents[len(Path(line["quarantine"]).parts) - 1] / NOTE
        if target.exists():
            notes = _read_note(note)
            if not any(n.get("quarantine") == line["quarantine"] for n in notes):
                write_json(note, notes + [line], sort_keys=True)


def _read_note(path: Path) -> list[dict[str, Any]]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []

