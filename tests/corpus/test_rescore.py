"""`spamcorpus rescore` on real corpora: derived columns recomputed from stored bodies, the rest byte-equal."""
from __future__ import annotations

import dataclasses
import fcntl
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import corpus.page.row
from spamcorpus.cli import main
import corpus.signals
from corpus.rescore import DERIVED, EXTRACTED, LOCK, current_version, format_report, rescore
from corpus.schema import COLUMNS
from corpus.stats import corpus_stats, format_stats
from corpus.store import MANIFEST, STAGING, CorpusStore, StoreError, open_corpus
from corpus.page.row import build_row
from tests.conftest import make_row
from tests.corpus.test_store import assert_consistent
from tests.corpus.page.test_row import CASES, load_input

ROOT = Path(__file__).resolve().parents[2]
OLD = "signals-0.9-old"
KEPT = [c for c in COLUMNS if c not in DERIVED]


def fresh_rows() -> dict[str, dict]:
    """Real rows of the page fixtures (N = len(CASES)) (GBK, Big5, BOM, Markdown, wrong charset, ...), by doc_id."""
    rows = {}
    for i, case in enumerate(CASES):
        page = dataclasses.replace(load_input(case), crawl_job=f"job{i % 2}", depth=i % 3, run_id=f"crawl-{i % 4}",
                                   referrer=None if i % 2 else "https://ref.example/")
        row = build_row(page)
        rows[row["doc_id"]] = row
    assert len(rows) == len(CASES)
    return rows


def stale(row: dict) -> dict:
    """The row as an older detector, contact and language release would have left it."""
    flipped = 0.9 if row["spam_score"] < 0.5 else 0.1
    return {**row, "spam_score": flipped, "spam_signals": ["old_signal"], "family_guess": "other",
            "detector_version": OLD, "contacts": [], "lang": "und", "script": ""}


def build(root: Path, rows: list[dict], per_shard: int = 3) -> None:
    store = CorpusStore(root, run_id="crawl")
    by_job: dict[str, list[dict]] = {}
    for row in rows:
        by_job.setdefault(row["crawl_job"], []).append(row)
    for job_rows in by_job.values():
        for i in range(0, len(job_rows), per_shard):
            assert store.commit(job_rows[i:i + per_shard]).written == len(job_rows[i:i + per_shard])


def table(root: Path) -> pa.Table:
    t = open_corpus(root).read()
    return t.sort_by("doc_id")


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and p.name != LOCK}


def test_rescore_recomputes_derived_columns_and_keeps_the_rest_byte_equal(tmp_path):
    expected = fresh_rows()
    build(tmp_path, [stale(r) for r in expected.values()])
    before = table(tmp_path)
    report = rescore(tmp_path)
    assert report.rows == report.rescored == report.changed == len(expected) and not report.kept
    assert dict(report.versions) == {OLD: len(expected)} and report.shards_rewritten == report.shards
    assert report.to_spam + report.to_benign == len(expected)  # stale() put every score on the wrong side
    after = table(tmp_path)
    assert after.column("doc_id").to_pylist() == before.column("doc_id").to_pylist()
    for column in KEPT:  # doc_id, fetch metadata, body, title, text, links: the same Arrow data
        assert after.column(column).equals(before.column(column)), column
    for row in after.to_pylist():
        want = expected[row["doc_id"]]
        for column in DERIVED:
            got = row[column]
            assert got == (pytest.approx(want[column]) if column == "spam_score" else want[column]), column
    assert set(after.column("detector_version").to_pylist()) == {current_version()}
    assert len(assert_consistent(tmp_path)) == len(expected)
    assert "run `spamcorpus campaigns" not in format_report(report)  # no campaigns computed yet

    manifest = (tmp_path / MANIFEST).read_bytes()
    again = rescore(tmp_path)  # every row is current now: nothing to do, nothing written
    assert again.rescored == 0 and again.up_to_date == len(expected) and again.shards_rewritten == 0
    assert (tmp_path / MANIFEST).read_bytes() == manifest


