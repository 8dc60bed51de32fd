"""`spamcorpus crawl`: run a crawl job (TOML) or an ad hoc crawl of a seeds file into a Parquet corpus."""
from __future__ import annotations

import click


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
@click.option("--set", "extra", multiple=True, metavar="NAME=VALUE", help="Extra Scrapy setting.")
@click.option("--log-level", default="WARNING", show_default=True)
def crawl(job_file, seeds_file, out, job_name, max_pages, depth, follow, allow_private_addresses, extra,
          log_level):
    """Crawl JOB_FILE (a TOML crawl job) or --seeds-file into the corpus."""
    from crawler.job import JobError, adhoc_job, load_job
    from crawler.run import run_crawl

    if bool(job_file) == bool(seeds_file):
        raise click.UsageError("give either JOB_FILE or --seeds-file")
    overrides = {"max_pages": max_pages, "depth": depth, "follow": follow,
                 "allow_private_addresses": allow_private_addresses}
    try:
        if job_file:
            job = load_job(job_file, **({"name": job_name} if job_name else {}), **overrides)
        else:
            job = adhoc_job(job_name or "adhoc", seeds_file, **overrides)
    except JobError as exc:
        raise click.ClickException(str(exc)) from None
    settings = {"LOG_LEVEL": log_level}
    for item in extra:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--set expects NAME=VALUE, got {item!r}")
        settings[name] = value
    out = out or "datasets/corpus"
    stats = run_crawl(job, out, settings)
    reason = stats.get("finish_reason", "unknown")
    if reason not in ("finished", "closespider_pagecount", "closespider_timeout"):
        raise click.ClickException(f"crawl ended early: {reason} (see the log above)")
    click.echo(f"corpus: {out}  (run {stats.get('spamcorpus/run_id', '')})".rstrip())
