"""Defaults live only in crawler/settings.py: components read SPAMCORPUS_* settings without a fallback of their own."""
from __future__ import annotations

import ast
from pathlib import Path

import crawler.settings as project

ROOT = Path(__file__).resolve().parents[2] / "crawler"
GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict"}


def setting_reads():
    """(file, line, name, has_default) of every settings.get*("SPAMCORPUS_…") call in the crawler."""
    for path in ROOT.rglob("*.py"):
        if path.name == "settings.py" or "sample_web" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in GETTERS
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value).startswith("SPAMCORPUS_")):
                yield path.relative_to(ROOT.parent), node.lineno, node.args[0].value, len(node.args) > 1


def test_the_crawler_reads_spamcorpus_settings_somewhere():
    assert len(list(setting_reads())) >= 10  # the scan itself works


def test_no_component_repeats_a_default():
    repeated = [f"{f}:{line} {name}" for f, line, name, has_default in setting_reads() if has_default]
    assert not repeated, "defaults belong in crawler/settings.py: " + ", ".join(repeated)


def test_every_setting_read_has_its_default_in_settings():
    missing = sorted({name for *_, name, _ in setting_reads() if not hasattr(project, name)})
    # the run's identity and job name are set per run by the spider, never defaulted
    assert set(missing) <= {"SPAMCORPUS_RUN_ID", "SPAMCORPUS_JOB_NAME"}, missing
