"""A WARC file staged for a store commit: written to a temp file, fsynced, offsets known before the shard is written."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from corpus.durable import sha256_file
from corpus.warc.records import Exchange, is_record_id
from corpus.warc.writer import write_warc

WARC_DIR = "_warc"  # `_`: directory readers of the corpus (pyarrow.dataset, hive partitioning) skip it
SUFFIX = ".warc.gz"


@dataclass
class StagedWarc:
    rel: str  # path relative to the corpus, as rows and the manifest name it
    staged: Path
    offsets: dict[str, int]  # response record id -> offset
    records: int

    def entry(self) -> dict[str, Any]:
        """The manifest fields of this WARC file (in the same line as its shard: one commit point)."""
        return {"warc": self.rel, "warc_bytes": self.staged.stat().st_size, "warc_sha256": sha256_file(self.staged),
                "warc_records": self.records}


def warc_rel(job: str, stem: str) -> str:
    return f"{WARC_DIR}/crawl_job={job}/{stem}{SUFFIX}"


def stage_warc(staging: Path, job: str, stem: str, exchanges: Iterable[Exchange], info: dict[str, str]) -> StagedWarc:
    """Write and fsync `_staging/<stem>.warc.gz` (renamed into place by the store once its manifest line is in)."""
    exchanges = list(exchanges)
    staging.mkdir(parents=True, exist_ok=True)
    staged, tmp = staging / f"{stem}{SUFFIX}", staging / f"{stem}{SUFFIX}.tmp"
    try:
        with open(tmp, "wb") as fh:
            offsets = write_warc(fh, exchanges, filename=Path(staged).name, info=info)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, staged)
    except BaseException:
        tmp.unlink(missing_ok=True)
        staged.unlink(missing_ok=True)
        raise
    return StagedWarc(warc_rel(job, stem), staged, offsets, len(exchanges))


def link_rows(rows: list[dict[str, Any]], warc: StagedWarc | None) -> int:
    """Point each row whose warc_file still holds its response's record id at that record; returns the rows left
    unlinked (their record is in no WARC of this commit: nulls, never a guess)."""
    unlinked = 0
    for row in rows:
        record_id = row.get("warc_file")
        if not is_record_id(record_id):
            continue
        if warc is not None and record_id in warc.offsets:
            row["warc_file"], row["warc_offset"] = warc.rel, warc.offsets[record_id]
        else:
            row["warc_file"], row["warc_offset"] = None, None
            unlinked += 1
    return unlinked
