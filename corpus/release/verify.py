"""`release verify`: the manifest, the card, the Croissant file and the data agree, and no split leaks."""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.labels import LABEL_SOURCES, VERDICTS
from corpus.release.card import split_front_matter
from corpus.release.croissant import check_croissant
from corpus.release.manifest import check_manifest
from corpus.release.splits import HANDLE_KINDS, crossing_keys, group_keys
from corpus.release.table import earlier_column_lists, read_release_table, release_schema

REQUIRED_KEYS = ("license", "language", "task_categories", "size_categories", "configs", "dataset_info")
REQUIRED_SECTIONS = ("## Dataset structure", "## Collection", "## Annotation", "## Label distribution",
                     "## Splits without leakage", "## Known biases", "## Personal and sensitive information",
                     "## Intended use")


@dataclass
class VerifyReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    files: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _split_rows(root: Path) -> dict[str, int]:
    rows: dict[str, int] = {}
    for path in sorted((root / "data").glob("*.parquet")):
        split = path.name.split("-", 1)[0]
        rows[split] = rows.get(split, 0) + pq.ParquetFile(path).metadata.num_rows
    return rows


def check_card(root: Path) -> list[str]:
    """The card's front matter parses, has the Hub's keys, and its configs and sizes match the data files."""
    path = root / "README.md"
    if not path.is_file():
        return ["no README.md"]
    import yaml

    try:
        head, body = split_front_matter(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return [f"README.md: {exc}"]
    try:
        meta: Any = yaml.safe_load(head)
    except yaml.YAMLError as exc:
        return [f"README.md front matter is not valid YAML: {exc}"]
    if not isinstance(meta, dict):
        return ["README.md front matter is not a mapping"]
    problems = [f"README.md front matter lacks `{k}`" for k in REQUIRED_KEYS if k not in meta]
    problems += [f"README.md lacks the section `{s}`" for s in REQUIRED_SECTIONS if s not in body]
    data_files = sorted(p.relative_to(root).as_posix() for p in (root / "data").glob("*.parquet"))
    covered: set[str] = set()
    for config in meta.get("configs") or []:
        for entry in config.get("data_files") or []:
            matched = fnmatch.filter(data_files, entry.get("path", ""))
            if not matched:
                problems.append(f"README.md config path {entry.get('path')!r} matches no data file")
            covered.update(matched)
    problems += [f"data file not in the card's configs: {f}" for f in data_files if f not in covered]
    rows = _split_rows(root)
    info = meta.get("dataset_info") or {}
    for split in info.get("splits") or []:
        if rows.get(split.get("name"), 0) != split.get("num_examples"):
            problems.append(f"README.md says {split.get('name')} has {split.get('num_examples')} rows, "
                            f"the files hold {rows.get(split.get('name'), 0)}")
    names = [f.get("name") for f in info.get("features") or []]
    if data_files and names != pq.read_schema(root / data_files[0]).names:
        problems.append("README.md features differ from the data files' columns")
    return problems


def check_data(root: Path, handle_kinds: tuple[str, ...] = HANDLE_KINDS) -> tuple[list[str], int]:
    """Schemas, label values, unique ids and leak-freedom of the data files."""
    files = sorted((root / "data").glob("*.parquet"))
    if not files:
        return ["no data files in data/"], 0
    problems = []
    allowed = [release_schema(h).names for h in (False, True)]
    allowed += [names for h in (False, True) for names in earlier_column_lists(h)]
    for path in files:
        if path.name.split("-", 1)[0] not in ("train", "validation", "test"):
            problems.append(f"data file of no split: {path.name}")
        if pq.read_schema(path).names not in allowed:
            problems.append(f"unexpected columns in {path.name}")
    if problems:
        return problems, 0
    try:  # a footer that reads can still sit on damaged pages
        table = read_release_table(root, columns=["doc_id", "campaign_id", "contacts", "site", "verdict",
                                                  "label_source"])
    except (pa.ArrowException, OSError) as exc:
        return [f"unreadable data in data/: {exc}"], 0
    rows = table.to_pylist()
    if len({r["doc_id"] for r in rows}) != len(rows):
        problems.append("a doc_id appears more than once")
    problems += [f"bad verdict {v!r}" for v in sorted({r["verdict"] for r in rows} - set(VERDICTS), key=str)]
    problems += [f"bad label_source {v!r}" for v in
                 sorted({r["label_source"] for r in rows} - set(LABEL_SOURCES), key=str)]
    keys = [group_keys(r["campaign_id"], r["contacts"], r["site"], handle_kinds) for r in rows]
    leaks = crossing_keys(keys, [r["split"] for r in rows])
    problems += [f"{key} is in splits {', '.join(splits)}" for key, splits in list(leaks.items())[:20]]
    return problems, len(rows)


def unreadable_data_files(root: Path) -> list[str]:
    """Data files whose Parquet footer or schema cannot be read (torn, truncated or not Parquet)."""
    broken = []
    for path in sorted((root / "data").glob("*.parquet")):
        try:
            _ = pq.ParquetFile(path).schema_arrow
        except (pa.ArrowException, OSError) as exc:
            broken.append(f"unreadable data file {path.relative_to(root).as_posix()}: {exc}")
    return broken


def verify_release(root: str | Path) -> VerifyReport:
    """Every check; the report lists all problems found (an empty list means the release is intact)."""
    root = Path(root)
    report = VerifyReport(root)
    if not root.is_dir():
        report.problems.append(f"{root} is not a directory")
        return report
    report.problems += check_manifest(root)
    report.files = sum(1 for p in root.rglob("*") if p.is_file())
    report.problems += check_croissant(root)
    broken = unreadable_data_files(root)
    if broken:  # the card and data checks read every data file: report the damage instead
        report.problems += broken
        return report
    report.problems += check_card(root)
    try:
        stats = json.loads((root / "stats.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.problems.append(f"stats.json unreadable: {exc}")
        stats = {}
    kinds = tuple(stats.get("grouping", {}).get("handle_kinds", HANDLE_KINDS))
    data_problems, report.rows = check_data(root, kinds)
    report.problems += data_problems
    if stats and stats.get("rows") != report.rows:
        report.problems.append(f"stats.json says {stats.get('rows')} rows, the data files hold {report.rows}")
    return report
