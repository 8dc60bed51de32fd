"""The CLI's one error path: unexpected errors as one line (traceback only with --debug), Ctrl-C as exit 130."""
from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from spamcorpus import cli
from spamcorpus.cli.errors import EXIT_INTERRUPTED, Failure, InputError


@click.command()
@click.argument("what")
def boom(what: str) -> None:
    """A command that fails the way a bug would."""
    if what == "bug":
        raise RuntimeError("shard\nreader\tfell over")
    if what == "interrupt":
        raise KeyboardInterrupt
    if what == "input":
        raise InputError("job.toml: limits.pages: must be >= 0, got -5")
    if what == "failure":
        raise Failure("nothing fetched")
    click.echo("fine")


@pytest.fixture
def with_boom(monkeypatch):
    # a command the group can find like any other, so the group's own error path is what is tested
    monkeypatch.setitem(cli.COMMANDS, "boom", f"{__name__}:boom")


def test_an_unexpected_error_is_one_line_with_exit_1(with_boom):
    res = CliRunner().invoke(cli.main, ["boom", "bug"])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert lines == ["Error: RuntimeError: shard reader fell over (run with --debug for the traceback)"]


def test_debug_lets_the_traceback_through(with_boom):
    res = CliRunner().invoke(cli.main, ["--debug", "boom", "bug"])
    assert isinstance(res.exception, RuntimeError)


def test_ctrl_c_exits_130(with_boom):
    res = CliRunner().invoke(cli.main, ["boom", "interrupt"])
    assert res.exit_code == EXIT_INTERRUPTED == 130
    assert "interrupted" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("what, code, text", [("input", 2, "limits.pages"), ("failure", 1, "nothing fetched"),
                                              ("ok", 0, "fine")])
def test_user_errors_keep_their_exit_codes(with_boom, what, code, text):
    res = CliRunner().invoke(cli.main, ["boom", what])
    assert res.exit_code == code
    assert text in res.output and "Traceback" not in res.output
    assert "Usage:" not in res.output  # one line, no usage banner


def test_a_wrong_command_shape_is_a_usage_error():
    res = CliRunner().invoke(cli.main, ["no-such-command"])
    assert res.exit_code == 2


def test_the_installed_command_exits_130_on_sigint_of_a_python_child():
    # the real entry point, in a real process: KeyboardInterrupt raised inside a command
    code = ("import sys; from spamcorpus import cli; import tests.test_cli_errors as t; "
            "cli.COMMANDS['boom'] = 'tests.test_cli_errors:boom'; sys.argv = ['spamcorpus', 'boom', 'interrupt']; "
            "cli.main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr
