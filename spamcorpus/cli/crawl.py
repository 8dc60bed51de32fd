"""`spamcorpus crawl`: run a crawl job (TOML) or an ad hoc crawl of a seeds file into a Parquet corpus."""
from __future__ import annotations

import signal

import click

from spamcorpus.cli.errors import EXIT_INTERRUPTED, Failure, InputError

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


@click.command()
@click.argument("job_file", required=False, type=click.Path(dir_okay=False))
@click.option("--seeds-file", type=click.Path(dir_okay=False), help="Ad hoc crawl: one URL a line.")
@click.option("--out", default=None, help="Corpus directory [default: datasets/corpus].")
@click.option("--job", "job_name", default=None, help="Job name (the corpus partition) for ad hoc runs.")
@click.option("--max-pages", type=click.IntRange(min=0), default=None, help="Stop after N documents (rows); the rest resumes on the next run.")
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Link depth from the seeds.")
@click.option("--follow", type=click.Choice(["all", "spam_only", "none"]), default=None,
              help="Follow links from all pages, only from pages that look like spam, or none.")
@click.option("--allow-private-addresses", is_flag=True, default=None,
              help="Allow loopback addresses (the bundled sample web and tests only).")
@click.option("--set", "extra", multiple=True, metavar="NAME=VALUE",
              help="Extra Scrapy setting, type-checked against its default. Settings that open remote consoles or "
                   "lift the SSRF guard are refused.")
@click.option("--no-warc", is_flag=True, help="Write no WARC files (rows get null warc_file/warc_offset); by default "
                                            "every request and response is archived beside the shards.")
@click.option("--log-level", default="WARNING", show_default=True, type=click.Choice(LOG_LEVELS, case_sensitive=False))
@click.option("--check", is_flag=True, help="Validate the job, options and settings, print a summary and exit "
                                            "(no crawl, no network).")
@click.option("--redis", "redis_url", default=None, metavar="redis://HOST:PORT/DB",
              help="Distributed crawl: share the frontier, dedup and politeness state on this Redis; more machines "
                   "join with `spamcorpus worker JOB --redis URL` (overrides the job's [distributed] redis).")
@click.option("--status", is_flag=True, help="With --redis: show the queue, workers alive and pages/s of JOB_FILE's "
                                             "job (of every job, ingest queues included, without JOB_FILE) and exit.")
def crawl(job_file, seeds_file, out, job_name, max_pages, depth, follow, allow_private_addresses, extra,
          no_warc, log_level, check, redis_url, status):
    """Crawl JOB_FILE (a TOML crawl job) or --seeds-file into the corpus.

    Exit status: 0 when the crawl ran (or --check passed), 1 when it fetched nothing or ended early, 2 for a bad
    job, option or setting, 130 on Ctrl-C and 143 on SIGTERM (both commit what was fetched; run again to resume).
    """
    from crawler.job import JobError, adhoc_job, load_job

    if status:
        from spamcorpus.cli.distributed import show_status

        show_status(job_file, redis_url)
        return
    if bool(job_file) == bool(seeds_file):
        raise click.UsageError("give either JOB_FILE or --seeds-file")
    overrides = {"max_pages": max_pages, "depth": depth, "follow": follow,
                 "allow_private_addresses": allow_private_addresses, "redis": redis_url}
    out = out or "datasets/corpus"
    problems: list[str] = []
    job = None
    try:
        if job_file:
            job = load_job(job_file, **({"name": job_name} if job_name else {}), **overrides)
        else:
            job = adhoc_job(job_name or "adhoc", seeds_file, **overrides)
    except JobError as exc:
        problems += exc.problems
    settings = crawl_settings(extra, out, log_level, problems)
    if no_warc:
        settings["SPAMCORPUS_WARC"] = False
    if job is not None and job.redis and not check:
        from spamcorpus.cli.distributed import redis_problem

        problems += redis_problem(job.redis)
    if problems:
        # every problem found, one a line; nothing was fetched or written
        raise InputError("\n".join(problems))
    if check:
        click.echo(summary(job, job_file or seeds_file, out, extra))
        return
    _crawl(job, out, settings)


def summary(job, source: str, out: str, extra: tuple[str, ...]) -> str:
    """What --check found: the job as it would run."""
    pages = f"{job.max_pages} pages" if job.max_pages else "no page limit"
    seconds = f"{job.max_seconds} s" if job.max_seconds else "no time limit"
    hosts = (", ".join(job.allowed_hosts) if len(job.allowed_hosts) <= 4
             else f"{len(job.allowed_hosts)} hosts") if job.allowed_hosts else "the seeds' hosts"
    lines = [
        f"job {job.name}: OK ({source})",
        f"  seeds:      {_n(len(job.seeds), 'URL')}, {_n(len(job.sitemaps), 'sitemap')}, {len(job.robots)} robots.txt",
        f"  follow:     depth {job.depth}, mode {job.follow}, hosts: {hosts}",
        f"  limits:     {pages}, {seconds}",
        f"  politeness: robots.txt {'obeyed' if job.obey_robots else 'ignored'}, {job.concurrency_per_host} per "
        f"host, delay {job.download_delay:g} s, timeout {job.timeout:g} s, max {job.max_size_mib:g} MiB",
        f"  loopback:   {'allowed (sample web and tests only)' if job.allow_private_addresses else 'refused'}",
        *([f"  redis:      {_redacted(job.redis)} (distributed: workers join with `spamcorpus worker`)"]
          if job.redis else []),
        f"  corpus:     {out}",
    ]
    if extra:
        lines.append(f"  settings:   {' '.join(extra)}")
    refused = _refused_seeds(job)
    if refused:
        total = len(job.seeds) + len(job.sitemaps) + len(job.robots)
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(refused.items()))
        hint = ("; --allow-private-addresses lifts the refusal of loopback (sample web and tests only)"
                if "loopback" in refused else "")
        lines.append(f"  warning:    the SSRF guard will refuse {sum(refused.values())} of {total} seeds "
                     f"({reasons}){hint}")
    lines.append("nothing was crawled (--check)")
    return "\n".join(lines)


