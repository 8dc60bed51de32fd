"""`spamcorpus demo`: the main job on the bundled sample web — crawl, group campaigns, push to a local Label Studio."""
from __future__ import annotations

import click

DEMO_PORT = 8642  # fixed, so URLs and therefore doc_ids stay the same from one demo run to the next


@click.command()
@click.option("--out", default="datasets/corpus", show_default=True, help="Corpus directory.")
@click.option("--port", default=DEMO_PORT, show_default=True, type=click.IntRange(1024, 65535))
@click.option("--max-pages", default=2000, show_default=True, type=click.IntRange(min=1))
@click.option("--studio/--no-studio", default=True, show_default=True,
              help="Start the local Label Studio and push the corpus (at most 3 rows per campaign).")
@click.option("--studio-dir", default="datasets/studio", show_default=True, help="Label Studio data directory.")
@click.option("--studio-port", default=8080, show_default=True, type=click.IntRange(1024, 65535),
              help="Label Studio port (a busy one is replaced by a free one).")
@click.option("--annotations", default="datasets/annotations", show_default=True,
              help="Where the push ledger goes (one folder per project).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Crawl with this many processes sharing a private loopback Redis (redis-server must be "
                   "installed: `make test` or `make demo` installs it as root).")
@click.pass_context
def demo(ctx, out, port, max_pages, studio, studio_dir, studio_port, annotations, workers):
    """Crawl the bundled sample web (127.0.0.2-7) into OUT, group it into campaigns, push it to Label Studio.

    Re-running adds nothing that is already in the corpus or in the Label Studio project."""
    from corpus.integrity import ensure_readable
    from corpus.stats import corpus_stats, format_stats
    from crawler.job import load_job
    from crawler.run import run_crawl
    from spamcorpus.cli.campaigns import campaigns
    from spamcorpus.sample_web import JOB_FILE, SampleWebError, serve_sample_web

    from corpus.store import CorruptShard

    try:
        ensure_readable(out)  # the crawl resumes from the corpus: name a damaged shard before fetching anything
    except CorruptShard as exc:
        raise click.ClickException(str(exc)) from None
    try:
        server = serve_sample_web(port=port)
    except SampleWebError as exc:
        raise click.ClickException(f"cannot serve the sample web: {exc.strerror or exc}; try --port") from None
    with server:
        # the bundled job (crawler/jobs/sample_web.toml), aimed at this server's port
        job = load_job(JOB_FILE, **server.job_params(max_pages=max_pages))
        pages = server.web.pages()
        click.echo(f"1/3 crawl: sample web of {len(pages)} documents ({sum(1 for t in pages if t.spam)} spam) on "
                   f"{len(server.base_urls)} hosts, port {server.port}; crawling into {out} ...")
        if workers > 1:
            from spamcorpus.cli.demo_workers import crawl_with_workers

            stats = crawl_with_workers(server, job, out, workers)
        else:
            stats = run_crawl(job, out, {"LOG_LEVEL": "ERROR"})
    reason = stats.get("finish_reason")
    if reason not in ("finished", "closespider_pagecount"):
        raise click.ClickException(f"crawl ended early: {reason}")
    click.echo("\n2/3 campaigns:")
    ctx.invoke(campaigns, corpus_dir=out, threshold=None, full=False, top=0, as_json=False)
    click.echo("")
    click.echo(format_stats(corpus_stats(out, top=5)))
    if not studio:
        return
    from annotate.demo import start_and_push
    from annotate.errors import StudioError

    click.echo("\n3/3 Label Studio (a first start initialises its database: about half a minute) ...")
    try:
        start_and_push(out, data_dir=studio_dir, port=studio_port, out_root=annotations, echo=click.echo)
    except StudioError as exc:
        raise click.ClickException(f"Label Studio: {exc}") from None
