"""Pulled annotations and propagated labels on disk: explicit pyarrow schemas and readers.

Layout of one project's folder (default `datasets/annotations/<project>/`), written by annotate/:

    annotations.parquet   one row per human annotation pulled from Label Studio
    propagated.parquet    labels copied from a campaign's annotated representative to its other rows
    ledger.parquet        the push ledger: which doc_id became which task

The release builder (corpus/release) reads these through the functions below and never imports annotate/.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ANNOTATIONS_FILE = "annotations.parquet"
PROPAGATED_FILE = "propagated.parquet"
LEDGER_FILE = "ledger.parquet"

SPAN_TYPE = pa.struct([
    pa.field("start", pa.int32()), pa.field("end", pa.int32()),
    pa.field("label", pa.string()), pa.field("text", pa.string()),
])

ANNOTATION_SCHEMA = pa.schema([
    pa.field("project", pa.string(), nullable=False),
    pa.field("task_id", pa.int64(), nullable=False),
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("annotation_id", pa.int64(), nullable=False),
    pa.field("annotator", pa.string(), nullable=False),        # pseudonymous id, never an e-mail
    pa.field("verdict", pa.string()),                          # spam, benign, borderline; null if not chosen
    pa.field("family", pa.string()),                           # corpus.labels.FAMILIES; null unless spam
    pa.field("spans", pa.list_(SPAN_TYPE), nullable=False),
    pa.field("note", pa.string()),
    pa.field("created_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("updated_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("lead_time", pa.float64()),                       # seconds the annotator spent
    pa.field("accepted_prediction", pa.bool_(), nullable=False),  # submitted the pre-annotation unchanged
    pa.field("was_cancelled", pa.bool_(), nullable=False),     # skipped by the annotator
])

PROPAGATED_SCHEMA = pa.schema([
    pa.field("project", pa.string(), nullable=False),
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("campaign_id", pa.string(), nullable=False),
    pa.field("source_doc_id", pa.string(), nullable=False),    # the annotated representative
    pa.field("verdict", pa.string(), nullable=False),
    pa.field("family", pa.string()),
    pa.field("source_annotations", pa.int32(), nullable=False),  # human annotations behind the source label
    pa.field("propagated_at", pa.timestamp("us", tz="UTC"), nullable=False),
])

LEDGER_SCHEMA = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("task_id", pa.int64(), nullable=False),
    pa.field("project", pa.string(), nullable=False),
    pa.field("project_id", pa.int64(), nullable=False),
    pa.field("pushed_at", pa.timestamp("us", tz="UTC"), nullable=False),
    # how the row was chosen: strategy (uncertain | diverse | random, or "select" for filters/sampling), its seed,
    # and the detector version whose score it was chosen by; null for rows recovered from the server
    pa.field("strategy", pa.string()),
    pa.field("seed", pa.int64()),
    pa.field("detector_version", pa.string()),
])


def _read(path: Path, schema: pa.Schema) -> pa.Table:
    if not path.exists():
        return schema.empty_table()
    return pq.read_table(path, schema=schema)


def read_annotations(project_dir: str | Path) -> pa.Table:
    """Every pulled human annotation of one project (empty table if none were pulled)."""
    return _read(Path(project_dir) / ANNOTATIONS_FILE, ANNOTATION_SCHEMA)


def read_propagated(project_dir: str | Path) -> pa.Table:
    """Labels propagated within campaigns (empty table if none)."""
    return _read(Path(project_dir) / PROPAGATED_FILE, PROPAGATED_SCHEMA)


def read_ledger(project_dir: str | Path) -> pa.Table:
    """The push ledger (empty table if nothing was pushed)."""
    return _read(Path(project_dir) / LEDGER_FILE, LEDGER_SCHEMA)
