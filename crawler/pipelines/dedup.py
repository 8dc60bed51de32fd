"""Item pipeline: one row per doc_id, within a run (redirect targets, aliases) and across runs."""
from __future__ import annotations

from scrapy.exceptions import DropItem

from corpus.store import CorpusStore, StoreError


class DedupPipeline:
    """Drops rows whose doc_id this run already produced or the corpus already holds.

    The store re-checks under its lock at commit time, so concurrent writers stay duplicate-free;
    this early check keeps duplicates out of the buffer and counts them where they arise.
    """

    def __init__(self, stats, corpus_dir: str) -> None:
        self.stats = stats
        self.corpus_dir = corpus_dir
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings.get("SPAMCORPUS_CORPUS_DIR"))

    def open_spider(self) -> None:
        try:
            self.seen = CorpusStore(self.corpus_dir, run_id="reader").committed_ids()
        except (StoreError, OSError):
            self.seen = set()

    def process_item(self, item):
        key = item["doc_id"]
        if key in self.seen:
            self.stats.inc_value("spamcorpus/drops/duplicate_doc_id")
            raise DropItem(f"duplicate_doc_id: {item['final_url']}")
        self.seen.add(key)
        return item
