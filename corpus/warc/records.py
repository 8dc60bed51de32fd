"""The plain values that travel between the crawler, the WARC writer and the WARC reader (no Scrapy, no I/O)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus


def new_record_id() -> str:
    """A WARC-Record-ID: `<urn:uuid:...>` (a placeholder in a row's warc_file until its WARC is committed)."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def is_record_id(value: object) -> bool:
    return isinstance(value, str) and value.startswith("<urn:uuid:")


def reason_phrase(status: int) -> str:
    """Scrapy keeps no reason phrase: the standard one for the status (an unknown status gets none)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response it got, as seen by the crawler (written as two WARC records).

    `body` is the response body as received on the wire, after the HTTP client undid chunked transfer coding and
    before any Content-Encoding was decoded (so a gzip-compressed page is stored compressed, with its header)."""

    record_id: str  # WARC-Record-ID of the response record
    target_uri: str
    date: datetime  # when the response arrived (UTC)
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None
    request_id: str = field(default_factory=new_record_id)

    def size(self) -> int:
        return len(self.body) + len(self.request_body) + 512


@dataclass(frozen=True)
class ArchivedResponse:
    """A response record read back from a WARC or ARC file; `body` has its Content-Encoding decoded."""

    offset: int  # where the record starts in the file (the gzip member's first byte for .warc.gz)
    target_uri: str
    date: datetime
    status: int
    headers: dict[str, str]  # lowercase names, first value of each (as the crawler reads a response's headers)
    body: bytes


@dataclass(frozen=True)
class Damaged:
    """A record that could not be read whole; `reason` is the drop's stats key."""

    offset: int
    reason: str  # warc_truncated | warc_malformed | warc_bad_digest | too_large
    detail: str = ""
