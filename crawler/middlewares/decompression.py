"""Scrapy's HttpCompressionMiddleware, with a body that passes the size limit while being decompressed failing as
a typed ResponseTooLarge (counted as too_large) instead of an IgnoreRequest no one counts."""
from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.extensions.size_limit import ResponseTooLarge


class SizedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Decompression bombs stay refused at DOWNLOAD_MAXSIZE (Scrapy stops decompressing there); the request's
    errback gets ResponseTooLarge, like a body that arrived too large."""

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            # Scrapy raises IgnoreRequest here only from its decompression limit, whose error carries the size
            size = getattr(exc.__cause__, "decompressed_size", None)
            if size is None:
                raise
            limit = int(request.meta.get("download_maxsize", self._max_size) or 0)
            raise ResponseTooLarge(size, limit, announced=False) from exc
