"""Run one crawl job in this process with the project's Scrapy settings; returns the run's stats."""
from __future__ import annotations

import os
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.job import CrawlJob, JobError

# finish reasons of a crawl that ran its course (a page or time limit is a planned stop; the rest resumes)
COMPLETED_REASONS = ("finished", "closespider_pagecount", "closespider_timeout")
DROPS = "spamcorpus/drops/"
# what a drop reason says about why a crawl fetched nothing
DROP_HINTS = {
    "offsite": "the seeds' hosts are not in follow.allowed_hosts",
    "robots_disallowed": "robots.txt disallows them (politeness.obey_robots)",
    "connection_refused": "nothing accepts connections there",
    "dns_error": "their host names do not resolve",
    "timeout": "the servers did not answer in time (politeness.timeout)",
}


def project_settings(overrides: dict[str, Any] | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def check_corpus_dir(out: str | os.PathLike[str], *, label: str = "--out") -> None:
    """Refuse, before any request, a corpus directory that cannot be one: an existing regular file, a path
    under a file, or a place this process cannot write to. JobError names the path (one line)."""
    path = Path(out)
    try:
        if path.exists() and not path.is_dir():
            raise JobError(f"{label} {out}: is an existing file, not a corpus directory")
        probe = path
        while not probe.exists() and probe.parent != probe:
            probe = probe.parent
        if not probe.is_dir():
            raise JobError(f"{label} {out}: {probe} is a file, so no directory can be made under it")
    except OSError as exc:
        raise JobError(f"{label} {out}: cannot use this path: {exc.strerror or exc}") from None
    try:
        # a real write, not os.access: root passes access checks on read-only filesystems' bits but not EROFS
        fd, name = tempfile.mkstemp(prefix=".spamcorpus-write-check-", dir=probe)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        where = "" if probe == path else f" (nor create it in {probe})"
        raise JobError(f"{label} {out}: cannot write there{where}: {exc.strerror or exc}") from None


PAGE_WORKER_PRELOAD = ["crawler.page_warmup"]  # as crawler.extensions.page_workers preloads its fork server


def start_page_forkserver(settings: Any) -> None:
    """Start multiprocessing's fork server (page workers fork from it) with SIGINT ignored.

    Ctrl-C in a terminal sends SIGINT to the whole process group. A fork server hit while it preloads the
    extractor dies (the crawl cannot start), and workers forked from it die of KeyboardInterrupt, which breaks
    the pool while the crawl is shutting down gracefully. A process started with SIGINT ignored keeps it
    ignored, and the fork server hands that on to every worker: only the crawler process handles Ctrl-C (a
    graceful stop that commits what it has). Started here, before Scrapy, the server also warms up sooner.
    """
    from crawler.extensions.page_workers import default_workers

    workers = settings.get("SPAMCORPUS_PAGE_WORKERS")
    try:
        count = default_workers() if workers in (None, "", "auto") else int(workers)
    except (TypeError, ValueError):
        return
    if count <= 0:
        return
    from multiprocessing import forkserver, get_context

    get_context("forkserver").set_forkserver_preload(PAGE_WORKER_PRELOAD)
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave the fork server to the pool
        return
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class CrawlOutcome:
    """What one crawl did: Scrapy's stats, the signals that stopped it, and why it could not start."""

    stats: dict[str, Any] = field(default_factory=dict)
    signals: list[int] = field(default_factory=list)  # SIGINT/SIGTERM received, in order
    forced: bool = False  # a second signal stopped the reactor without a clean close
    start_error: BaseException | None = None

    @property
    def stop_signal(self) -> int | None:
        return self.signals[0] if self.signals else None

    @property
    def rows_committed(self) -> int:
        return int(self.stats.get("spamcorpus/rows_committed", 0) or 0)

    def drops(self) -> dict[str, int]:
        return {k[len(DROPS):]: int(v) for k, v in sorted(self.stats.items()) if k.startswith(DROPS) and v}

    def fetched_nothing(self) -> bool:
        """No page of this run made a row, and none was skipped as already in the corpus (a finished job
        run again fetches nothing new, which is no failure)."""
        s = self.stats
        return not (int(s.get("spamcorpus/pages_extracted", 0) or 0) or self.rows_committed
                    or int(s.get("spamcorpus/skipped/already_committed", 0) or 0))


def run_crawl_outcome(job: CrawlJob, out: str, overrides: dict[str, Any] | None = None, *,
                      role: str = "crawl") -> CrawlOutcome:
    """Crawl `job` into the corpus at `out` and say how it went. Blocks until done; one call per process.

    A job with a Redis URL (`job.redis`) runs as one worker of a distributed crawl (crawler/distributed/):
    `role` "crawl" opens the job and queues its seeds, "worker" joins it.

    SIGINT and SIGTERM stop the crawl gracefully (what is buffered is committed; the rest resumes next run);
    a second one stops it at once. Both are recorded in the outcome, as is an error that kept the crawl from
    starting (then nothing is logged twice: the caller reports it)."""
    from scrapy.crawler import CrawlerProcess

    check_corpus_dir(out)
    outcome = CrawlOutcome()

    class Process(CrawlerProcess):
        def _signal_shutdown(self, signum: int, frame: Any) -> None:
            outcome.signals.append(signum)
            super()._signal_shutdown(signum, frame)

        def _signal_kill(self, signum: int, frame: Any) -> None:
            outcome.signals.append(signum)
            outcome.forced = True
            super()._signal_kill(signum, frame)

    def failed(failure: Any) -> None:
        outcome.start_error = failure.value

    distributed = {"SPAMCORPUS_REDIS_URL": job.redis, "SPAMCORPUS_REDIS_ROLE": role} if job.redis else {}
    settings = project_settings({"SPAMCORPUS_CORPUS_DIR": out, **distributed, **(overrides or {})})
    start_page_forkserver(settings)
    process = Process(settings)
    if job.redis:
        from crawler.distributed.spider import DistributedCorpusSpider

        crawler = process.create_crawler(DistributedCorpusSpider)
    else:
        crawler = process.create_crawler("corpus")
    process.crawl(crawler, job=job).addErrback(failed)
    process.start()
    outcome.stats = dict(crawler.stats.get_stats() or {}) if crawler.stats is not None else {}
    return outcome


def run_crawl(job: CrawlJob, out: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl `job` into the corpus at `out`. Blocks until done; one call per process (Twisted reactor).

    Returns the run's stats; an error that kept the crawl from starting is raised, and a crawl stopped by
    Ctrl-C (SIGINT) raises KeyboardInterrupt once it has committed what it had."""
    outcome = run_crawl_outcome(job, out, overrides)
    if outcome.start_error is not None:
        raise outcome.start_error
    if outcome.stop_signal == signal.SIGINT:
        raise KeyboardInterrupt
    return outcome.stats


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
