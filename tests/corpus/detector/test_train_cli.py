"""`spamcorpus train`: the real set plus pulled annotations of a real corpus, and clean errors."""
from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa
import pytest
import pyarrow.parquet as pq
from click.testing import CliRunner

from corpus.annotations import ANNOTATION_SCHEMA, ANNOTATIONS_FILE
from spamcorpus.cli import main
from corpus.detector.model import DetectorModel, load_model
from corpus.store import CorpusStore
from corpus.page.row import PageInput, build_row

pytestmark = pytest.mark.realworld  # reads the pinned real-world set

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
SPAM = ("<html><head><title>【官网 lk{i}●vip】 真人娱乐 注册送彩金</title></head><body><p>【官网 lk{i}●vip】 注册即送 88 元"
        "</p><p>今天聊聊 Kubernetes 的调度器第{i}篇。</p><p>商务合作 飞机 @lkvip{i}kefu</p></body></html>")
BENIGN = ("<html><head><title>notes {i}</title></head><body><h1>Binary trees {i}</h1><p>Preorder visits the root "
          "first, then the left and right subtrees.</p><pre>def walk(node): ...</pre></body></html>")


def _corpus(tmp_path):
    rows = []
    for i in range(6):
        for kind, html in (("spam", SPAM), ("benign", BENIGN)):
            url = f"http://127.0.0.1:1/{kind}/{i}.html"
            rows.append(build_row(PageInput(url, url, 200, {"content-type": "text/html; charset=utf-8"},
                                            html.format(i=i).encode(), NOW, "t", "run-1")))
    CorpusStore(tmp_path / "corpus").commit(rows)
    annotations = []
    for n, row in enumerate(rows):
        verdict = "spam" if "/spam/" in row["url"] else "benign"
        annotations.append({"project": "p", "task_id": n, "doc_id": row["doc_id"], "annotation_id": n,
                            "annotator": "a1", "verdict": verdict, "family": "gambling" if verdict == "spam" else None,
                            "spans": [], "note": None, "created_at": NOW, "updated_at": NOW, "lead_time": 1.0,
                            "accepted_prediction": False, "was_cancelled": False})
    extra = dict(annotations[0], annotation_id=100, task_id=100, doc_id="f" * 64)  # a row not in this corpus
    cancelled = dict(annotations[1], annotation_id=101, annotator="a2", was_cancelled=True, verdict=None)
    annotations += [extra, cancelled]
    folder = tmp_path / "annotations" / "p"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(annotations, schema=ANNOTATION_SCHEMA), folder / ANNOTATIONS_FILE)
    return tmp_path / "corpus", folder


def test_train_adds_annotated_rows_and_writes_a_loadable_model(tmp_path):
    corpus, annotations = _corpus(tmp_path)
    out = tmp_path / "model.bin"
    result = CliRunner().invoke(main, ["train", "--annotations", str(annotations), "--corpus", str(corpus),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 from annotations" in result.output
    assert "annotations left out: not_in_corpus 1, skipped 1" in result.output
    model = DetectorModel.load(out)
    assert model.meta["sources"] == {"annotations": 12, "realworld": 223}
    assert model.version != load_model().version  # new labels, new model
    cut = model.meta["precision_cut"]  # chosen on the new model's own cross-validated scores, and said
    assert cut["hard_fp_ceiling"] == 0.08 and 0.3 <= cut["cut"] <= 0.85
    assert f"precision-first cut for silver labels: {cut['cut']:.2f}" in result.output


def test_train_user_errors_are_clean(tmp_path):
    runner = CliRunner()
    for args, message in (
            (["--annotations", str(tmp_path / "none"), "--corpus", str(tmp_path)], "no annotations.parquet"),
            (["--annotations", str(tmp_path), "--corpus", str(tmp_path / "nope")], "no such corpus"),
            (["--realworld", str(tmp_path / "x.jsonl")], "no such file")):
        result = runner.invoke(main, ["train", "--out", str(tmp_path / "m.bin"), *args])
        assert result.exit_code != 0
        assert message in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "m.bin").exists()
