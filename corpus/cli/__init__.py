"""The `spamcorpus` command: a lazy Click group so `--help` stays fast and each command group lives in its own module."""
from __future__ import annotations

import importlib
import importlib.util

import click

from corpus.cli.errors import EXIT_INTERRUPTED, Failure, one_line

# name -> "module:attribute". A module that does not exist yet is simply not listed.
COMMANDS: dict[str, str] = {
    "crawl": "corpus.cli.crawl:crawl",
    "stats": "corpus.cli.stats:stats",
    "demo": "corpus.cli.demo:demo",
    "sample-web": "corpus.cli.sample_web:sample_web",
    "evaluate": "corpus.cli.evaluate:evaluate",
    "campaigns": "corpus.cli.campaigns:campaigns",
    "studio": "corpus.cli.studio:studio",
    "push": "corpus.cli.push:push",
    "pull": "corpus.cli.pull:pull",
    "agreement": "corpus.cli.agreement:agreement",
    "propagate": "corpus.cli.propagate:propagate",
    "release": "corpus.cli.release:release",
    "baseline": "corpus.cli.baseline:baseline",
    "train": "corpus.cli.train:train",
    "rescore": "corpus.cli.rescore:rescore",
    "verify": "corpus.cli.verify:verify",
    "worker": "corpus.cli.worker:worker",
}


def _available(name: str) -> bool:
    module = COMMANDS[name].split(":", 1)[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module, attr = COMMANDS[cmd_name].split(":", 1)
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):
        # the one error path: anything a command did not turn into a user error becomes one line, unless --debug
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise Failure(f"{one_line(exc)} (run with --debug for the traceback)") from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="spamcorpus")
@click.option("--debug", is_flag=True, envvar="SPAMCORPUS_DEBUG",
              help="Show the full traceback of an unexpected error.")
def main(debug: bool) -> None:
    """Build labelled research datasets of SEO-spam posts."""
