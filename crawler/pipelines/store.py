"""Item pipeline: buffers rows and commits them to the Parquet corpus in atomic shards."""
from __future__ import annotations

import asyncio
import logging
import time

from scrapy.exceptions import NotConfigured

from corpus.store import CorpusStore, StoreError
from crawler.warc_buffer import WarcBuffer

logger = logging.getLogger(__name__)
MAX_BUFFER_BYTES = 64 * 1024 * 1024  # bodies dominate memory: commit early on big pages


class ParquetStorePipeline:
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
        self.buffer: list[dict] = []
        self.buffer_bytes = 0
        self.last_commit = time.monotonic()
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        self.buffer.append(item)
        self.buffer_bytes += len(item["body"]) + len(item["text"])
        held = self.buffer_bytes + (self.warc.pending_bytes if self.warc else 0)
        if (len(self.buffer) >= self.shard_rows or held >= MAX_BUFFER_BYTES
                or time.monotonic() - self.last_commit >= self.commit_seconds):
            self._commit()
        return item

    def close_spider(self) -> None:
        self.closing = True
        self._commit()

    def _commit(self) -> None:
        exchanges = self.warc.take() if self.warc else []
        if not self.buffer and not exchanges:
            return
        rows, self.buffer, self.buffer_bytes = self.buffer, [], 0
        if self.warc:
            self.warc.link_committed(rows)
        try:
            result = self.store.commit(rows, exchanges=exchanges, job=self.job)
        except StoreError:
            # nothing of this shard is committed; the pages will be fetched again on resume
            self.stats.inc_value("spamcorpus/drops/store_error", len(rows))
            logger.exception("commit of %d rows failed; stopping the crawl", len(rows))
            if not self.closing and self.crawler.engine is not None:
                self.closing = True
                asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="store_error"))
            return
        self.last_commit = time.monotonic()
        if result.warc:
            self.warc.wrote(result.warc, result.warc_offsets)
            self.stats.inc_value("spamcorpus/warc/files_committed")
            self.stats.inc_value("spamcorpus/warc/records_committed", len(exchanges))
        if result.unlinked:  # rows whose record is in no WARC file (never expected): counted, their columns null
            self.stats.inc_value("spamcorpus/warc/unlinked_rows", result.unlinked)
        self.stats.inc_value("spamcorpus/rows_committed", result.written)
        self.stats.inc_value("spamcorpus/shards_committed", 1 if result.written else 0)
        if result.duplicates:
            self.stats.inc_value("spamcorpus/drops/duplicate_doc_id_at_commit", len(result.duplicates))
