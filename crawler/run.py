"""Run one crawl job in this process with the project's Scrapy settings; returns the run's stats."""
from __future__ import annotations

import os
from typing import Any

from crawler.job import CrawlJob


def project_settings(overrides: dict[str, Any] | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(job: CrawlJob, out: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl `job` into the corpus at `out`. Blocks until done; one call per process (Twisted reactor)."""
    from scrapy.crawler import CrawlerProcess

    settings = project_settings({"SPAMCORPUS_CORPUS_DIR": out, **(overrides or {})})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("corpus")
    process.crawl(crawler, job=job)
    process.start()
    return dict(crawler.stats.get_stats() or {})
