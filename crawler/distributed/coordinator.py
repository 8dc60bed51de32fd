"""Extension: a worker's heartbeat, the re-queue of dead workers' leases, and the job-wide end of the crawl."""
from __future__ import annotations

import logging
import time

from scrapy import Request, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, IgnoreRequest, NotConfigured
from twisted.internet import task

WAKE = "spamcorpus_wake"  # meta of the request that only wakes the engine up (never queued)
IDLE_POLL = 0.2  # seconds between looks at the shared queue while this worker has nothing to do

logger = logging.getLogger(__name__)


class Coordinator:
    """Every SPAMCORPUS_REDIS_HEARTBEAT seconds: renew this worker's heartbeat (with its pages/s), ack leases that
    finished without a row, and re-queue the leases of workers whose heartbeat expired.

    An idle worker commits what it buffered and stays until the whole job is done (nothing queued, nothing
    leased by any worker), since a page another worker is fetching may still add links. A `worker` that finds
    no job waits SPAMCORPUS_REDIS_JOIN_WAIT seconds for a `crawl` to open it."""

    def __init__(self, crawler, cluster, interval: float, join_wait: float) -> None:
        self.crawler = crawler
        self.cluster = cluster
        self.stats = crawler.stats
        self.interval = interval
        self.join_wait = join_wait
        self.loop: task.LoopingCall | None = None
        self.poll: task.LoopingCall | None = None
        self.waiting = False  # idle, and kept open by us: look at the queue often
        self.opened = time.monotonic()
        self.last = (time.monotonic(), 0)
        self.rate = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        cluster = getattr(crawler.spider, "cluster", None)
        if cluster is None:
            raise NotConfigured("Coordinator runs under the distributed spider")
        ext = cls(crawler, cluster, crawler.settings.getfloat("SPAMCORPUS_REDIS_HEARTBEAT"),
                  crawler.settings.getfloat("SPAMCORPUS_REDIS_JOIN_WAIT"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        return ext

    def spider_opened(self, spider) -> None:
        cluster = self.cluster
        self.stats.set_value("spamcorpus/distributed/worker", cluster.worker)
        cluster.heartbeat(**self._progress())
        requeued = cluster.reap()
        if requeued:
            self.stats.inc_value("spamcorpus/distributed/requeued_from_dead", requeued)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)
        self.poll = task.LoopingCall(self.look)
        self.poll.start(IDLE_POLL, now=False)

    def look(self) -> None:
        """An idle engine asks its scheduler again only every 5 s; when other workers queued requests meanwhile,
        wake it now. The public way: engine.crawl() of a request that request_scheduled refuses, after which the
        engine schedules its next loop (nothing is queued)."""
        if not self.waiting or self.cluster.closed:
            return
        try:
            queued = self.cluster.queued()
        except Exception:
            return
        if queued and self.crawler.engine is not None:
            self.waiting = False
            self.crawler.engine.crawl(Request("data:,", meta={WAKE: True}, dont_filter=True))

    def request_scheduled(self, request, spider) -> None:
        if request.meta.get(WAKE):
            raise IgnoreRequest("wakes the engine only")

    def tick(self) -> None:
        try:
            self.cluster.ack(self.cluster.leases.take_now())
            self.cluster.heartbeat(**self._progress())
            requeued = self.cluster.reap()
        except Exception:  # Redis gone longer than the client's patience: the next tick tries again
            logger.exception("heartbeat failed")
            return
        if requeued:
            logger.info("re-queued %d requests of workers that stopped answering", requeued)
            self.stats.inc_value("spamcorpus/distributed/requeued_from_dead", requeued)

    def _progress(self) -> dict:
        now, pages = time.monotonic(), int(self.stats.get_value("spamcorpus/pages_extracted", 0) or 0)
        then, before = self.last
        if now - then >= 1.0:
            self.rate = (pages - before) / (now - then)
            self.last = (now, pages)
        rows = int(self.stats.get_value("spamcorpus/rows_committed", 0) or 0)
        return {"pages": pages, "rows": rows, "pages_per_s": round(self.rate, 2), "role": self.cluster.role}

    def spider_idle(self, spider) -> None:
        cluster = self.cluster
        if cluster.commit_hook is not None:
            cluster.commit_hook()  # acks the leases of buffered rows, which other workers wait on
        cluster.ack(cluster.leases.take_now())
        state = cluster.job_state()
        if state in (None, "starting"):  # no job yet, or its seeds are being queued
            if cluster.role == "worker" and time.monotonic() - self.opened < self.join_wait:
                self.waiting = True
                raise DontCloseSpider
            raise CloseSpider("no_job")
        limit = spider.job.max_pages
        if limit and cluster.pages_claimed() >= limit:
            raise CloseSpider("closespider_pagecount")
        if not cluster.done():
            self.waiting = True
            raise DontCloseSpider
        cluster.finish_job()

    def spider_closed(self, spider, reason: str) -> None:
        for loop in (self.loop, self.poll):
            if loop is not None and loop.running:
                loop.stop()
