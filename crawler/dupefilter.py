"""The one place requests are de-duplicated: Scrapy's dupefilter (DUPEFILTER_CLASS), seeded on open with the
job's committed URLs, so a resumed crawl asks for nothing it already has."""
from __future__ import annotations

import logging

import pyarrow.dataset as ds
from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from corpus.store import CorpusStore, StoreError

logger = logging.getLogger(__name__)


def committed_urls(corpus_dir: str | None, job_name: str | None) -> set[str]:
    """The url and final_url of every row `job_name` has committed in the corpus (empty if there is none)."""
    if not (corpus_dir and job_name):
        return set()
    try:
        table = CorpusStore(corpus_dir, run_id="reader").read(
            columns=["url", "final_url"], filter=ds.field("crawl_job") == job_name)
    except (StoreError, OSError) as exc:
        logger.warning("no committed URLs from %s: %s", corpus_dir, exc)
        return set()
    return set(table.column("url").to_pylist()) | set(table.column("final_url").to_pylist())


class CommittedDupeFilter(RFPDupeFilter):
    """Scrapy's RFPDupeFilter (fingerprints from crawler.request_fingerprinter, the canonical URL here), plus
    the url and final_url of every row the job has committed: those requests are filtered and counted as
    `spamcorpus/skipped/already_committed` (a redirect to a committed page is filtered the same way).

    The distributed scheduler (crawler/distributed/scheduler.py) brings scrapy-redis's shared dupefilter and
    filters the same committed URLs before it."""

    def __init__(self, *args, corpus_dir: str | None = None, job_name: str | None = None, stats=None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.corpus_dir, self.job_name, self.stats = corpus_dir, job_name, stats
        self.committed: set[bytes] = set()

    @classmethod
    def from_crawler(cls, crawler):
        df = super().from_crawler(crawler)
        df.corpus_dir = crawler.settings.get("SPAMCORPUS_CORPUS_DIR")
        df.job_name = crawler.settings.get("SPAMCORPUS_JOB_NAME")
        df.stats = crawler.stats
        return df

    def open(self) -> None:
        super().open()
        for url in committed_urls(self.corpus_dir, self.job_name):
            try:
                self.committed.add(self.fingerprinter.fingerprint(Request(url)))
            except ValueError:  # not a URL a request could have (a row of an older schema)
                continue

    def request_seen(self, request: Request) -> bool:
        if self.committed and self.fingerprinter.fingerprint(request) in self.committed:
            if self.stats is not None:
                self.stats.inc_value("spamcorpus/skipped/already_committed")
            return True
        return super().request_seen(request)
