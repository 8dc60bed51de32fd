"""Campaign propagation: from a labelled representative to unlabelled campaign members, never over human labels."""
from collections import Counter
from datetime import datetime, timezone

import pyarrow as pa
import pytest
from click.testing import CliRunner

from annotate.files import project_dir, write_table
from annotate.propagate import PropagationError, consensus, propagate, propagate_labels
from corpus.annotations import ANNOTATION_SCHEMA, ANNOTATIONS_FILE, read_annotations, read_propagated
from corpus.campaigns import assign_campaigns, read_campaigns
from spamcorpus.cli import main
from corpus.store import CorpusStore
from tests.corpus.test_campaigns_families import family_rows

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def ann(doc, annotator, verdict, family=None, n=[0], cancelled=False):
    n[0] += 1
    return {"project": "p", "task_id": n[0], "doc_id": doc, "annotation_id": n[0], "annotator": annotator,
            "verdict": verdict, "family": family, "spans": [], "note": None, "created_at": T0, "updated_at": T0,
            "lead_time": None, "accepted_prediction": False, "was_cancelled": cancelled}


def campaigns(mapping):
    return pa.table({"doc_id": list(mapping), "campaign_id": list(mapping.values())})


def test_consensus_majority_and_ties():
    labels, skipped = consensus([ann("a", "x", "spam", "loans"), ann("a", "y", "spam", "loans"),
                                 ann("a", "z", "benign"), ann("b", "x", "spam"), ann("b", "y", "benign"),
                                 ann("c", "x", None, cancelled=True)])
    assert (labels["a"].verdict, labels["a"].family, labels["a"].annotations) == ("spam", "loans", 3)
    assert "b" not in labels and "c" not in labels and skipped == Counter(no_consensus=1)


def test_propagates_to_unlabelled_members_only():
    camp = campaigns({"r": "c1", "m1": "c1", "m2": "c1", "h": "c1", "s": "c2", "t": "c2", "lone": "c3"})
    rows, report = propagate_labels([ann("r", "x", "spam", "gambling"), ann("h", "y", "spam", "gambling"),
                                     ann("lone", "x", "benign")], camp, "p")
    got = {r["doc_id"]: (r["verdict"], r["family"], r["source_doc_id"]) for r in rows}
    assert got == {"m1": ("spam", "gambling", "h"), "m2": ("spam", "gambling", "h")}  # tie on counts -> smallest id
    assert "r" not in got and "h" not in got  # human labels are never overwritten
    assert report.campaigns_with_source == 1 and report.skipped["nothing_to_propagate_to"] == 1


def test_conflicting_campaign_propagates_nothing():
    camp = campaigns({"a": "c", "b": "c", "x": "c"})
    rows, report = propagate_labels([ann("a", "u", "spam"), ann("b", "u", "benign")], camp, "p")
    assert rows == [] and report.skipped["conflicting_labels"] == 1


def test_min_annotations_and_verdict_filter():
    camp = campaigns({"a": "c", "x": "c", "b": "d", "y": "d"})
    anns = [ann("a", "u", "borderline"), ann("b", "u", "spam"), ann("b", "v", "spam")]
    rows, report = propagate_labels(anns, camp, "p", min_annotations=2)
    assert [r["doc_id"] for r in rows] == ["y"] and report.skipped["too_few_annotations"] == 1
    rows, report = propagate_labels(anns, camp, "p", verdicts=("spam", "benign"))
    assert [r["doc_id"] for r in rows] == ["y"] and report.skipped["verdict_not_propagated:borderline"] == 1


def test_real_campaigns_end_to_end(tmp_path):
    corpus = tmp_path / "corpus"
    rows, _template, truth = family_rows()
    CorpusStore(corpus).commit(rows)
    out = tmp_path / "ann"
    with pytest.raises(PropagationError, match="campaign"):
        propagate("demo", out, corpus)
    assign_campaigns(corpus)
    with pytest.raises(PropagationError, match="pull"):
        propagate("demo", out, corpus)
    assigned = dict(zip(*(read_campaigns(corpus).column(c).to_pylist() for c in ("doc_id", "campaign_id"))))
    bet = sorted(d for d, t in truth.items() if t == "bet")
    sim = sorted(d for d, t in truth.items() if t == "sim")
    # one annotated representative of the betting template, two disagreeing ones in the SIM campaign
    human = [ann(bet[0], "a1", "spam", "gambling"), ann(bet[0], "a2", "spam", "gambling"),
             ann(sim[0], "a1", "spam", "telecom_sim"), ann(sim[1], "a1", "benign")]
    write_table(project_dir(out, "demo") / ANNOTATIONS_FILE, pa.Table.from_pylist(human, schema=ANNOTATION_SCHEMA))
    result = CliRunner().invoke(main, ["propagate", "--project", "demo", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "conflicting_labels 1" in result.output
    table = read_propagated(project_dir(out, "demo"))
    expected = sorted(d for d in assigned if assigned[d] == assigned[bet[0]] and d != bet[0])
    assert sorted(table.column("doc_id").to_pylist()) == expected and len(expected) >= 5
    assert set(table.column("source_doc_id").to_pylist()) == {bet[0]}
    assert set(table.column("source_annotations").to_pylist()) == {2}
    assert not set(table.column("doc_id").to_pylist()) & set(read_annotations(project_dir(out, "demo"))
                                                             .column("doc_id").to_pylist())
