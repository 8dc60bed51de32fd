"""Extension: a response past its size limit fails with a typed `ResponseTooLarge`, not Scrapy's bare cancel."""
from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured, StopDownload


class ResponseTooLarge(StopDownload):
    """The response announced (Content-Length) or streamed more bytes than DOWNLOAD_MAXSIZE allows.

    Raised from the downloader's headers_received/bytes_received signals, which Scrapy sends before its own
    DOWNLOAD_MAXSIZE check, so the request's errback gets this type (Scrapy's own check cancels with a message
    only a reader of its text could tell apart from any other cancel)."""

    def __init__(self, size: int, limit: int, *, announced: bool) -> None:
        super().__init__(fail=True)
        self.size, self.limit, self.announced = size, limit, announced

    def __str__(self) -> str:
        how = "announced" if self.announced else "received at least"
        return f"response too large: {how} {self.size} bytes, the limit is {self.limit}"


class ResponseSizeLimit:
    """Stops a download at the request's size limit (`download_maxsize` meta, else DOWNLOAD_MAXSIZE).

    DOWNLOAD_MAXSIZE stays set too: Scrapy still applies it to decompressed bodies and to any handler that
    sends no signals."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        # bytes received so far per request; a redirect or retry is a new Request, so it starts again at 0
        self.received: WeakKeyDictionary[Request, int] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler):
        limit = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        if limit <= 0:
            raise NotConfigured("DOWNLOAD_MAXSIZE is 0: no size limit")
        ext = cls(limit)
        crawler.signals.connect(ext.headers_received, signal=signals.headers_received)
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        return ext

    def _limit(self, request: Request) -> int:
        return int(request.meta.get("download_maxsize", self.limit) or 0)

    def headers_received(self, headers, body_length, request: Request, spider=None) -> None:
        self.received[request] = 0
        limit = self._limit(request)
        # body_length is Twisted's UNKNOWN_LENGTH marker (not an int) when no Content-Length came
        if limit and isinstance(body_length, int) and body_length > limit:
            self.received.pop(request, None)
            raise ResponseTooLarge(body_length, limit, announced=True)

    def bytes_received(self, data: bytes, request: Request, spider=None) -> None:
        size = self.received.get(request, 0) + len(data)
        self.received[request] = size
        limit = self._limit(request)
        if limit and size > limit:
            self.received.pop(request, None)
            raise ResponseTooLarge(size, limit, announced=False)
