"""Item pipeline: buffers rows and commits them to the Parquet corpus in atomic shards."""
from __future__ import annotations

import asyncio
import logging
import time

from scrapy.exceptions import NotConfigured

from corpus.store import CorpusStore, StoreError

logger = logging.getLogger(__name__)


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
        self.shard_rows = settings.getint("SPAMCORPUS_SHARD_ROWS")
        self.commit_seconds = settings.getfloat("SPAMCORPUS_COMMIT_SECONDS")
        self.buffer_cap = settings.getint("SPAMCORPUS_STORE_BUFFER_BYTES")
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
        if (len(self.buffer) >= self.shard_rows or self.buffer_bytes >= self.buffer_cap
                or time.monotonic() - self.last_commit >= self.commit_seconds):
            self._commit()
        return item

    def close_spider(self) -> None:
        self.closing = True
        self._commit()

    def _commit(self) -> None:
        if not self.buffer:
            return
        rows, self.buffer, self.buffer_bytes = self.buffer, [], 0
        try:
            result = self.store.commit(rows)
        except StoreError:
            # nothing of this shard is committed; the pages will be fetched again on resume
            self.stats.inc_value("spamcorpus/drops/store_error", len(rows))
            logger.exception("commit of %d rows failed; stopping the crawl", len(rows))
            if not self.closing and self.crawler.engine is not None:
                self.closing = True
                asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="store_error"))
            return
        self.last_commit = time.monotonic()
        self.stats.inc_value("spamcorpus/rows_committed", result.written)
        self.stats.inc_value("spamcorpus/shards_committed", 1 if result.written else 0)
        if result.duplicates:
            self.stats.inc_value("spamcorpus/drops/duplicate_doc_id_at_commit", len(result.duplicates))
