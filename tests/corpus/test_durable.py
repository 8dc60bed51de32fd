"""Atomic replacement, locks and checksums shared by every writer."""
from __future__ import annotations

import hashlib
import multiprocessing
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus import durable


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "a" / "table.parquet"
    durable.write_table(path, pa.table({"x": [1, 2]}))

    def explode(fh):
        fh.write(b"PAR1 half a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        durable.write_atomic(path, explode)
    assert pq.read_table(path).column("x").to_pylist() == [1, 2]
    assert [p.name for p in path.parent.iterdir()] == ["table.parquet"]


def test_json_and_checksum(tmp_path):
    path = tmp_path / "r.json"
    durable.write_json(path, {"b": 1, "a": [2]}, sort_keys=True)
    assert path.read_text() == '{\n "a": [\n  2\n ],\n "b": 1\n}'
    assert durable.sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def _hold(path, seconds, started):
    with durable.exclusive_lock(path):
        started.set()
        time.sleep(seconds)


def test_the_lock_excludes_another_process(tmp_path):
    lock = tmp_path / "l" / "lock"
    started = multiprocessing.get_context("spawn").Event()
    holder = multiprocessing.get_context("spawn").Process(target=_hold, args=(lock, 1.0, started))
    holder.start()
    assert started.wait(30)
    t0 = time.monotonic()
    with durable.exclusive_lock(lock):
        waited = time.monotonic() - t0
    holder.join(10)
    assert waited > 0.5, "the lock did not wait for the other process"
