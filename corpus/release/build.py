"""Build a release: read corpus, campaigns and annotations, resolve labels, split, write and seal atomically."""
from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from corpus.release.card import render_card
from corpus.release.croissant import croissant_metadata, write_croissant
from corpus.release.figures import write_figures
from corpus.release.info import release_info
from corpus.release.inputs import ReleaseError, read_inputs
from corpus.release.manifest import write_manifest
from corpus.release.resolve import LabelPolicy, resolve_labels
from corpus.release.splits import SplitConfig, assign_splits, crossing_keys, group_keys, site_of
from corpus.release.stats import release_stats
from corpus.release.table import column_docs, release_schema, write_splits

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


@dataclass(frozen=True)
class ReleaseConfig:
    name: str
    version: str
    policy: LabelPolicy = field(default_factory=LabelPolicy)
    splits: SplitConfig = field(default_factory=SplitConfig)
    include_html: bool = False
    max_rows_per_file: int = 500_000
    date: str | None = None            # YYYY-MM-DD; default: the newest input time (never the build time)
    license: str = "other"
    pretty_name: str | None = None
    description: str | None = None
    homepage: str | None = None
    contact: str = "the maintainers of this release"
    baseline: bool = True

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ReleaseError(f"release name {self.name!r} must match {NAME.pattern}")
        if not VERSION.fullmatch(self.version):
            raise ReleaseError(f"release version {self.version!r} must be X.Y.Z (semantic version)")
        if self.date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.date):
            raise ReleaseError(f"date {self.date!r} must be YYYY-MM-DD")
        if self.max_rows_per_file < 1:
            raise ReleaseError("max_rows_per_file must be at least 1")


@dataclass
class ReleaseResult:
    path: Path
    rows: int
    splits: dict[str, int]
    dropped: dict[str, int]
    queue: int
    manifest_sha256: str
    stats: dict[str, Any]


def _release_table(inputs, resolution, config: ReleaseConfig) -> tuple[pa.Table, Any]:
    """Labelled corpus rows in the release schema plus a `split` column, sorted by doc_id."""
    corpus = inputs.corpus.sort_by("doc_id")
    rows = [r for r in corpus.to_pylist() if r["doc_id"] in resolution.labels]
    for r in rows:
        label = resolution.labels[r["doc_id"]]
        r["url"] = r.pop("final_url")
        r["site"] = site_of(r["url"], r["host"], config.splits.shared_platforms)
        r["campaign_id"] = inputs.campaigns.get(r["doc_id"]) or f"doc-{r['doc_id'][:16]}"
        r.update(verdict=label.verdict, family=label.family, label_source=label.source,
                 n_annotators=label.n_annotators, agreement=label.agreement)
    schema = release_schema(config.include_html)
    table = pa.Table.from_pylist(rows, schema=schema)
    keys = [group_keys(r["campaign_id"], r["contacts"], r["site"], config.splits.handle_kinds) for r in rows]
    strata = [f"{r['family'] or r['verdict']}|{r['lang']}" for r in rows]
    result = assign_splits([r["doc_id"] for r in rows], keys, strata, config.splits)
    leaks = crossing_keys(keys, result.split)
    if leaks:  # cannot happen unless the splitter is broken: refuse to publish a leaking release
        raise ReleaseError(f"split leak: {len(leaks)} keys cross splits, e.g. {next(iter(leaks.items()))}")
    table = table.append_column("split", pa.array(result.split, pa.string()))
    table = table.replace_schema_metadata(None)
    return table, result


_TMP = re.compile(r"\.(.+)\.tmp-(\d+)-[0-9a-f]{8}")


def remove_stale_builds(parent: Path) -> list[str]:
    """Delete temporary build directories left by killed builds (their process is gone)."""
    removed = []
    for entry in sorted(parent.iterdir()):
        match = _TMP.fullmatch(entry.name)
        if not match or not entry.is_dir():
            continue
        try:
            os.kill(int(match.group(2)), 0)
            continue                      # that build is still running (or the pid was reused): leave it
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry.name)
    return removed


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _write_json(path: Path, data: Any) -> None:
    _write_text(path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


def build_release(corpus_dir: str | Path, annotations_dir: str | Path | None, out_dir: str | Path,
                  config: ReleaseConfig) -> ReleaseResult:
    """Write out_dir/NAME/VERSION/ from the inputs; refuses an existing version; atomic (temp dir + rename).
    `annotations_dir` None builds without human labels (with include_silver); a missing folder is an error."""
    target = Path(out_dir) / config.name / config.version
    if target.exists():
        raise ReleaseError(f"{target} already exists: releases are immutable, choose a new version")
    inputs = read_inputs(corpus_dir, annotations_dir, config.policy, config.include_html)
    resolution = resolve_labels(inputs.corpus, inputs.annotations, inputs.propagated, inputs.policy)
    if not resolution.labels:
        raise ReleaseError("no document has a label: pull annotations first, or build with --include-silver")
    table, split_result = _release_table(inputs, resolution, config)

    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(target.parent)
    tmp = target.parent / f".{config.version}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        files = write_splits(table, tmp, config.max_rows_per_file)
        stats = release_stats(table, files, tmp, inputs, resolution, split_result, config)
        info = release_info(config, stats)
        write_figures(table, resolution.agreement, tmp)
        baseline: dict[str, Any] = {}
        if config.baseline:
            from corpus.release.baseline import run_baseline
            baseline = run_baseline(table, seed=config.splits.seed)
            _write_json(tmp / "baseline.json", baseline)
        _write_json(tmp / "stats.json", stats)
        _write_text(tmp / "adjudication_queue.jsonl", "".join(
            json.dumps(q, sort_keys=True, ensure_ascii=False) + "\n" for q in resolution.queue))
        if config.license == "other":
            _write_text(tmp / "LICENSE.md", f"# License\n\n{info['license_text']}\n")
        schema = release_schema(config.include_html)
        write_croissant(tmp, croissant_metadata(tmp, files, schema, info))
        _write_text(tmp / "README.md", render_card(stats, schema, info, baseline, column_docs(config.include_html)))
        manifest_sha = write_manifest(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.rename(tmp, target)  # fails if another build created the version meanwhile
        except OSError as exc:
            raise ReleaseError(f"{target} appeared during the build ({exc}); nothing was overwritten") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseResult(target, table.num_rows, {k: v["rows"] for k, v in stats["splits"].items()},
                         stats["dropped"], len(resolution.queue), manifest_sha, stats)
