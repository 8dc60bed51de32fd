"""One process of the distributed benchmark: a bare spider, the full pipeline, or a crawl/worker on a Redis job."""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapy import signals  # noqa: E402

from bench.crawl_child import NETWORK, BareSpider  # noqa: E402


class WallClock:
    """Wall-clock (time.time: comparable across processes) of the first page response and the last row."""

    def __init__(self) -> None:
        self.first = self.last = self.last_item = 0.0
        self.pages = self.items = 0

    def response_received(self, response, request, spider) -> None:
        if response.url.endswith("/robots.txt") or response.status != 200:
            return
        now = time.time()
        self.first = self.first or now
        self.last = now
        self.pages += 1

    def item_scraped(self, item, response, spider) -> None:
        self.last_item = time.time()
        self.items += 1


def build(mode: str, seeds: list[str], args):
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    if mode == "bare":
        settings = Settings()
        settings.setdict(NETWORK, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(BareSpider)
        process.crawl(crawler, seeds=seeds)
        return process, crawler
    from crawler.distributed.spider import DistributedCorpusSpider
    from crawler.job import CrawlJob
    from crawler.run import project_settings

    # one process per worker (extraction in-process), so "two workers" is two processes, as for the bare spider
    redis = {"SPAMCORPUS_REDIS_URL": args.redis, "SPAMCORPUS_REDIS_ROLE": mode} if mode != "full" else {}
    settings = project_settings({**NETWORK, "SPAMCORPUS_CORPUS_DIR": args.out, "SPAMCORPUS_PROGRESS": False,
                                 "SPAMCORPUS_PAGE_WORKERS": 0, **redis})
    process = CrawlerProcess(settings)
    # the per-host concurrency is global in a distributed job: two bare processes get 16 each, so the job 32
    job = CrawlJob(name=args.job, seeds=seeds, depth=0, allowed_hosts=["*"], autothrottle=False,
                   concurrency_per_host=2 * NETWORK["CONCURRENT_REQUESTS_PER_DOMAIN"], download_delay=0.0,
                   allow_private_addresses=True, redis=args.redis if mode != "full" else None).validate()
    crawler = process.create_crawler(DistributedCorpusSpider if mode != "full" else "corpus")
    process.crawl(crawler, job=job)
    return process, crawler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("mode", choices=["bare", "full", "crawl", "worker"])  # full: one process, no Redis
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--redis", default=None)
    ap.add_argument("--job", default="bench")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    seeds = [ln.strip() for ln in open(args.seeds, encoding="utf-8") if ln.strip()]
    process, crawler = build(args.mode, seeds, args)
    clock = WallClock()
    crawler.signals.connect(clock.response_received, signal=signals.response_received)
    crawler.signals.connect(clock.item_scraped, signal=signals.item_scraped)
    started = time.time()
    process.start()
    stats = crawler.stats.get_stats()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "mode": args.mode, "pages": clock.pages, "items": clock.items, "started": started, "ended": time.time(),
        "first_page": clock.first, "last_page": clock.last, "last_row": clock.last_item or clock.last,
        "rows": int(stats.get("spamcorpus/rows_committed", 0)), "finish_reason": stats.get("finish_reason"),
        "drops": {k: v for k, v in stats.items() if k.startswith("spamcorpus/drops/")},
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
    }))


if __name__ == "__main__":
    main()
