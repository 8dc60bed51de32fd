"""`spamcorpus verify`: damaged shards named by every reader, quarantined without touching the good ones."""
from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from corpus.annotations import ANNOTATION_SCHEMA, ANNOTATIONS_FILE
from spamcorpus.cli import main
from corpus.durable import sha256_file
from corpus.integrity import QUARANTINE, verify
from corpus.schema import SCHEMA
from corpus.store import MANIFEST, CorpusStore, CorruptShard, open_corpus
from tests.conftest import make_row
from tests.studio_servers import studio_test

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "spamcorpus"
SPAM = "注册送彩金 真人娱乐 飞机 @lkvip{i}kefu 官网 lk{i}.vip 商务合作" * 3


def build(tmp_path: Path) -> tuple[Path, list[str]]:
    """A corpus of three shards (two jobs); returns it and the shards in commit order."""
    corpus = tmp_path / "corpus"
    store = CorpusStore(corpus)
    for job, host in (("alpha", "a"), ("alpha", "b"), ("beta", "c")):
        tg = {"kind": "telegram", "value": f"{host}kefu", "where": "text"}
        store.commit([make_row(f"http://{host}.example/{i}", SPAM.format(i=i), job=job, contacts=[tg], score=0.9,
                               family="gambling", lang="zh") for i in range(4)])
    return corpus, [e["shard"] for e in store.manifest()]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a torn write: header magic kept, footer lost


def snapshot(corpus: Path) -> dict[str, str]:
    """sha256 of every file under the corpus (the damaged one included) but empty lock files: what nothing may
    change."""
    return {str(p.relative_to(corpus)): sha256_file(p) for p in sorted(corpus.rglob("*"))
            if p.is_file() and not p.name.endswith("lock")}


def test_verify_names_a_truncated_shard_and_orphans_and_changes_nothing(tmp_path):
    corpus, shards = build(tmp_path)
    assert CliRunner().invoke(main, ["verify", str(corpus)]).exit_code == 0
    truncate(corpus / shards[1])
    orphan = corpus / "crawl_job=alpha" / "copy.parquet"
    orphan.write_bytes((corpus / shards[0]).read_bytes())
    before = snapshot(corpus)
    res = CliRunner().invoke(main, ["verify", str(corpus)])
    assert res.exit_code == 1, res.output
    assert f"bad {corpus / shards[1]}: unreadable (truncated?); sha256 mismatch" in res.stdout
    assert f"orphan (no manifest line; left alone): {corpus}/crawl_job=alpha/copy.parquet" in res.stdout
    assert shards[0] not in res.stdout and shards[2] not in res.stdout  # the good shards are not listed
    assert res.stderr.strip() == (f"Error: 1 of 3 shards of {corpus} are damaged: "
                                  f"run `spamcorpus verify --quarantine {corpus}` to move them aside")
    assert "Traceback" not in res.output
    assert snapshot(corpus) == before
    report = json.loads(CliRunner().invoke(main, ["verify", "--json", str(corpus)]).stdout)
    assert [(b["shard"], b["kind"]) for b in report["bad"]] == [(shards[1], "unreadable")]
    assert report["orphans"] == ["crawl_job=alpha/copy.parquet"] and report["clean"] is False
    res = CliRunner().invoke(main, ["verify", str(tmp_path)])  # not a corpus: a bad path, exit 2
    assert res.exit_code == 2 and "is not a spamcorpus corpus" in res.stderr


def _annotations(tmp_path: Path, corpus: Path) -> Path:
    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    ids = open_corpus(corpus).read(columns=["doc_id"]).column(0).to_pylist()
    rows = [{"project": "p", "task_id": n, "doc_id": d, "annotation_id": n, "annotator": "a1", "verdict": "spam",
             "family": "gambling", "spans": [], "note": None, "created_at": now, "updated_at": now, "lead_time": 1.0,
             "accepted_prediction": False, "was_cancelled": False} for n, d in enumerate(ids)]
    folder = tmp_path / "annotations" / "p"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=ANNOTATION_SCHEMA), folder / ANNOTATIONS_FILE)
    return folder


