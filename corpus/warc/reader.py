"""The WARC/ARC reader: response records of any WARC or ARC file (gzip or not), damaged records as counted drops.

warcio parses the records; this module adds what a hostile or damaged archive needs: a record cut short, a
garbage gzip member, a wrong Content-Length or a failed digest becomes a `Damaged` value (a counted drop, never an
exception), and reading goes on from the next gzip member (or the next `WARC/` line of an uncompressed file).
Bodies are read with their Content-Encoding decoded (as Scrapy hands them to the page pipeline), at most
`max_body` bytes (a decompression-bomb guard, like the crawl's DOWNLOAD_MAXSIZE). Gzipped WARC files are read by
FastWARC first, as far as every record checks out (fast_reader.py); warcio reads on from the first one that does not.
"""
from __future__ import annotations

import os
import re
import zlib
from datetime import datetime, timezone
from typing import IO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from corpus.warc import fast_reader
from corpus.warc.records import ArchivedResponse, Damaged

GZIP_MAGIC = b"\x1f\x8b\x08"
MAX_BODY = 10 * 1024 * 1024
SCAN_BLOCK = 1 << 20
PAGE_TYPES = ("response", "resource")  # `resource`: a body without HTTP headers (ARC `filedesc` never is one)


class NotAnArchive(ValueError):
    """The file is neither a WARC nor an ARC file (gzip or not)."""


def sniff(path: str | os.PathLike[str]) -> str:
    """'warc', 'arc' (each possibly gzipped) or raise NotAnArchive: a look at the first record's first line."""
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if head[:3] == GZIP_MAGIC:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 256)
        except zlib.error as exc:
            raise NotAnArchive(f"{path}: a gzip file that does not decompress ({exc})") from None
    first = head.lstrip(b"\r\n")[:256]
    if first.startswith(b"WARC/"):
        return "warc"
    if first.startswith(b"filedesc://"):
        return "arc"
    raise NotAnArchive(f"{path} is not a WARC or ARC file (it starts with {first[:24]!r})")


def iter_responses(path: str | os.PathLike[str], *, max_body: int = MAX_BODY, fast: bool = True
                   ) -> Iterator[ArchivedResponse | Damaged]:
    """Every response record of the file in order, or a Damaged value where a record could not be read.

    With `fast`, FastWARC reads a gzipped WARC file as far as every record checks out (fast_reader.py); the same
    values either way, which a test checks on clean and damaged files."""
    kind = sniff(path)
    with open(path, "rb") as fh:
        gzipped = fh.read(3) == GZIP_MAGIC
    start: int | None = 0
    if fast and kind == "warc" and gzipped and fast_reader.available():
        try:
            yield from fast_reader.fast_responses(path, 0, max_body, _date, fast_reader.warcio_decode)
        except fast_reader.FastStop as stop:
            start = stop.offset  # warcio reads on from the first record the fast path did not vouch for
    with open(path, "rb") as fh:
        resyncing = False  # one damaged stretch is one drop, however many false starts it holds
        done = (start or 0) - 1  # the last value given (the fast path's, before `start`): each once, in file order
        while start is not None:
            fh.seek(start)
            iterator = ArchiveIterator(fh, arc2warc=True, check_digests=True)
            failed_at, read_one, last_read = None, False, None
            try:
                for record in iterator:
                    offset = last_read = iterator.offset
                    out = _response(record, offset, iterator, max_body, kind, gzipped)
                    broken = isinstance(out, Damaged) and out.reason != "too_large"
                    # damage placed before `start` is the stretch already reported (see below)
                    if out is not None and not (broken and (resyncing and not read_one or offset < start)):
                        if offset > done:
                            yield out
                            done = offset
                        elif broken:  # placed among the records already given: it lies past them
                            done += 1
                            yield Damaged(done, out.reason, out.detail)
                        # else a record given before, read again after a resync
                    if broken:
                        failed_at = offset  # the stream is out of step: look for the next record
                        break
                    read_one = True
            except Exception as exc:  # noqa: BLE001 (a hostile archive may raise anything from the parser)
                failed_at = iterator.offset
                if not (resyncing and not read_one or failed_at < start):
                    done = max(done + 1, failed_at)
                    yield Damaged(done, _reason(exc), f"{type(exc).__name__}: {exc}"[:200])
            if failed_at is None and not (resyncing and not read_one):
                # warcio ends quietly where the file ends inside a record: that record is a drop (unless it is the
                # end of a damaged stretch already reported)
                cut = _unread_response(fh, start if last_read is None else last_read, gzipped, last_read is not None)
                if cut is not None and cut > done:
                    yield Damaged(cut, "warc_truncated", "the file ends inside this response record")
            resyncing = failed_at is not None
            # warcio may place damage before the byte it was asked to start from, or before records it has just
            # given (a torn gzip member confuses its offset arithmetic): the scan must still move forward, past
            # everything given, or a damaged file is read round and round and its records given twice
            start = None if failed_at is None else _next_start(fh, max(failed_at, start, done) + 1, gzipped)


def read_record(path: str | os.PathLike[str], offset: int, *, max_body: int = MAX_BODY
                ) -> ArchivedResponse | Damaged:
    """The response record that starts at `offset` (a row's warc_file/warc_offset), read from that byte on."""
    kind = sniff(path)
    with open(path, "rb") as fh:
        gzipped = fh.read(3) == GZIP_MAGIC
        fh.seek(offset)
        iterator = ArchiveIterator(fh, arc2warc=True, check_digests=True)
        try:
            for record in iterator:
                found = _response(record, offset, iterator, max_body, kind, gzipped)
                return found or Damaged(offset, "warc_malformed", "not a response record")
        except Exception as exc:  # noqa: BLE001
            return Damaged(offset, _reason(exc), f"{type(exc).__name__}: {exc}"[:200])
    return Damaged(offset, "warc_truncated", "no record at this offset")


