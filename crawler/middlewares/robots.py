"""robots.txt with a written policy for unreachable files, a drop count, and a fix for concurrent waiters."""
from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, plus RFC 9309's rule for an unreachable robots.txt.

    A robots.txt that answers 5xx or cannot be fetched (timeout, connection refused) means
    "disallow the whole host" (RFC 9309 §2.3.1.4) unless SPAMCORPUS_ROBOTS_UNAVAILABLE = "allow".
    4xx means no robots.txt: everything is allowed, as in RFC 9309 §2.3.1.3.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        policy = crawler.settings.get("SPAMCORPUS_ROBOTS_UNAVAILABLE")
        if policy not in ("disallow", "allow"):
            raise NotConfigured(f"SPAMCORPUS_ROBOTS_UNAVAILABLE must be 'disallow' or 'allow', not {policy!r}")
        self._disallow_unavailable = policy == "disallow"

    async def robot_parser(self, request: Request):
        # Scrapy 2.19 awaits the shared per-host Deferred through Deferred.asFuture, whose callback returns
        # None: the first waiter gets the parser and every other request queued while robots.txt was being
        # fetched gets None, i.e. "allowed". Each waiter here gets its own Deferred fed by a callback that
        # passes the parser on, so all of them are checked (found crawling the sample web: pages of a host
        # whose robots.txt answered 500 were fetched).
        parser = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(parser, Deferred):
            waiter: Deferred = Deferred()

            def relay(result):
                waiter.callback(result)
                return result

            parser.addCallback(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)

    def process_request_2(self, rp, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            self._stats.inc_value("spamcorpus/drops/robots_disallowed")
            raise

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500 and self._disallow_unavailable:
            self._stats.inc_value("spamcorpus/robots/unavailable_5xx")
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest) or not self._disallow_unavailable:
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value("spamcorpus/robots/unavailable_error")
        rp_dfd = self._parsers[netloc]
        self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        rp_dfd.callback(self._parsers[netloc])
