"""A release built from annotations made through the real Label Studio round trip: push, annotate, pull, propagate."""
from __future__ import annotations

import json
import os
import shutil

import pyarrow.parquet as pq
import pytest

from corpus.campaigns import assign_campaigns
from corpus.release.build import ReleaseConfig, build_release
from corpus.release.verify import verify_release
from tests.corpus.test_release_fixtures import (card_and_croissant, corpus_rows, crossing_in_duckdb, load_everywhere,
                                                write_corpus)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

# one worker runs every Label Studio test (as tests/annotate does): two servers at once crowd 2 cores
pytestmark = [pytest.mark.slow, pytest.mark.studio, pytest.mark.xdist_group("studio")]
PROJECT = "release round trip"           # not a safe folder name: pull stores it under a slug


@pytest.fixture(scope="module")
def studio_server(shared_server):
    """A real Label Studio from the shared template (tests/studio_servers.py)."""
    return shared_server.url, shared_server.token


def _result(verdict: str, family: str | None) -> list[dict]:
    from annotate.results import choice_item

    items = [choice_item("verdict", verdict)]
    if verdict == "spam" and family:
        items.append(choice_item("family", family))
    return items


def test_release_from_the_label_studio_round_trip(studio_server, tmp_path):
    from label_studio_sdk import LabelStudio

    from annotate.client import StudioClient
    from annotate.files import project_dir
    from annotate.propagate import propagate
    from annotate.pull import pull
    from annotate.push import PushOptions, push
    from annotate.selection import Selection
    from corpus.annotations import read_annotations, read_ledger

    url, token = studio_server
    rows = corpus_rows(campaigns_per_family=2, copies=3, benign=24)
    truth = {r["doc_id"]: r["_truth"] for r in rows}
    corpus, annotations = tmp_path / "corpus", tmp_path / "annotations"
    write_corpus(corpus, rows)
    assign_campaigns(corpus)

    client = StudioClient.connect(url, token)
    pushed = push(client, PushOptions(project=PROJECT, corpus_dir=corpus, out_root=annotations,
                                      selection=Selection(per_campaign=2)))
    assert pushed.pushed > 0
    ledger = read_ledger(project_dir(annotations, PROJECT)).to_pylist()
    tasks = sorted((r["doc_id"], r["task_id"]) for r in ledger)
    assert len(tasks) == pushed.pushed < len(rows)   # at most two per campaign: the rest is for propagation

    # annotators at work: the admin labels every task; two more people label every third task, one of them
    # dissenting (borderline); one spam task gets a plain disagreement (a tie); one task is skipped
    ls = LabelStudio(base_url=url, api_key=token)
    helpers = [ls.users.create(username=f"annotator{i}", email=f"annotator{i}@example.org").id for i in (2, 3)]
    spam_tasks = [(d, t) for d, t in tasks if truth[d]["verdict"] == "spam"]
    tie_doc, tie_task = spam_tasks[1]
    skip_doc, skip_task = spam_tasks[2]
    multi = {d for i, (d, _t) in enumerate(tasks) if i % 3 == 0 and d not in (tie_doc, skip_doc)}
    for doc, task in tasks:
        t = truth[doc]
        ls.annotations.create(id=task, result=_result(t["verdict"], t["family"]), lead_time=9.0)
        if doc in multi:
            ls.annotations.create(id=task, result=_result(t["verdict"], t["family"]), completed_by=helpers[0])
            ls.annotations.create(id=task, result=_result("borderline", None), completed_by=helpers[1])
    ls.annotations.create(id=tie_task, result=_result("benign", None), completed_by=helpers[0])
    ls.annotations.create(id=skip_task, result=[], was_cancelled=True, completed_by=helpers[1])

    pull(client, PROJECT, annotations)
    pulled = read_annotations(project_dir(annotations, PROJECT))
    assert pulled.num_rows == len(tasks) + 2 * len(multi) + 2
    report = propagate(PROJECT, annotations, corpus)
    assert report.propagated > 0

    out = tmp_path / "releases"
    result = build_release(corpus, annotations, out, ReleaseConfig(name="studio", version="1.0.0"))
    path = result.path
    released = {r["doc_id"]: r for r in pq.read_table(path / "data/train-00000-of-00001.parquet").to_pylist()}
    for split in ("validation", "test"):
        for f in (path / "data").glob(f"{split}-*.parquet"):
            released.update({r["doc_id"]: r for r in pq.read_table(f).to_pylist()})

    pushed_docs = {d for d, _t in tasks}
    assert {d for d, r in released.items() if r["label_source"] == "human"} == pushed_docs
    propagated = {d: r for d, r in released.items() if r["label_source"] == "propagated"}
    assert len(propagated) == report.propagated and not set(propagated) & pushed_docs
    for doc, row in released.items():
        t = truth[doc]
        if doc == tie_doc:
            assert (row["verdict"], row["n_annotators"], row["agreement"]) == ("borderline", 2, 0.0)
        else:
            assert (row["verdict"], row["family"]) == (t["verdict"], t["family"]), doc
        if doc in multi:
            assert row["n_annotators"] == 3 and row["agreement"] == pytest.approx(2 / 3, abs=1e-6)
    queue = [json.loads(line) for line in (path / "adjudication_queue.jsonl").read_text().splitlines()]
    assert queue == [{"doc_id": tie_doc, "reason": "no_majority", "votes": {"benign": 1, "spam": 1}}]
    stats = result.stats
    assert stats["dropped"]["annotation_cancelled"] == 1
    assert stats["agreement"]["annotators"] == 3
    assert stats["agreement"]["multiply_annotated_documents"] == len(multi) + 1   # + the tie

    # pseudonymous annotators: neither their e-mails nor even their pseudonyms are in the release
    pseudonyms = {a.encode() for a in pulled.column("annotator").to_pylist()}
    secrets = [b"@example.org", b"admin@spamcorpus.local", *pseudonyms]
    for f in (p for p in path.rglob("*") if p.is_file()):
        data = f.read_bytes()
        assert not any(s in data for s in secrets), f

    # what consumers do with it
    assert verify_release(path).ok
    assert crossing_in_duckdb(path) == {"campaign_id": [], "site": [], "handle": []}
    card_and_croissant(path)
    load_everywhere(path, tmp_path / "hf")
    again = build_release(corpus, annotations, tmp_path / "again", ReleaseConfig(name="studio", version="1.0.0"))
    assert again.manifest_sha256 == result.manifest_sha256
    tampered = tmp_path / "tampered"
    shutil.copytree(path, tampered)
    (tampered / "stats.json").write_text((tampered / "stats.json").read_text().replace('"rows"', '"Rows"', 1))
    assert not verify_release(tampered).ok
