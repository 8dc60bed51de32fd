"""robots.txt fetched once per host for all workers of a job: the body in force is shared through Redis."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from crawler.distributed.keys import pause
from crawler.middlewares.robots import DISALLOW_ALL, PoliteRobotsTxtMiddleware

LOCK_SECONDS = 60.0  # a worker fetching a host's robots.txt holds the others this long at most
POLL = 0.1


class SharedRobotsTxtMiddleware(PoliteRobotsTxtMiddleware):
    """PoliteRobotsTxtMiddleware whose parsed body (after the unavailable-file policy) is cached in Redis for
    SPAMCORPUS_REDIS_ROBOTS_TTL seconds: the first worker to need a host fetches it, the others wait and read."""

    def __init__(self, crawler):
        cluster = getattr(crawler.spider, "cluster", None)
        if cluster is None:
            raise NotConfigured("SharedRobotsTxtMiddleware runs under the distributed spider")
        super().__init__(crawler)
        self.cluster = cluster
        self.ttl = max(1, int(crawler.settings.getfloat("SPAMCORPUS_REDIS_ROBOTS_TTL")))

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        if netloc in self._parsers or self._load_or_claim(netloc):
            return await super().robot_parser(request)
        # another worker is fetching it: requests of this worker wait on one local Deferred meanwhile
        waiter: Deferred = Deferred()
        self._parsers[netloc] = waiter
        body = None
        for _ in range(int(LOCK_SECONDS / POLL)):
            await pause(POLL)
            body = self.cluster.server.get(self.cluster.keys.robots(netloc))
            if body is not None or not self.cluster.server.exists(self.cluster.keys.robots_lock(netloc)):
                break
        del self._parsers[netloc]
        if body is not None:
            self._use(netloc, body)
        parser = await super().robot_parser(request)  # the shared body, or our own fetch if the other one died
        waiter.callback(parser)
        return parser

    def _load_or_claim(self, netloc: str) -> bool:
        """True if the body is cached (now parsed here) or this worker may fetch it; False if another fetches."""
        body = self.cluster.server.get(self.cluster.keys.robots(netloc))
        if body is not None:
            self._use(netloc, body)
            return True
        return bool(self.cluster.server.set(self.cluster.keys.robots_lock(netloc), self.cluster.worker,
                                            nx=True, px=int(LOCK_SECONDS * 1000)))

    def _use(self, netloc: str, body: bytes) -> None:
        self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, body)
        self._stats.inc_value("spamcorpus/robots/shared")

    def _share(self, netloc: str, body: bytes) -> None:
        pipe = self.cluster.server.pipeline()
        pipe.set(self.cluster.keys.robots(netloc), body, ex=self.ttl)
        pipe.delete(self.cluster.keys.robots_lock(netloc))
        pipe.execute()

    async def _parse_robots(self, response, netloc, request) -> None:
        # the body the parent will parse: RFC 9309's rules for 5xx and 4xx, as PoliteRobotsTxtMiddleware applies
        if response.status >= 500 and self._disallow_unavailable:
            body = DISALLOW_ALL
        elif response.status >= 400:
            body = b""
        else:
            body = response.body
        self._share(netloc, body)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc) -> None:
        super()._robots_error(exc, netloc)
        if isinstance(exc, IgnoreRequest):  # refused here (e.g. the SSRF guard): nothing learnt about the host
            self.cluster.server.delete(self.cluster.keys.robots_lock(netloc))
            return
        self._share(netloc, DISALLOW_ALL if self._parsers.get(netloc) is not None else b"")
