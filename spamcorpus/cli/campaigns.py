"""`spamcorpus campaigns`: group a corpus into template campaigns (incremental; --full recomputes with the same ids)."""
from __future__ import annotations

import json

import click


@click.command()
@click.argument("corpus_dir", default="datasets/corpus", required=False)
@click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              help="Estimated Jaccard a candidate pair must reach (default 0.35). A new value needs --full.")
@click.option("--full", is_flag=True, help="Recompute every signature and edge from scratch (gives the same ids).")
@click.option("--top", default=5, show_default=True, type=click.IntRange(min=0), help="Largest campaigns to list.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def campaigns(corpus_dir, threshold, full, top, as_json):
    """Assign a campaign_id to every row of CORPUS_DIR: MinHash/LSH near-duplicates joined with shared handles.

    Only rows committed since the last run are signed; ids never change for rows whose campaign did
    not merge. Assignments are stored in CORPUS_DIR/_campaigns/."""
    from corpus.campaigns import CampaignConfig, CampaignError, assign_campaigns, campaign_summary
    from corpus.store import StoreError

    try:
        config = CampaignConfig(threshold=threshold) if threshold is not None else CampaignConfig()
        run = assign_campaigns(corpus_dir, config, full=full)
        largest = campaign_summary(corpus_dir, top=top) if top else []
    except (CampaignError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"run": run.as_dict(), "largest": largest}, indent=1, ensure_ascii=False))
        return
    click.echo(f"campaigns {run.corpus} ({run.mode}): {run.rows} rows, {run.new_rows} new; {run.campaigns} campaigns, "
               f"{run.multi_doc_campaigns} with more than one row; {run.merged_campaigns} merged; {run.seconds:.2f} s")
    if run.new_rows:
        click.echo(f"new edges: {run.minhash_edges} near-duplicate, {run.contact_edges} shared contact")
    if run.not_indexed:
        click.echo("not MinHash-grouped: " + ", ".join(f"{k} {v}" for k, v in run.not_indexed.items()))
    if run.links_skipped:
        click.echo("contacts not linking: " + ", ".join(f"{k} {v}" for k, v in run.links_skipped.items()))
    for c in largest:
        click.echo(f"  {c['campaign_id']}: {c['size']} rows; handles {', '.join(c['handles'][:3]) or '-'}; "
                   f"{len(c['hosts'])} hosts; families {', '.join(c['families'][:3])}; "
                   f"languages {', '.join(c['languages'])}")
