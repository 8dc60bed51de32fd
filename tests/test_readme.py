"""The README's promises that code can check: the column table matches the schema, CI runs its test command."""
from __future__ import annotations

import re
from pathlib import Path

from corpus.schema import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_column_table_is_the_schema():
    block = README.split("<!-- columns", 1)[1].split("<!-- /columns -->", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \| (.+?) \|$", block, re.M)
    expected = [(f.name, str(f.type), f.metadata[b"doc"].decode()) for f in SCHEMA]
    assert rows == expected, "README column table is out of date: regenerate it from corpus/schema.py"


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"^(make \w+)\s+#", README.split("## Two commands on a fresh machine", 1)[1], re.M)
    assert commands[:2] == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call exactly the README's test command"
