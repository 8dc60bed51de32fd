"""`spamcorpus worker`: join a distributed crawl on Redis that `spamcorpus crawl JOB --redis URL` opened."""
from __future__ import annotations

import click

from spamcorpus.cli.crawl import LOG_LEVELS, crawl_settings
from spamcorpus.cli.distributed import redis_problem
from spamcorpus.cli.errors import InputError


@click.command()
@click.argument("job_file", type=click.Path(dir_okay=False))
@click.option("--redis", "redis_url", default=None, metavar="redis://HOST:PORT/DB",
              help="The job's Redis (overrides the job's [distributed] redis).")
@click.option("--out", default=None, help="Corpus directory, shared by every worker [default: datasets/corpus].")
@click.option("--allow-private-addresses", is_flag=True, default=None,
              help="Allow loopback addresses (the bundled sample web and tests only).")
@click.option("--set", "extra", multiple=True, metavar="NAME=VALUE", help="Extra Scrapy setting, as for crawl.")
@click.option("--log-level", default="WARNING", show_default=True, type=click.Choice(LOG_LEVELS, case_sensitive=False))
def worker(job_file, redis_url, out, allow_private_addresses, extra, log_level):
    """Join the distributed crawl of JOB_FILE that `spamcorpus crawl JOB_FILE --redis URL` opened.

    The worker takes requests from the job's shared queue, commits its own shards to the corpus and stops when
    the whole job is done. Run one per core on any machine that sees the corpus directory (a shared filesystem).
    Exit status as for crawl; 1 also when no job is open after SPAMCORPUS_REDIS_JOIN_WAIT seconds.
    """
    from crawler.job import JobError, load_job

    from spamcorpus.cli.crawl import _crawl

    out = out or "datasets/corpus"
    problems: list[str] = []
    job = None
    try:
        job = load_job(job_file, allow_private_addresses=allow_private_addresses, redis=redis_url)
    except JobError as exc:
        problems += exc.problems
    settings = crawl_settings(extra, out, log_level, problems)
    if job is not None:
        problems += redis_problem(job.redis) if job.redis else [
            f"{job_file}: a worker needs a Redis: give --redis URL or [distributed] redis in the job"]
    if problems:
        raise InputError("\n".join(problems))
    _crawl(job, out, settings, role="worker")
