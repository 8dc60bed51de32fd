"""Downloader middleware: records every HTTP exchange (robots.txt, sitemaps, redirects, errors, pages) for the WARC.

It sits next to the downloader (priority 950): it sees each request as sent, after every other middleware added
its headers, and each response as received, before redirects are followed or Content-Encoding is decoded, so the
archive holds what went over the wire (see corpus/warc/writer.py for what is adjusted and why). The exchanges wait
in the crawler's WarcBuffer until the store pipeline commits them with the next shard; a page's row learns its
record id from the response's meta (the spider copies it into warc_file, the store turns it into file + offset).
"""
from __future__ import annotations

from datetime import datetime, timezone

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from corpus.warc.records import Exchange, new_record_id
from crawler.warc_buffer import WarcBuffer

RECORD_META = "spamcorpus_warc_record"
FETCHED_META = "spamcorpus_fetched_at"


def _pairs(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]


class WarcRecorderMiddleware:
    def __init__(self, buffer: WarcBuffer) -> None:
        self.buffer = buffer

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SPAMCORPUS_WARC") or not crawler.settings.get("SPAMCORPUS_CORPUS_DIR"):
            raise NotConfigured("SPAMCORPUS_WARC is off")
        return cls(WarcBuffer.of(crawler))

    def process_response(self, request: Request, response: Response) -> Response:
        arrived = datetime.now(timezone.utc)
        exchange = Exchange(
            record_id=new_record_id(), target_uri=response.url, date=arrived, method=request.method,
            request_headers=_pairs(request.headers), request_body=request.body, status=response.status,
            headers=_pairs(response.headers), body=response.body, protocol=response.protocol or "HTTP/1.1",
            ip_address=str(response.ip_address) if response.ip_address is not None else None,
        )
        self.buffer.add(exchange)
        # the request's meta is the response's: a redirect or retry copies it, and its own response overwrites it
        request.meta[RECORD_META] = exchange.record_id
        request.meta[FETCHED_META] = arrived
        return response
