"""The exchanges a crawl has fetched but not yet committed, shared by the WARC recorder and the store pipeline."""
from __future__ import annotations

from typing import Any

from corpus.warc.records import Exchange, is_record_id

WRITTEN_KEPT = 200_000  # record ids remembered after their commit, for rows that arrive after their record went


class WarcBuffer:
    """One per crawler (`WarcBuffer.of(crawler)`): the recorder adds exchanges, each store commit takes them all.

    A page's row can reach the store after the commit that took its response's record (extraction runs in other
    processes while rows of other pages commit): the row then points at the already committed record, found in
    `written` (the latest WRITTEN_KEPT records). A row whose record is in neither gets null warc columns."""

    ATTRIBUTE = "_spamcorpus_warc_buffer"

    def __init__(self) -> None:
        self.pending: list[Exchange] = []
        self.pending_bytes = 0
        self.written: dict[str, tuple[str, int]] = {}

    @classmethod
    def of(cls, crawler: Any) -> WarcBuffer:
        buffer = getattr(crawler, cls.ATTRIBUTE, None)
        if buffer is None:
            buffer = cls()
            setattr(crawler, cls.ATTRIBUTE, buffer)
        return buffer

    def add(self, exchange: Exchange) -> None:
        self.pending.append(exchange)
        self.pending_bytes += exchange.size()

    def take(self) -> list[Exchange]:
        taken, self.pending, self.pending_bytes = self.pending, [], 0
        return taken

    def link_committed(self, rows: list[dict[str, Any]]) -> None:
        """Point rows whose record an earlier commit wrote at it (the others are linked by the commit itself)."""
        for row in rows:
            where = self.written.get(row.get("warc_file")) if is_record_id(row.get("warc_file")) else None
            if where is not None:
                row["warc_file"], row["warc_offset"] = where

    def wrote(self, warc: str, offsets: dict[str, int]) -> None:
        for record_id, offset in offsets.items():
            self.written[record_id] = (warc, offset)
        while len(self.written) > WRITTEN_KEPT:
            del self.written[next(iter(self.written))]
