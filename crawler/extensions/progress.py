"""Extension: a live progress line (pages, rows, drops, pages/s) and a summary when the crawl ends."""
from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def drops_by_reason(stats: dict) -> dict[str, int]:
    prefix = "spamcorpus/drops/"
    return {k[len(prefix):]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix) and v}


def progress_line(stats: dict, elapsed: float) -> str:
    pages = int(stats.get("response_received_count", 0))
    rows = int(stats.get("spamcorpus/rows_committed", 0))
    extracted = int(stats.get("spamcorpus/pages_extracted", 0))
    drops = sum(drops_by_reason(stats).values())
    rate = pages / elapsed if elapsed > 0 else 0.0
    return (f"pages {pages} | extracted {extracted} | rows committed {rows} | drops {drops} | "
            f"{rate:.1f} pages/s | {elapsed:.0f}s")


class ProgressLine:
    def __init__(self, crawler, interval: float, stream) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SPAMCORPUS_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("SPAMCORPUS_PROGRESS_INTERVAL"), sys.stderr)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def show(self) -> None:
        line = progress_line(self.crawler.stats.get_stats(), time.monotonic() - self.started)
        # on a terminal the line rewrites itself; in a log file each tick is its own line
        self.stream.write(f"\r\x1b[2K{line}" if self.tty else f"{line}\n")
        self.stream.flush()

    def spider_closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        stats = self.crawler.stats.get_stats()
        out = ["\n" if self.tty else "", f"crawl finished ({reason}): ",
               progress_line(stats, time.monotonic() - self.started), "\n"]
        for reason_name, count in drops_by_reason(stats).items():
            out.append(f"  dropped {count:>6}  {reason_name}\n")
        self.stream.write("".join(out))
        self.stream.flush()
