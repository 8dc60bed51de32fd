"""`spamcorpus demo`: serve the bundled sample web on loopback, crawl it into a corpus, print a summary."""
from __future__ import annotations

import click

DEMO_PORT = 8642  # fixed, so URLs and therefore doc_ids stay the same from one demo run to the next


@click.command()
@click.option("--out", default="datasets/corpus", show_default=True, help="Corpus directory.")
@click.option("--port", default=DEMO_PORT, show_default=True, type=click.IntRange(1024, 65535))
@click.option("--max-pages", default=2000, show_default=True, type=click.IntRange(min=1))
def demo(out, port, max_pages):
    """Crawl the bundled sample web (127.0.0.2-7) into OUT and show what the corpus holds."""
    from pathlib import Path

    from corpus.stats import corpus_stats, format_stats
    from crawler.job import load_job
    from crawler.run import run_crawl
    from crawler.sample_web import serve_sample_web

    job_file = Path(__file__).resolve().parents[2] / "crawler" / "jobs" / "sample_web.toml"
    try:
        server = serve_sample_web(port=port)
    except OSError as exc:
        raise click.ClickException(f"cannot serve the sample web on port {port}: {exc}; try --port") from None
    with server:
        seeds = server.seed_urls()
        job = load_job(job_file, seeds=seeds, max_pages=max_pages, allow_private_addresses=True)
        click.echo(f"sample web: {len(server.base_urls)} hosts on port {port}; crawling into {out} ...")
        stats = run_crawl(job, out, {"LOG_LEVEL": "ERROR"})
    click.echo("")
    click.echo(format_stats(corpus_stats(out)))
    reason = stats.get("finish_reason")
    if reason not in ("finished", "closespider_pagecount"):
        raise click.ClickException(f"crawl ended early: {reason}")
