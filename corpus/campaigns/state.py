"""On-disk campaign state under DIR/_campaigns/: atomic files, one committing state.json, a run lock.

    _campaigns/state.json                   the commit point: settings, processed shards, live files
    _campaigns/seg-<gen>.docs.parquet       doc_id, seq, indexed, per signature segment (append-only)
    _campaigns/seg-<gen>.sig.npy            (rows, num_perm) uint32 MinHash signatures
    _campaigns/seg-<gen>.bands.npy          (bands, rows) uint64 LSH bucket keys, band-major
    _campaigns/seg-<gen>.keys.parquet       seq, key, site: hashed operation keys of the segment's rows
    _campaigns/anchors-<gen>.parquet        kind, value, anchor_seq: first linking document per contact
    _campaigns/assignments-<gen>.parquet    doc_id, campaign_id, method, campaign_size, seq
    _campaigns/merges-<gen>.jsonl           campaigns absorbed by that run
    _campaigns/lock                         flock held by a running `assign_campaigns`

Every file is written to a temporary name, fsynced and renamed; state.json is replaced last, so a
run killed at any point leaves the previous state whole. Files no state refers to are leftovers of
killed runs and are deleted by the next run. The `_` prefix keeps all of it out of
`pyarrow.dataset` reads of the corpus rows.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from corpus import durable
from corpus.campaigns.config import CampaignError

CAMPAIGNS_DIR = "_campaigns"
STATE = "state.json"
LOCK = "lock"
STATE_FORMAT = 1
KEEP_ASSIGNMENT_GENERATIONS = 2  # a reader that read the previous state.json can still open its file


def campaigns_dir(root: str | os.PathLike[str]) -> Path:
    return Path(root) / CAMPAIGNS_DIR


def write_atomic(path: Path, write: Callable[[Any], None]) -> None:
    """Temp file `<name>.tmp` (cleaned by `remove_leftovers`), fsync, rename, fsync the directory."""
    durable.write_atomic(path, write, tmp=path.with_name(path.name + ".tmp"))


def write_table(path: Path, table: pa.Table) -> None:
    write_atomic(path, lambda fh: pq.write_table(table, fh, compression="zstd"))


def write_json_lines(path: Path, records: list[dict[str, Any]]) -> None:
    data = "".join(json.dumps(r, sort_keys=True) + "\n" for r in records).encode("utf-8")
    write_atomic(path, lambda fh: fh.write(data))


class ArrayWriter:
    """A .npy file filled batch by batch through a memory map (bounded memory), then committed atomically."""

    def __init__(self, path: Path, shape: tuple[int, ...], dtype: np.dtype) -> None:
        self.path, self.tmp = path, path.with_name(path.name + ".tmp")
        self.array = np.lib.format.open_memmap(self.tmp, mode="w+", dtype=dtype, shape=shape)

    def commit(self) -> None:
        self.array.flush()
        del self.array
        with open(self.tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.tmp, self.path)
        durable.fsync_dir(self.path.parent)

    def discard(self) -> None:
        if hasattr(self, "array"):
            del self.array
        self.tmp.unlink(missing_ok=True)


def run_lock(cdir: Path):
    """One campaign run at a time per corpus; a second run waits for the first."""
    return durable.exclusive_lock(cdir / LOCK)


def load_state(cdir: Path) -> dict[str, Any] | None:
    """The committed state, or None before the first run."""
    path = cdir / STATE
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # state.json is only ever renamed into place whole
        raise CampaignError(f"unreadable campaign state {path}: {exc}; "
                            "run `spamcorpus campaigns --full` to rebuild it") from exc
    if state.get("format") != STATE_FORMAT:
        raise CampaignError(f"campaign state {path} has format {state.get('format')!r}, expected {STATE_FORMAT}; "
                            "run `spamcorpus campaigns --full`")
    return state


def save_state(cdir: Path, state: dict[str, Any]) -> None:
    """The commit point of a run."""
    data = json.dumps(state, indent=1, sort_keys=True).encode("utf-8")
    write_atomic(cdir / STATE, lambda fh: fh.write(data))


def referenced_files(state: dict[str, Any] | None) -> set[str]:
    if not state:
        return set()
    names = {state["assignments"], state["anchors"], *state.get("previous_assignments", []), *state["merges"]}
    for seg in state["segments"]:
        names.update(segment_files(seg["name"]))
    return names


def segment_files(name: str) -> tuple[str, str, str, str]:
    return f"{name}.docs.parquet", f"{name}.sig.npy", f"{name}.bands.npy", f"{name}.keys.parquet"


def remove_unreferenced(cdir: Path, state: dict[str, Any] | None) -> list[str]:
    """Delete leftovers of killed or superseded runs (called under the run lock)."""
    keep = referenced_files(state) | {STATE, LOCK}
    removed = []
    for path in cdir.iterdir():
        if path.is_file() and path.name not in keep:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return sorted(removed)