def _refused_seeds(job) -> dict[str, int]:
    """Seeds whose host is an address literal the SSRF guard refuses (names are checked only after DNS)."""
    from corpus.netguard import url_refusal

    refused: dict[str, int] = {}
    for url in [*job.seeds, *job.sitemaps, *job.robots]:
        reason = url_refusal(url, allow_loopback=job.allow_private_addresses)
        if reason is not None:
            refused[reason] = refused.get(reason, 0) + 1
    return refused


def _redacted(url: str) -> str:
    from crawler.distributed.keys import redact

    return redact(url)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _crawl(job, out: str, settings: dict, role: str = "crawl") -> None:
    from crawler.run import COMPLETED_REASONS, DROP_HINTS, run_crawl_outcome, signal_name

    from spamcorpus.cli.errors import one_line
    from corpus.integrity import ensure_readable
    from corpus.store import CorruptShard

    try:
        ensure_readable(out)  # a resume reads every committed shard: name a damaged one before fetching anything
    except CorruptShard as exc:
        raise Failure(str(exc)) from None
    outcome = run_crawl_outcome(job, out, settings, role=role)
    stats = outcome.stats
    run = stats.get("spamcorpus/run_id") or ""
    rows = outcome.rows_committed
    if isinstance(outcome.start_error, KeyboardInterrupt):
        click.echo("crawl interrupted (SIGINT) while starting: nothing was fetched", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    if outcome.start_error is not None:
        raise Failure(f"the crawl could not start: {one_line(outcome.start_error)}")
    if outcome.stop_signal is not None:
        name = signal_name(outcome.stop_signal)
        how = (f"stopped at once by a second {name}: rows not yet committed are fetched again next time"
               if outcome.forced else f"stopped by {name}")
        click.echo(f"crawl {how}; {rows} rows committed in this run"
                   f"{f' (run {run})' if run else ''}; run the same command again to resume", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED if outcome.stop_signal == signal.SIGINT
                                    else 128 + int(outcome.stop_signal))
    reason = stats.get("finish_reason")
    drops = outcome.drops()
    dropped = ", ".join(f"{k} {v}" for k, v in drops.items()) or "none counted"
    if reason is None:
        raise Failure(f"the crawl stopped without closing cleanly (no finish reason recorded); {rows} rows "
                      f"committed; drops: {dropped}")
    if reason == "no_job":
        raise Failure(f"no job {job.name} is open on that Redis (none was started, or Redis lost its data): "
                      "`spamcorpus crawl JOB --redis URL` opens it, or resumes it from the corpus")
    if reason not in COMPLETED_REASONS:
        raise Failure(f"crawl ended early ({reason}); {rows} rows committed; drops: {dropped}")
    # a distributed worker may rightly fetch nothing: the others took the pages
    if not job.redis and outcome.fetched_nothing():
        raise Failure(_nothing_fetched(job, drops, DROP_HINTS))
    click.echo(f"corpus: {out}  (run {run})" if run else f"corpus: {out}")


def _nothing_fetched(job, drops: dict[str, int], hints: dict[str, str]) -> str:
    """Why a crawl made no row: the drop reasons, and what to change."""
    dropped = ", ".join(f"{k} {v}" for k, v in drops.items())
    ssrf = {k: v for k, v in drops.items() if k.startswith("ssrf_")}
    if ssrf and len(ssrf) == len(drops):
        message = f"nothing fetched: the SSRF guard refused every seed ({dropped})"
    elif drops:
        message = f"nothing fetched: no page made a row (drops: {dropped})"
    else:
        message = "nothing fetched: no page was reached and no drop was counted"
    if ("ssrf_loopback" in drops or "ssrf_dns" in drops) and not job.allow_private_addresses:
        message += ("; loopback addresses are refused unless you pass --allow-private-addresses, which is meant "
                    "for the bundled sample web and tests only (it lifts the refusal of loopback, never of "
                    "private networks)")
    elif ssrf:
        message += "; private, link-local and reserved addresses are never fetched"
    for reason, hint in hints.items():
        if reason in drops:
            message += f"; {reason}: {hint}"
    return message


def crawl_settings(extra: tuple[str, ...], out: str, log_level: str, problems: list[str]) -> dict:
    """Scrapy settings of a crawl or worker from `--set` and `--log-level`; problems with them or with the output
    folder are added to `problems` (all reported at once, before any request)."""
    from crawler.job import JobError
    from crawler.run import check_corpus_dir
    from crawler.setting_overrides import parse_setting_overrides

    settings = {"LOG_LEVEL": log_level.upper()}
    try:
        parsed = parse_setting_overrides(extra)
        settings.update(parsed.settings)
        for warning in parsed.warnings:
            click.echo(f"warning: {warning}", err=True)
    except JobError as exc:
        problems += exc.problems
    try:
        check_corpus_dir(out)
    except JobError as exc:
        problems += exc.problems
    return settings
