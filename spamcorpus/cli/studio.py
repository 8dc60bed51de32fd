"""`spamcorpus studio start|stop|status|env`: a local Label Studio in its own venv, SQLite under datasets/studio/."""
from __future__ import annotations

import click

from spamcorpus.cli.errors import Failure, InputError

DEFAULT_DIR = "datasets/studio"
DATA_DIR_OPTION = click.option("--data-dir", default=DEFAULT_DIR, show_default=True,
                               type=click.Path(file_okay=False), help="Label Studio data (SQLite, credentials).")
# stop, status and env find the server wherever it was started (`demo --studio-dir`, another directory)
FIND_DIR_OPTION = click.option("--data-dir", type=click.Path(file_okay=False),
                               help="Label Studio data [default: the running one recorded by `studio start` or "
                                    f"`demo`, else {DEFAULT_DIR}].")


@click.group()
def studio():
    """Run a local Label Studio (127.0.0.1 only, no telemetry). A remote one is used instead when
    LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY are set."""


def _described(state) -> str:
    by = f", started by `{state.started_by}`" if state.started_by else ""
    return f"{state.url} (pid {state.pid}, data in {state.data_dir}{by})"


@studio.command()
@DATA_DIR_OPTION
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1024, 65535))
@click.option("--timeout", default=180, show_default=True, type=click.IntRange(min=5), help="Seconds to wait.")
@click.pass_context
def start(ctx, data_dir, port, timeout):
    """Start Label Studio in the background and wait until it answers (idempotent)."""
    from pathlib import Path

    from annotate import studio as local
    from annotate.errors import StudioError
    from annotate.studio_state import stop_command

    data_dir = Path(data_dir)
    before = local.status(data_dir)
    if before.running:
        asked = ctx.get_parameter_source("port") != click.core.ParameterSource.DEFAULT
        if asked and before.port != port:   # a server cannot move: saying "running" would hide that
            raise Failure(f"Label Studio already runs on port {before.port}, not {port}: {_described(before)}; "
                          f"stop it first (`{stop_command(data_dir, DEFAULT_DIR)}`) to restart it on {port}")
        click.echo(f"Label Studio already running at {_described(before)}")
        return
    try:
        state = local.start(data_dir, port=port, timeout=timeout, started_by="spamcorpus studio start")
    except StudioError as exc:
        raise Failure(str(exc)) from None
    creds = local.load_credentials(data_dir)
    click.echo(f"Label Studio runs at {state.url} (pid {state.pid}, data in {data_dir})")
    click.echo(f"log in: {creds.username}  password: {creds.password}")
    click.echo(f"API token: in {data_dir / local.CREDENTIALS} (owner-only); "
               "`spamcorpus studio env` prints export lines")
    click.echo(f"stop it with `{stop_command(data_dir, DEFAULT_DIR)}`")


def _running_dirs(data_dir) -> list:
    """The data dirs to act on: the one given, else the recorded running servers', else the default.

    Records whose server no longer runs are dropped, and said so (on stderr: `env` output stays eval-able).
    """
    from pathlib import Path

    from annotate import studio_state

    if data_dir is not None:
        return [Path(data_dir)]
    live, stale = studio_state.sweep()
    for running in stale:
        click.echo(f"removed a stale record: Label Studio at {running.describe()} no longer runs", err=True)
    return [Path(r.data_dir) for r in live] or [Path(DEFAULT_DIR)]


def _one_dir(data_dir, action: str):
    dirs = _running_dirs(data_dir)
    if len(dirs) > 1:
        raise InputError(f"{len(dirs)} Label Studio servers are running (data in {', '.join(map(str, dirs))}); "
                         f"choose the one to {action} with --data-dir")
    return dirs[0]


@studio.command()
@FIND_DIR_OPTION
def stop(data_dir):
    """Stop the local Label Studio (the one `studio start` or `demo` started, wherever its data is)."""
    from annotate import studio as local
    from annotate.studio_state import forget, state_path

    target = _one_dir(data_dir, "stop")
    before = local.status(target)
    if local.stop(target):
        click.echo(f"stopped Label Studio at {_described(before)}")
        return
    forget(target)
    where = f"data in {target}" if data_dir is not None else \
        f"none recorded in {state_path()}, none running from {target}"
    click.echo(f"not running ({where}); nothing to stop")


