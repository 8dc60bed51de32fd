"""`spamcorpus push`: corpus rows to a Label Studio project as tasks with the detector's pre-annotations."""
from __future__ import annotations

import click

from annotate.selection import STRATA  # stdlib only: keeps --help fast
from annotate.strategies import STRATEGIES
from corpus.labels import FAMILIES


@click.command()
@click.option("--project", required=True,
              help="Project title, 3 to 50 characters (created if missing, found by title otherwise).")
@click.option("--corpus", "corpus_dir", default="datasets/corpus", show_default=True, type=click.Path(file_okay=False))
@click.option("--out", default="datasets/annotations", show_default=True, type=click.Path(file_okay=False),
              help="Annotations root (the push ledger goes to OUT/<project>/).")
@click.option("--min-score", type=click.FloatRange(0, 1), help="Only rows with spam_score >= this.")
@click.option("--max-score", type=click.FloatRange(0, 1), help="Only rows with spam_score <= this.")
@click.option("--family", "families", multiple=True, type=click.Choice(FAMILIES), help="Only these family guesses.")
@click.option("--lang", "langs", multiple=True, help="Only these languages (repeatable).")
@click.option("--host", "hosts", multiple=True, help="Only these hosts (repeatable).")
@click.option("--per-campaign", type=click.IntRange(min=1), help="At most K diverse rows per campaign.")
@click.option("--sample", type=click.IntRange(min=1), help="Select N rows in all (stratified, seeded).")
@click.option("--stratify", default="family_guess", show_default=True,
              help=f"Comma list of strata for --sample: {', '.join(STRATA)}.")
@click.option("--strategy", type=click.Choice(STRATEGIES),
              help="Pick --limit new rows: uncertain (nearest the detector's decision point), diverse (one row per "
                   "campaign, largest first) or random; filters apply first, --per-campaign caps uncertain (1).")
@click.option("--limit", type=click.IntRange(min=1), help="Rows a --strategy push adds (default 50).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 1000))
@click.option("--overlap", type=click.FloatRange(0, 1),
              help="Fraction of tasks given to more than one annotator, for agreement (default: keep the "
                   "project's setting; 0 for a new project).")
@click.option("--overlap-annotators", default=2, show_default=True, type=click.IntRange(2, 20))
@click.option("--studio-dir", default="datasets/studio", show_default=True, type=click.Path(file_okay=False),
              help="Local studio data (used unless LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY are set).")
@click.option("--review", is_flag=True, help="Instead: send the tasks whose annotators disagreed (as of the last "
              "pull) to the project 'PROJECT (review)' for a third annotator; selection options do not apply.")
def push(project, corpus_dir, out, min_score, max_score, families, langs, hosts, per_campaign, sample, stratify,
         strategy, limit, seed, batch_size, overlap, overlap_annotators, studio_dir, review):
    """Create or find PROJECT and add the selected rows not yet in it (re-running adds nothing)."""
    import sys
    from pathlib import Path

    from annotate.connection import connect
    from annotate.errors import StudioError
    from annotate.push import BadProjectTitle, PushOptions, check_title, push as run_push
    from annotate.selection import Selection, SelectionError
    from spamcorpus.cli.errors import InputError
    from corpus.store import StoreError

    try:   # before any request: Label Studio would create a project with a blank title
        check_title(project)
    except BadProjectTitle as exc:
        raise InputError(f"--project: {exc}") from None
    if review:   # annotate/review.py
        chosen = [name for name, value in (("--strategy", strategy), ("--limit", limit), ("--sample", sample),
                                           ("--per-campaign", per_campaign), ("--min-score", min_score),
                                           ("--max-score", max_score), ("--family", families), ("--lang", langs),
                                           ("--host", hosts)) if value not in (None, ())]
        if chosen:  # a review batch is every disagreement: silently ignoring a selection would mislead
            raise InputError(f"--review sends every disagreeing task; it takes no selection ({', '.join(chosen)})")
        from annotate.review import format_review, push_review, review_title
        try:
            review_title(project)
            click.echo(format_review(push_review(connect(Path(studio_dir)), project, Path(corpus_dir), Path(out))))
        except BadProjectTitle as exc:
            raise InputError(f"--project: {exc}") from None
        except (StudioError, StoreError) as exc:
            raise click.ClickException(str(exc)) from None
        return
    if limit is not None and strategy is None:
        raise InputError(f"--limit {limit} needs --strategy ({'|'.join(STRATEGIES)}); to sample without one, "
                         "use --sample N")
    if strategy and sample is not None:
        raise InputError(f"--sample and --strategy {strategy} both choose how many rows: keep one "
                         "(--limit N sets a strategy's batch)")
    try:
        selection = Selection(min_score=min_score, max_score=max_score, families=tuple(families),
                              langs=tuple(langs), hosts=tuple(hosts), per_campaign=per_campaign, sample=sample,
                              stratify=tuple(s.strip() for s in stratify.split(",") if s.strip()), seed=seed)
        options = PushOptions(project=project, corpus_dir=Path(corpus_dir), out_root=Path(out), selection=selection,
                              batch_size=batch_size, overlap_fraction=overlap, strategy=strategy,
                              limit=(limit or 50) if strategy else None, overlap_annotators=overlap_annotators)
        client = connect(Path(studio_dir))
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label="pushing", show_pos=True, file=sys.stderr)
                bar.__enter__()
            bar.update(done - bar.pos)

        try:
            report = run_push(client, options, progress=progress)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    except (StudioError, SelectionError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(format_push(report, project))


def format_push(report, project: str) -> str:
    state = "created" if report.project_created else "found"
    lines = [f"project {project!r}: id {report.project_id} ({state}), model version {report.model_version}"]
    grouping = f"{report.campaigns} campaigns" if report.campaigns_assigned else \
        "no campaign assignment: each row is its own campaign"
    if report.strategy:
        lines.append(f"strategy {report.strategy} (seed {report.seed}): picked {report.selected} rows not pushed "
                     "before")
    lines.append(f"corpus rows {report.corpus_rows}; selected {report.selected} ({grouping}); "
                 f"already in the project {report.already_pushed}")
    rate = f", {report.pushed / report.seconds:.0f} tasks/s" if report.pushed and report.seconds else ""
    lines.append(f"pushed {report.pushed} tasks in {report.batches} batches ({report.seconds:.1f} s{rate})")
    if report.recovered:
        lines.append(f"recorded {report.recovered} tasks left on the server by an interrupted push")
    if report.dropped:
        lines.append("not selected: " + ", ".join(f"{k} {v}" for k, v in sorted(report.dropped.items())))
    return "\n".join(lines)
