"""WARC files committed with their shards: one manifest line, offsets in the rows, recovery rolls both forward."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq

from corpus.integrity import verify
from corpus.store import MANIFEST, STAGING, CorpusStore
from corpus.warc.reader import read_record
from corpus.warc.records import Exchange, new_record_id
from tests.conftest import make_row

ROOT = Path(__file__).resolve().parents[2]


def exchange(url: str) -> Exchange:
    return Exchange(new_record_id(), url, datetime(2026, 11, 1, tzinfo=timezone.utc), "GET", [], b"", 200,
                    [("Content-Type", "text/html")], f"<p>{url}</p>".encode())


def pages(prefix: str, n: int) -> tuple[list[dict], list[Exchange]]:
    """Rows whose warc_file holds their record's id (as the crawl hands them to the store), and the records."""
    exchanges = [exchange(f"http://h.example/{prefix}/{i}") for i in range(n)]
    rows = [make_row(e.target_uri, warc_file=e.record_id) for e in exchanges]
    return rows, exchanges


def test_a_commit_writes_the_warc_in_the_shards_line_and_rows_point_at_their_records(tmp_path):
    store = CorpusStore(tmp_path)
    rows, exchanges = pages("a", 3)
    robots = exchange("http://h.example/robots.txt")  # a response that makes no row is archived all the same
    result = store.commit(rows, exchanges=[robots, *exchanges])
    (line,) = [json.loads(x) for x in (tmp_path / MANIFEST).read_text().splitlines()]
    assert line["shard"] == result.shard and line["warc"] == result.warc and line["warc_records"] == 4
    assert result.warc.startswith("_warc/crawl_job=test/") and Path(result.shard).stem in result.warc
    for row in store.read().to_pylist():
        record = read_record(tmp_path / row["warc_file"], row["warc_offset"])
        assert record.target_uri == row["final_url"] and record.body == f"<p>{row['final_url']}</p>".encode()
    report = verify(tmp_path)
    assert not report.bad and not report.orphans and report.warcs_checked == 1


def test_records_without_new_rows_get_a_warc_only_line_and_unknown_records_give_null_columns(tmp_path):
    store = CorpusStore(tmp_path)
    rows, exchanges = pages("a", 2)
    store.commit(rows, exchanges=exchanges)
    again = store.commit(rows, exchanges=[exchange("http://h.example/404")], job="test")  # all duplicates
    assert again.shard is None and again.warc and len(again.duplicates) == 2
    assert [("shard" in e, "warc" in e) for e in map(json.loads, (tmp_path / MANIFEST).read_text().splitlines())] \
        == [(True, True), (False, True)]
    lost = make_row("http://h.example/b/0", warc_file=new_record_id())  # its record never reached the store
    result = store.commit([lost], exchanges=[exchange("http://h.example/other")])
    assert result.unlinked == 1
    row = store.read(columns=["final_url", "warc_file", "warc_offset"]).to_pylist()[-1]
    assert row["final_url"] == lost["final_url"] and row["warc_file"] is None and row["warc_offset"] is None
    assert len(verify(tmp_path).bad) == 0 and verify(tmp_path).warcs_checked == 3


def test_a_commit_cut_before_its_renames_rolls_both_files_forward(tmp_path):
    store = CorpusStore(tmp_path)
    rows, exchanges = pages("a", 2)
    result = store.commit(rows, exchanges=exchanges)
    for rel in (result.shard, result.warc):  # the state a crash right after the manifest line leaves
        os.replace(tmp_path / rel, tmp_path / STAGING / Path(rel).name)
    CorpusStore(tmp_path).recover()
    assert (tmp_path / result.shard).exists() and (tmp_path / result.warc).exists()
    assert not list((tmp_path / STAGING).iterdir()) and not verify(tmp_path).bad


def test_a_staged_warc_without_its_line_is_removed(tmp_path):
    store = CorpusStore(tmp_path)
    (tmp_path / STAGING / "part-dead-00001.warc.gz").write_bytes(b"\x1f\x8b\x08 half")
    (tmp_path / STAGING / "part-dead-00001.warc.gz.tmp").write_bytes(b"\x1f\x8b")
    store.recover()
    assert not list((tmp_path / STAGING).iterdir())