READERS = {
    "stats": lambda c, t: ["stats", str(c)],
    "stats --json": lambda c, t: ["stats", "--json", str(c)],
    "campaigns": lambda c, t: ["campaigns", str(c)],
    "rescore": lambda c, t: ["rescore", str(c)],
    "release": lambda c, t: ["release", "--name", "r", "--version", "1.0.0", "--corpus", str(c), "--annotations",
                             str(t / "annotations"), "--out", str(t / "releases"), "--include-silver"],
    "crawl (resume)": lambda c, t: ["crawl", "--seeds-file", str(t / "seeds.txt"), "--out", str(c),
                                    "--allow-private-addresses"],
    "demo": lambda c, t: ["demo", "--no-studio", "--out", str(c)],
    "train --corpus": lambda c, t: ["train", "--annotations", str(t / "annotations" / "p"), "--corpus", str(c),
                                    "--out", str(t / "model.bin")],
}


@pytest.mark.parametrize("reader", [pytest.param(r, marks=pytest.mark.realworld) if r.startswith("train") else r
                                    for r in READERS])
def test_every_reader_names_the_damaged_shard_in_one_line(tmp_path, reader):
    corpus, shards = build(tmp_path)
    _annotations(tmp_path, corpus)
    (tmp_path / "seeds.txt").write_text("http://127.0.0.1:9/nothing-here\n")
    truncate(corpus / shards[1])
    before = snapshot(corpus)
    res = CliRunner().invoke(main, READERS[reader](corpus, tmp_path))
    assert res.exit_code == 1, res.output
    assert res.stderr == (f"Error: corpus shard {corpus / shards[1]} is unreadable (truncated?): "
                          f"run `spamcorpus verify --quarantine {corpus}`\n")
    assert "Traceback" not in res.output and res.stdout == ""
    assert snapshot(corpus) == before  # nothing committed changed, nothing was added
    assert not (tmp_path / "releases").exists() and not (tmp_path / "model.bin").exists()


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path):
    corpus, shards = build(tmp_path)
    (corpus / shards[2]).write_bytes(b"not parquet at all")
    res = subprocess.run([str(CLI), "stats", str(corpus)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr == (f"Error: corpus shard {corpus / shards[2]} is unreadable (not Parquet): "
                          f"run `spamcorpus verify --quarantine {corpus}`\n")


def test_quarantine_moves_only_the_bad_shard_and_the_rest_stays_usable(tmp_path):
    corpus, shards = build(tmp_path)
    good = {s: sha256_file(corpus / s) for s in (shards[0], shards[2])}
    lost = set(pq.read_table(corpus / shards[1], columns=["doc_id"]).column(0).to_pylist())
    truncate(corpus / shards[1])
    torn = sha256_file(corpus / shards[1])
    manifest = (corpus / MANIFEST).read_bytes()
    res = CliRunner().invoke(main, ["verify", "--quarantine", str(corpus)])
    assert res.exit_code == 0, res.output
    assert f"quarantined {corpus / shards[1]}: unreadable (truncated?)" in res.stdout
    assert "4 rows out of the corpus" in res.stdout and "the rest of the corpus is usable" in res.stdout
    # moved, byte for byte, with a note of why; the good shards untouched; the manifest only appended to
    [moved] = corpus.glob(f"{QUARANTINE}/*/{shards[1]}")
    assert sha256_file(moved) == torn and not (corpus / shards[1]).exists()
    [note] = json.loads((moved.parents[1] / "quarantine.json").read_text())
    assert note["quarantine"] == shards[1] and note["reason"] == "unreadable (truncated?)" and note["rows"] == 4
    assert {s: sha256_file(corpus / s) for s in good} == good
    after = (corpus / MANIFEST).read_bytes()
    assert after.startswith(manifest) and json.loads(after[len(manifest):])["quarantine"] == shards[1]
    # a later verify is clean; stats and campaigns work on the rest
    assert CliRunner().invoke(main, ["verify", str(corpus)]).exit_code == 0
    res = CliRunner().invoke(main, ["stats", str(corpus)])
    assert res.exit_code == 0 and "8 rows in 2 shards" in res.stdout and "1 shards quarantined" in res.stdout
    res = CliRunner().invoke(main, ["campaigns", str(corpus)])
    assert res.exit_code == 0 and "8 rows" in res.stdout, res.output
    # the lost rows are not committed any more: a crawl may fetch and commit them again
    store = CorpusStore(corpus)
    assert not lost & store.committed_ids()
    again = [make_row(f"http://b.example/{i}", SPAM.format(i=i), job="alpha") for i in range(4)]
    assert {r["doc_id"] for r in again} == lost and store.commit(again).written == 4
    assert verify(corpus).bad == []


def test_sha256_mismatch_missing_and_schema_are_caught(tmp_path):
    corpus, shards = build(tmp_path)
    edited = pq.read_table(corpus / shards[0])
    edited = edited.set_column(edited.schema.get_field_index("title"), SCHEMA.field("title"),
                               pa.array(["edited"] * edited.num_rows))
    pq.write_table(edited, corpus / shards[0])  # whole, readable Parquet: only the checksum tells
    (corpus / shards[1]).unlink()
    other = pa.table({"doc_id": ["x"], "text": ["y"]})
    pq.write_table(other, corpus / shards[2])
    report = verify(corpus)
    assert [(b.shard, b.kind, b.reason) for b in report.bad] == [
        (shards[0], "sha256", "not the file committed (sha256 mismatch)"),
        (shards[1], "missing", "missing"),
        (shards[2], "schema", report.bad[2].reason)]
    assert report.bad[2].reason.startswith("of another schema (missing url, final_url, host")
    res = CliRunner().invoke(main, ["verify", str(corpus)])
    assert res.exit_code == 1 and "3 of 3 shards" in res.stderr
    with pytest.raises(CorruptShard, match=r"is missing \(2 more damaged shards\)"):
        open_corpus(corpus).read()  # readable but edited shards pass a read; verify names them
    res = CliRunner().invoke(main, ["verify", "--quarantine", str(corpus)])
    assert res.exit_code == 0 and "nothing to move (missing)" in res.stdout
    assert verify(corpus).bad == [] and open_corpus(corpus).read().num_rows == 0


def test_a_quarantine_cut_short_after_its_manifest_line_is_finished_by_recovery(tmp_path):
    corpus, shards = build(tmp_path)
    truncate(corpus / shards[0])
    line = {"quarantine": shards[0], "kind": "unreadable", "reason": "unreadable (truncated?)", "rows": 4,
            "moved_to": f"{QUARANTINE}/t/{shards[0]}"}
    with open(corpus / MANIFEST, "a") as fh:  # the state a crash between the commit line and the move leaves
        fh.write(json.dumps(line) + "\n")
    store = open_corpus(corpus)
    assert [e["shard"] for e in store.manifest()] == shards[1:]  # out from the line on
    assert store.read().num_rows == 8  # a read recovers first: the file goes where the line says
    assert (corpus / QUARANTINE / "t" / shards[0]).exists() and not (corpus / shards[0]).exists()
    assert json.loads((corpus / QUARANTINE / "t" / "quarantine.json").read_text())[0]["quarantine"] == shards[0]
    assert verify(corpus).bad == [] and verify(corpus).orphans == []



@studio_test
def test_push_names_the_damaged_shard_and_creates_no_task(shared_server, tmp_path, monkeypatch):
    corpus, shards = build(tmp_path)
    truncate(corpus / shards[0])
    before = snapshot(corpus)
    monkeypatch.setenv("LABEL_STUDIO_URL", shared_server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", shared_server.token)
    res = CliRunner().invoke(main, ["push", "--project", "damaged", "--corpus", str(corpus),
                                    "--out", str(tmp_path / "ann")])
    assert res.exit_code == 1, res.output
    assert res.stderr == (f"Error: corpus shard {corpus / shards[0]} is unreadable (truncated?): "
                          f"run `spamcorpus verify --quarantine {corpus}`\n")
    assert "Traceback" not in res.output and snapshot(corpus) == before
    project = shared_server.client().find_project("damaged")
    assert project is None or shared_server.client().task_count(project["id"]) == 0
