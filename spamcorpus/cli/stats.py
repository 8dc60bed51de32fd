"""`spamcorpus stats`: what a corpus holds and what the crawls dropped, by reason."""
from __future__ import annotations

import json

import click


@click.command()
@click.argument("corpus_dir", default="datasets/corpus", required=False)
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(corpus_dir, top, as_json):
    """Rows, hosts, languages, contact kinds, top handles, campaigns and drops of CORPUS_DIR."""
    from corpus.stats import corpus_stats, format_stats
    from corpus.store import StoreError

    try:
        result = corpus_stats(corpus_dir, top=top)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result, indent=1, ensure_ascii=False, default=str) if as_json else format_stats(result))
