"""Reading a release's inputs: corpus rows, campaign assignments and every project's annotations."""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from corpus.annotations import (ANNOTATION_SCHEMA, ANNOTATIONS_FILE, PROPAGATED_FILE, PROPAGATED_SCHEMA,
                                read_annotations, read_propagated)
from corpus.durable import sha256_file
from corpus.release.resolve import LabelPolicy

CORPUS_COLUMNS = ["doc_id", "final_url", "host", "lang", "script", "title", "text", "contacts", "spam_score",
                  "family_guess", "detector_version", "fetched_at", "crawl_job"]
NO_CAMPAIGNS = "none: the corpus had no campaign assignment, so every document is its own campaign"
WITH_CAMPAIGNS = "assigned by `spamcorpus campaigns` (MinHash/LSH near-duplicates joined by shared handles)"


class ReleaseError(RuntimeError):
    """A release cannot be built, or a directory is not a valid release."""


@dataclass
class Inputs:
    corpus: pa.Table
    campaigns: dict[str, str]
    campaign_source: str
    annotations: pa.Table
    propagated: pa.Table
    policy: LabelPolicy
    fingerprint: dict[str, Any]
    newest: datetime | None


def read_campaign_map(corpus_dir: Path) -> tuple[dict[str, str], str]:
    """doc_id -> campaign_id from DIR/_campaigns/ (helper module corpus.campaigns), or ({}, why not)."""
    try:
        from corpus.campaigns import CampaignError, campaigns_computed, read_campaigns
    except ImportError:
        return {}, NO_CAMPAIGNS
    try:
        if not campaigns_computed(corpus_dir):
            return {}, NO_CAMPAIGNS
        table = read_campaigns(corpus_dir)
    except CampaignError as exc:  # damaged or foreign campaign state: do not release without campaigns silently
        raise ReleaseError(f"cannot read campaign assignments: {exc}") from None
    if table.num_rows == 0:
        return {}, NO_CAMPAIGNS
    return dict(zip(table.column("doc_id").to_pylist(), table.column("campaign_id").to_pylist())), WITH_CAMPAIGNS


def _project_dirs(annotations_dir: Path | None) -> list[Path]:
    if annotations_dir is None:  # asked for explicitly: a release of the detector's (silver) labels only
        return []
    if not annotations_dir.exists():
        # a mistyped path must not pass for "no annotations yet": that builds a silver-only release in silence
        raise ReleaseError(f"annotations folder {annotations_dir} does not exist")
    if not annotations_dir.is_dir():
        raise ReleaseError(f"annotations path {annotations_dir} is not a directory")
    return sorted(p for p in annotations_dir.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_"))
                  and ((p / ANNOTATIONS_FILE).exists() or (p / PROPAGATED_FILE).exists()))


REVIEW_FILE = "review.json"   # written by annotate/review.py: this folder's annotations are adjudications


def read_inputs(corpus_dir: str | Path, annotations_dir: str | Path | None, policy: LabelPolicy,
                include_html: bool = False) -> Inputs:
    """Everything a release is built from, with a fingerprint of the exact input files. `annotations_dir` None:
    no human labels at all; a path that does not exist is an error."""
    from corpus.store import StoreError, open_corpus

    corpus_dir = Path(corpus_dir)
    annotations_dir = Path(annotations_dir) if annotations_dir is not None else None
    try:
        store = open_corpus(corpus_dir)
        corpus = store.read(columns=CORPUS_COLUMNS + (["body"] if include_html else []))
        shards = store.manifest()
    except StoreError as exc:
        raise ReleaseError(str(exc)) from None
    if corpus.num_rows == 0:
        raise ReleaseError(f"corpus {corpus_dir} has no rows")
    campaigns, campaign_source = read_campaign_map(corpus_dir)

    annotations, propagated, projects = [], [], {}
    adjudication_projects = set(policy.adjudication_projects)
    for folder in _project_dirs(annotations_dir):
        try:
            a, p = read_annotations(folder), read_propagated(folder)
        except (pa.ArrowInvalid, OSError) as exc:
            raise ReleaseError(f"cannot read annotations in {folder}: {exc}") from None
        annotations.append(a)
        propagated.append(p)
        # the folder name stands for its project; `push --review` marks its review projects' folders
        if folder.name in policy.adjudication_projects or (folder / REVIEW_FILE).exists():
            adjudication_projects.update(a.column("project").to_pylist())
        projects[folder.name] = {
            "annotations": a.num_rows, "propagated": p.num_rows,
            "sha256": {f: sha256_file(folder / f) for f in (ANNOTATIONS_FILE, PROPAGATED_FILE)
                       if (folder / f).exists()},
        }
    ann = pa.concat_tables(annotations) if annotations else ANNOTATION_SCHEMA.empty_table()
    prop = pa.concat_tables(propagated) if propagated else PROPAGATED_SCHEMA.empty_table()

    times = [t for t in (pc.max(corpus.column("fetched_at")).as_py(),
                         pc.max(ann.column("updated_at")).as_py() if ann.num_rows else None,
                         pc.max(prop.column("propagated_at")).as_py() if prop.num_rows else None) if t]
    shard_digest = hashlib.sha256("".join(sorted(e["sha256"] for e in shards)).encode()).hexdigest()
    fingerprint = {"corpus_rows": corpus.num_rows, "corpus_shards": len(shards),
                   "corpus_shards_sha256": shard_digest, "campaign_assignments": len(campaigns),
                   "annotation_projects": projects}
    policy = dataclasses.replace(policy, adjudication_projects=frozenset(adjudication_projects))
    return Inputs(corpus, campaigns, campaign_source, ann, prop, policy, fingerprint, max(times, default=None))
