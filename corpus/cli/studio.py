"""`spamcorpus studio start|stop|status|env`: a local Label Studio in its own venv, SQLite under datasets/studio/."""
from __future__ import annotations

import click

DATA_DIR_OPTION = click.option("--data-dir", default="datasets/studio", show_default=True,
                               type=click.Path(file_okay=False), help="Label Studio data (SQLite, credentials).")


@click.group()
def studio():
    """Run a local Label Studio (127.0.0.1 only, no telemetry). A remote one is used instead when
    LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY are set."""


@studio.command()
@DATA_DIR_OPTION
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1024, 65535))
@click.option("--timeout", default=180, show_default=True, type=click.IntRange(min=5), help="Seconds to wait.")
def start(data_dir, port, timeout):
    """Start Label Studio in the background and wait until it answers (idempotent)."""
    from pathlib import Path

    from annotate import studio as local
    from annotate.errors import StudioError

    try:
        state = local.start(Path(data_dir), port=port, timeout=timeout)
    except StudioError as exc:
        raise click.ClickException(str(exc)) from None
    creds = local.load_credentials(Path(data_dir))
    click.echo(f"Label Studio runs at {state.url} (pid {state.pid}, data in {data_dir})")
    click.echo(f"log in: {creds.username}  password: {creds.password}")
    click.echo(f"API token: in {Path(data_dir) / local.CREDENTIALS} (owner-only); "
               "`spamcorpus studio env` prints export lines")


@studio.command()
@DATA_DIR_OPTION
def stop(data_dir):
    """Stop the local Label Studio."""
    from pathlib import Path

    from annotate import studio as local

    click.echo("stopped" if local.stop(Path(data_dir)) else "not running")


@studio.command()
@DATA_DIR_OPTION
def status(data_dir):
    """Whether the local Label Studio runs, and where (exit code 3 when it does not)."""
    from pathlib import Path

    from annotate import studio as local

    state = local.status(Path(data_dir))
    if not state.running:
        click.echo(f"not running (data in {data_dir})")
        raise SystemExit(3)
    health = "healthy" if state.healthy else "not answering /health/"
    click.echo(f"running at {state.url} (pid {state.pid}, {health}, data in {data_dir})")


@studio.command()
@DATA_DIR_OPTION
def env(data_dir):
    """Print `export LABEL_STUDIO_URL=... LABEL_STUDIO_API_KEY=...` lines for the local studio."""
    from pathlib import Path

    from annotate.connection import env_lines
    from annotate.errors import StudioError

    try:
        lines = env_lines(Path(data_dir))
    except StudioError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(lines))
