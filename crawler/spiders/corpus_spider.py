"""The `corpus` spider: discovery only (seeds, sitemaps, robots.txt, follow policy, resume frontier)."""
from __future__ import annotations

import gzip
import io
import logging
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Iterable

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError, CloseSpider, DownloadCancelledError, DownloadConnectionRefusedError, DownloadFailedError,
    DownloadTimeoutError, IgnoreRequest, ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from corpus.ids import InvalidURL, canonicalize_url, host_of
from corpus.store import CorpusStore, StoreError, new_run_id
from corpus.page.extract import link_form
from crawler.extensions.page_workers import PageFailed, PageWorkers
from crawler.extensions.size_limit import ResponseTooLarge
from crawler.middlewares.warc import FETCHED_META, RECORD_META
from crawler.job import CrawlJob, JobError, adhoc_job, load_job
from corpus.page.row import PageInput, PageRejected
from crawler.spiders.frontier import committed_frontier, follows

logger = logging.getLogger(__name__)


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")


class CorpusSpider(scrapy.Spider):
    """Fetches a crawl job's pages; each page is handed to corpus.page.row.build_row."""

    name = "corpus"
    frontier_depth: dict[str, int] = {}  # the resume frontier's URLs and depths, set by start() (never mutated here)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        job = kwargs.pop("job", None)
        overrides = {
            "max_pages": int(kwargs.pop("max_pages")) if "max_pages" in kwargs else None,
            "depth": int(kwargs.pop("depth")) if "depth" in kwargs else None,
            "follow": kwargs.pop("follow", None),
            "allow_private_addresses": _as_bool(kwargs.pop("allow_private_addresses"))
            if "allow_private_addresses" in kwargs else None,
        }
        seeds_file = kwargs.pop("seeds_file", None)
        job_name = kwargs.pop("job_name", None)
        try:
            if isinstance(job, CrawlJob):
                pass
            elif job:
                job = load_job(job, **({"name": job_name} if job_name else {}), **overrides)
            elif seeds_file:
                job = adhoc_job(job_name or "adhoc", seeds_file, **overrides)
            else:
                raise JobError("give -a job=JOB.toml or -a seeds_file=FILE")
        except JobError as exc:
            raise ValueError(str(exc)) from None
        # `scrapy crawl -s TELNETCONSOLE_ENABLED=True` bypasses `spamcorpus crawl`'s --set checks; the extensions
        # are built after this method, so refusing here means the console never opens
        for name in ("TELNETCONSOLE_ENABLED", "REMOTE_CONTROL_ENABLED"):
            if crawler.settings.getbool(name):
                raise ValueError(f"{name} is refused: a console that runs Python must not run in a crawler of "
                                 "hostile pages")
        # from_crawler runs before the settings freeze: the job's settings apply at spider priority
        crawler.settings.setdict(job.scrapy_settings(), priority="spider")
        if "out" in kwargs:
            crawler.settings.set("SPAMCORPUS_CORPUS_DIR", kwargs.pop("out"), priority="spider")
        if not crawler.settings.get("SPAMCORPUS_RUN_ID"):
            crawler.settings.set("SPAMCORPUS_RUN_ID", new_run_id(), priority="spider")
        crawler.settings.set("SPAMCORPUS_JOB_NAME", job.name, priority="spider")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.job = job
        # Scrapy's offsite filter (crawler.middlewares.offsite) reads these; empty lets every host through
        hosts = {h.lower() for h in job.allowed_hosts} or {host_of(u) for u in [*job.seeds, *job.sitemaps, *job.robots]}
        spider.allowed_domains = [] if "*" in hosts else sorted(hosts)
        return spider

    # -- start -----------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        job: CrawlJob = self.job
        # the extraction pool is an extension (started when the spider opened, closed with it)
        self.page_workers = self.crawler.get_extension(PageWorkers)
        if self.page_workers is None:
            raise RuntimeError("crawler.extensions.page_workers.PageWorkers is not in EXTENSIONS: "
                               "the spider extracts pages through it")
        self.max_links = self.settings.getint("SPAMCORPUS_MAX_LINKS_PER_PAGE")
        self.pages_seen = 0  # document responses handed to parse, for the job's page limit
        self.crawler.stats.set_value("spamcorpus/run_id", self.settings.get("SPAMCORPUS_RUN_ID"))
        self.crawler.stats.set_value("spamcorpus/job", job.name)
        frontier = self._committed_frontier()  # (what is committed is filtered by the scheduler's dupefilter)
        # Scrapy takes start requests lazily, so a page fetched early can link to a frontier URL before its
        # frontier request is scheduled; that link must not win the dupefilter at a greater depth (it would
        # lose the pages below it at the depth limit)
        self.frontier_depth: dict[str, int] = {}
        for url, depth, _referrer in frontier:
            try:
                self.frontier_depth.setdefault(canonicalize_url(url), depth)
            except InvalidURL:
                continue
        for url in job.seeds:
            req = self._page_request(url, referrer=None)
            if req is not None:
                yield req
        for url in job.sitemaps:
            yield self._sitemap_request(url)
        for url in job.robots:
            yield scrapy.Request(url, callback=self.parse_robots_seed, errback=self.on_error,
                                 meta={"dont_obey_robotstxt": True, "allow_offsite": True})
        for url, depth, referrer in frontier:
            # a link of a committed page restarts at its depth; Scrapy's DepthMiddleware counts on from there
            req = self._page_request(url, referrer=referrer, meta={"depth": depth}, priority=-depth)
            if req is not None:
                yield req

    def _committed_frontier(self) -> list[tuple[str, int, str]]:
        root = self.settings.get("SPAMCORPUS_CORPUS_DIR")
        try:
            state = committed_frontier(CorpusStore(root, run_id="reader"), self.job, self.max_links)
        except (StoreError, OSError) as exc:
            logger.warning("no resume state from %s: %s", root, exc)
            return []
        if state.committed_rows:
            self.crawler.stats.set_value("spamcorpus/resume/committed_rows", state.committed_rows)
            self.crawler.stats.set_value("spamcorpus/resume/frontier_links", len(state.frontier))
        return state.frontier

    def _frontier_is_shallower(self, link: str, depth: int) -> bool:
        """Whether the resume frontier asks for `link` at a smaller depth than this link would give it."""
        if not self.frontier_depth:
            return False
        try:
            return self.frontier_depth.get(canonicalize_url(link), depth) < depth
        except InvalidURL:
            return False

    # -- requests --------------------------------------------------------------------------------
    def _page_request(self, url: str, *, referrer: str | None, meta: dict | None = None,
                      priority: int = 0) -> scrapy.Request | None:
        """A page request. Its depth is Scrapy's DepthMiddleware's (a link: its page's + 1; DEPTH_PRIORITY asks for
        shallow pages first), its host is checked by the offsite filter when it is scheduled."""
        try:
            canonical = canonicalize_url(url)
        except InvalidURL:
            self.crawler.stats.inc_value("spamcorpus/skipped/invalid_url")
            return None
        meta = {**(meta or {}), "spamcorpus_referrer": referrer}
        try:  # ask for the query as written (a server may tell `?x` from `?x=`); dedup keys stay canonical
            target = link_form(url)
        except ValueError:
            target = canonical
        return scrapy.Request(target, callback=self.parse, errback=self.on_error, meta=meta, priority=priority)

    def _sitemap_request(self, url: str) -> scrapy.Request:
        # sitemap hops are free: depth_reset keeps them (and the pages they list) at depth 0, allow_offsite lets
        # a sitemap index point at another host's sitemap, as before
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                              meta={"depth_reset": True, "allow_offsite": True})

    # -- callbacks -------------------------------------------------------------------------------
    async def parse(self, response: Response) -> AsyncIterator[Any]:
        # the page limit counts documents, not robots.txt or sitemap fetches, and holds exactly:
        # responses still in flight when it is reached make no row (their referrers' links resume them)
        if not self._claim_page(response):
            self.crawler.stats.inc_value("spamcorpus/skipped/page_limit")
            return
        async for out in self._page(response):
            yield out
        if self.job.max_pages and self.pages_seen >= self.job.max_pages:
            raise CloseSpider("closespider_pagecount")

    def _claim_page(self, response: Response) -> bool:
        """Count this document against the job's page limit; False once the limit is reached (a distributed
        worker counts in Redis: crawler/distributed/spider.py)."""
        if self.job.max_pages and self.pages_seen >= self.job.max_pages:
            return False
        self.pages_seen += 1
        return True

    async def _page(self, response: Response) -> AsyncIterator[Any]:
        depth = response.meta.get("depth", 0)
        first_url = (response.meta.get("redirect_urls") or [response.url])[0]
        headers = {k.decode("latin-1").lower(): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        page = PageInput(
            url=first_url, final_url=response.url, status=response.status, headers=headers,
            body=response.body, fetched_at=response.meta.get(FETCHED_META) or datetime.now(timezone.utc),
            crawl_job=self.job.name,
            run_id=self.settings.get("SPAMCORPUS_RUN_ID"), depth=depth,
            referrer=response.meta.get("spamcorpus_referrer"),
        )
        try:
            row = await self.page_workers.build_row(page)
        except (PageRejected, PageFailed) as exc:
            # a hostile page must not stop the crawl; the drop is counted under its reason
            if isinstance(exc, PageFailed):
                logger.warning("dropped %s: %s", response.url, exc)
            self.crawler.stats.inc_value(f"spamcorpus/drops/{exc.reason}")
            return
        self.crawler.stats.inc_value("spamcorpus/pages_extracted")
        row["warc_file"] = response.meta.get(RECORD_META)  # the record's id until the store commits it
        yield row
        if follows(self.job, row["spam_score"]):  # links past the job's depth: DepthMiddleware (DEPTH_LIMIT)
            depth = response.meta.get("depth", 0) + 1
            for link in row["links"][: self.max_links]:
                if self._frontier_is_shallower(link, depth):
                    self.crawler.stats.inc_value("spamcorpus/resume/link_left_to_frontier")
                    continue
                req = self._page_request(link, referrer=row["final_url"])
                if req is not None:
                    yield req

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        body, limit = response.body, self.settings.getint("SPAMCORPUS_SITEMAP_MAX_BYTES")
        if body[:2] == b"\x1f\x8b":
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
                    body = fh.read(limit + 1)
            except (OSError, EOFError):
                self.crawler.stats.inc_value("spamcorpus/drops/bad_sitemap")
                return
            if len(body) > limit:
                self.crawler.stats.inc_value("spamcorpus/drops/sitemap_too_large")
                return
        try:
            sitemap = Sitemap(body)
        except Exception:  # lxml raises on non-XML bodies
            self.crawler.stats.inc_value("spamcorpus/drops/bad_sitemap")
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield self._sitemap_request(loc)
            else:
                req = self._page_request(loc, referrer=None, meta={"depth_reset": True})
                if req is not None:
                    yield req

    def parse_robots_seed(self, response: Response) -> Iterable[Any]:
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self._sitemap_request(url)

    def on_error(self, failure: Failure) -> None:
        stats = self.crawler.stats
        if failure.check(HttpError):
            stats.inc_value(f"spamcorpus/drops/http_{failure.value.response.status}")
        elif failure.check(IgnoreRequest):
            pass  # the middleware that refused it (SSRF guard, robots.txt) counted it under its reason
        elif failure.check(ResponseTooLarge):
            stats.inc_value("spamcorpus/drops/too_large")
        elif failure.check(DownloadCancelledError, CancelledError):
            stats.inc_value("spamcorpus/drops/cancelled")
        elif failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
            stats.inc_value("spamcorpus/drops/timeout")
        elif failure.check(CannotResolveHostError, DNSLookupError):
            stats.inc_value("spamcorpus/drops/dns_error")
        elif failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
            stats.inc_value("spamcorpus/drops/connection_refused")
        elif failure.check(ResponseDataLossError):
            stats.inc_value("spamcorpus/drops/data_loss")
        elif failure.check(DownloadFailedError):
            stats.inc_value("spamcorpus/drops/download_failed")
        else:
            stats.inc_value(f"spamcorpus/drops/download_error_{type(failure.value).__name__}")
        request = getattr(failure, "request", None)
        logger.info("dropped %s: %s", request.url if request else "?", failure.getErrorMessage())
