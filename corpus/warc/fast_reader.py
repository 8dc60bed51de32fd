"""The WARC reader's fast path: FastWARC parses a gzipped WARC file while every record checks out, and hands over
to the warcio reader (reader.py) at the first record it cannot vouch for.

warcio parses headers in Python (about 0.4 ms a record, most of an ingest's reading cost); FastWARC does it in C++.
The two must give the same values, and only warcio knows how to name and step over damage, so a record is taken
from FastWARC only when nothing about it is in doubt: its gzip member is exactly the bytes from its offset to the
next record's (no garbage, no gap, no second record inside), its Content-Length is a number, and a response's block
digest is present and verifies (so the block is the bytes its writer hashed), its payload digest too when given,
its status line parses and its HTTP headers are ASCII. Anything else, or any exception, ends the fast path at that
record's offset: `FastStop.offset`, where the warcio reader starts. Bodies are decoded by warcio's own readers, as
reader.py decodes them.
"""
from __future__ import annotations

import io
import os
import zlib
from typing import IO, Iterator

from corpus.warc.records import ArchivedResponse, Damaged

PAGE_TYPES = ("response", "resource")
MAX_FAST_BLOCK = 64 * 1024 * 1024  # larger records are read by warcio, which streams them


class FastStop(Exception):
    """The fast path stopped before the record at `offset` (None: it read the whole file)."""

    def __init__(self, offset: int | None) -> None:
        super().__init__(offset)
        self.offset = offset


def available() -> bool:
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError:  # an optional speed-up: without it every file is read by warcio
        return False
    return True


def _one_member(raw: bytes) -> bytes | None:
    """What `raw` inflates to if it is exactly one complete gzip member, else None."""
    if not raw.startswith(b"\x1f\x8b\x08"):
        return None
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = []
    try:
        while raw:  # in bounded steps: a small member may inflate to a large record
            out.append(inflater.decompress(raw, 1 << 20))
            raw = inflater.unconsumed_tail
            if sum(map(len, out)) > MAX_FAST_BLOCK + (1 << 20):
                return None
    except zlib.error:
        return None
    return b"".join(out) if inflater.eof and not inflater.unused_data else None


def fast_responses(path: str | os.PathLike[str], start: int, max_body: int, date, decode_body
                   ) -> Iterator[ArchivedResponse | Damaged]:
    """The file's page records from `start` on, each after its member checked out; raises FastStop at the end.

    `date` parses a WARC-Date and `decode_body(http_headers_get, raw) -> bytes | None` undoes the HTTP encodings
    (both the warcio reader's own, so the values are the same)."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    size = os.path.getsize(path)
    with open(path, "rb") as fh, open(path, "rb") as members:
        fh.seek(start)
        held: ArchivedResponse | Damaged | None = None
        held_offset: int | None = None
        held_length = 0
        kept = False  # whether the held record is a page (else it is only a boundary)
        try:
            for record in ArchiveIterator(fh, parse_http=False, verify_digests=False):
                offset = start + record.stream_pos
                if held_offset is None and offset != start:
                    raise FastStop(start)  # FastWARC stepped over bytes before its first record: warcio names them
                if held_offset is not None:
                    if not _member_ok(members, held_offset, offset, held_length):
                        raise FastStop(held_offset)
                    if kept:
                        yield held
                held_offset, held, kept = offset, None, False
                length = record.headers.get("Content-Length") or ""
                held_length = int(length) if length.isdigit() else -1
                page = _page(record, offset, max_body, date, decode_body, WarcRecordType)
                if page is False:
                    raise FastStop(offset)
                if page is not None:
                    held, kept = page, True
        except FastStop:
            raise
        except Exception:  # noqa: BLE001 (FastWARC on a damaged file: warcio names the damage)
            raise FastStop(held_offset if held_offset is not None else start) from None
        if held_offset is None:
            raise FastStop(start if start < size else None)
        if not _member_ok(members, held_offset, size, held_length):
            raise FastStop(held_offset)
        if kept:
            yield held
        raise FastStop(None)


def _member_ok(fh: IO[bytes], begin: int, end: int, content_length: int) -> bool:
    """The bytes from `begin` to `end` are one gzip member holding one record: headers, a blank line, exactly
    `content_length` bytes of block, and the two line ends after it (what warcio checks as it reads)."""
    if end <= begin or end - begin > MAX_FAST_BLOCK:
        return False
    fh.seek(begin)
    data = _one_member(fh.read(end - begin))
    if data is None or not data.startswith(b"WARC/") or not data.endswith(b"\r\n\r\n"):
        return False
    head_end = len(data) - 4 - content_length
    return head_end >= 4 and data[head_end - 4:head_end] == b"\r\n\r\n" and data.find(b"\r\n\r\n") == head_end - 4


def _page(record, offset: int, max_body: int, date, decode_body, types):
    """The record as an ArchivedResponse (a page), None (not a page), or False (not vouched for)."""
    headers = record.headers
    length = headers.get("Content-Length") or ""
    if not length.isdigit() or int(length) > MAX_FAST_BLOCK:
        return False
    kind = record.record_type
    if kind not in (types.response, types.resource):
        return None
    uri = headers.get("WARC-Target-URI") or ""
    if not uri or uri.startswith("<") or " " in uri or not uri.isascii():
        return False  # warcio rewrites such URIs: leave them to it
    if not headers.get("WARC-Block-Digest") or not record.verify_block_digest(consume=False):
        return False
    if kind == types.response:
        record.parse_http()
    if headers.get("WARC-Payload-Digest") and not record.verify_payload_digest(consume=False):
        return False
    raw = record.reader.read()
    if kind == types.response:
        http = record.http_headers
        status = http.status_code if http is not None else None
        if not isinstance(status, int) or not record.is_http or not (http.status_line or "").startswith("HTTP/1."):
            return False
        pairs = http.items_bytes()
        if not all(k.isascii() and v.isascii() and b"\n" not in v for k, v in pairs):
            return False
        http_headers: dict[str, str] = {}
        for name, value in pairs:
            http_headers.setdefault(name.decode("ascii").lower(), value.decode("ascii").strip())
        body = decode_body(http_headers.get, raw, max_body)
    else:
        status, http_headers = 200, {"content-type": headers.get("Content-Type") or ""}
        body = raw[: max_body + 1]
    if body is None:
        return False
    if len(body) > max_body:
        return Damaged(offset, "too_large", f"body over {max_body} bytes")
    return ArchivedResponse(offset, uri, date(headers.get("WARC-Date")), status, http_headers, body)


def warcio_decode(get, raw: bytes, max_body: int) -> bytes | None:
    """The payload with its Content-Encoding (and chunking) undone, by warcio's readers as content_stream() does;
    at most max_body + 1 bytes. None where the headers are ones warcio treats in a way not copied here."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    encoding = (get("content-encoding") or "").lower() or None
    if encoding and encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    if get("transfer-encoding") == "chunked":
        stream = ChunkedDataReader(io.BytesIO(raw), decomp_type=encoding)
    elif encoding:
        stream = BufferedReader(io.BytesIO(raw), decomp_type=encoding)
    else:
        return raw[: max_body + 1]
    try:
        return stream.read(max_body + 1)
    except Exception:  # noqa: BLE001 (a body that does not decode: warcio's path decides what that is)
        return None
