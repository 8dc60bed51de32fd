"""The baseline classifier on a real release: learns the families, reproduces the card's figures, fails honestly."""
from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from click.testing import CliRunner

from spamcorpus.cli import main
from corpus.release.baseline import MIN_TEST_PER_SIDE, MIN_TEST_ROWS, TEST_MINIMUM, run_baseline
from corpus.release.build import ReleaseConfig, build_release
from corpus.release.table import read_release_table, write_parquet
from tests.corpus.test_release_fixtures import EN_WORDS, annotate, corpus_rows, write_corpus


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("baseline")
    rows = corpus_rows(seed=5)
    write_corpus(root / "corpus", rows)
    annotate(rows, root / "annotations")
    return root


@pytest.fixture(scope="module")
def release(inputs):
    return build_release(inputs / "corpus", inputs / "annotations", inputs / "out",
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


def tree_sha256(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _rows(spam: int, benign: int, split: str = "test") -> list[dict]:
    return [{"doc_id": f"{split}{i:03d}", "split": split, "title": "", "text": f"words {i}", "lang": "en",
             "verdict": "spam" if i < spam else "benign", "family": "loans" if i < spam else None}
            for i in range(spam + benign)]


@pytest.mark.parametrize("spam,benign,reported", [
    (MIN_TEST_ROWS - MIN_TEST_PER_SIDE - 1, MIN_TEST_PER_SIDE, False),   # one row short of the total
    (MIN_TEST_ROWS, MIN_TEST_PER_SIDE - 1, False),                       # enough rows, too few benign
    (MIN_TEST_PER_SIDE - 1, MIN_TEST_ROWS, False),                       # too few spam
    (MIN_TEST_ROWS - MIN_TEST_PER_SIDE, MIN_TEST_PER_SIDE, True),        # exactly the minimum
])
def test_no_figures_under_the_stated_minimum_of_test_rows(spam, benign, reported):
    result = run_baseline(_table(_rows(20, 20, "train") + _rows(spam, benign)))
    if reported:
        assert "skipped" not in result and result["test_rows"] == spam + benign
    else:
        assert set(result) == {"skipped", "model", "test_rows"} and TEST_MINIMUM in result["skipped"]
        assert f"the test split has {spam + benign} spam or benign rows ({spam} spam, {benign} benign)" \
            in result["skipped"]


def test_cli_help_states_the_minimum():
    import spamcorpus.cli.baseline as cli
    assert cli._MINIMUM == TEST_MINIMUM  # the CLI spells it without importing the release package
    out = CliRunner().invoke(main, ["baseline", "--help"])
    assert " ".join(TEST_MINIMUM.split()) in " ".join(out.output.split())


def _one_test_row(release: Path, target: Path) -> Path:
    """A copy of a real release whose test split keeps a single row (the rest moved to train)."""
    shutil.copytree(release, target)
    table = read_release_table(target)
    rows = table.select(["split", "verdict"]).to_pylist()
    first_test = next(i for i, r in enumerate(rows) if r["split"] == "test" and r["verdict"] in ("spam", "benign"))
    split = ["test" if i == first_test else "train" for i in range(table.num_rows)]
    table = table.set_column(table.schema.get_field_index("split"), "split", pa.array(split))
    for f in (target / "data").glob("*.parquet"):
        f.unlink()
    for name in ("train", "test"):
        part = table.filter(pc.equal(table.column("split"), name)).drop_columns(["split"])
        write_parquet(part, target / "data" / f"{name}-00000-of-00001.parquet")
    return target


def test_cli_refuses_figures_on_an_empty_or_one_row_test_split(inputs, release, tmp_path):
    runner = CliRunner()
    # a real release built with no test split at all
    built = runner.invoke(main, ["release", "--name", "notest", "--version", "1.0.0", "--corpus",
                                 str(inputs / "corpus"), "--annotations", str(inputs / "annotations"),
                                 "--out", str(tmp_path), "--fractions", "0.9,0.1,0"])
    assert built.exit_code == 0, built.output
    empty = tmp_path / "notest/1.0.0"
    assert "Not run: the test split has 0 spam or benign rows" in (empty / "README.md").read_text()
    one = _one_test_row(release, tmp_path / "one")
    for root, rows in ((empty, 0), (one, 1)):
        before = tree_sha256(root)
        for extra in ([], ["--json"]):
            out = runner.invoke(main, ["baseline", str(root), *extra])
            assert out.exit_code == 1, out.output
            assert out.output.startswith(f"Error: baseline not run on {root}: the test split has {rows} spam or benign")
            assert TEST_MINIMUM in out.output and "accuracy" not in out.output and "Traceback" not in out.output
        assert tree_sha256(root) == before
