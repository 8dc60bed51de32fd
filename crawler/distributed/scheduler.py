"""scrapy-redis's scheduler on the job's keys, with leased pops, atomic seen-and-queue pushes and a clean leave."""
from __future__ import annotations

import logging

from scrapy import Request
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.cluster import LEASE
from crawler.distributed.dupefilter import CanonicalDupeFilter
from crawler.distributed.keys import JsonCodec
from crawler.distributed.queue import LeasedPriorityQueue
from crawler.dupefilter import committed_urls

logger = logging.getLogger(__name__)


class LeasedScheduler(Scheduler):
    """Every request lives in Redis: queued (shared by all workers) or leased by the worker that popped it.

    A redirect or retry of a leased request carries the lease in its meta: once the new request is queued
    (or found already seen), the old one is finished, so nothing is in no list at any moment.
    """

    def __init__(self, crawler, cluster) -> None:
        dupefilter = CanonicalDupeFilter(cluster.server, cluster.keys.dupefilter)
        super().__init__(server=cluster.server, persist=True, queue_key=cluster.keys.queue, dupefilter=dupefilter,
                         dupefilter_key=cluster.keys.dupefilter, serializer=JsonCodec)
        self.cluster = cluster
        self.stats = crawler.stats
        # what the job already committed is never queued again, whoever's Redis state was lost in between
        self.committed = {self.df.request_fingerprint(Request(u)) for u in committed_urls(
            crawler.settings.get("SPAMCORPUS_CORPUS_DIR"), crawler.settings.get("SPAMCORPUS_JOB_NAME"))
            if u.startswith(("http://", "https://"))}

    @classmethod
    def from_crawler(cls, crawler):
        cluster = getattr(crawler.spider, "cluster", None)
        if cluster is None:
            raise ValueError("LeasedScheduler runs under the distributed spider (spamcorpus crawl --redis)")
        return cls(crawler, cluster)

    def open(self, spider) -> None:
        self.spider = spider
        self.queue = LeasedPriorityQueue(self.server, spider, self.queue_key,
                                         inflight_key=self.cluster.keys.inflight(self.cluster.worker),
                                         dupefilter_key=self.cluster.keys.dupefilter)
        queued = len(self.queue)
        if queued:
            logger.info("joining job %s: %d requests queued", self.cluster.keys.job, queued)

    def close(self, reason: str) -> None:
        # the engine closes the scraper (the store's last commit, which acks) before the scheduler
        requeued = self.cluster.leave()
        if requeued:
            self.stats.set_value("spamcorpus/distributed/requeued_on_close", requeued)
        self.df.close(reason)

    def enqueue_request(self, request) -> bool:
        parent = request.meta.pop(LEASE, None)
        try:
            return self._enqueue(request)
        finally:
            if parent is not None:  # a redirect or retry: its request is now queued or known, so finished
                self.cluster.leases.complete(parent)

    def _enqueue(self, request) -> bool:
        fingerprint = None
        if not request.dont_filter:
            fingerprint = self.df.request_fingerprint(request)
            if fingerprint in self.committed:
                self.stats.inc_value("spamcorpus/skipped/already_committed")
                return False
            if self.df.known_seen(fingerprint):
                self.df.log(request, self.spider)
                return False
        try:
            added = self.queue.push_new(request, fingerprint)
        except (TypeError, ValueError) as exc:
            # a request whose meta holds something JSON cannot carry; counted, never silently lost
            self.stats.inc_value("spamcorpus/drops/unqueueable_request")
            logger.warning("cannot queue %s: %s", request.url, exc)
            return False
        if fingerprint:
            self.df.remember(fingerprint)
        if not added:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        if self.cluster.closed:
            return None
        if self.cluster.max_slot_waiters and self.cluster.slot_waiters >= self.cluster.max_slot_waiters:
            return None  # what this worker holds waits for busy hosts: leave the rest to the other workers
        lease = self.cluster.leases.new()
        request = self.queue.pop_leased(lease)
        if request is None:
            return None
        request.meta[LEASE] = lease
        self.stats.inc_value("scheduler/dequeued/redis")
        return request
