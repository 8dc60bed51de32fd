"""The released row: an explicit schema with a description per column, and deterministic Parquet split files."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

CONTACT = pa.struct([
    pa.field("kind", pa.string()), pa.field("value", pa.string()), pa.field("where", pa.string()),
])

_FIELDS: list[tuple[str, pa.DataType, str]] = [
    ("doc_id", pa.string(), "hex sha256 of the canonical URL; stable across releases"),
    ("url", pa.string(), "URL the text was read from (after redirects)"),
    ("host", pa.string(), "lowercase host of url"),
    ("site", pa.string(), "host, or host plus account path on shared platforms: the unit no split shares"),
    ("lang", pa.string(), "ISO 639-1 language of the text, or und"),
    ("script", pa.string(), "ISO 15924 script for Chinese (Hans or Hant), else empty"),
    ("title", pa.string(), "page title"),
    ("text", pa.string(), "main text of the page (boilerplate removed)"),
    ("contacts", pa.list_(CONTACT), "contacts advertised on the page: kind, normal-form value, where found"),
    ("campaign_id", pa.string(), "template campaign (near-duplicates and shared handles) the page belongs to"),
    ("verdict", pa.string(), "resolved label: spam, benign or borderline"),
    ("family", pa.string(), "spam family for verdict spam, else null"),
    ("label_source", pa.string(), "how the label was obtained: human, adjudicated, propagated or silver"),
    ("n_annotators", pa.int32(), "number of human annotators who labelled this document"),
    ("agreement", pa.float32(), "share of those annotators whose verdict equals the released verdict"),
    ("spam_score", pa.float32(), "crawler detector score 0..1 (not a label)"),
    ("family_guess", pa.string(), "crawler detector family guess (not a label)"),
    ("detector_version", pa.string(), "the detector model that gave spam_score and family_guess"),
    ("fetched_at", pa.timestamp("us", tz="UTC"), "when the page was fetched (UTC)"),
    ("crawl_job", pa.string(), "crawl job that collected the page"),
]
HTML_FIELD = ("body", pa.binary(), "raw response body as crawled (only in releases built with --include-html)")

# Fixed writer options: together with a stable row order they make the files byte-identical per input.
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True,
                       data_page_version="1.0", version="2.6")  # v1 data pages: the widest reader support
ROW_GROUP_SIZE = 10_000


def release_schema(include_html: bool = False) -> pa.Schema:
    fields = _FIELDS + ([HTML_FIELD] if include_html else [])
    return pa.schema([pa.field(n, t, metadata={"description": d}) for n, t, d in fields])


# Columns added after the first releases: a release built before one was added still verifies.
LATER_COLUMNS = ("detector_version",)


def earlier_column_lists(include_html: bool = False) -> list[list[str]]:
    """The release's column names as releases built before each of LATER_COLUMNS had them."""
    names = release_schema(include_html).names
    return [[n for n in names if n not in LATER_COLUMNS[i:]] for i in range(len(LATER_COLUMNS))]


def column_docs(include_html: bool = False) -> dict[str, str]:
    return {f.name: f.metadata[b"description"].decode() for f in release_schema(include_html)}


def split_file_names(split: str, rows: int, max_rows: int) -> list[str]:
    """HF-style shard names: data/<split>-00000-of-00002.parquet."""
    count = max(1, -(-rows // max_rows))
    return [f"data/{split}-{i:05d}-of-{count:05d}.parquet" for i in range(count)]


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write one file with the fixed options, fsynced (the release directory is renamed into place later)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        pq.write_table(table, fh, row_group_size=ROW_GROUP_SIZE, **PARQUET_OPTIONS)
        fh.flush()
        os.fsync(fh.fileno())


def write_splits(table: pa.Table, root: Path, max_rows: int) -> dict[str, list[str]]:
    """Write each split's rows (sorted by doc_id) as shards; returns split -> relative file names.

    A split without rows gets no file (and so no config in the card): Hugging Face `datasets` cannot read
    an empty Parquet file ("BatchSize must be greater than 0").
    """
    table = table.sort_by("doc_id")
    files: dict[str, list[str]] = {}
    for split in ("train", "validation", "test"):
        part = table.filter(pc.equal(table.column("split"), split)).drop_columns(["split"])
        if part.num_rows == 0:
            continue
        names = split_file_names(split, part.num_rows, max_rows)
        for i, name in enumerate(names):
            write_parquet(part.slice(i * max_rows, max_rows), root / name)
        files[split] = names
    return files


def read_release_table(root: str | Path, columns: list[str] | None = None) -> pa.Table:
    """All rows of a release with a `split` column, read from its data files (sorted by split, doc_id)."""
    if columns is not None and "doc_id" not in columns:
        columns = [*columns, "doc_id"]
    tables = []
    for path in sorted(Path(root, "data").glob("*.parquet")):
        split = path.name.split("-", 1)[0]
        t = pq.read_table(path, columns=columns)
        tables.append(t.append_column("split", pa.array([split] * t.num_rows, pa.string())))
    if not tables:
        return pa.table({"split": pa.array([], pa.string())})
    return pa.concat_tables(tables).sort_by([("split", "ascending"), ("doc_id", "ascending")])