def test_dry_run_reports_and_writes_nothing(tmp_path):
    expected = fresh_rows()
    build(tmp_path, [stale(r) for r in expected.values()])
    snapshot = files(tmp_path)
    dry = rescore(tmp_path, dry_run=True)
    assert files(tmp_path) == snapshot
    real = rescore(tmp_path)
    for key in ("rows", "rescored", "changed", "to_spam", "to_benign", "family_changed", "contacts_changed",
                "lang_changed", "shards_rewritten"):
        assert getattr(dry, key) == getattr(real, key), key
    text = format_report(dry)
    n = len(CASES)
    assert f"would rescore {n}" in text and "nothing written" in text and f"{OLD} {n}" in text


def test_force_on_a_current_corpus_reproduces_every_row(tmp_path):
    rows = fresh_rows()
    build(tmp_path, list(rows.values()))
    before = table(tmp_path)
    assert rescore(tmp_path).rescored == 0
    snapshot = files(tmp_path)
    forced = rescore(tmp_path, force=True)
    # the page input rebuilt from a row (header charset from `encoding`) extracts exactly what the crawl did
    assert forced.rescored == len(rows) and forced.changed == 0 and not forced.kept
    assert forced.shards_rewritten == 0 and files(tmp_path) == snapshot  # no churn: campaigns stay valid
    assert table(tmp_path).equals(before)


def test_a_version_bump_rescores_and_stats_show_the_mix(tmp_path, monkeypatch):
    rows = list(fresh_rows().values())
    old = 5  # fewer than the current rows, whatever the number of fixtures: stats list the larger share first
    fresh = len(rows) - old
    build(tmp_path, rows[:fresh] + [stale(r) for r in rows[fresh:]])
    current = current_version()
    s = corpus_stats(tmp_path)
    assert s["detector_versions"] == [(current, fresh), (OLD, old)] and s["current_detector"] == current
    text = format_stats(s)
    assert f"detector versions: {current} {fresh} (current), {OLD} {old}; `spamcorpus rescore" in text
    # a new model: patch the name build_row reads, whether pages.py imported it or reads the detector's
    monkeypatch.setattr(corpus.page.row, "DETECTOR_VERSION", "signals-next", raising=False)
    monkeypatch.setattr(corpus.signals, "DETECTOR_VERSION", "signals-next")
    report = rescore(tmp_path)
    assert report.rescored == len(rows) and dict(report.versions) == {current: fresh, OLD: old}
    assert corpus_stats(tmp_path)["detector_versions"] == [("signals-next", len(rows))]


def test_rows_whose_body_no_longer_extracts_keep_their_values_and_are_counted(tmp_path):
    good = stale(next(iter(fresh_rows().values())))
    png = make_row("http://p.example/img", "old text", content_type="image/png", body=b"\x89PNG\r\n\x1a\n",
                   detector_version=OLD)
    empty = make_row("http://p.example/empty", "old", body=b"  ", detector_version=OLD)
    # stored title "t" and text "hello" that this body does not extract to (an older extractor's reading)
    moved = make_row("http://p.example/moved", "hello", body=b"<html><title>New</title><p>hello there</p></html>",
                     detector_version=OLD)
    build(tmp_path, [dict(good, crawl_job="test"), png, empty, moved], per_shard=4)
    before = {r["doc_id"]: r for r in table(tmp_path).to_pylist()}
    report = rescore(tmp_path)
    assert report.rescored == 1 and dict(report.kept) == {"unsupported_content_type": 1, "empty_body": 1,
                                                           "extraction_changed": 1}
    after = {r["doc_id"]: r for r in table(tmp_path).to_pylist()}
    assert after.keys() == before.keys()
    for row in (png, empty, moved):
        assert after[row["doc_id"]] == before[row["doc_id"]]
    assert "kept old values: empty_body 1, extraction_changed 1, unsupported_content_type 1" in format_report(report)

    re = rescore(tmp_path, reextract=True)  # the new reading replaces title/text/links too
    assert re.rescored == 1 and re.kept["extraction_changed"] == 0
    row = {r["doc_id"]: r for r in table(tmp_path).to_pylist()}[moved["doc_id"]]
    want = build_row(corpus.page.row.PageInput(url=moved["url"], final_url=moved["final_url"], status=200,
                                             headers={"content-type": "text/html; charset=utf-8"},
                                             body=moved["body"], fetched_at=moved["fetched_at"],
                                             crawl_job="test", run_id="x"))
    for column in EXTRACTED + ("lang", "contacts", "family_guess"):
        assert row[column] == want[column], column
    assert row["title"] == "New" and row["body"] == moved["body"] and row["run_id"] == moved["run_id"]