def test_a_replaced_shard_keeps_its_warc(tmp_path):
    store = CorpusStore(tmp_path)
    rows, exchanges = pages("a", 2)
    first = store.commit(rows, exchanges=exchanges)
    table = pq.read_table(tmp_path / first.shard)
    new = store.replace_shard(first.shard, table)
    (entry,) = store.manifest()
    assert entry["shard"] == new and entry["warc"] == first.warc
    assert store.warc_files() == [{k: v for k, v in entry.items() if k.startswith("warc")}]
    report = verify(tmp_path)
    assert not report.bad and not report.orphans


def test_a_version_1_shard_reads_with_null_warc_columns(tmp_path):
    store = CorpusStore(tmp_path)
    store.commit([make_row("http://h.example/old")])
    (entry,) = store.manifest()
    path = tmp_path / entry["shard"]
    old = pq.read_table(path).drop_columns(["warc_file", "warc_offset"])
    pq.write_table(old, path)  # a shard written before the columns existed
    with open(tmp_path / MANIFEST, "w") as fh:  # its manifest line as it was then
        from corpus.durable import sha256_file
        fh.write(json.dumps({**entry, "sha256": sha256_file(path), "bytes": path.stat().st_size}) + "\n")
    (row,) = CorpusStore(tmp_path).read().to_pylist()
    assert row["warc_file"] is None and row["warc_offset"] is None
    assert not verify(tmp_path).bad


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tests.corpus.test_store_warc import pages
    from corpus.store import CorpusStore
    store = CorpusStore(sys.argv[1])
    for i in range(10_000):
        rows, exchanges = pages(f"{{sys.argv[2]}}-{{i}}", 20)
        store.commit(rows, exchanges=exchanges, job="test")
        print("committed", i, flush=True)
""")


def test_sigkill_during_commits_never_leaves_a_row_pointing_at_a_missing_record(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)))
    corpus = tmp_path / "c"
    for round_ in range(4):
        proc = subprocess.Popen([sys.executable, str(script), str(corpus), f"r{round_}"], stdout=subprocess.PIPE,
                                text=True)
        for _ in range(2 + round_):
            assert proc.stdout.readline().startswith("committed")
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        store = CorpusStore(corpus)
        rows = store.read(columns=["final_url", "warc_file", "warc_offset"]).to_pylist()
        assert rows and all(r["warc_file"] for r in rows)
        for row in rows[:: max(1, len(rows) // 50)]:
            assert read_record(corpus / row["warc_file"], row["warc_offset"]).target_uri == row["final_url"]
        report = verify(corpus)
        assert not report.bad and not report.orphans and report.warcs_checked == len(store.manifest())


def test_a_full_disk_while_writing_the_warc_commits_nothing(tmp_path):
    corpus = tmp_path / "c"
    first_rows, first_exchanges = pages("a", 2)
    CorpusStore(corpus).commit(first_rows, exchanges=first_exchanges)
    before = (corpus / MANIFEST).read_bytes()
    script = textwrap.dedent(f"""
        import os, resource, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, like ENOSPC
        from corpus.store import CorpusStore, StoreError
        from tests.corpus.test_store_warc import exchange, pages
        from dataclasses import replace
        store = CorpusStore(sys.argv[1])
        rows, exchanges = pages("big", 50)
        exchanges = [replace(e, body=os.urandom(4000)) for e in exchanges]  # incompressible: the WARC is big
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        try:
            store.commit(rows, exchanges=exchanges)
        except StoreError as exc:
            print("StoreError", exc)
    """)
    res = subprocess.run([sys.executable, "-c", script, str(corpus)], capture_output=True, text=True, timeout=60)
    assert "StoreError" in res.stdout and "WARC" in res.stdout, res.stdout + res.stderr
    assert (corpus / MANIFEST).read_bytes() == before
    assert not list((corpus / STAGING).iterdir())
    assert not verify(corpus).bad and not verify(corpus).orphans
