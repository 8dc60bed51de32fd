"""Campaign propagation: a campaign's human-labelled representative lends its verdict to the campaign's other rows.

Propagated labels live in their own file (propagated.parquet), name their source row and how many human
annotations stand behind it, and are never given to a row that has a human label of its own. A campaign
whose labelled rows disagree propagates nothing. Each run recomputes the whole file from the current
annotations and campaigns, so a changed human label never leaves a stale propagated one behind.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from annotate.files import project_dir, project_lock, write_table
from corpus.annotations import PROPAGATED_FILE, PROPAGATED_SCHEMA, read_annotations
from corpus.labels import VERDICTS


class PropagationError(RuntimeError):
    """Nothing to propagate from or to (no annotations pulled, no campaigns computed)."""


@dataclass
class Consensus:
    verdict: str
    family: str | None
    annotations: int


@dataclass
class PropagateReport:
    labelled_docs: int
    campaigns_with_source: int = 0
    propagated: int = 0
    skipped: Counter = field(default_factory=Counter)   # reason -> campaigns (or docs for no_consensus)


def _majority(values: list) -> object | None:
    ranked = Counter(values).most_common()
    if not ranked or len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def consensus(rows: list[dict]) -> tuple[dict[str, Consensus], Counter]:
    """doc_id -> the majority verdict (and family) of its annotators' latest non-skipped annotations."""
    latest: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: (r["updated_at"], r["annotation_id"])):
        if not row["was_cancelled"] and row["verdict"] is not None:
            latest[row["doc_id"]][row["annotator"]] = row
    out, ties = {}, Counter()
    for doc_id, per_annotator in latest.items():
        verdict = _majority([r["verdict"] for r in per_annotator.values()])
        if verdict is None:
            ties["no_consensus"] += 1
            continue
        family = _majority([r["family"] for r in per_annotator.values() if r["verdict"] == "spam" and r["family"]]) \
            if verdict == "spam" else None
        out[doc_id] = Consensus(verdict, family, len(per_annotator))
    return out, ties


def propagate_labels(annotations: list[dict], campaigns: pa.Table, project: str, *, min_annotations: int = 1,
                     verdicts: tuple[str, ...] = VERDICTS, now: datetime | None = None) -> tuple[list[dict], PropagateReport]:
    """Propagated rows (PROPAGATED_SCHEMA) from annotation rows and a (doc_id, campaign_id) table (pure)."""
    human = {r["doc_id"] for r in annotations if not r["was_cancelled"] and r["verdict"] is not None}
    labels, skipped = consensus(annotations)
    report = PropagateReport(len(labels), skipped=skipped)
    doc_ids, campaign_ids = campaigns.column("doc_id").to_pylist(), campaigns.column("campaign_id").to_pylist()
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, campaign_id in zip(doc_ids, campaign_ids):
        members[campaign_id].append(doc_id)
    campaign_of = dict(zip(doc_ids, campaign_ids))
    sources: dict[str, list[str]] = defaultdict(list)
    for doc_id in labels:
        if doc_id in campaign_of:
            sources[campaign_of[doc_id]].append(doc_id)
        else:
            report.skipped["labelled_doc_not_in_campaigns"] += 1
    now = now or datetime.now(timezone.utc)
    out = []
    for campaign_id, docs in sorted(sources.items()):
        if len({labels[d].verdict for d in docs}) > 1:
            report.skipped["conflicting_labels"] += 1
            continue
        source = min(docs, key=lambda d: (-labels[d].annotations, d))
        label = labels[source]
        if label.annotations < min_annotations:
            report.skipped["too_few_annotations"] += 1
            continue
        if label.verdict not in verdicts:
            report.skipped[f"verdict_not_propagated:{label.verdict}"] += 1
            continue
        targets = sorted(d for d in members[campaign_id] if d not in human)
        if not targets:
            report.skipped["nothing_to_propagate_to"] += 1
            continue
        report.campaigns_with_source += 1
        out.extend({"project": project, "doc_id": d, "campaign_id": campaign_id, "source_doc_id": source,
                    "verdict": label.verdict, "family": label.family, "source_annotations": label.annotations,
                    "propagated_at": now} for d in targets)
    report.propagated = len(out)
    return out, report


def propagate(project: str, out_root: Path, corpus_dir: Path, *, min_annotations: int = 1,
              verdicts: tuple[str, ...] = VERDICTS) -> PropagateReport:
    """Rewrite out_root/<project>/propagated.parquet from the pulled annotations and the corpus campaigns."""
    from corpus.campaigns import campaigns_computed, read_campaigns

    pdir = project_dir(out_root, project)
    if not campaigns_computed(corpus_dir):
        raise PropagationError(f"{corpus_dir} has no campaign assignment: run `spamcorpus campaigns {corpus_dir}`")
    with project_lock(pdir):
        annotations = read_annotations(pdir).to_pylist()
        if not annotations:
            raise PropagationError(f"no annotations pulled for {project!r} in {pdir}: run `spamcorpus pull` first")
        rows, report = propagate_labels(annotations, read_campaigns(corpus_dir), project,
                                        min_annotations=min_annotations, verdicts=verdicts)
        write_table(pdir / PROPAGATED_FILE, pa.Table.from_pylist(rows, schema=PROPAGATED_SCHEMA))
    return report
