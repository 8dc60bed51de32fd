"""`spamcorpus ingest`: run the page pipeline over WARC/ARC files (other crawls, web archives) into a corpus."""
from __future__ import annotations

import click

from spamcorpus.cli.errors import Failure, InputError


@click.command()
@click.argument("archives", nargs=-1, type=click.Path(exists=True))
@click.option("--out", required=True, help="Corpus directory (created if missing).")
@click.option("--job", "job_name", required=True, help="Job name: the corpus partition the rows go to.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Processes, each ingesting one file at a time [default: one per core; 0 = in this process].")
@click.option("--shard-rows", type=click.IntRange(min=1), default=500, show_default=True,
              help="Rows per committed Parquet shard.")
@click.option("--redis", "redis_url", default=None, metavar="redis://HOST:PORT/DB",
              help="Share the files through this Redis: ARCHIVES are queued there, and every `spamcorpus ingest "
                   "--redis` of the same --job (on any machine) takes files from the queue.")
@click.option("--worker-ttl", type=click.FloatRange(min=1), default=15.0, show_default=True,
              help="With --redis: seconds after which a silent worker's files are queued again.")
@click.option("--join-wait", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="With --redis and no ARCHIVES: seconds to wait for a job to be queued.")
def ingest(archives, out, job_name, workers, shard_rows, redis_url, worker_ttl, join_wait):
    """Ingest ARCHIVES (WARC or ARC files, gzipped or not, or directories holding them) into the corpus at --out.

    Every response record goes through the crawl's page pipeline (extraction, contacts, detector); rows point
    back at their record (warc_file, warc_offset). Damaged records and pages that make no row are counted by
    reason (`spamcorpus stats`). A file finished before (same sha256) is not read again: run the same command
    after a kill to finish the rest.

    With --redis, ARCHIVES go into a queue on that Redis; run `spamcorpus ingest --redis URL --job NAME --out DIR`
    (no ARCHIVES) on other machines to join. Every machine must see the files and the corpus under the same paths
    (a shared filesystem). A killed worker's files go back to the queue after --worker-ttl seconds.
    Exit 2 for a path that is not an archive, 1 if nothing could be committed or Redis cannot be reached."""
    from redis.exceptions import RedisError

    from corpus.ingest.files import IngestInputError, archive_files
    from corpus.ingest.run import IngestFailed, ingest_files
    from corpus.store import StoreError, check_job_name

    if not archives and not redis_url:
        raise InputError("name the WARC/ARC files to ingest (or join a shared queue with --redis URL)")
    try:
        check_job_name(job_name)
        files = archive_files(archives) if archives else []
    except (IngestInputError, StoreError) as exc:
        raise InputError(str(exc)) from None
    queue = _join_queue(redis_url, job_name, files, worker_ttl, join_wait) if redis_url else None
    try:
        if queue is not None:
            report = ingest_files(queue, out, job_name, workers=workers, shard_rows=shard_rows,
                                  on_file=lambda result: queue.done(result.path))
        else:
            report = ingest_files(files, out, job_name, workers=workers, shard_rows=shard_rows)
    except (StoreError, IngestFailed) as exc:
        raise Failure(str(exc)) from None
    except RedisError as exc:
        raise Failure(f"lost the Redis of the queue ({exc}); the files finished so far are kept: run the same "
                      "command again to resume") from None
    finally:
        if queue is not None:
            try:
                queue.close()
            except RedisError:  # Redis gone: this worker's heartbeat expires and others take its files
                pass
    drops = ", ".join(f"{k} {v}" for k, v in sorted(report.drops.items())) or "none"
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())) or "none"
    rate = report.records / report.seconds if report.seconds else 0.0
    click.echo(f"ingested {report.files - report.done_before} of {report.files} files "
               f"({report.done_before} finished before): {report.records} records, {report.rows} rows committed, "
               f"{rate:.0f} records/s; drops: {drops}; skipped: {skipped}")
    click.echo(f"corpus: {out}  (run {report.run_id})")


def _join_queue(url: str, job: str, files, ttl: float, join_wait: float):
    """The job's file queue on Redis with `files` added to it; clean errors for a bad URL or no job to join."""
    from corpus.ingest.queue import FileQueue, IngestQueueError
    from crawler.job_schema import check_redis_url

    from spamcorpus.cli.distributed import redis_problem

    try:
        check_redis_url(url)
    except ValueError as exc:
        raise InputError(f"--redis: {exc}") from None
    problems = redis_problem(url)
    if problems:
        raise Failure(problems[0])
    queue = FileQueue(url, job, ttl=ttl, heartbeat=min(2.0, ttl / 4), join_wait=join_wait)
    queue.add(files)
    try:
        queue.join()
    except IngestQueueError as exc:
        raise Failure(str(exc)) from None
    return queue
