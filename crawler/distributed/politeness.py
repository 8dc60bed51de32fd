"""Downloader middleware: per-host delay and concurrency held across every worker of a job, in Redis."""
from __future__ import annotations

import uuid

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred, DeferredList, DeferredLock

from crawler.distributed.keys import later

TOKEN = "spamcorpus_host_slot"
POLL_MAX = 0.25  # seconds between two tries while a host is busy

# a slot on the host if fewer than ARGV[2] are taken and its delay has passed; else how long to wait (ms).
# Redis's clock is the only one used, so workers on machines with skewed clocks still agree.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > now then return nxt - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 20 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3])) end
return 0
"""


class HostSlotMiddleware:
    """Before a download, takes one of the host's `concurrency_per_host` slots, no sooner than `download_delay`
    after the previous download from that host by any worker; gives it back with the response or error.

    A slot expires after the download timeout (plus a margin), so a killed worker's slots free themselves. The
    local downloader's own delay is set to 0 by the distributed spider, so the two never add up.
    """

    def __init__(self, crawler, cluster, delay: float, concurrency: int, timeout: float) -> None:
        self.cluster = cluster
        self.stats = crawler.stats
        self.delay_ms = int(round(delay * 1000))
        self.concurrency = max(1, concurrency)
        self.lease_ms = int((timeout + 10) * 1000)
        self._acquire = cluster.server.register_script(ACQUIRE)
        # the scheduler pops no more while this many requests wait for a host: a worker that leased the whole
        # frontier of a slow host would leave the other workers idle
        cluster.max_slot_waiters = self.concurrency
        self.locks: dict[str, DeferredLock] = {}
        self.freed: dict[str, Deferred] = {}  # fired when this worker gives back a slot of the host

    @classmethod
    def from_crawler(cls, crawler):
        spider = crawler.spider
        cluster = getattr(spider, "cluster", None)
        if cluster is None:
            raise NotConfigured("HostSlotMiddleware runs under the distributed spider")
        return cls(crawler, cluster, spider.host_delay, spider.host_concurrency,
                   crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))

    async def process_request(self, request) -> None:
        netloc = urlparse_cached(request).netloc
        keys = [self.cluster.keys.host_active(netloc), self.cluster.keys.host_next(netloc)]
        token = uuid.uuid4().hex
        # one request per host at a time asks Redis for a slot; the others of this worker wait in line here
        # (dozens of requests polling Redis for one busy host would cost more than the pages)
        lock = self.locks.setdefault(netloc, DeferredLock())
        waited = lock.locked
        if waited:
            self.cluster.slot_waiters += 1
        try:
            if waited:
                await maybe_deferred_to_future(lock.acquire())
            else:
                lock.acquire()  # free: taken at once
            try:
                while True:
                    wait_ms = int(self._acquire(keys=keys,
                                                args=[token, self.concurrency, self.delay_ms, self.lease_ms]))
                    if wait_ms <= 0:
                        break
                    if not waited:
                        waited = True
                        self.cluster.slot_waiters += 1
                    await self._wait(netloc, wait_ms)
            finally:
                lock.release()
        finally:
            if waited:
                self.cluster.slot_waiters -= 1
        if waited:
            self.stats.inc_value("spamcorpus/distributed/host_waits")
        request.meta[TOKEN] = (netloc, token)

    async def _wait(self, netloc: str, wait_ms: int) -> None:
        """Until the host's delay has passed or this worker gives one of its slots back, POLL_MAX at most."""
        freed = self.freed.setdefault(netloc, Deferred())
        timer = later(min(wait_ms / 1000, POLL_MAX))
        await maybe_deferred_to_future(DeferredList([freed, timer], fireOnOneCallback=True, consumeErrors=True))
        if not timer.called:
            timer.cancel()

    def process_response(self, request, response):
        self._release(request)
        return response

    def process_exception(self, request, exception) -> None:
        self._release(request)

    def _release(self, request) -> None:
        held = request.meta.pop(TOKEN, None)
        if held is not None:
            netloc, token = held
            self.cluster.server.zrem(self.cluster.keys.host_active(netloc), token)
            freed = self.freed.pop(netloc, None)
            if freed is not None:
                freed.callback(None)
