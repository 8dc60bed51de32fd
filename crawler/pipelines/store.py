"""Item pipeline: buffers rows and commits them to the Parquet corpus in atomic shards, on a writer thread."""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy.exceptions import NotConfigured

from corpus.store import CommitResult, CorpusStore
from crawler.warc_buffer import WarcBuffer

logger = logging.getLogger(__name__)


class ParquetStorePipeline:
    """Rows wait in a buffer on the reactor thread; a full one (SPAMCORPUS_SHARD_ROWS rows, _STORE_BUFFER_BYTES
    bytes with the WARC records waiting, or _COMMIT_SECONDS old) goes to one writer thread, which writes and
    fsyncs the shard and its WARC file while the reactor keeps fetching and extracting.

    Commits run one at a time, in order. A buffer that fills while the writer is busy makes process_item wait
    for it (back-pressure: the scraper holds its responses, so the downloader slows); close_spider waits for
    the last commit. A kill loses only rows not committed yet, which the next run fetches again.
    Subclasses hook in with `_before_commit` (reactor thread, as the buffer is taken) and `_after_commit` (once
    the commit is durable).
    """

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        corpus_dir = settings.get("SPAMCORPUS_CORPUS_DIR")
        if not corpus_dir:
            raise NotConfigured("SPAMCORPUS_CORPUS_DIR is not set")
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = CorpusStore(corpus_dir, run_id=settings.get("SPAMCORPUS_RUN_ID"),
                                 zstd_level=settings.getint("SPAMCORPUS_ZSTD_LEVEL"))
        # every exchange the recorder saw since the last commit goes into that commit's WARC file
        self.warc = WarcBuffer.of(crawler) if settings.getbool("SPAMCORPUS_WARC") else None
        self.job = settings.get("SPAMCORPUS_JOB_NAME")
        self.shard_rows = settings.getint("SPAMCORPUS_SHARD_ROWS")
        self.commit_seconds = settings.getfloat("SPAMCORPUS_COMMIT_SECONDS")
        self.buffer_cap = settings.getint("SPAMCORPUS_STORE_BUFFER_BYTES")
        self.buffer: list[dict] = []
        self.buffer_bytes = 0
        self.last_commit = time.monotonic()
        self.closing = False
        # one thread: commits stay in order, and the store's lock is never contended within this process
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spamcorpus-store")
        self.in_flight: asyncio.Task | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        self.buffer.append(item)
        self.buffer_bytes += len(item["body"]) + len(item["text"])
        while self._due():
            if self.in_flight is None:
                self._start_commit()
                break
            await asyncio.shield(self.in_flight)  # (another waiter may take the buffer meanwhile)
        return item

    async def close_spider(self) -> None:
        self.closing = True
        if self.in_flight is not None:
            await asyncio.shield(self.in_flight)
        if self.buffer or (self.warc and self.warc.pending_bytes):
            self._start_commit()
            await asyncio.shield(self.in_flight)
        self.writer.shutdown(wait=True)

    def commit_soon(self) -> None:
        """Start a commit of what is buffered now, unless one is running (an idle worker flushes its rows)."""
        if self.in_flight is None and self.buffer:
            self._start_commit()

    def _due(self) -> bool:
        held = self.buffer_bytes + (self.warc.pending_bytes if self.warc else 0)
        return bool(self.buffer) and (
            len(self.buffer) >= self.shard_rows or held >= self.buffer_cap
            or time.monotonic() - self.last_commit >= self.commit_seconds)

    def _start_commit(self) -> None:
        exchanges = self.warc.take() if self.warc else []
        rows, self.buffer, self.buffer_bytes = self.buffer, [], 0
        if self.warc:
            self.warc.link_committed(rows)
        self.last_commit = time.monotonic()
        context = self._before_commit()
        written = asyncio.get_running_loop().run_in_executor(self.writer, self._write, rows, exchanges)
        self.in_flight = asyncio.ensure_future(self._committed(written, len(rows), len(exchanges), context))

    def _before_commit(self) -> Any:
        return None

    def _after_commit(self, context: Any) -> None:
        pass

    def _write(self, rows: list[dict], exchanges: list) -> CommitResult:
        """Runs on the writer thread: the WARC file, the Parquet write, the fsyncs and the manifest line."""
        return self.store.commit(rows, exchanges=exchanges, job=self.job)

    async def _committed(self, written: asyncio.Future, count: int, records: int, context: Any) -> None:
        """Back on the reactor thread: count the commit, or stop the crawl if the store failed."""
        try:
            result = await written
        except Exception:  # noqa: BLE001 (StoreError, a full disk: nothing of this shard is committed)
            # the pages will be fetched again on resume (and archived then); the shard's other exchanges
            # (robots.txt, redirects, errors) are not in any WARC file: counted, not silently gone
            self.stats.inc_value("spamcorpus/drops/store_error", count)
            if records:
                self.stats.inc_value("spamcorpus/warc/records_not_archived", records)
            logger.exception("commit of %d rows failed; stopping the crawl", count)
            if not self.closing and self.crawler.engine is not None:
                self.closing = True
                asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="store_error"))
            return
        finally:
            self.in_flight = None
        if result.warc:
            self.warc.wrote(result.warc, result.warc_offsets)
            self.stats.inc_value("spamcorpus/warc/files_committed")
            self.stats.inc_value("spamcorpus/warc/records_committed", records)
        if result.unlinked:  # rows whose record is in no WARC file (never expected): counted, their columns null
            self.stats.inc_value("spamcorpus/warc/unlinked_rows", result.unlinked)
        self.stats.inc_value("spamcorpus/rows_committed", result.written)
        self.stats.inc_value("spamcorpus/shards_committed", 1 if result.written else 0)
        if result.duplicates:
            # the one row-level de-dup: checked under the store's lock, so concurrent writers (other jobs, other
            # processes) never commit a doc_id twice
            self.stats.inc_value("spamcorpus/drops/duplicate_doc_id", len(result.duplicates))
        self._after_commit(context)
