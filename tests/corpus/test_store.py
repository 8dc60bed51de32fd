"""The Parquet store: atomic commits, no duplicates, concurrent writers, kill -9 and full-disk safety."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from corpus.schema import SCHEMA
from corpus.store import MANIFEST, STAGING, CorpusStore, StoreError, open_corpus
from tests.conftest import make_row

ROOT = Path(__file__).resolve().parents[2]


def rows(prefix: str, n: int, job: str = "test"):
    return [make_row(f"http://h.example/{prefix}/{i}", f"text {prefix} {i}", job=job) for i in range(n)]


def assert_consistent(root: Path) -> list[str]:
    """Every visible shard is whole and listed; doc_ids are unique. Returns the doc_ids."""
    store = open_corpus(root)
    store.recover()
    listed = {e["shard"] for e in store.manifest()}
    visible = {str(p.relative_to(root)) for p in root.glob("crawl_job=*/*.parquet")}
    assert visible == listed
    for entry in store.manifest():
        pq.read_table(root / entry["shard"])  # raises on a torn file
    ids = ds.dataset(root, format="parquet", partitioning="hive").to_table(columns=["doc_id"]).column(0).to_pylist()
    assert len(ids) == len(set(ids)), "duplicate doc_id in corpus"
    return ids


def test_commit_and_read_back_as_one_hive_dataset(tmp_path):
    store = CorpusStore(tmp_path)
    assert store.commit(rows("a", 3, job="job-a")).written == 3
    assert store.commit(rows("b", 2, job="job_b.2")).written == 2
    table = ds.dataset(tmp_path, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == 5
    assert sorted(set(table.column("crawl_job").to_pylist())) == ["job-a", "job_b.2"]
    assert store.read().schema.equals(SCHEMA, check_metadata=False)
    with pytest.raises(StoreError, match="must match"):  # the partition path could not hold it
        store.commit(rows("c", 1, job="job b/2"))
    assert_consistent(tmp_path)


def test_duplicates_are_skipped_and_reported(tmp_path):
    store = CorpusStore(tmp_path)
    store.commit(rows("a", 3))
    result = store.commit(rows("a", 5) + rows("a", 1))
    assert result.written == 2 and len(result.duplicates) == 4
    other = CorpusStore(tmp_path)  # a second writer sees the first one's commits
    assert other.commit(rows("a", 5)).written == 0
    assert len(assert_consistent(tmp_path)) == 5


def test_open_corpus_refuses_a_non_corpus(tmp_path):
    with pytest.raises(StoreError, match="not a spamcorpus corpus"):
        open_corpus(tmp_path)


def test_torn_manifest_line_and_orphan_staging_are_cleaned(tmp_path):
    store = CorpusStore(tmp_path)
    store.commit(rows("a", 2))
    (tmp_path / STAGING / "part-dead-00001.parquet").write_bytes(b"PAR1 torn")
    with open(tmp_path / MANIFEST, "a") as fh:
        fh.write('{"shard": "crawl_job=test/part-dead-00001.parq')
    store.recover()
    assert not list((tmp_path / STAGING).iterdir())
    assert (tmp_path / MANIFEST).read_text().endswith("\n")
    assert len(assert_consistent(tmp_path)) == 2
    assert store.commit(rows("b", 1)).written == 1  # appends start on a clean line
    assert len(store.manifest()) == 2


def test_commit_cut_between_manifest_and_rename_rolls_forward(tmp_path):
    store = CorpusStore(tmp_path)
    store.commit(rows("a", 2))
    entry = store.manifest()[0]
    final = tmp_path / entry["shard"]
    os.replace(final, tmp_path / STAGING / final.name)  # the state a crash right before rename leaves
    assert sorted(CorpusStore(tmp_path).committed_ids()) == sorted(r["doc_id"] for r in rows("a", 2))
    assert final.exists() and len(assert_consistent(tmp_path)) == 2


WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from corpus.store import CorpusStore
    from tests.conftest import make_row
    store = CorpusStore(sys.argv[1])
    name, start, n, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    for i in range(start, start + n, size):
        batch = [make_row(f"http://h.example/{{k}}", "x" * 2000 + str(k)) for k in range(i, i + size)]
        res = store.commit(batch)
        print("committed", " ".join(r["doc_id"] for r in batch if r["doc_id"] not in res.duplicates), flush=True)
""")


def _writer(tmp_path: Path, corpus: Path, *args) -> subprocess.Popen:
    script = tmp_path / "writer.py"
    if not script.exists():  # written once: rewriting it while a sibling starts up could hand it a half file
        script.write_text(WRITER.format(root=str(ROOT)))
    return subprocess.Popen([sys.executable, str(script), str(corpus), *map(str, args)],
                            stdout=subprocess.PIPE, text=True)


def test_concurrent_writers_never_duplicate(tmp_path):
    corpus = tmp_path / "c"
    # four processes write overlapping ranges of doc_ids at the same time
    procs = [_writer(tmp_path, corpus, "w", start, 400, 25) for start in (0, 100, 200, 300)]
    acknowledged: set[str] = set()
    for p in procs:
        out, _ = p.communicate(timeout=120)  # drain stdout while waiting: a full pipe would block the writer
        assert p.returncode == 0
        for line in out.splitlines():
            acknowledged.update(line.split()[1:])
    ids = assert_consistent(corpus)
    assert len(ids) == 700 and set(ids) == acknowledged


@pytest.mark.slow
def test_sigkill_during_commits_never_tears_or_loses(tmp_path):
    corpus = tmp_path / "c"
    acknowledged: set[str] = set()
    for round_ in range(5):
        proc = _writer(tmp_path, corpus, "w", round_ * 10_000, 5000, 50)
        # wait for the first acknowledged commit (start-up time varies with load), then kill mid-stream
        first = proc.stdout.readline()
        assert first.startswith("committed"), first
        acknowledged.update(first.split()[1:])
        time.sleep(0.05 + 0.1 * round_)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, "the writer finished before the kill; the round proved nothing"
        for line in out.splitlines():
            if line.startswith("committed"):
                acknowledged.update(line.split()[1:])
        ids = set(assert_consistent(corpus))
        assert acknowledged <= ids, "a commit the writer saw succeed is missing"
    assert acknowledged, "the writer never got to commit; the test proved nothing"


def test_full_disk_commits_nothing_and_leaves_nothing_torn(tmp_path):
    corpus = tmp_path / "c"
    CorpusStore(corpus).commit(rows("a", 2))
    before = (corpus / MANIFEST).read_bytes()
    script = textwrap.dedent(f"""
        import resource, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, like ENOSPC
        from corpus.store import CorpusStore, StoreError
        from tests.conftest import make_row
        import os
        store = CorpusStore(sys.argv[1])
        big = [make_row(f"http://h.example/big/{{i}}", os.urandom(4000).hex()) for i in range(200)]
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        try:
            store.commit(big)
        except StoreError as exc:
            print("StoreError", exc)
    """)
    res = subprocess.run([sys.executable, "-c", script, str(corpus)], capture_output=True, text=True, timeout=60)
    assert "StoreError" in res.stdout, res.stderr
    assert (corpus / MANIFEST).read_bytes() == before
    assert not list((corpus / STAGING).iterdir())
    assert len(assert_consistent(corpus)) == 2
