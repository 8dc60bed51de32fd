"""`spamcorpus propagate`: copy a campaign representative's human verdict to the campaign's other rows."""
from __future__ import annotations

import click

from corpus.labels import VERDICTS


@click.command()
@click.option("--project", required=True, help="Project title (reads the pulled annotations).")
@click.option("--corpus", "corpus_dir", default="datasets/corpus", show_default=True, type=click.Path(file_okay=False))
@click.option("--out", default="datasets/annotations", show_default=True, type=click.Path(file_okay=False),
              help="Annotations root; writes OUT/<project>/propagated.parquet.")
@click.option("--min-annotations", default=1, show_default=True, type=click.IntRange(min=1),
              help="Human annotations a source row needs.")
@click.option("--verdict", "verdicts", multiple=True, type=click.Choice(VERDICTS),
              help="Verdicts that may propagate (default: all).")
def propagate(project, corpus_dir, out, min_annotations, verdicts):
    """Write propagated labels (marked as such, separate from human labels) for PROJECT's campaigns."""
    from pathlib import Path

    from annotate.propagate import PropagationError, propagate as run_propagate
    from corpus.campaigns import CampaignError
    from corpus.store import StoreError

    try:
        report = run_propagate(project, Path(out), Path(corpus_dir), min_annotations=min_annotations,
                               verdicts=tuple(verdicts) or VERDICTS)
    except (PropagationError, CampaignError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{report.labelled_docs} human-labelled rows; {report.campaigns_with_source} campaigns propagate "
               f"to {report.propagated} rows (propagated.parquet, never mixed with human labels)")
    if report.skipped:
        click.echo("skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())))
