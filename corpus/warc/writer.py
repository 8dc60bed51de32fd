"""The WARC writer: a warcinfo record, then a response and a request record per exchange, each its own gzip member.

What the records hold (the honest part):
- the response record's HTTP headers are those Scrapy received, less `Transfer-Encoding` (the HTTP client has
  already undone chunking, so the stored body is not chunked and the header would lie); `Content-Encoding` and
  `Content-Length` are kept, because the body is stored as received, still compressed if the server compressed
  it. The status line's reason phrase is the standard one for the code (Scrapy keeps none).
- the request record holds the method, URL path and headers Scrapy sent (plus `Host`, which the HTTP client adds
  on the wire), and refers to its response by WARC-Concurrent-To.
- WARC/1.1 with microsecond WARC-Date, the time the response arrived (the row's fetched_at); warcio adds
  WARC-Block-Digest and WARC-Payload-Digest (sha1), which the reader checks.
"""
from __future__ import annotations

import io
from typing import IO, Iterable
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from corpus.version import __version__
from corpus.warc.records import Exchange, reason_phrase

DROPPED_HEADERS = frozenset({"transfer-encoding"})


def warc_date(exchange: Exchange) -> str:
    return datetime_to_iso_date(exchange.date.replace(tzinfo=None), use_micros=True)


def write_warc(fh: IO[bytes], exchanges: Iterable[Exchange], *, filename: str,
               info: dict[str, str] | None = None) -> dict[str, int]:
    """Write a whole WARC file into `fh` (opened at offset 0); returns each response record's offset by record id."""
    writer = WARCWriter(fh, gzip=True, warc_version="1.1")
    fields = {"software": f"spamcorpus/{__version__} (warcio)", "format": "WARC File Format 1.1",
              "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
              **(info or {})}
    writer.write_record(writer.create_warcinfo_record(filename, fields))
    offsets: dict[str, int] = {}
    for ex in exchanges:
        offsets[ex.record_id] = fh.tell()
        date = warc_date(ex)
        response_headers = [(k, v) for k, v in ex.headers if k.lower() not in DROPPED_HEADERS]
        http = StatusAndHeaders(f"{ex.status} {reason_phrase(ex.status)}".rstrip(), response_headers,
                                protocol=ex.protocol)
        warc_headers = {"WARC-Record-ID": ex.record_id, "WARC-Date": date}
        if ex.ip_address:
            warc_headers["WARC-IP-Address"] = ex.ip_address
        writer.write_record(writer.create_warc_record(ex.target_uri, "response", payload=io.BytesIO(ex.body),
                                                      length=len(ex.body), http_headers=http,
                                                      warc_headers_dict=warc_headers))
        writer.write_record(_request_record(writer, ex, date))
    return offsets


def _request_record(writer: WARCWriter, ex: Exchange, date: str):
    parts = urlsplit(ex.target_uri)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(ex.request_headers)
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    http = StatusAndHeaders(f"{ex.method} {target}", headers, protocol="HTTP/1.1", is_http_request=True)
    warc_headers = {"WARC-Record-ID": ex.request_id, "WARC-Date": date, "WARC-Concurrent-To": ex.record_id}
    return writer.create_warc_record(ex.target_uri, "request", payload=io.BytesIO(ex.request_body),
                                     length=len(ex.request_body), http_headers=http, warc_headers_dict=warc_headers)
