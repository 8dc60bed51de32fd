"""One benchmark crawl in its own process (Twisted's reactor runs once per process); prints a JSON result."""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scrapy  # noqa: E402

# identical network settings for both modes, so the difference is the pipeline's own cost
NETWORK = {
    "ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING", "RETRY_ENABLED": False,
    "SPAMCORPUS_PROGRESS": False, "SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES": True,
}


class BareSpider(scrapy.Spider):
    """Fetches the seed URLs and does nothing with them: the ceiling for this machine and server."""

    name = "bare"
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}}

    def __init__(self, seeds: list[str], **kw):
        super().__init__(**kw)
        self.seeds = seeds

    async def start(self):
        for url in self.seeds:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["bare", "full"])
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--out", default=None)
    ap.add_argument("--depth", type=int, default=1)
    args = ap.parse_args()
    seeds = [ln.strip() for ln in open(args.seeds, encoding="utf-8") if ln.strip()]
    from crawler.run import project_settings

    settings = project_settings({**NETWORK, "SPAMCORPUS_CORPUS_DIR": args.out or "/nonexistent"})
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings, install_root_handler=False)
    if args.mode == "bare":
        settings.set("DOWNLOADER_MIDDLEWARES", {}, priority="cmdline")
        crawler = process.create_crawler(BareSpider)
        process.crawl(crawler, seeds=seeds)
    else:
        from crawler.job import CrawlJob

        job = CrawlJob(name="bench", seeds=seeds, depth=args.depth, allowed_hosts=["*"], autothrottle=False,
                       concurrency_per_host=16, download_delay=0.0, allow_private_addresses=True).validate()
        crawler = process.create_crawler("corpus")
        process.crawl(crawler, job=job)
    started = time.perf_counter()
    process.start()
    elapsed = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    pages = int(stats.get("response_received_count", 0))
    print(json.dumps({
        "mode": args.mode, "pages": pages, "seconds": round(elapsed, 3), "pages_per_s": round(pages / elapsed, 1),
        "rows": int(stats.get("spamcorpus/rows_committed", 0)),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
