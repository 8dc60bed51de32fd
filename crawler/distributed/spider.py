"""The corpus spider as one worker of a distributed job: wires the Redis components and reports each page's end."""
from __future__ import annotations

from typing import Any, AsyncIterator, Iterable

from scrapy.exceptions import CloseSpider

from crawler.distributed.cluster import LEASE, Cluster
from crawler.distributed.keys import JobKeys, connect, pause
from crawler.spiders.corpus_spider import CorpusSpider

SEED_BATCH = 500
PRIORITY = 50  # above the command line's: the local downloader must not add its own delay on top of the shared one
COMPONENTS = {
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.middlewares.robots.PoliteRobotsTxtMiddleware": None,
        "crawler.distributed.robots.SharedRobotsTxtMiddleware": 100,
        # last before the download: nothing after it can drop a request that holds a host slot
        "crawler.distributed.politeness.HostSlotMiddleware": 945,  # the WARC recorder (950) drops nothing
    },
    "ITEM_PIPELINES": {
        "crawler.pipelines.store.ParquetStorePipeline": None,
        "crawler.distributed.store.LeasedStorePipeline": 900,
    },
    "EXTENSIONS": {"crawler.distributed.coordinator.Coordinator": 550},
}


class DistributedCorpusSpider(CorpusSpider):
    """CorpusSpider whose requests come from the job's Redis queue; `crawl` queues the seeds, `worker` does not.

    Every callback and errback marks its request's lease finished when it returns, so the lease can be acked
    (at once, or after the commit of the row it made); the job's page limit is one counter in Redis."""

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # the job's delay and per-host concurrency hold across workers (crawler/distributed/politeness.py)
        spider.host_delay = settings.getfloat("DOWNLOAD_DELAY")
        spider.host_concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        for name, value in (("DOWNLOAD_DELAY", 0.0), ("AUTOTHROTTLE_ENABLED", False),
                            ("SCHEDULER", "crawler.distributed.scheduler.LeasedScheduler")):
            settings.set(name, value, priority=PRIORITY)
        for name, components in COMPONENTS.items():
            settings.set(name, {**settings.getdict(name), **components}, priority=PRIORITY)
        url = settings.get("SPAMCORPUS_REDIS_URL")
        spider.cluster = Cluster(connect(url, patience=settings.getfloat("SPAMCORPUS_REDIS_PATIENCE")),
                                 JobKeys(spider.job.name), settings.get("SPAMCORPUS_RUN_ID"),
                                 role=settings.get("SPAMCORPUS_REDIS_ROLE"),
                                 ttl=settings.getfloat("SPAMCORPUS_REDIS_WORKER_TTL"))
        return spider

    async def start(self) -> AsyncIterator[Any]:
        crawl = self.cluster.role == "crawl"  # a worker reads the same job but queues nothing of its own
        if crawl:
            self.crawler.stats.set_value("spamcorpus/distributed/fresh_run", self.cluster.start_job())
        queued = 0
        async for request in super().start():
            if crawl:
                # queued in Redis at once (Scrapy would take start requests only as fast as this process
                # fetches, and the other workers would find the queue empty); the reactor breathes now and then
                self.crawler.engine.crawl(request)
                queued += 1
                if queued % SEED_BATCH == 0:
                    await pause(0)
        if crawl:
            self.cluster.seeded()
        return
        yield  # an async generator that yields nothing: every request went through engine.crawl

    def _frontier_is_shallower(self, link: str, depth: int) -> bool:
        # every start request is queued in Redis at once, so no link can overtake a frontier request; and a
        # worker's own frontier (read when it joined) may hold URLs no process queued: never defer to it
        return False

    # -- the page limit is the job's, across workers ------------------------------------------------
    def _claim_page(self, response) -> bool:
        if not self.job.max_pages:
            return super()._claim_page(response)
        self.pages_seen = self.cluster.claim_page()
        if self.pages_seen <= self.job.max_pages:
            return True
        lease = response.meta.get(LEASE)
        if lease is not None:  # not fetched for the job's count: it goes back to the queue for the next run
            self.cluster.leases.keep(lease)
        raise CloseSpider("closespider_pagecount")

    # -- every callback reports its request's end ---------------------------------------------------
    async def parse(self, response) -> AsyncIterator[Any]:
        lease = response.meta.get(LEASE)
        try:
            async for out in super().parse(response):
                if lease is not None and isinstance(out, dict):
                    self.cluster.leases.row_yielded(lease)
                yield out
        except Exception:
            self._finished(lease)
            raise
        self._finished(lease)

    def parse_sitemap(self, response) -> Iterable[Any]:
        yield from self._reporting(response.meta.get(LEASE), super().parse_sitemap(response))

    def parse_robots_seed(self, response) -> Iterable[Any]:
        yield from self._reporting(response.meta.get(LEASE), super().parse_robots_seed(response))

    def on_error(self, failure) -> None:
        try:
            super().on_error(failure)
        finally:
            request = getattr(failure, "request", None)
            self._finished(request.meta.get(LEASE) if request is not None else None)

    def _reporting(self, lease: str | None, outputs: Iterable[Any]) -> Iterable[Any]:
        try:
            yield from outputs
        except Exception:
            self._finished(lease)
            raise
        self._finished(lease)

    def _finished(self, lease: str | None) -> None:
        if lease is not None:
            self.cluster.leases.complete(lease)
