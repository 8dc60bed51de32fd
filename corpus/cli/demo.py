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
    from corpus.stats import corpus_stats, format_stats
    from crawler.run import run_crawl
    from crawler.sample_web import SampleWebError, serve_sample_web

    try:
        server = serve_sample_web(port=port)
    except SampleWebError as exc:
        raise click.ClickException(f"cannot serve the sample web: {exc.strerror or exc}; try --port") from None
    with server:
        # the bundled job (crawler/jobs/sample_web.toml), aimed at this server's port
        job = server.job(max_pages=max_pages)
        pages = server.web.pages()
        click.echo(f"sample web: {len(pages)} documents ({sum(1 for t in pages if t.spam)} spam) on "
                   f"{len(server.base_urls)} hosts, port {server.port}; crawling into {out} ...")
        stats = run_crawl(job, out, {"LOG_LEVEL": "ERROR"})
    click.echo("")
    click.echo(format_stats(corpus_stats(out)))
    reason = stats.get("finish_reason")
    if reason not in ("finished", "closespider_pagecount"):
        raise click.ClickException(f"crawl ended early: {reason}")
