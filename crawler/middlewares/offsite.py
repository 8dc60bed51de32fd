"""Scrapy's offsite filter on the job's hosts: exact host names, redirect hops left to the SSRF guard, one counted
drop (`offsite`) per URL."""
from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from corpus.ids import InvalidURL, canonicalize_url


class JobOffsiteMiddleware(OffsiteMiddleware):
    """The spider's `allowed_domains` are the job's allowed hosts (its seeds' hosts by default; empty for "*":
    every host). Scrapy's filter also admits subdomains; a job names hosts, so only those hosts pass.

    A redirect is not a link the crawl chose to follow: its target is fetched wherever it points, and the SSRF
    guard and resolver judge the address, as before. Sitemap and robots.txt requests carry `allow_offsite`.
    Scrapy runs this filter when a request is scheduled, so a link met on many pages is dropped (and counted)
    once per canonical URL."""

    def __init__(self, stats) -> None:
        super().__init__(stats)
        self._hosts: frozenset[str] = frozenset()
        self._hosts_of = None  # the spider's allowed_domains the set was made from
        self.dropped: set[str] = set()

    def should_follow(self, request: Request, spider) -> bool:
        if request.meta.get("redirect_urls"):
            return True
        allowed = getattr(spider, "allowed_domains", None)
        if not allowed:
            return True
        if allowed is not self._hosts_of:
            self._hosts_of, self._hosts = allowed, frozenset(h.lower() for h in allowed)
        return (urlparse_cached(request).hostname or "") in self._hosts

    def process_request(self, request: Request, spider=None) -> None:
        try:
            super().process_request(request)
        except IgnoreRequest:
            try:
                key = canonicalize_url(request.url)
            except InvalidURL:
                key = request.url
            if key not in self.dropped:
                self.dropped.add(key)
                self.stats.inc_value("spamcorpus/drops/offsite")
            raise
