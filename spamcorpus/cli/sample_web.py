"""`spamcorpus sample-web`: serve the bundled sample web on 127.0.0.2-7, or export it with its truth."""
from __future__ import annotations

import click

DEFAULT_PORT = 8642  # the bundled job's port (crawler/jobs/sample_web.toml)


@click.group("sample-web")
def sample_web() -> None:
    """The bundled sample web of SEO-spam posts and benign look-alikes."""


@sample_web.command()
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port on every host (0: any free port).")
@click.option("--slow-delay", default=2.0, show_default=True, type=click.FloatRange(min=0.0),
              help="Seconds the slow page waits before answering.")
@click.option("--seed", default=0, show_default=True, type=int, help="Generator seed (same seed, same site).")
@click.option("--spam-pages", default=None, type=click.IntRange(min=20), help="Scale the site (benchmarks).")
def serve(port, slow_delay, seed, spam_pages):
    """Serve the sample web until Ctrl-C; prints the base URLs."""
    import signal
    import threading

    from spamcorpus.sample_web import DEFAULT_SPAM, SampleWebError, serve_sample_web

    try:
        server = serve_sample_web(port=port, slow_delay=slow_delay, seed=seed, spam_pages=spam_pages or DEFAULT_SPAM)
    except SampleWebError as exc:
        raise click.ClickException(str(exc.strerror or exc)) from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with server:
        web = server.web
        click.echo(f"sample web: {len(web.pages())} documents ({sum(1 for t in web.pages() if t.spam)} spam) "
                   f"on {len(web.hosts)} hosts, port {server.port}")
        for url in server.base_urls:
            click.echo(f"  {url}")
        click.echo("crawl it with:  spamcorpus crawl crawler/jobs/sample_web.toml" +
                   ("" if server.port == DEFAULT_PORT else "  (the bundled job expects port 8642)"))
        click.echo("Ctrl-C to stop")
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    click.echo("stopped")


@sample_web.command()
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535),
              help="Port written into the site's absolute links.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--spam-pages", default=None, type=click.IntRange(min=20))
def export(out_dir, port, seed, spam_pages):
    """Write the static pages to OUT_DIR/<host>/... and the truth to OUT_DIR/truth.jsonl."""
    from spamcorpus.sample_web import DEFAULT_SPAM, export_site, generate

    web = generate(seed, port, spam_pages=spam_pages or DEFAULT_SPAM)
    try:
        counts = export_site(web, out_dir)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    click.echo(f"wrote {counts['files']} files and {counts['truth']} truth lines ({counts['rows']} expected rows) "
               f"to {out_dir}")
