"""`spamcorpus pull`: annotations of a Label Studio project into Parquet (incremental)."""
from __future__ import annotations

import shlex

import click


@click.command()
@click.option("--project", required=True, help="Project title.")
@click.option("--out", default="datasets/annotations", show_default=True, type=click.Path(file_okay=False),
              help="Annotations root; files go to OUT/<project>/.")
@click.option("--full", is_flag=True, help="Export every task instead of those changed since the last pull.")
@click.option("--studio-dir", default="datasets/studio", show_default=True, type=click.Path(file_okay=False),
              help="Local studio data (used unless LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY are set).")
def pull(project, out, full, studio_dir):
    """Read PROJECT's annotations back through a snapshot export into OUT/<project>/annotations.parquet."""
    from pathlib import Path

    from annotate.connection import connect
    from annotate.errors import StudioError
    from annotate.files import project_dir
    from annotate.pull import pull as run_pull

    try:
        report = run_pull(connect(Path(studio_dir)), project, Path(out), full=full)
    except StudioError as exc:
        raise click.ClickException(str(exc)) from None
    kind = "tasks changed since the last pull" if report.incremental else "annotated tasks (full pull)"
    click.echo(f"project {project!r} (id {report.project_id}): exported {report.tasks_exported} {kind} "
               f"in {report.seconds:.1f} s")
    click.echo(f"annotations: {report.annotations} (+{report.added} new, {report.updated} changed, "
               f"{report.removed} removed); " + (f"written to {project_dir(Path(out), project)}"
                                                 if report.rewritten else "nothing changed, files untouched"))
    if report.skipped:
        click.echo("skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())))
    click.echo(format_disagreements(report.disagreements, project))
    if report.disagreements:
        from annotate.review import adjudicated
        settled = adjudicated(Path(out), project, report.disagreements)
        if settled:
            click.echo(f"adjudicated in the pulled review project: {settled} of {len(report.disagreements)}")


SHOWN_IDS = 20


def format_disagreements(found: list[dict], project: str) -> str:
    """The summary line of the disagreeing tasks (all of them are in disagreements.json)."""
    if not found:
        return "disagreements: none (no task where annotators chose different verdicts)"
    ids = [str(d["task_id"]) for d in found]
    shown = ", ".join(ids[:SHOWN_IDS]) + (f", ... ({len(ids) - SHOWN_IDS} more)" if len(ids) > SHOWN_IDS else "")
    return (f"disagreements: {len(found)} task{'s' if len(found) != 1 else ''} where annotators chose different "
            f"verdicts (task ids {shown}; listed in disagreements.json); "
            f"`spamcorpus push --review --project {shlex.quote(project)}` sends them to a third annotator")
