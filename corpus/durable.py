"""Durable files for every writer: atomic replace (temp file, fsync, rename, fsync dir), locks, checksums."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import IO, Any, Callable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Make a rename or a new file in `path` survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], write: Callable[[IO[bytes]], Any], *, tmp: Path | None = None) -> None:
    """Write through `write(fh)` into a temp file, fsync it, rename it over `path`, fsync the directory.

    Readers see the old file or the new one, never a torn one; a crash leaves at most the temp file, named
    after the writer's pid unless `tmp` is given (callers that clean their own leftovers pick the name).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp or path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_table(path: str | os.PathLike[str], table: pa.Table, **parquet: Any) -> None:
    """A Parquet file (zstd unless told otherwise), replaced atomically."""
    write_atomic(path, lambda fh: pq.write_table(table, fh, **{"compression": "zstd", **parquet}))


def write_json(path: str | os.PathLike[str], payload: Any, **dumps: Any) -> None:
    """A JSON file, replaced atomically."""
    data = json.dumps(payload, **{"indent": 1, "default": str, **dumps}).encode("utf-8")
    write_atomic(path, lambda fh: fh.write(data))


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def exclusive_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """An flock on `path` (created if missing), held across processes until the block ends."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
