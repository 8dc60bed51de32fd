"""scrapy-redis's dupefilter keyed like the corpus: a page's fingerprint is its canonical URL, as its doc_id is."""
from __future__ import annotations

import hashlib

from scrapy_redis.dupefilter import RFPDupeFilter

from corpus.ids import InvalidURL, canonicalize_url


class CanonicalDupeFilter(RFPDupeFilter):
    """Fingerprints by corpus.ids.canonicalize_url (so two spellings of one page are one request), with a local
    cache of fingerprints this worker already knows are in Redis (most links of a site repeat on every page)."""

    def __init__(self, server, key, debug=False) -> None:
        super().__init__(server, key, debug)
        self.known: set[str] = set()

    def request_fingerprint(self, request) -> str:
        try:
            url = canonicalize_url(request.url)
        except InvalidURL:
            url = request.url
        body = hashlib.sha1(request.body or b"").hexdigest() if request.body else ""
        return hashlib.sha1(f"{request.method} {url} {body}".encode()).hexdigest()

    def known_seen(self, fingerprint: str) -> bool:
        return fingerprint in self.known

    def remember(self, fingerprint: str) -> None:
        self.known.add(fingerprint)

    def close(self, reason: str = "") -> None:
        # scrapy-redis deletes the shared set on close: other workers still rely on it
        self.known.clear()
