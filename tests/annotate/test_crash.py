"""A server killed in the middle of a push: the push stops cleanly and a re-run completes it exactly once."""
from __future__ import annotations

import threading
import time

import pytest

from annotate.errors import StudioError, StudioUnreachable
from annotate.files import project_dir, read_json
from annotate.push import PENDING, PushOptions, push
from corpus.annotations import read_ledger
from tests.annotate.conftest import STUDIO_MARKS
from tests.annotate.test_roundtrip import corpus, server_tasks

pytestmark = STUDIO_MARKS


def test_server_killed_during_push_then_resumed(start_server, tmp_path):
    corpus_dir, rows = corpus(tmp_path, 1500)
    out = tmp_path / "ann"
    pdir = project_dir(out, "crash")
    server = start_server()
    options = PushOptions(project="crash", corpus_dir=corpus_dir, out_root=out, batch_size=100)

    def kill_mid_import():
        # wait until three batches are recorded and the fourth is announced in the journal, i.e. in flight
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pending = read_json(pdir / PENDING, {"batches": []})["batches"]
            if read_ledger(pdir).num_rows >= 300 and pending:
                time.sleep(0.05)
                server.kill()
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_mid_import)
    killer.start()
    with pytest.raises(StudioError) as stopped:
        push(server.client(), options)
    killer.join()
    assert "again" in str(stopped.value) or isinstance(stopped.value, StudioUnreachable)
    recorded = read_ledger(pdir).num_rows
    assert 300 <= recorded < 1500
    # the server comes back (same data, another port) and the same push finishes the job
    again = start_server(server.data_dir)
    report = push(again.client(), options)
    assert report.already_pushed + report.pushed + report.recovered >= 1500 - recorded
    tasks = server_tasks(again, report.project_id)
    doc_ids = [d for _t, d, _o in tasks]
    assert len(doc_ids) == len(set(doc_ids)), "duplicate task after resume"
    assert sorted(doc_ids) == sorted(r["doc_id"] for r in rows), "task missing after resume"
    ledger = read_ledger(pdir)
    assert sorted(zip(ledger.column("task_id").to_pylist(), ledger.column("doc_id").to_pylist())) == \
        sorted((t, d) for t, d, _o in tasks)
    assert read_json(pdir / PENDING) == {"batches": []}
