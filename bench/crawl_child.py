"""One benchmark crawl in its own process (Twisted's reactor runs once per process); prints a JSON result."""
from __future__ import annotations

import argparse
import cProfile
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scrapy  # noqa: E402
from scrapy import signals  # noqa: E402

# identical network settings for both modes (applied last, at cmdline priority), so the difference
# between the modes is the pipeline's own cost
NETWORK = {
    "ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "COOKIES_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 30, "RETRY_ENABLED": False, "REDIRECT_ENABLED": True, "HTTPCACHE_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING", "LOG_INSTALL_ROOT_HANDLER": True,
}


class BareSpider(scrapy.Spider):
    """Fetches the seed URLs and does nothing with them: the ceiling for this machine and server."""

    name = "bare"

    def __init__(self, seeds: list[str], **kw):
        super().__init__(**kw)
        self.seeds = seeds

    async def start(self):
        for url in self.seeds:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        return None


class Clock:
    """Wall and CPU time at the first and last page response (robots.txt excluded) and row: the steady state,
    without start-up (imports, lexicons) and shutdown. CPU per page barely moves when other processes
    load the machine; wall time does."""

    def __init__(self) -> None:
        self.first = self.last = self.cpu_first = self.cpu_last = 0.0
        self.pages = self.not_ok = 0
        self.first_item = self.last_item = 0.0
        self.items = 0

    def response_received(self, response, request, spider) -> None:
        if response.url.endswith("/robots.txt"):
            return
        if response.status != 200:  # a server error is no page: the run is then invalid, not fast
            self.not_ok += 1
            return
        now, cpu = time.perf_counter(), time.process_time()
        if not self.pages:
            self.first, self.cpu_first = now, cpu
        self.last, self.cpu_last = now, cpu
        self.pages += 1

    def item_scraped(self, item, response, spider) -> None:
        now = time.perf_counter()
        if not self.items:
            self.first_item = now
        self.last_item = now
        self.items += 1


# the full pipeline's stages, timed in CPU seconds by --stages: (module, attribute) of functions and methods;
# names that do not exist (yet) are skipped
STAGES = [
    ("crawler.extensions.page_workers", "build_row"),  # in-process when SPAMCORPUS_PAGE_WORKERS=0, as the staged run sets
    ("corpus.page.row", "extract_page"),
    ("corpus.page.row", "decode_body"),
    ("corpus.page.row", "extract"),
    ("corpus.page.row", "detect_language"),
    ("corpus.page.row", "find_contacts"),
    ("corpus.page.row", "contacts_from_links"),
    ("corpus.page.row", "score_document"),
    ("crawler.pipelines.validate", "ValidateRowPipeline.process_item"),
    ("crawler.pipelines.store", "ParquetStorePipeline.process_item"),
    ("crawler.pipelines.store", "ParquetStorePipeline._write"),  # on the writer thread (process CPU)
    ("crawler.middlewares.ssrf", "SSRFGuardMiddleware.process_request"),
    ("crawler.middlewares.robots", "PoliteRobotsTxtMiddleware.process_request"),
]


def time_stages(totals: dict[str, list[float]]) -> None:
    """Wrap each stage so its inclusive CPU time and calls add up in `totals` (generators are timed while
    they run, so a callback's time excludes what Scrapy does between its yields). The first call of each
    is not timed: it loads models and lexicons once per process."""
    import functools
    import importlib
    import inspect

    for module_name, attr in STAGES:
        try:
            owner = importlib.import_module(module_name)
            *path, name = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            fn = getattr(owner, name)
        except (ImportError, AttributeError):
            continue
        key = f"{module_name.rsplit('.', 1)[-1]}.{attr}"
        totals[key] = [0.0, 0]

        def wrap(fn=fn, key=key):
            if inspect.isgeneratorfunction(fn):
                @functools.wraps(fn)
                def gen(*a, **kw):
                    it = fn(*a, **kw)
                    totals[key][1] += 1
                    warm = totals[key][1] > 1  # the first call loads models and lexicons: not per-page cost
                    while True:
                        t = time.process_time()
                        try:
                            value = next(it)
                        except StopIteration:
                            totals[key][0] += (time.process_time() - t) * warm
                            return
                        totals[key][0] += (time.process_time() - t) * warm
                        yield value
                return gen

            @functools.wraps(fn)
            def timed(*a, **kw):
                t = time.process_time()
                try:
                    return fn(*a, **kw)
                finally:
                    if totals[key][1]:  # the first call loads models and lexicons: not per-page cost
                        totals[key][0] += time.process_time() - t
                    totals[key][1] += 1
            return timed

        setattr(owner, name, wrap())


