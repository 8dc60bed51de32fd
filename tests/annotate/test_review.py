"""Review on a real Label Studio: two annotators split -> pull marks it -> push --review -> a third adjudicates ->
pull -> the release resolves the adjudicated label."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from annotate.client import StudioClient
from annotate.files import project_dir
from annotate.results import choice_item
from annotate.review import REVIEW_FILE, annotation_result, review_title
from annotate.push import BadProjectTitle
from corpus.annotations import read_ledger
from spamcorpus.cli import main
from corpus.release.inputs import read_inputs
from corpus.release.resolve import LabelPolicy, resolve_labels
from corpus.store import CorpusStore
from tests.studio_servers import studio_test
from tests.conftest import make_row


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_review_title():
    assert review_title("spam batch 1") == "spam batch 1 (review)"
    with pytest.raises(BadProjectTitle, match="is a review project already"):
        review_title("spam batch 1 (review)")
    with pytest.raises(BadProjectTitle, match="would be titled"):
        review_title("x" * 45)


def test_annotation_result_round_trip():
    from annotate.results import parse_result
    row = {"verdict": "spam", "family": "loans", "note": "n",
           "spans": [{"start": 0, "end": 4, "label": "contact", "text": "@abc"}]}
    back = parse_result(annotation_result(row))
    assert (back.verdict, back.family, back.spans) == ("spam", "loans", row["spans"])
    assert parse_result(annotation_result({"verdict": "benign", "family": "loans", "spans": []})).family is None


def test_review_errors_before_any_request(tmp_path):
    result = run("push", "--review", "--project", "batch (review)", "--out", tmp_path)
    assert result.exit_code == 2 and "is a review project already" in result.output
    result = run("push", "--review", "--project", "y" * 45, "--out", tmp_path)
    assert result.exit_code == 2 and "would be titled" in result.output
    # a selection would be silently ignored: refused, before any request (no server listens here)
    result = run("push", "--review", "--project", "batch", "--strategy", "uncertain", "--lang", "zh",
                 "--studio-dir", tmp_path / "none", "--out", tmp_path)
    assert result.exit_code == 2 and "takes no selection (--strategy, --lang)" in result.output
    assert not list(tmp_path.iterdir())


def user(server, email: str) -> StudioClient:
    added = run("studio", "user", "add", email, "--show-token", "--data-dir", server.data_dir)
    assert added.exit_code == 0, added.output
    return StudioClient.connect(server.url, re.search(r"^API token: (\S+)$", added.output, re.M).group(1))



@studio_test
def test_split_review_adjudicate_release(shared_server, tmp_path, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", shared_server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", shared_server.token)
    rows = [make_row(f"http://h{i}.example/p", f"page {i}: write to @seller{i} now", score=0.9, family="loans")
            for i in range(3)]
    CorpusStore(tmp_path / "corpus").commit(rows)
    corpus, out, project = tmp_path / "corpus", tmp_path / "ann", "review flow"
    docs = [r["doc_id"] for r in rows]

    nothing = run("push", "--review", "--project", project, "--corpus", corpus, "--out", out)
    assert nothing.exit_code == 1 and "no annotations pulled for 'review flow'" in nothing.output

    pushed = run("push", "--project", project, "--corpus", corpus, "--out", out, "--overlap", "1")
    assert pushed.exit_code == 0, pushed.output
    admin = shared_server.client()
    pid = admin.find_project(project)["id"]
    task_of = {data["doc_id"]: t for t, data in admin.find_tasks(pid)}
    alice, bob, carol = (user(shared_server, f"{n}@review.example") for n in ("alice", "bob", "carol"))
    # doc 0: both spam; doc 1: spam vs benign; doc 2: benign vs borderline
    for who, verdicts in ((alice, ["spam", "spam", "benign"]), (bob, ["spam", "benign", "borderline"])):
        for doc, verdict in zip(docs, verdicts):
            who.create_annotation(task_of[doc], [choice_item("verdict", verdict)])

    pulled = run("pull", "--project", project, "--out", out)
    assert pulled.exit_code == 0, pulled.output
    split_ids = sorted([task_of[docs[1]], task_of[docs[2]]])
    assert f"disagreements: 2 tasks where annotators chose different verdicts (task ids {split_ids[0]}, " \
           f"{split_ids[1]};" in pulled.output
    assert "push --review --project 'review flow'" in pulled.output
    marked = json.loads((project_dir(out, project) / "disagreements.json").read_text())
    assert [t["task_id"] for t in marked["tasks"]] == split_ids
    assert sorted(map(sorted, (t["verdicts"].values() for t in marked["tasks"]))) == \
        [["benign", "borderline"], ["benign", "spam"]]

    sent = run("push", "--review", "--project", project, "--corpus", corpus, "--out", out)
    assert sent.exit_code == 0, sent.output
    assert "review project 'review flow (review)'" in sent.output and "sent 2, already in review 0" in sent.output
    again = run("push", "--review", "--project", project, "--corpus", corpus, "--out", out)
    assert again.exit_code == 0 and "sent 0, already in review 2" in again.output   # exactly once
    ledger = read_ledger(project_dir(out, "review flow (review)")).to_pylist()
    assert sorted(r["doc_id"] for r in ledger) == sorted(docs[1:])
    assert {(r["strategy"], r["detector_version"]) for r in ledger} == {("review", rows[1]["detector_version"])}
    review = admin.find_project("review flow (review)")
    assert review["maximum_annotations"] == 1
    review_tasks = {data["doc_id"]: (t, data) for t, data in admin.find_tasks(review["id"])}
    assert sorted(review_tasks) == sorted(docs[1:])
    task, data = review_tasks[docs[1]]
    assert data["review_of"] == project and data["source_task_id"] == task_of[docs[1]]
    assert data["text"] == rows[1]["text"]
    shown = admin.task_predictions(task)   # both sides, each named after its (pseudonymous) annotator
    assert len(shown) == 2 and all(p["model_version"].startswith("annotator a-") for p in shown)
    chosen = sorted(item["value"]["choices"][0] for p in shown for item in p["result"]
                    if item["from_name"] == "verdict")
    assert chosen == ["benign", "spam"]
    assert any("chose benign" in item["value"]["text"][0] for p in shown for item in p["result"]
               if item["from_name"] == "note")

    # carol adjudicates: doc 1 benign, doc 2 spam (a verdict neither annotator gave)
    carol.create_annotation(review_tasks[docs[1]][0], [choice_item("verdict", "benign")])
    carol.create_annotation(review_tasks[docs[2]][0], [choice_item("verdict", "spam"), choice_item("family", "loans")])
    adjudicated = run("pull", "--project", "review flow (review)", "--out", out)
    assert adjudicated.exit_code == 0, adjudicated.output
    assert "disagreements: none" in adjudicated.output

    again = run("pull", "--project", project, "--out", out)
    assert "adjudicated in the pulled review project: 2 of 2" in again.output
    shown = run("agreement", "--project", project, "--out", out)
    assert "tasks where annotators chose different verdicts: 2 (`spamcorpus push --review`" in shown.output

    def resolved():
        inputs = read_inputs(corpus, out, LabelPolicy())
        labels = resolve_labels(inputs.corpus, inputs.annotations, inputs.propagated, inputs.policy).labels
        return [(labels[d].verdict, labels[d].family, labels[d].source) for d in docs]

    assert resolved() == [("spam", None, "human"), ("benign", None, "adjudicated"), ("spam", "loans", "adjudicated")]
    # without the review marker the same annotations are only a three-way vote: the splits stay unresolved
    (project_dir(out, "review flow (review)") / REVIEW_FILE).unlink()
    assert [s for *_x, s in resolved()] == ["human", "human", "human"]
