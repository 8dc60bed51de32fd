"""Downloader middleware that refuses requests to loopback, private, link-local and other refused addresses."""
from __future__ import annotations

import logging
import os
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from corpus.netguard import DNS, MALFORMED, SCHEME, host_refusal, url_host
from crawler.resolver import GuardedResolver, host_key, register_crawler_policy, unregister_crawler_policy

logger = logging.getLogger(__name__)

# Handlers that connect through Twisted's HostnameEndpoint, so through the reactor's name resolver.
TWISTED_HANDLERS = {
    "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler",
    "scrapy.core.downloader.handlers.http2.H2DownloadHandler",
    "scrapy.core.downloader.handlers.http.HTTPDownloadHandler",
}
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class SSRFGuardError(RuntimeError):
    """The crawl is configured so that the connect-time guard cannot work; refusing to crawl."""


class SSRFGuardMiddleware:
    """First downloader middleware: nothing reaches a refused address, not even a robots.txt fetch.

    Before a connection, it refuses URLs whose host is an address literal in a refused network, in any
    inet_aton or IPv6 spelling (127.1, 2130706433, [::ffff:169.254.169.254]), and non-http(s) schemes.
    Host names are checked after DNS by crawler.resolver.GuardedResolver; this middleware counts those
    refusals as `ssrf_dns` and refuses further requests to a host already refused. Redirects and retries
    are new requests and pass here again. Every refusal is `IgnoreRequest` plus the stat
    `spamcorpus/drops/ssrf_<reason>`. SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES lifts the refusal of loopback only.
    """

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.allow_loopback = settings.getbool("SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES")
        self.schemes = frozenset(s.lower() for s in settings.getlist("SPAMCORPUS_ALLOWED_SCHEMES"))
        self._check_handlers(settings)
        register_crawler_policy(crawler, allow_loopback=self.allow_loopback)
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)
        if settings.getbool("HTTPPROXY_ENABLED", True) and any(os.environ.get(v) for v in PROXY_VARS):
            logger.warning("a proxy is configured: host names it resolves are not checked by the SSRF guard")

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SSRFGuardMiddleware":
        return cls(crawler)

    def _check_handlers(self, settings: Any) -> None:
        handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
        if not settings.getbool("TWISTED_REACTOR_ENABLED", True):
            raise SSRFGuardError("the SSRF guard checks DNS answers through the Twisted reactor; "
                                 "TWISTED_REACTOR_ENABLED must stay True")
        for scheme in self.schemes:
            path = handlers.get(scheme)
            name = path if isinstance(path, str) else f"{getattr(path, '__module__', '')}.{getattr(path, '__name__', path)}"
            if path and name not in TWISTED_HANDLERS:
                raise SSRFGuardError(f"the {scheme} download handler {name} does not resolve names through the "
                                     "reactor, so the SSRF guard cannot check its DNS answers")

    def _spider_closed(self, spider: Any = None, reason: str = "") -> None:
        unregister_crawler_policy(self.crawler)

    # -- the resolver ------------------------------------------------------------------------------
    def _resolver(self) -> GuardedResolver | None:
        """The reactor's guarded resolver, installed here if the process did not (CrawlerRunner, or a
        DNS resolver setting naming another class): the connect-time check must not depend on how we run."""
        from twisted.internet import reactor

        current = getattr(reactor, "nameResolver", None)
        if isinstance(current, GuardedResolver):
            return current
        if not reactor.running:
            return None
        settings = self.crawler.settings
        guarded = GuardedResolver(reactor, allow_loopback=self.allow_loopback, inner=current,
                                  timeout=settings.getfloat("DNS_TIMEOUT", 60.0))
        guarded.install_on_reactor()
        logger.info("installed the SSRF-guarded DNS resolver (it wraps %s)", type(current).__name__)
        return guarded

    def _refuse(self, request: Request, reason: str, why: str) -> IgnoreRequest:
        self.stats.inc_value(f"spamcorpus/drops/ssrf_{reason}")
        logger.info("SSRF guard refused %s: %s", request.url, why)
        exc = IgnoreRequest(f"SSRF guard: {why}")
        exc.ssrf_reason = reason  # type: ignore[attr-defined]
        return exc

    # -- downloader middleware -----------------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        parsed = urlparse_cached(request)
        if parsed.scheme.lower() not in self.schemes:
            raise self._refuse(request, SCHEME, f"scheme {parsed.scheme!r} is not fetched")
        try:
            host = url_host(request.url)
        except ValueError:
            host = ""
        if not host:
            raise self._refuse(request, MALFORMED, "no parsable host")
        reason = host_refusal(host, allow_loopback=self.allow_loopback)
        if reason is not None:
            raise self._refuse(request, reason, f"host {host} is {reason.replace('_', '-')}")
        resolver = self._resolver()
        if resolver is not None:
            earlier = resolver.refusal_for(host)
            if earlier is not None:
                raise self._refuse(request, earlier, f"host {host} was refused after DNS")
        return None

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            return None
        resolver = self._resolver()
        earlier = resolver.refusal_for(url_host(request.url)) if resolver is not None else None
        if earlier is None:
            return None  # an ordinary DNS failure: the spider counts it
        why = "resolves to a refused address" if earlier == DNS else f"is {earlier.replace('_', '-')}"
        raise self._refuse(request, earlier, f"host {host_key(url_host(request.url))} {why}")