def time_gc(totals: dict[str, list[float]]) -> None:
    """Add the cyclic garbage collector's CPU time (all generations) to `totals` under "gc.collect"."""
    import gc

    totals["gc.collect"] = [0.0, 0]
    started = [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            totals["gc.collect"][0] += time.process_time() - started[0]
            totals["gc.collect"][1] += 1

    gc.callbacks.append(callback)


def build(mode: str, seeds: list[str], out: str | None, extra: dict[str, object] | None = None):
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    if mode == "bare":
        settings = Settings()  # Scrapy's defaults: no project middlewares, pipelines or extensions
        settings.setdict({**NETWORK, **(extra or {})}, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(BareSpider)
        process.crawl(crawler, seeds=seeds)
        return process, crawler
    from crawler.job import CrawlJob
    from crawler.run import project_settings

    settings = project_settings({**NETWORK, "SPAMCORPUS_CORPUS_DIR": out, "SPAMCORPUS_PROGRESS": False, **(extra or {})})
    process = CrawlerProcess(settings)
    # depth 0: the same URL list as the bare spider, no link following (links are still extracted)
    job = CrawlJob(name="bench", seeds=seeds, depth=0, allowed_hosts=["*"], autothrottle=False,
                   concurrency_per_host=NETWORK["CONCURRENT_REQUESTS_PER_DOMAIN"], download_delay=0.0,
                   allow_private_addresses=True).validate()
    crawler = process.create_crawler("corpus")
    process.crawl(crawler, job=job)
    return process, crawler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("mode", choices=["bare", "full"])
    ap.add_argument("--seeds", required=True, help="file with one URL a line")
    ap.add_argument("--out", default=None, help="corpus directory (full mode; must be fresh, or pages are skipped)")
    ap.add_argument("--profile", default=None, help="write a cProfile of the crawl to this file")
    ap.add_argument("--stages", action="store_true", help="time the full pipeline's stages (CPU ms per page)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=JSON",
                    help="an extra Scrapy setting for an experiment (value parsed as JSON, else a string)")
    args = ap.parse_args()
    seeds = [ln.strip() for ln in open(args.seeds, encoding="utf-8") if ln.strip()]
    if args.mode != "bare" and not args.out:
        ap.error("full mode needs --out")
    stages: dict[str, list[float]] = {}
    if args.stages:
        time_gc(stages)
        if args.mode != "bare":
            time_stages(stages)
    extra = {}
    for item in args.set:
        name, _, value = item.partition("=")
        try:
            extra[name] = json.loads(value)
        except json.JSONDecodeError:
            extra[name] = value
    process, crawler = build(args.mode, seeds, args.out, extra)
    clock = Clock()
    crawler.signals.connect(clock.response_received, signal=signals.response_received)
    crawler.signals.connect(clock.item_scraped, signal=signals.item_scraped)
    started = time.perf_counter()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(process.start)
        profiler.dump_stats(args.profile)
    else:
        process.start()
    elapsed = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # steady state: responses for the bare spider, rows for the full pipeline (its page workers may still be
    # extracting after the last response arrived)
    if clock.items > 1 and clock.last_item > clock.first_item:
        steady = (clock.items - 1) / (clock.last_item - clock.first_item)
    else:
        steady = (clock.pages - 1) / (clock.last - clock.first) if clock.pages > 1 and clock.last > clock.first else 0.0
    cpu_ms = 1000 * (clock.cpu_last - clock.cpu_first) / (clock.pages - 1) if clock.pages > 1 else 0.0
    print(json.dumps({
        "mode": args.mode, "seeds": len(seeds), "pages": clock.pages, "seconds": round(elapsed, 3),
        "pages_per_s": round(clock.pages / elapsed, 1), "steady_pages_per_s": round(steady, 1),
        # where the wall time outside the steady state goes: start-up, the last rows, shutdown
        "to_first_page_s": round(clock.first - started, 3), "last_page_to_last_row_s":
        round(max(0.0, clock.last_item - clock.last), 3), "after_last_row_s": round(
            time.perf_counter() - max(clock.last_item, clock.last) - (time.perf_counter() - started - elapsed), 3),
        "steady_cpu_ms_per_page": round(cpu_ms, 3),
        "rows": int(stats.get("spamcorpus/rows_committed", 0)),
        "items": int(stats.get("item_scraped_count", 0)),
        "drops": {k: v for k, v in stats.items() if k.startswith("spamcorpus/drops/")},
        "download_errors": {k.rsplit("/", 1)[-1]: v for k, v in stats.items()
                            if k.startswith("downloader/exception_type_count/")},
        "retries": int(stats.get("retry/count", 0)), "responses_not_200": clock.not_ok,
        "finish_reason": stats.get("finish_reason"),
        "cpu_user_s": round(usage.ru_utime, 2), "cpu_sys_s": round(usage.ru_stime, 2),
        "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "worker_cpu_s": stats.get("spamcorpus/page_workers/cpu_seconds"),
        "worker_max_rss_mib": stats.get("spamcorpus/page_workers/max_rss_mib"),
        **({"stages_cpu_ms_per_page": {k: round(1000 * v[0] / max(clock.pages, 1), 3) for k, v in stages.items()},
            "stages_calls": {k: v[1] for k, v in stages.items()}} if stages else {}),
    }))


if __name__ == "__main__":
    main()
