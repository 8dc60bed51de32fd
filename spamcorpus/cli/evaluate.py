"""`spamcorpus evaluate`: score the detector and the contact extractor on a labelled set."""
from __future__ import annotations

import json

import click

from spamcorpus.cli.errors import InputError


@click.command()
@click.argument("labels", nargs=-1, required=True, type=click.Path(path_type=str))  # files, or a folder of one
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (the whole report).")
@click.option("--errors", "max_errors", default=15, show_default=True, type=click.IntRange(min=0),
              help="How many misclassified documents to list.")
def evaluate(labels, as_json, max_errors):
    """Precision, recall and F1 of the spam detector on LABELS (JSONL or Parquet files, or a directory holding
    one such file; columns text and label, optional title, lang, family, hard_negative, contacts, links, id),
    overall, per language and per family, and contact-extraction precision and recall per kind.

    A record with a `format` (md, html, txt, other: the real-world set's form) holds a raw file, which is
    extracted as the crawler extracts a fetched page before it is scored; other records hold extracted text.
    `url` contacts are scored only if some record labels one.

    Files named together are scored as one set. A directory with several files is refused: name the files,
    so that development and held-out sets are never mixed into one figure."""
    from corpus.evaluate import evaluate as run_evaluation, format_report
    from corpus.labelled_sets import EvaluationError, load_labelled, trained_on

    try:
        docs, skipped = load_labelled(labels)
    except EvaluationError as exc:  # a missing, ambiguous or malformed labelled set: the input as given
        raise InputError(str(exc)) from None
    if not docs:
        raise click.ClickException("no labelled documents (only borderline ones?)")
    report = run_evaluation(docs, skipped)
    report["training_set_files"] = trained_on(labels)
    if report["training_set_files"]:
        click.echo("note: the shipped detector was trained on " + ", ".join(report["training_set_files"])
                   + ": these are training figures; `spamcorpus train --cv` gives cross-validated ones", err=True)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        click.echo(format_report(report, max_errors=max_errors))
