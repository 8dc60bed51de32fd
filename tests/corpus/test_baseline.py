"""The baseline classifier on a real release: learns the families, reproduces the card's figures, fails honestly."""
from __future__ import annotations

import json
import random

import pyarrow as pa
import pytest
from click.testing import CliRunner

from corpus.cli import main
from corpus.release.baseline import run_baseline
from corpus.release.build import ReleaseConfig, build_release
from corpus.release.table import read_release_table
from tests.corpus.test_release_fixtures import EN_WORDS, annotate, corpus_rows, write_corpus


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    root = tmp_path_factory.mktemp("baseline")
    rows = corpus_rows(seed=5)
    write_corpus(root / "corpus", rows)
    annotate(rows, root / "annotations")
    return build_release(root / "corpus", root / "annotations", root / "out",
                         ReleaseConfig(name="b", version="1.0.0")).path


def test_baseline_learns_families_and_reports_per_family_and_language(release):
    result = run_baseline(read_release_table(release))
    assert result["train_rows"] > result["test_rows"] > 10
    assert result["spam"]["support"] > 0 and result["spam"]["f1"] >= 0.9
    assert set(result["by_language"]) == {"en", "zh"}
    assert "benign" in result["by_family"] and len(result["by_family"]) >= 4
    for scores in result["by_family"].values():
        assert 0.0 <= scores["precision"] <= 1.0 and 0.0 <= scores["recall"] <= 1.0
    # the same figures as the ones recorded at build time and printed in the card
    assert json.loads(json.dumps(result)) == json.loads((release / "baseline.json").read_text())


def test_cli_prints_the_report_and_checks_it_against_the_card(release, tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["baseline", str(release)])
    assert out.exit_code == 0, out.output
    assert "spam vs benign: precision" in out.output and "benign" in out.output
    assert "matches the figures recorded" in out.output
    as_json = runner.invoke(main, ["baseline", str(release), "--json"])
    assert json.loads(as_json.output)["test_rows"] > 0
    bad = runner.invoke(main, ["baseline", str(tmp_path)])
    assert bad.exit_code == 1 and "not a release" in bad.output


def _table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("doc_id", pa.string()), ("split", pa.string()), ("title", pa.string()), ("text", pa.string()),
        ("lang", pa.string()), ("verdict", pa.string()), ("family", pa.string())]))


def test_labels_unrelated_to_text_give_a_poor_score():
    rng = random.Random(3)
    rows = []
    for i in range(400):
        spam = rng.random() < 0.5
        rows.append({"doc_id": f"d{i:04d}", "split": "test" if i % 4 == 0 else "train", "title": "",
                     "text": " ".join(rng.choice(EN_WORDS) for _ in range(40)), "lang": "en",
                     "verdict": "spam" if spam else "benign", "family": "loans" if spam else None})
    result = run_baseline(_table(rows))
    assert result["spam"]["f1"] < 0.75 and result["accuracy"] < 0.7


def test_too_little_data_is_reported_not_trained():
    rows = [{"doc_id": f"d{i}", "split": "train", "title": "", "text": "x", "lang": "en", "verdict": "benign",
             "family": None} for i in range(20)]
    assert "too little to train" in run_baseline(_table(rows))["skipped"]
    rows += [{"doc_id": "s1", "split": "train", "title": "", "text": "y", "lang": "en", "verdict": "spam",
              "family": "loans"}]
    assert "test split" in run_baseline(_table(rows))["skipped"]
