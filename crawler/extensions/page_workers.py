"""Extension: page extraction in worker processes; the crawl uses the other cores, and a page that crashes or
hangs the extractor costs one counted drop, not the crawl. The spider finds it with crawler.get_extension."""
from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from typing import Any

from corpus.lang import load_models
from corpus.page.row import PageInput, PageRejected, build_row
from crawler import settings as defaults

logger = logging.getLogger(__name__)


class PageFailed(Exception):
    """A page whose extraction failed; `reason` is the stats key of the drop."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class _TimedOut(Exception):
    """The batch ran past the page timeout; its worker was replaced."""


def default_workers() -> int:
    """One core stays with Scrapy's own process; the others extract (none on a one-core machine)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, cores - 1)


# --- worker side -------------------------------------------------------------------------------------------
def _exit_with_parent() -> None:
    """Worker initializer: leave when the crawler process dies, even by SIGKILL.

    A worker blocked on its task queue never sees the crawler go (it holds the queue's write end itself),
    and it keeps the fork server alive: without this, every killed crawl would leave both behind for good.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _build_one(page: PageInput) -> tuple[str, Any]:
    try:
        row = build_row(page)
    except PageRejected as exc:
        return "rejected", (exc.reason, exc.detail)
    except Exception as exc:  # noqa: BLE001 (hostile input: any extractor error is one counted drop)
        return "error", f"{type(exc).__name__}: {exc}"
    row["body"] = None  # the crawler process still holds it: don't send it back
    return "row", row


def _build_batch(pages: list[PageInput]) -> tuple[list[tuple[str, Any]], tuple[int, float, int]]:
    """Runs in a worker: one trip for several pages, so the worker is never idle waiting for the next one."""
    results = [_build_one(page) for page in pages]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return results, (os.getpid(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


_WARM_UP_HTML = ("<html><head><title>Warm-up</title></head><body><h1>How to renew a data card</h1><p>This page "
                 "loads the language model, lexicons and matchers before the first real page arrives.</p>"
                 "<p>流量卡怎么续费？本页只在启动时加载模型和词表。聯繫客服 TG @warmup_only</p></body></html>")


def _warm_up() -> int:
    page = PageInput(url="http://warm-up.invalid/", final_url="http://warm-up.invalid/", status=200,
                     headers={"content-type": "text/html; charset=utf-8"}, body=_WARM_UP_HTML.encode(),
                     fetched_at=datetime.now(UTC), crawl_job="warm-up", run_id="warm-up")
    build_row(page)
    load_models()  # the warm-up page may be decided without them (a script or a cue is enough)
    # the extractor's lexicons and tries are long-lived: freeze them out of the collector's walks
    gc.collect()
    gc.freeze()
    return os.getpid()


# --- crawler side ------------------------------------------------------------------------------------------
@dataclass(eq=False)
class _Batch:
    waiters: list[tuple[PageInput, asyncio.Future]]
    generation: int
    running_since: float | None = None  # set once the batch is among the oldest `workers` in flight
    timed_out: bool = False


class PageWorkers:
    """`await workers.build_row(page)`: corpus.page.row.build_row in a process pool, or in-process if 0 workers.

    As a Scrapy extension (EXTENSIONS in crawler/settings.py) it starts its workers when the spider opens and
    shuts them down when it closes; the spider gets it with `crawler.get_extension(PageWorkers)`.

    Batches run first in, first out, so the oldest `workers` batches in flight are the running ones; a
    watchdog gives each of those `timeout` seconds from when it started running (not from when it queued),
    then kills the pool. Its pages are tried again alone, and the one that hangs alone is dropped.
    """

    def __init__(self, workers: int, timeout: float, crawler=None, *,
                 retries_after_crash: int = defaults.SPAMCORPUS_PAGE_RETRIES_AFTER_CRASH,
                 batch: int = defaults.SPAMCORPUS_PAGE_BATCH) -> None:
        self.workers = workers
        self.timeout = timeout
        self.retries_after_crash = retries_after_crash
        self.batch = max(1, batch)
        self.crawler = crawler  # its stats exist only once the crawl starts
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0
        self._usage: dict[int, tuple[float, int]] = {}  # worker pid -> (cpu seconds, max rss KiB)
        self._pending: list[tuple[PageInput, asyncio.Future]] = []
        self._in_flight: deque[_Batch] = deque()
        self._tasks: set[asyncio.Task] = set()
        self._watchdog: asyncio.Task | None = None

    @classmethod
    def from_crawler(cls, crawler) -> PageWorkers:
        # imported here: the workers' fork server preloads this module (crawler.page_warmup), not Scrapy
        from scrapy import signals

        settings = crawler.settings
        workers = settings.get("SPAMCORPUS_PAGE_WORKERS")
        workers = default_workers() if workers in (None, "", "auto") else int(workers)
        ext = cls(workers, settings.getfloat("SPAMCORPUS_PAGE_TIMEOUT"), crawler,
                  retries_after_crash=settings.getint("SPAMCORPUS_PAGE_RETRIES_AFTER_CRASH"),
                  batch=settings.getint("SPAMCORPUS_PAGE_BATCH"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.close, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.start()  # workers load the extractor while Scrapy sends its first requests

    # -- pool lifecycle ---------------------------------------------------------------------------------------
    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver: never fork the crawler process itself (it runs threads); workers fork from a server
        # that has loaded the extractor's models and lexicons, so every worker, a replacement after a crash
        # too, starts warm (a cold first page would count against the page timeout)
        ctx = get_context("forkserver")
        ctx.set_forkserver_preload(["crawler.page_warmup"])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_exit_with_parent)

    def start(self) -> None:
        """Start the workers while Scrapy starts up (they fork warm from the fork server; in-process: warm up now)."""
        if not self.workers:
            _warm_up()
        elif self._pool is None:
            self._pool = self._new_pool()
            for _ in range(self.workers):
                self._pool.submit(os.getpid)  # makes the pool fork its workers now, not on the first page

    def _replace_pool(self, generation: int, kill: bool) -> None:
        if generation != self._generation or self._pool is None:
            return  # another batch already replaced this pool
        old, self._pool = self._pool, self._new_pool()
        self._generation += 1
        if kill:  # a worker stuck on a page: nothing else frees it
            for process in list(getattr(old, "_processes", {}).values()):
                process.kill()
        old.shutdown(wait=False)  # its queued batches fail with BrokenProcessPool and are tried again
        self._count("page_workers/restarts")

    def close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        stats = getattr(self.crawler, "stats", None)
        if stats is not None and self._usage:
            stats.set_value("spamcorpus/page_workers/cpu_seconds", round(sum(c for c, _ in self._usage.values()), 3))
            stats.set_value("spamcorpus/page_workers/max_rss_mib",
                            round(max(rss for _, rss in self._usage.values()) / 1024, 1))

    def _count(self, key: str) -> None:
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"spamcorpus/{key}")

    # -- work -------------------------------------------------------------------------------------------------
    async def build_row(self, page: PageInput) -> dict[str, Any]:
        """The page's corpus row; raises PageRejected (not a document) or PageFailed (extractor failed)."""
        kind, value = await self._in_worker(page) if self.workers else _build_one(page)
        if kind == "row":
            if value["body"] is None:
                value["body"] = page.body
            return value
        if kind == "rejected":
            raise PageRejected(*value)
        raise PageFailed("extraction_error", value)

    async def _in_worker(self, page: PageInput) -> tuple[str, Any]:
        if self._pool is None:
            self.start()
        alone, crashes = False, 0
        while True:
            waiter = asyncio.get_running_loop().create_future()
            self._pending.append((page, waiter))
            if alone or len(self._pending) >= self.batch or len(self._in_flight) <= self.workers:
                self._flush()
            try:
                return await waiter
            except _TimedOut:
                if alone:
                    logger.warning("extraction of %s took over %g s; dropped", page.final_url, self.timeout)
                    raise PageFailed("extraction_timeout") from None
            except BrokenProcessPool:  # a worker died (a crash in native code, the OOM killer)
                crashes += 1
                if crashes > self.retries_after_crash:
                    raise PageFailed("extraction_crashed") from None
            alone = True  # after a hang or a crash a page goes alone, so a culprit harms nobody but itself

    def _flush(self) -> None:
        if not self._pending:
            return
        if self._watchdog is None or self._watchdog.done():  # (a new event loop, as in tests)
            self._watchdog = asyncio.ensure_future(self._watch())
        batch = _Batch(self._pending, self._generation)
        self._pending = []
        self._in_flight.append(batch)
        future = asyncio.wrap_future(self._pool.submit(_build_batch, [page for page, _ in batch.waiters]))
        task = asyncio.ensure_future(self._finish(future, batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _finish(self, future: asyncio.Future, batch: _Batch) -> None:
        outcome: Exception | None = None
        try:
            results, (pid, cpu, rss) = await future
            self._usage[pid] = (cpu, rss)
        except BrokenProcessPool as exc:
            self._replace_pool(batch.generation, kill=False)
            outcome = _TimedOut() if batch.timed_out else exc
        finally:
            self._in_flight.remove(batch)
        for i, (_page, waiter) in enumerate(batch.waiters):
            if waiter.done():
                continue
            if outcome is None:
                waiter.set_result(results[i])
            else:
                waiter.set_exception(outcome)
        self._flush()  # pages that queued up while this batch ran

    async def _watch(self) -> None:
        tick = min(1.0, max(0.02, self.timeout / 5))
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            for batch in list(self._in_flight)[: self.workers]:
                if batch.running_since is None:
                    batch.running_since = now
                elif now - batch.running_since > self.timeout and not batch.timed_out:
                    batch.timed_out = True
                    self._replace_pool(batch.generation, kill=True)
