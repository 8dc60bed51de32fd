"""`spamcorpus ingest`: run the page pipeline over WARC/ARC files (other crawls, web archives) into a corpus."""
from __future__ import annotations

import click

from spamcorpus.cli.errors import Failure, InputError


@click.command()
@click.argument("archives", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", required=True, help="Corpus directory (created if missing).")
@click.option("--job", "job_name", required=True, help="Job name: the corpus partition the rows go to.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Processes, each ingesting one file at a time [default: one per core; 0 = in this process].")
@click.option("--shard-rows", type=click.IntRange(min=1), default=500, show_default=True,
              help="Rows per committed Parquet shard.")
def ingest(archives, out, job_name, workers, shard_rows):
    """Ingest ARCHIVES (WARC or ARC files, gzipped or not, or directories holding them) into the corpus at --out.

    Every response record goes through the crawl's page pipeline (extraction, contacts, detector); rows point
    back at their record (warc_file, warc_offset). Damaged records and pages that make no row are counted by
    reason (`spamcorpus stats`). A file finished before (same sha256) is not read again: run the same command
    after a kill to finish the rest. Exit 2 for a path that is not an archive, 1 if nothing could be committed."""
    from corpus.ingest.files import IngestInputError, archive_files
    from corpus.ingest.run import IngestFailed, ingest_files
    from corpus.store import StoreError, check_job_name

    try:
        check_job_name(job_name)
        files = archive_files(archives)
    except (IngestInputError, StoreError) as exc:
        raise InputError(str(exc)) from None
    try:
        report = ingest_files(files, out, job_name, workers=workers, shard_rows=shard_rows)
    except (StoreError, IngestFailed) as exc:
        raise Failure(str(exc)) from None
    drops = ", ".join(f"{k} {v}" for k, v in sorted(report.drops.items())) or "none"
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())) or "none"
    rate = report.records / report.seconds if report.seconds else 0.0
    click.echo(f"ingested {report.files - report.done_before} of {report.files} files "
               f"({report.done_before} finished before): {report.records} records, {report.rows} rows committed, "
               f"{rate:.0f} records/s; drops: {drops}; skipped: {skipped}")
    click.echo(f"corpus: {out}  (run {report.run_id})")
