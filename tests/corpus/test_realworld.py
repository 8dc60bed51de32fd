"""The real-world evaluation set is pinned by sha256 and split into folds that never share an operation."""
from __future__ import annotations

import shutil

import pytest

from corpus.realworld import (REALWORLD_SHA256, RealWorldError, file_sha256, group_folds, load_realworld,
                              realworld_path, rule_holdout)

pytestmark = pytest.mark.realworld  # reads the pinned real-world set


def test_the_set_is_the_pinned_file():
    # an edit to the shared set (or a different copy) must show here before any figure is reported on it
    assert file_sha256(realworld_path()) == REALWORLD_SHA256
    sidecar = realworld_path().with_name("documents.jsonl.sha256")
    assert sidecar.read_text().split()[0] == REALWORLD_SHA256


def test_an_edited_copy_is_refused(tmp_path):
    copy = tmp_path / "documents.jsonl"
    shutil.copy(realworld_path(), copy)
    with open(copy, "a", encoding="utf-8") as fh:
        fh.write("\n")
    with pytest.raises(RealWorldError, match="not the pinned"):
        load_realworld(copy)
    assert len(load_realworld(copy, verify=False)) == 227
    with pytest.raises(RealWorldError, match="no such file"):
        load_realworld(tmp_path / "missing.jsonl")


def test_folds_never_split_an_operation_and_are_deterministic():
    docs = load_realworld()
    for seed in (0, 1, 2):
        folds = group_folds(docs, 5, seed)
        seen: dict[str, int] = {}
        for doc, fold in zip(docs, folds):
            assert seen.setdefault(doc.group, fold) == fold
        assert folds == group_folds(docs, 5, seed)
        for fold in range(5):
            labels = {d.label for d, f in zip(docs, folds) if f == fold}
            assert {"spam", "benign"} <= labels
    assert group_folds(docs, 5, 0) != group_folds(docs, 5, 1)


def test_rule_holdout_is_a_third_of_the_groups_and_whole_groups():
    docs = load_realworld()
    held = [d for d in docs if rule_holdout(d)]
    assert 0.2 < len(held) / len(docs) < 0.45
    by_group: dict[str, set[bool]] = {}
    for d in docs:
        by_group.setdefault(d.group, set()).add(rule_holdout(d))
    assert all(len(v) == 1 for v in by_group.values())


def test_evaluate_reads_the_set_and_says_its_figures_are_training_figures():
    from click.testing import CliRunner

    from spamcorpus.cli import main

    result = CliRunner().invoke(main, ["evaluate", str(realworld_path())])
    assert result.exit_code == 0, result.output
    assert "223 documents, 105 spam, 4 borderline skipped" in result.output
    assert "training figures" in result.output
