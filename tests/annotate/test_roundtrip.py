"""The round trip against a real Label Studio: project, push (twice), annotators, pull (incremental), agreement."""
from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import httpx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from annotate.agreement import cohen_kappa
from annotate.errors import StudioAuthError
from annotate.files import project_dir, write_json
from annotate.pull import pull, read_predictions
from annotate.push import LEDGER_FILE, PENDING, PushOptions, ensure_project, push
from annotate.results import choice_item, note_item
from annotate.tasks import label_config, row_to_task
from corpus.annotations import read_annotations, read_ledger
from spamcorpus.cli import main
from corpus.store import CorpusStore
from tests.annotate.conftest import STUDIO_MARKS, signup_annotator
from tests.conftest import make_row

pytestmark = STUDIO_MARKS


def corpus(tmp_path, n, name="corpus"):
    rows = []
    for i in range(n):
        spam = i % 3 != 2
        text = (f"香港eSIM第{i}期，联系 Telegram：@esim{1000 + i} 📱 当天发货" if spam else f"Notes on bread baking, day {i}.")
        rows.append(make_row(f"http://h{i % 4}.example/p/{i}", text, score=0.9 if spam else 0.1,
                             family="telecom_sim" if spam else "other", lang="zh" if spam else "en"))
    CorpusStore(tmp_path / name).commit(rows)
    return tmp_path / name, rows


def server_tasks(server, project_id):
    """Every task of a project as the server lists it: (task id, doc_id, overlap)."""
    out, page = [], 1
    while True:
        got = httpx.get(f"{server.url}/api/tasks", params={"project": project_id, "page": page, "page_size": 500,
                                                           "fields": "all"},
                        headers={"Authorization": f"Token {server.token}"},
                        timeout=120)  # a page of 500 tasks with predictions; slow on a loaded 2-core machine
        if got.status_code == 404:
            return out
        got.raise_for_status()
        tasks = got.json()["tasks"]
        out += [(t["id"], t["data"]["doc_id"], t["overlap"]) for t in tasks]
        if len(tasks) < 500:
            return out
        page += 1


def test_project_is_created_once(shared_server, tmp_path):
    client = shared_server.client()
    options = PushOptions(project="once", corpus_dir=tmp_path, out_root=tmp_path, overlap_fraction=0.25)
    first, created = ensure_project(client, options, "signals-1.0")
    again, created_again = ensure_project(client, options, "signals-1.0")
    assert (created, created_again) == (True, False) and first["id"] == again["id"]
    shown = client.get_project(first["id"])
    assert shown["label_config"] == label_config() and shown["model_version"] == "signals-1.0"
    assert (shown["maximum_annotations"], shown["overlap_cohort_percentage"]) == (2, 25)


