"""One error path for the CLI: user errors as one line on stderr with exit 2 (usage) or 1 (failure), 130 on Ctrl-C."""
from __future__ import annotations

import click

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention


class InputError(click.ClickException):
    """The command cannot run as invoked: a bad job file, option value or path (exit 2, like a usage error).

    Unlike click.UsageError it prints one line, without the usage banner: the problem is in a file or a value,
    not in the command's shape.
    """

    exit_code = EXIT_USAGE


class Failure(click.ClickException):
    """The command ran and failed: a damaged corpus, a dead server, a crawl that fetched nothing (exit 1)."""

    exit_code = EXIT_FAILURE


def one_line(exc: BaseException) -> str:
    """An unexpected exception as one readable line (no traceback)."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{exc.__class__.__name__}: {text}"
