"""`spamcorpus rescore`: recompute scores, signals, family, contacts and language from stored bodies."""
from __future__ import annotations

import json

import click


@click.command()
@click.argument("corpus_dir", default="datasets/corpus", required=False)
@click.option("--force", is_flag=True, help="Rescore rows already at the current detector version too "
              "(e.g. after a contacts or language change that did not bump the detector version).")
@click.option("--dry-run", is_flag=True, help="Report what would change (rows per version, scores crossing "
              "0.5, families, contacts); write nothing.")
@click.option("--reextract", is_flag=True, help="Also replace title, text, links and the encoding columns when "
              "the extractor now reads the body differently (moves Label Studio spans on those rows).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def rescore(corpus_dir, force, dry_run, reextract, as_json):
    """Rescore the rows of CORPUS_DIR from their stored raw bodies, without re-crawling.

    Rows keep their doc_id, fetch metadata, body and text; each rewritten shard replaces the old one in one
    atomic commit, so an interrupted run leaves every shard old or new: just run it again."""
    from corpus.rescore import RescoreError, format_report
    from corpus.rescore import rescore as run
    from corpus.store import StoreError

    try:
        report = run(corpus_dir, force=force, dry_run=dry_run, reextract=reextract,
                     progress=None if as_json else lambda line: click.echo(line, err=True))
    except (StoreError, RescoreError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(report.as_dict(), indent=1, default=str) if as_json else format_report(report))
