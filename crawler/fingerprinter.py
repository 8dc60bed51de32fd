"""Request fingerprints over the canonical URL (corpus.ids.canonicalize_url): the scheduler's dupefilter sees
`?utm_source=x`, `#top` and the page itself as one request (REQUEST_FINGERPRINTER_CLASS)."""
from __future__ import annotations

import hashlib
from weakref import WeakKeyDictionary

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from corpus.ids import InvalidURL, canonicalize_url


class CanonicalURLFingerprinter:
    """sha1 of the method, the canonical URL (the corpus's doc_id key) and the body.

    Any dupefilter that asks `crawler.request_fingerprinter` (Scrapy's, or a distributed one such as
    scrapy-redis's) de-duplicates the way the corpus does. A URL canonicalize_url refuses keeps Scrapy's own
    fingerprint, so it is still filtered once."""

    def __init__(self, crawler=None) -> None:
        self._fallback = RequestFingerprinter(crawler)
        self._cache: WeakKeyDictionary[Request, bytes] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        cached = self._cache.get(request)
        if cached is None:
            try:
                key = canonicalize_url(request.url)
            except InvalidURL:
                cached = self._fallback.fingerprint(request)
            else:
                digest = hashlib.sha1(f"{request.method} {key}".encode(), usedforsecurity=False)
                digest.update(request.body)
                cached = digest.digest()
            self._cache[request] = cached
        return cached
