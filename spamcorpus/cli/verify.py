"""`spamcorpus verify`: check every committed shard of a corpus; `--quarantine` takes the bad ones out."""
from __future__ import annotations

import json

import click

from spamcorpus.cli.errors import Failure, InputError


@click.command()
@click.argument("corpus_dir", default="datasets/corpus", required=False)
@click.option("--quarantine", is_flag=True,
              help="Move bad shards to CORPUS_DIR/_quarantine/<time>/ (with a note of why) and record in the manifest "
                   "that they are out, so the rest of the corpus stays usable. Good shards are never touched.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def verify(corpus_dir, quarantine, as_json):
    """Check each committed shard of CORPUS_DIR against the manifest's sha256, and that it is readable Parquet
    with the corpus schema. Lists bad shards one per line with the reason, and files no manifest line names
    (orphans: reported, left alone). Exit 0 when every shard is whole (or every bad one was quarantined), 1
    when a bad shard stays in the corpus."""
    from corpus.integrity import verify as run
    from corpus.store import StoreError

    try:
        report = run(corpus_dir, quarantine=quarantine)
    except StoreError as exc:  # not a corpus: the path is wrong, not the corpus
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise Failure(f"{corpus_dir}: cannot check the corpus ({exc.strerror or exc})") from None
    moved = {line["quarantine"] for line in report.quarantined}
    left = [b for b in report.bad if b.shard not in moved and not b.kind.startswith("warc")]
    warcs = [b for b in report.bad if b.kind.startswith("warc")]
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=1, default=str))
    else:
        for bad in report.bad:
            click.echo(("quarantined " if bad.shard in moved else "bad ") + bad.line())
        for line in report.quarantined:
            where = f"{corpus_dir}/{line['moved_to']}" if line.get("moved_to") else "nothing to move (missing)"
            click.echo(f"  {line['quarantine']}: {line.get('rows')} rows out of the corpus -> {where}")
        for orphan in report.orphans:
            click.echo(f"orphan (no manifest line; left alone): {corpus_dir}/{orphan}")
        click.echo(_summary(report, corpus_dir, len(left)))
    if warcs and not left:  # a WARC file is never quarantined (corpus/integrity.py): only reported
        raise Failure(f"{len(warcs)} of {report.warcs_checked} WARC files of {corpus_dir} are damaged or missing: "
                      "their rows stay, but no longer trace to the bytes fetched")
    if left:
        raise Failure(f"{len(left)} of {report.checked} shards of {corpus_dir} are damaged: "
                      f"run `spamcorpus verify --quarantine {corpus_dir}` to move them aside")


def _summary(report, corpus_dir: str, left: int) -> str:
    shards_bad = sum(not b.kind.startswith("warc") for b in report.bad)
    text = f"corpus {corpus_dir}: {report.checked} shards checked, {shards_bad} bad"
    if report.warcs_checked:
        text += f"; {report.warcs_checked} WARC files checked, {len(report.bad) - shards_bad} bad"
    if report.quarantined:
        text += f", {len(report.quarantined)} quarantined"
    if report.orphans:
        text += f", {len(report.orphans)} orphan files"
    if report.quarantined and not left:
        text += "; the rest of the corpus is usable"
        from corpus.campaigns import campaigns_computed

        if campaigns_computed(corpus_dir):
            text += f" (campaigns were grouped with the shards taken out: spamcorpus campaigns --full {corpus_dir})"
    return text