def test_rescore_makes_campaigns_ask_for_a_full_run(tmp_path):
    from corpus.campaigns import CampaignError, assign_campaigns

    build(tmp_path, [stale(r) for r in fresh_rows().values()])
    assign_campaigns(tmp_path)
    report = rescore(tmp_path)
    assert report.campaigns_stale
    assert f"run `spamcorpus campaigns --full {tmp_path}`" in format_report(report)
    with pytest.raises(CampaignError, match="--full"):  # the shards it grouped are no longer the corpus's
        assign_campaigns(tmp_path)
    assert assign_campaigns(tmp_path, full=True).rows == len(CASES)


def test_replace_shard_guards(tmp_path):
    store = CorpusStore(tmp_path)
    store.commit([make_row(f"http://g.example/{i}", f"t{i}") for i in range(3)])
    [entry] = store.manifest()
    t = pq.ParquetFile(tmp_path / entry["shard"]).read()
    with pytest.raises(StoreError, match="exactly its doc_ids"):
        store.replace_shard(entry["shard"], t.slice(0, 2))
    with pytest.raises(StoreError, match="changed since"):
        store.replace_shard(entry["shard"], t, expected_sha256="0" * 64)
    new = store.replace_shard(entry["shard"], t, expected_sha256=entry["sha256"])
    assert not (tmp_path / entry["shard"]).exists() and [e["shard"] for e in store.manifest()] == [new]
    with pytest.raises(StoreError, match="not a live"):
        store.replace_shard(entry["shard"], t)
    assert len(assert_consistent(tmp_path)) == 3


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    import corpus.store as store_mod
    root, point, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
    calls = []

    def hit():
        calls.append(1)
        if len(calls) == nth:
            os.kill(os.getpid(), signal.SIGKILL)

    if point == "staged":  # replacement staged and fsynced, its manifest line not yet written
        real_sha = store_mod.sha256_file
        def sha256_file(path):
            digest = real_sha(path)
            hit()
            return digest
        store_mod.sha256_file = sha256_file
    else:  # "appended": line written, new shard not yet renamed; "renamed": renamed, old shard not yet deleted
        real_replace = os.replace
        def replace(src, dst):
            promote = Path(src).parent.name == "_staging" and str(src).endswith(".parquet")
            if promote and point == "appended":
                hit()
            real_replace(src, dst)
            if promote and point == "renamed":
                hit()
        os.replace = replace
    from corpus.rescore import rescore
    rescore(root)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("point,nth", [("staged", 1), ("staged", 3), ("appended", 1), ("appended", 4),
                                       ("renamed", 2), ("renamed", 5)])