def _response(record, offset: int, iterator: ArchiveIterator, max_body: int, file_kind: str,
              gzipped: bool) -> ArchivedResponse | Damaged | None:
    kind = record.rec_type
    if kind is None:
        return Damaged(offset, "warc_truncated", "a record cut short in its headers")
    if gzipped and iterator.reader.decompressor is None:
        # warcio reads bytes that do not decompress as plain text: here that is garbage, not a record
        return Damaged(offset, "warc_malformed", "not a gzip member")
    if file_kind == "warc" and not (record.rec_headers.get_header("Content-Length") or "").isdigit():
        return Damaged(offset, "warc_malformed", "a record without a valid Content-Length")  # it would run on
    if file_kind == "warc" and record.format != "warc":  # garbage read as an ARC header line
        return Damaged(offset, "warc_malformed", f"an {record.format} record in a WARC file")
    if kind not in PAGE_TYPES:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI")
    if not uri:
        return Damaged(offset, "warc_malformed", "a response record without WARC-Target-URI")
    errors_before = iterator.err_count
    body = record.content_stream().read(max_body + 1)
    if len(body) > max_body:
        return Damaged(offset, "too_large", f"body over {max_body} bytes")
    while record.raw_stream.read(1 << 16):  # the rest of the block, so its digest can be checked
        pass
    if getattr(record.raw_stream, "limit", 0):
        return Damaged(offset, "warc_truncated", f"{record.raw_stream.limit} bytes of the record missing")
    if record.digest_checker.passed is False:
        return Damaged(offset, "warc_bad_digest", "; ".join(map(str, record.digest_checker.problems))[:200])
    if iterator.err_count > errors_before:
        return Damaged(offset, "warc_malformed", "record not followed by a blank line (wrong Content-Length?)")
    http = record.http_headers
    status = int(http.get_statuscode() or 0) if http is not None and kind == "response" else 200
    headers: dict[str, str] = {}
    for name, value in (http.headers if http is not None else []):
        headers.setdefault(name.lower(), value)
    if kind == "resource":
        headers.setdefault("content-type", record.rec_headers.get_header("Content-Type") or "")
    return ArchivedResponse(offset, uri, _date(record.rec_headers.get_header("WARC-Date")), status, headers, body)


def _date(value: str | None) -> datetime:
    if not value:
        return datetime.fromtimestamp(0, timezone.utc)
    try:
        return iso_date_to_datetime(value, tz_aware=True)
    except ValueError:
        return datetime.fromtimestamp(0, timezone.utc)


def _reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if isinstance(exc, EOFError) or "eof" in text or "end of" in text or "truncat" in text:
        return "warc_truncated"
    return "warc_malformed"


_RECORD_TYPE = re.compile(rb"\nWARC-Type: *([A-Za-z]+)\r?\n")


def _may_be_page(head: bytes) -> bool:
    """A cut record's first bytes: a response or resource, or cut before its type line (a drop either way)."""
    named = _RECORD_TYPE.search(head)
    return named is None or named.group(1) in (b"response", b"resource")


def _unread_response(fh: IO[bytes], at: int, gzipped: bool, read_at: bool) -> int | None:
    """Where a page record begins that the file cuts short, on or after the record at `at` (`read_at`: warcio read
    that one whole), or None. Gzipped: the file's last gzip member, if it never ends. Plain: the first record start
    after the last one read. Either only if it is a response, or is cut before it says what it is."""
    if not gzipped:
        begin = _next_start(fh, at + 1, False) if read_at else at
        if begin is None:
            return None
        fh.seek(begin)
        return begin if _may_be_page(fh.read(2048).partition(b"\r\n\r\n")[0]) else None
    fh.seek(at)
    member, position, head = at, at, b""
    inflate = zlib.decompressobj(31)
    while block := fh.read(SCAN_BLOCK):
        data = block
        while data:
            try:  # at most 64 KB out per call: a bomb in the tail is not inflated whole
                out = inflate.decompress(data, 1 << 16)
            except zlib.error:
                return None  # not gzip here: warcio's reading stands
            head = head if len(head) >= 512 else head + out[:512 - len(head)]
            if inflate.eof:
                position += len(data) - len(inflate.unused_data)
                data, member, head, inflate = inflate.unused_data, position, b"", zlib.decompressobj(31)
            else:
                position += len(data) - len(inflate.unconsumed_tail)
                data = inflate.unconsumed_tail
    while not inflate.eof and inflate.decompress(b"", 1 << 16):  # output held back by the 64 KB limit
        pass
    return member if not inflate.eof and position > member and _may_be_page(head) else None


def _next_start(fh: IO[bytes], after: int, gzipped: bool) -> int | None:
    """The offset of the next plausible record start at or after `after`, or None at the end of the file."""
    needle = GZIP_MAGIC if gzipped else b"\nWARC/"
    fh.seek(after)
    position, carry = after, b""
    while True:
        block = fh.read(SCAN_BLOCK)
        if not block:
            return None
        data = carry + block
        found = data.find(needle)
        if found >= 0:
            found += position - len(carry)
            return found if gzipped else found + 1
        carry = data[-(len(needle) - 1):]
        position += len(block)
