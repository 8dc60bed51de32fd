"""The row schema: explicit types, validation, and a Parquet round trip that loses nothing."""
import io
from datetime import datetime, timezone

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as st

from corpus.schema import COLUMNS, SCHEMA, SCHEMA_VERSION, SchemaError, field_docs, rows_to_table, validate_row
from tests.conftest import make_row


def test_every_field_is_documented_and_versioned():
    docs = field_docs()
    assert set(docs) == set(COLUMNS) and all(docs.values())
    assert SCHEMA.metadata[b"spamcorpus.schema_version"] == str(SCHEMA_VERSION).encode()
    for required in ("doc_id", "url", "final_url", "host", "fetched_at", "status", "title", "text", "lang",
                     "contacts", "links", "spam_score", "spam_signals", "family_guess", "text_sha256",
                     "crawl_job", "schema_version", "body"):
        assert required in COLUMNS


def test_validate_rejects_missing_extra_and_null_columns():
    row = make_row("http://a.example/x")
    validate_row(row)
    with pytest.raises(SchemaError, match="missing"):
        validate_row({k: v for k, v in row.items() if k != "text"})
    with pytest.raises(SchemaError, match="extra"):
        validate_row({**row, "surprise": 1})
    with pytest.raises(SchemaError, match="null"):
        validate_row({**row, "title": None})
    with pytest.raises(SchemaError, match="spam_score"):
        validate_row({**row, "spam_score": 1.5})


contact = st.fixed_dictionaries({
    "kind": st.sampled_from(["telegram", "wechat", "qq", "phone", "email", "whatsapp", "line", "url"]),
    "value": st.text(min_size=1, max_size=20), "where": st.sampled_from(["title", "text", "boilerplate", "link"]),
})


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), title=st.text(max_size=50), contacts=st.lists(contact, max_size=5),
       score=st.floats(0, 1, width=32), body=st.binary(max_size=200),
       links=st.lists(st.text(max_size=30), max_size=5), signals=st.lists(st.text(max_size=10), max_size=4),
       warc=st.one_of(st.none(), st.tuples(st.text(min_size=1, max_size=40), st.integers(0, 2**62))))
def test_parquet_round_trip_is_lossless(text, title, contacts, score, body, links, signals, warc):
    row = make_row("http://a.example/p", text, title=title, contacts=contacts, score=score, body=body,
                   links=links, spam_signals=signals, warc_file=warc and warc[0], warc_offset=warc and warc[1],
                   fetched_at=datetime(2026, 5, 13, 0, 14, 12, 123456, tzinfo=timezone.utc))
    validate_row(row)
    buf = io.BytesIO()
    pq.write_table(rows_to_table([row]), buf, compression="zstd")
    back = pq.read_table(io.BytesIO(buf.getvalue())).to_pylist()[0]
    assert back == row


def test_a_version_1_table_conforms_with_null_warc_columns():
    from corpus.schema import ADDED_NULLABLE, conform

    table = rows_to_table([make_row("http://a.example/v1")]).drop_columns(list(ADDED_NULLABLE))
    full = conform(table)
    assert full.schema.equals(SCHEMA, check_metadata=False)
    assert full.column("warc_file").null_count == 1 and full.column("warc_offset").null_count == 1
    assert conform(table, ["doc_id", "warc_offset"]).column_names == ["doc_id", "warc_offset"]
    other = table.drop_columns(["title"])  # another schema altogether is left as it is, for integrity to name
    assert conform(other).column_names == other.column_names