def test_sigkill_mid_rescore_leaves_old_or_new_shards_and_a_rerun_finishes(tmp_path, point, nth):
    expected = fresh_rows()
    corpus = tmp_path / "c"
    build(corpus, [stale(r) for r in expected.values()])  # 6 shards
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(root=str(ROOT)))
    proc = subprocess.run([sys.executable, str(script), str(corpus), point, str(nth)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, (proc.stdout, proc.stderr)
    if point != "renamed":
        # a plain pyarrow reader that never recovers sees whole old or committed shards, each row once
        # (a kill between the rename and the delete leaves both files until any store reader recovers)
        glob = ds.dataset(corpus, format="parquet", partitioning="hive").to_table(columns=["doc_id"])
        assert sorted(glob.column(0).to_pylist()) == sorted(expected)
    # a store reader (which recovers first): exactly the original doc_ids, every shard wholly old or new
    assert sorted(table(corpus).column("doc_id").to_pylist()) == sorted(expected)
    store = open_corpus(corpus)
    shards = [pq.read_table(corpus / e["shard"], columns=["detector_version"]).column(0).to_pylist()
              for e in store.manifest()]
    assert all(len(set(v)) == 1 for v in shards) and any(v[0] == OLD for v in shards)
    done = [v for v in shards if v[0] != OLD]
    assert len(done) == nth - 1 + (point != "staged")  # a replace whose line was written counts as committed
    assert len(assert_consistent(corpus)) == len(expected) and not list((corpus / STAGING).iterdir())

    report = rescore(corpus)  # a new run finishes the rest
    done_rows = sum(map(len, done))
    assert report.rescored == len(expected) - done_rows and report.up_to_date == done_rows
    after = table(corpus)
    assert set(after.column("detector_version").to_pylist()) == {current_version()}
    for row in after.to_pylist():
        assert row["family_guess"] == expected[row["doc_id"]]["family_guess"]
        assert row["contacts"] == expected[row["doc_id"]]["contacts"]
    assert len(assert_consistent(corpus)) == len(expected)


def test_cli_reports_and_user_errors(tmp_path, monkeypatch):
    build(tmp_path / "c", [stale(r) for r in fresh_rows().values()])
    runner = CliRunner()
    res = runner.invoke(main, ["rescore", str(tmp_path / "c"), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert f"would rescore {len(CASES)}" in res.output and "nothing written" in res.output
    res = runner.invoke(main, ["rescore", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    assert f"rescored {len(CASES)}" in res.output and "shards rewritten" in res.output
    for args in (["rescore", str(tmp_path / "nothing")], ["rescore"]):  # no such dir; the default, absent here
        monkeypatch.chdir(tmp_path)
        res = runner.invoke(main, args)
        assert res.exit_code != 0 and "not a spamcorpus corpus" in res.output and "Traceback" not in res.output
    assert "datasets/corpus" in res.output
    with open(tmp_path / "c" / LOCK, "a+") as fh:  # another rescore holds the corpus
        fcntl.flock(fh, fcntl.LOCK_EX)
        res = runner.invoke(main, ["rescore", str(tmp_path / "c")])
    assert res.exit_code != 0 and "another rescore" in res.output and "Traceback" not in res.output


READER_RACE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from corpus.rescore import rescore
    print(rescore(sys.argv[1], force=True).shards_rewritten, flush=True)
""")


def test_store_readers_during_a_rescore_see_every_row_once(tmp_path):
    expected = fresh_rows()
    corpus = tmp_path / "c"
    build(corpus, [stale(r) for r in expected.values()], per_shard=1)  # one replace per row to race with
    script = tmp_path / "race.py"
    script.write_text(READER_RACE.format(root=str(ROOT)))
    proc = subprocess.Popen([sys.executable, str(script), str(corpus)], stdout=subprocess.PIPE, text=True)
    reads, mixed = 0, False
    while proc.poll() is None or reads == 0:
        t = open_corpus(corpus).read(columns=["doc_id", "detector_version"])
        assert sorted(t.column("doc_id").to_pylist()) == sorted(expected)
        mixed |= len(set(t.column("detector_version").to_pylist())) > 1
        reads += 1
    assert proc.returncode == 0 and proc.stdout.read().strip() == str(len(CASES))
    assert mixed, f"none of {reads} reads fell between two replaces; the test proved nothing"
