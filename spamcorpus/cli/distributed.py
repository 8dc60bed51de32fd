"""Helpers of the distributed crawl's commands (`crawl --redis`, `crawl --status`, `worker`)."""
from __future__ import annotations

import click

from spamcorpus.cli.errors import Failure, InputError


def redis_problem(url: str) -> list[str]:
    """[] if the Redis at `url` answers, else one line saying why (its password never shown)."""
    from crawler.distributed.keys import connect, redact

    try:
        connect(url, patience=0).ping()
    except Exception as exc:  # redis raises many kinds: refused, auth, TLS, bad URL
        return [f"--redis {redact(url)}: cannot reach Redis: {exc}"]
    return []


def show_status(job_file: str | None, redis_url: str | None) -> None:
    """Print each job's queue, leases and workers; InputError without a Redis to ask."""
    from crawler.distributed.keys import connect, redact
    from crawler.distributed.status import job_names, job_status
    from crawler.job import JobError, load_job

    name = None
    if job_file:
        try:
            job = load_job(job_file, redis=redis_url)
        except JobError as exc:
            raise InputError(str(exc)) from None
        name, redis_url = job.name, job.redis
    if not redis_url:
        raise InputError("--status needs --redis URL (or a job file whose [distributed] table names one)")
    problems = redis_problem(redis_url)
    if problems:
        raise Failure(problems[0])
    server = connect(redis_url, patience=5)
    from corpus.ingest.queue import FileQueue

    names = [name] if name else job_names(server)
    ingests = [] if name else FileQueue.job_names(server)
    if not names and not ingests:
        click.echo(f"no job on {redact(redis_url)}")
        return
    for job_name in ingests:
        s = FileQueue(redis_url, job_name, server=server).status()
        click.echo(f"ingest {job_name}: {s['state']}; files queued {s['queued']}, in flight {s['in_flight']}, "
                   f"{s['workers_alive']} worker{'s' if s['workers_alive'] != 1 else ''} alive")
    for job_name in names:
        s = job_status(server, job_name)
        click.echo(f"job {s.job}: {s.state}; queued {s.queued}, seen {s.seen}, pages {s.pages_claimed}, "
                   f"{len(s.workers)} worker{'s' if len(s.workers) != 1 else ''} alive, {s.pages_per_s:g} pages/s")
        for w in s.workers:
            click.echo(f"  {w.worker}  {w.role:6} {w.host}:{w.pid}  {w.pages_per_s:8.1f} pages/s  pages {w.pages}  "
                       f"rows {w.rows}  in flight {w.in_flight}  seen {w.seen_s_ago:g} s ago")
        if s.dead_in_flight:
            click.echo(f"  {s.dead_in_flight} requests leased by stopped workers (re-queued within a heartbeat)")
