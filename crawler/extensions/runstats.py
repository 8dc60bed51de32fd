"""Extension: saves each run's stats (drops by reason included) as JSON beside the corpus, under _runs/."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from corpus import durable

RUNS_DIR = "_runs"
# settings that are safe and useful to record with a run (never tokens or credentials)
RECORDED_SETTINGS = (
    "SPAMCORPUS_JOB_NAME", "SPAMCORPUS_RUN_ID", "SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES", "ROBOTSTXT_OBEY",
    "SPAMCORPUS_ROBOTS_UNAVAILABLE", "SPAMCORPUS_WARC", "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY", "DOWNLOAD_MAXSIZE", "DOWNLOAD_TIMEOUT", "SPAMCORPUS_MAX_PAGES", "CLOSESPIDER_TIMEOUT",
    "USER_AGENT",
)


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


class RunStats:
    """Writes _runs/<run>.json when the crawl ends, and every SPAMCORPUS_RUNSTATS_INTERVAL seconds before
    (with finish_reason null), so a killed run still leaves its drops counted up to its last save."""

    def __init__(self, crawler, interval: float) -> None:
        self.crawler = crawler
        self.root = Path(crawler.settings.get("SPAMCORPUS_CORPUS_DIR"))
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("SPAMCORPUS_CORPUS_DIR"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("SPAMCORPUS_RUNSTATS_INTERVAL"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        if self.interval > 0:
            self.loop = task.LoopingCall(self._save, None)
            self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self._save(reason)

    def _save(self, reason: str | None) -> None:
        settings = self.crawler.settings
        record = {
            "run_id": settings.get("SPAMCORPUS_RUN_ID"),
            "job": settings.get("SPAMCORPUS_JOB_NAME"),
            "finish_reason": reason,
            "settings": {k: _jsonable(settings.get(k)) for k in RECORDED_SETTINGS},
            "stats": {k: _jsonable(v) for k, v in sorted(self.crawler.stats.get_stats().items())},
        }
        # atomic: a run killed mid-write keeps its previous record, never a torn one
        durable.write_json(self.root / RUNS_DIR / f"{record['run_id']}.json", record, sort_keys=True)