def test_push_twice_adds_nothing_and_overlap_is_set(shared_server, tmp_path, monkeypatch):
    corpus_dir, rows = corpus(tmp_path, 60)
    out = tmp_path / "ann"
    client = shared_server.client()
    report = push(client, PushOptions(project="push-twice", corpus_dir=corpus_dir, out_root=out, batch_size=25,
                                      overlap_fraction=0.5))
    assert (report.pushed, report.batches, report.project_created) == (60, 3, True)
    tasks = server_tasks(shared_server, report.project_id)
    assert sorted(d for _t, d, _o in tasks) == sorted(r["doc_id"] for r in rows)
    assert Counter(o for *_x, o in tasks) == Counter({1: 30, 2: 30})
    ledger = read_ledger(project_dir(out, "push-twice"))
    assert sorted(zip(ledger.column("task_id").to_pylist(), ledger.column("doc_id").to_pylist())) == \
        sorted((t, d) for t, d, _o in tasks)
    # again, through the CLI and the environment (as for a remote server)
    monkeypatch.setenv("LABEL_STUDIO_URL", shared_server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", shared_server.token)
    result = CliRunner().invoke(main, ["push", "--project", "push-twice", "--corpus", str(corpus_dir), "--out",
                                       str(out)])
    assert result.exit_code == 0, result.output
    assert "pushed 0 tasks" in result.output and "already in the project 60" in result.output
    assert "each row is its own campaign" in result.output
    again = server_tasks(shared_server, report.project_id)
    assert sorted(again) == sorted(tasks)  # no new task, and the overlap setting was left alone


def test_lost_import_answer_and_lost_ledger_are_recovered_without_duplicates(shared_server, tmp_path):
    corpus_dir, rows = corpus(tmp_path, 30)
    out = tmp_path / "ann"
    client = shared_server.client()
    options = PushOptions(project="recover", corpus_dir=corpus_dir, out_root=out, batch_size=10)
    project, _ = ensure_project(client, options, "test")
    pdir = project_dir(out, "recover")
    # a push that imported a batch and died before recording it: the journal names the batch, the ledger nothing
    client.import_tasks(project["id"], [row_to_task(r, extra={"push_batch": "lost-00000a"}) for r in rows[:10]])
    write_json(pdir / PENDING, {"batches": [{"batch": "lost-00000a", "project_id": project["id"], "tasks": 10}]})
    report = push(client, options)
    assert (report.recovered, report.pushed) == (10, 20)
    assert len(server_tasks(shared_server, project["id"])) == 30
    # the ledger itself lost: rebuilt from the server's doc_ids, nothing imported again
    (pdir / LEDGER_FILE).unlink()
    report = push(client, options)
    assert (report.recovered, report.pushed) == (30, 0)
    assert sorted(d for _t, d, _o in server_tasks(shared_server, project["id"])) == sorted(r["doc_id"] for r in rows)


def test_wrong_token(shared_server, tmp_path, monkeypatch):
    with pytest.raises(StudioAuthError, match="refused"):
        shared_server.client("f" * 40)
    monkeypatch.setenv("LABEL_STUDIO_URL", shared_server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "f" * 40)
    corpus_dir, _ = corpus(tmp_path, 3)
    result = CliRunner().invoke(main, ["push", "--project", "xyz", "--corpus", str(corpus_dir), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "refused the API key" in result.output and "f" * 40 not in result.output


def test_annotators_pull_and_agreement(shared_server, tmp_path, monkeypatch):
    corpus_dir, rows = corpus(tmp_path, 7)
    out = tmp_path / "ann"
    admin = shared_server.client()
    report = push(admin, PushOptions(project="roundtrip", corpus_dir=corpus_dir, out_root=out, overlap_fraction=1.0))
    by_doc = {d: t for t, d, _o in server_tasks(shared_server, report.project_id)}
    tasks = [by_doc[r["doc_id"]] for r in rows]
    rows, unannotated = rows[:6], tasks.pop()
    # two annotators join as they would: invite link, sign-up, token (one legacy token, one personal access token)
    alice = admin.__class__.connect(shared_server.url, signup_annotator(shared_server.url, shared_server.token,
                                                                         "alice@lab.example", "pw-alice-123"))
    bob = admin.__class__.connect(shared_server.url, signup_annotator(shared_server.url, shared_server.token,
                                                                       "bob@lab.example", "pw-bob-123", True))
    # alice submits every pre-annotation unchanged; bob labels by hand
    for task in tasks:
        (pred,) = alice.task_predictions(task)
        alice.create_annotation(task, pred["result"], lead_time=2.5, parent_prediction=pred["id"])
    bob_verdicts = ["spam", "benign", "benign", "spam", "spam", "borderline"]
    bob_ids = [bob.create_annotation(task, [choice_item("verdict", v), note_item(f"bob {i}")], lead_time=7.0)
               for i, (task, v) in enumerate(zip(tasks, bob_verdicts))]
    first = pull(admin, "roundtrip", out)
    pdir = project_dir(out, "roundtrip")
    table = read_annotations(pdir)
    assert (first.incremental, first.added, table.num_rows) == (False, 12, 12)
    assert first.tasks_exported == 6  # the unannotated task is not exported
    assert sorted(table.column("doc_id").unique().to_pylist()) == sorted(r["doc_id"] for r in rows)
    annotators = Counter(table.column("annotator").to_pylist())
    assert len(annotators) == 2 and set(annotators.values()) == {6}
    raw = (pdir / "annotations.parquet").read_bytes()
    assert b"alice@" not in raw and b"bob@" not in raw
    rows_by = {(r["doc_id"], r["note"] is None): r for r in table.to_pylist()}
    for row in rows:
        spam = row["spam_score"] >= 0.5
        alice_row = rows_by[(row["doc_id"], True)]
        assert alice_row["accepted_prediction"] and alice_row["lead_time"] == 2.5
        assert alice_row["verdict"] == ("spam" if spam else "benign")
        if spam:  # the pre-annotated contact span came back at its offsets
            (span,) = alice_row["spans"]
            assert row["text"][span["start"]:span["end"]] == span["text"] and span["text"].startswith("@esim")
        assert not rows_by[(row["doc_id"], False)]["accepted_prediction"]
    # agreement on a known case: the detector's verdicts against bob's, by hand
    detector = ["spam" if r["spam_score"] >= 0.5 else "benign" for r in rows]
    expected = cohen_kappa(list(zip(detector, bob_verdicts)))
    result = CliRunner().invoke(main, ["agreement", "--project", "roundtrip", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.output)["fields"][0]
    assert (verdict["field"], verdict["annotators"], verdict["items_multiply_rated"]) == ("verdict", 2, 6)
    assert verdict["cohen_kappa"] == pytest.approx(expected, abs=1e-4)
    assert len(read_predictions(pdir)) == 6
    # incremental: bob changes a label, alice's annotation on task 2 is deleted, the 7th task is skipped
    bob.update_annotation(bob_ids[1], [choice_item("verdict", "spam"), choice_item("family", "telecom_sim")])
    alice_row = rows_by[(rows[2]["doc_id"], True)]
    admin.delete_annotation(alice_row["annotation_id"])
    admin.create_annotation(unannotated, [], was_cancelled=True)
    second = pull(admin, "roundtrip", out, overlap=timedelta(0))
    assert (second.incremental, second.added, second.updated, second.removed) == (True, 1, 1, 1)
    assert second.tasks_exported == 3  # only the changed tasks came through the export
    table = read_annotations(pdir)
    assert table.num_rows == 12 and sum(table.column("was_cancelled").to_pylist()) == 1
    assert {(r["verdict"], r["family"]) for r in table.to_pylist() if r["annotation_id"] == bob_ids[1]} == \
        {("spam", "telecom_sim")}
    mtime = (pdir / "annotations.parquet").stat().st_mtime_ns
    third = pull(admin, "roundtrip", out)
    assert (third.rewritten, third.added + third.updated + third.removed) == (False, 0)
    assert (pdir / "annotations.parquet").stat().st_mtime_ns == mtime
    full = pull(admin, "roundtrip", out, full=True)  # a task with nothing but a skip is exported too
    assert (full.tasks_exported, full.annotations) == (7, 12)
    assert pq.read_table(pdir / "annotations.parquet").num_rows == 12
