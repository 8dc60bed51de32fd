"""The corpus row: an explicit, versioned pyarrow schema with a docstring per field."""
from __future__ import annotations

from typing import Any

import pyarrow as pa

SCHEMA_VERSION = 2  # 2: warc_file, warc_offset (a version-1 shard reads with both null)

CONTACT_TYPE = pa.struct(
    [
        pa.field("kind", pa.string(), metadata={"doc": "telegram, whatsapp, phone, wechat, qq, line, email or url"}),
        pa.field("value", pa.string(), metadata={"doc": "normal form: telegram handle lowercase without @, E.164, ..."}),
        pa.field("where", pa.string(), metadata={"doc": "title, text (main text), boilerplate (rest of page) or link"}),
    ]
)

_FIELDS: list[tuple[str, pa.DataType, bool, str]] = [
    ("doc_id", pa.string(), False, "hex sha256 of the canonical final URL; stable across runs"),
    ("url", pa.string(), False, "URL as requested (first of any redirect chain)"),
    ("final_url", pa.string(), False, "URL after redirects, the one the body came from"),
    ("host", pa.string(), False, "lowercase host of final_url"),
    ("fetched_at", pa.timestamp("us", tz="UTC"), False, "when the response arrived (UTC)"),
    ("status", pa.int16(), False, "HTTP status of the final response"),
    ("content_type", pa.string(), True, "media type from the Content-Type header, lowercase"),
    ("doc_format", pa.string(), False, "html, markdown or text: how the body was read"),
    ("encoding", pa.string(), False, "character encoding used to decode the body"),
    ("encoding_source", pa.string(), False, "bom, header, meta, detected or default"),
    ("replacement_ratio", pa.float32(), False, "share of U+FFFD characters in the decoded text"),
    ("title", pa.string(), False,
     "<title> or first h1; a raw file's front matter, metadata or mail Subject, a source file's page title, "
     "else its first heading or line"),
    ("text", pa.string(), False,
     "main text (boilerplate removed); all visible text where none is main; an HTML app shell's head description"),
    ("lang", pa.string(), False, "ISO 639-1 language of text, or und"),
    ("script", pa.string(), False, "ISO 15924 script for zh (Hans or Hant), else empty"),
    ("contacts", pa.list_(CONTACT_TYPE), False, "contacts found anywhere on the page, normal form, deduplicated"),
    ("links", pa.list_(pa.string()), False, "absolute http(s) links on the page, in order, deduplicated"),
    ("spam_score", pa.float32(), False, "detector score 0..1; 0.5 is the decision point"),
    ("spam_signals", pa.list_(pa.string()), False, "names of detector signals that fired"),
    ("family_guess", pa.string(), False, "detector's spam family guess (a family of corpus/labels.py) or other"),
    ("detector_version", pa.string(), False, "version of the detector that scored this row"),
    ("text_sha256", pa.string(), False, "hex sha256 of text (UTF-8)"),
    ("crawl_job", pa.string(), False, "name of the crawl job that fetched the page"),
    ("run_id", pa.string(), False, "id of the crawl run (process) that wrote the row"),
    ("depth", pa.int16(), False, "link depth from the seeds"),
    ("referrer", pa.string(), True, "page the link was found on, null for seeds"),
    ("body", pa.binary(), False, "raw response body as received (Parquet zstd-compresses it)"),
    ("schema_version", pa.int16(), False, "version of this schema"),
    ("warc_file", pa.string(), True, "WARC file holding the response record the row was built from: relative to the "
     "corpus for a crawl (_warc/...), the source archive's path for an ingest; null if not archived (--no-warc)"),
    ("warc_offset", pa.int64(), True, "byte offset of that response record in warc_file (its gzip member's start)"),
]
# nullable columns added after version 1: a shard written before them reads with nulls there
ADDED_NULLABLE = ("warc_file", "warc_offset")

SCHEMA = pa.schema(
    [pa.field(name, typ, nullable=nullable, metadata={"doc": doc}) for name, typ, nullable, doc in _FIELDS],
    metadata={"spamcorpus.schema_version": str(SCHEMA_VERSION)},
)
COLUMNS = [name for name, *_ in _FIELDS]
_COLUMN_SET = frozenset(COLUMNS)
REQUIRED = [name for name, _typ, nullable, _doc in _FIELDS if not nullable]


class SchemaError(ValueError):
    """A row that does not fit the corpus schema."""


def validate_row(row: dict[str, Any]) -> None:
    """Raise SchemaError if a row misses columns, has extra ones, or has nulls where none are allowed."""
    if row.keys() != _COLUMN_SET:
        missing = [c for c in COLUMNS if c not in row]
        extra = [c for c in row if c not in _COLUMN_SET]
        raise SchemaError(f"row columns differ from schema: missing={missing} extra={extra}")
    nulls = [c for c in REQUIRED if row[c] is None]
    if nulls:
        raise SchemaError(f"null in non-nullable columns: {nulls}")
    if not 0.0 <= float(row["spam_score"]) <= 1.0:
        raise SchemaError(f"spam_score out of range: {row['spam_score']}")


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Build a table with exactly SCHEMA from row dicts (raises pyarrow errors on type mismatch)."""
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def conform(table: pa.Table, columns: list[str] | None = None) -> pa.Table:
    """`table` (read from a shard) with the columns added since its version (ADDED_NULLABLE) as nulls."""
    wanted = columns or COLUMNS
    missing = [name for name in ADDED_NULLABLE if name in wanted and name not in table.column_names]
    if not missing or any(c not in table.column_names for c in wanted if c not in missing):
        return table  # nothing to add, or another schema altogether (integrity names it)
    for name in missing:
        table = table.append_column(SCHEMA.field(name), pa.nulls(table.num_rows, SCHEMA.field(name).type))
    return table.select(wanted)


def field_docs() -> dict[str, str]:
    """Column name -> one-line description, for the README and the dataset card."""
    return {f.name: f.metadata[b"doc"].decode() for f in SCHEMA}