@studio.command()
@FIND_DIR_OPTION
def status(data_dir):
    """Whether the local Label Studio runs, and where (exit code 3 when it does not)."""
    from annotate import studio as local
    from annotate.studio_state import state_path

    states = [local.status(d) for d in _running_dirs(data_dir)]
    running = [s for s in states if s.running]
    if not running:
        where = f"data in {data_dir}" if data_dir is not None else \
            f"none recorded in {state_path()}, none running from {states[0].data_dir}"
        click.echo(f"not running ({where})")
        raise SystemExit(3)
    for state in running:
        health = "healthy" if state.healthy else "not answering /health/"
        by = f", started by `{state.started_by}`" if state.started_by else ""
        click.echo(f"running at {state.url} (pid {state.pid}, {health}, data in {state.data_dir}{by})")


@studio.command()
@FIND_DIR_OPTION
def env(data_dir):
    """Print `export LABEL_STUDIO_URL=... LABEL_STUDIO_API_KEY=...` lines for the local studio."""
    from annotate.connection import env_lines
    from annotate.errors import StudioError

    try:
        lines = env_lines(_one_dir(data_dir, "use"))
    except StudioError as exc:
        raise Failure(str(exc)) from None
    click.echo("\n".join(lines))


@studio.group()
def user():
    """Annotator accounts on the local Label Studio (so a team can label the same project).

    Label Studio community edition has no roles: every user may annotate, review and manage. The --role given
    to `user add` is kept as spamcorpus's own note (DATA_DIR/user_roles.json) and shown by `user list`."""


def _admin(data_dir):
    """(data dir, url, admin token) of the running local studio, or a Failure saying how to start it."""
    from annotate import studio as local

    target = _one_dir(data_dir, "use")
    state, creds = local.status(target), local.load_credentials(target)
    if not state.running or creds is None:
        raise Failure(f"no local Label Studio runs with data in {target}: run `spamcorpus studio start` first")
    return target, state.url, creds


@user.command("add")
@click.argument("email")
@FIND_DIR_OPTION
@click.option("--role", default="annotator", show_default=True, type=click.Choice(["annotator", "reviewer", "manager"]),
              help="Our note of the user's job (community edition has no roles: it grants nothing).")
@click.option("--password-file", type=click.File("r"),
              help="Read the password from this file's first line ('-' for stdin) [default: generate one and "
                   "print it once].")
@click.option("--show-token", is_flag=True, help="Also print the new user's API token.")
def user_add(email, data_dir, role, password_file, show_token):
    """Create EMAIL's account on the local Label Studio, able to log in and annotate every project."""
    from annotate import studio_users as users
    from annotate.errors import StudioError

    try:
        email = users.check_email(email)
    except users.BadUserInput as exc:
        raise InputError(f"EMAIL: {exc}") from None
    generated = password_file is None
    password = users.generate_password() if generated else password_file.readline().rstrip("\r\n")
    try:
        users.check_password(password, email)
    except users.BadUserInput as exc:
        raise InputError(f"--password-file {password_file.name}: {exc}") from None
    target, url, creds = _admin(data_dir)
    try:
        made = users.add_user(url, creds.token, email, password)
    except StudioError as exc:
        raise Failure(str(exc)) from None
    users.note_role(target, made.email, role)
    click.echo(f"added {made.email} (id {made.id}, role {role}: our note) to Label Studio at {url}")
    if generated:   # shown this once, stored nowhere
        click.echo(f"password: {password}")
    if show_token:
        click.echo(f"API token: {made.token}")
    click.echo(f"they log in at {url}/user/login/")


@user.command("list")
@FIND_DIR_OPTION
def user_list(data_dir):
    """Users of the local Label Studio: e-mail, id, role (our note; community edition has none), last activity."""
    from annotate import studio_users as users
    from annotate.errors import StudioError

    target, url, creds = _admin(data_dir)
    try:
        found = users.list_users(url, creds.token)
    except StudioError as exc:
        raise Failure(str(exc)) from None
    roles = users.read_roles(target)
    width = max([len("email")] + [len(u["email"]) for u in found])
    click.echo(f"{'email':<{width}}  {'id':>4}  {'role':<10}  last activity")
    for u in found:
        role = "owner" if u["email"].lower() == creds.username.lower() else \
            roles.get(u["email"].lower(), {}).get("role", "-")
        click.echo(f"{u['email']:<{width}}  {u['id']:>4}  {role:<10}  {u['last_activity'] or 'never'}")
