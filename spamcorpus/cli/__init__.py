"""The `spamcorpus` command: a lazy Click group so `--help` stays fast and each command group lives in its own module."""
from __future__ import annotations

import importlib
import importlib.util

import click

from spamcorpus.cli.errors import EXIT_INTERRUPTED, Failure, one_line

# name -> "module:attribute". A module that does not exist yet is simply not listed.
COMMANDS: dict[str, str] = {
    "crawl": "spamcorpus.cli.crawl:crawl",
    "ingest": "spamcorpus.cli.ingest:ingest",
    "stats": "spamcorpus.cli.stats:stats",
    "demo": "spamcorpus.cli.demo:demo",
    "sample-web": "spamcorpus.cli.sample_web:sample_web",
    "evaluate": "spamcorpus.cli.evaluate:evaluate",
    "campaigns": "spamcorpus.cli.campaigns:campaigns",
    "studio": "spamcorpus.cli.studio:studio",
    "push": "spamcorpus.cli.push:push",
    "pull": "spamcorpus.cli.pull:pull",
    "agreement": "spamcorpus.cli.agreement:agreement",
    "propagate": "spamcorpus.cli.propagate:propagate",
    "release": "spamcorpus.cli.release:release",
    "baseline": "spamcorpus.cli.baseline:baseline",
    "train": "spamcorpus.cli.train:train",
    "rescore": "spamcorpus.cli.rescore:rescore",
    "verify": "spamcorpus.cli.verify:verify",
    "worker": "spamcorpus.cli.worker:worker",
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
