"""`spamcorpus release`: build a versioned dataset release (default), `release verify DIR`, `release diff OLD NEW`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from spamcorpus.cli.errors import InputError

_BUILD_OPTIONS = [
    click.option("--name", help="Release name (letters, digits, . _ -): the folder under --out."),
    click.option("--version", "version_", metavar="X.Y.Z",
                 help="Semantic version; an existing one is never overwritten."),
    click.option("--corpus", "corpus_dir", default="datasets/corpus", show_default=True,
                 type=click.Path(file_okay=False)),
    click.option("--annotations", "annotations_dir", default="datasets/annotations", show_default=True,
                 type=click.Path(file_okay=False),
                 help="One folder per Label Studio project (spamcorpus pull); it must exist."),
    click.option("--no-annotations", is_flag=True,
                 help="Read no annotations: a release of detector (silver) labels only, with --include-silver."),
    click.option("--out", "out_dir", default="datasets/releases", show_default=True, type=click.Path(file_okay=False)),
    click.option("--seed", default=0, show_default=True, type=int, help="Seed of the split assignment."),
    click.option("--fractions", default="0.8,0.1,0.1", show_default=True, help="train,validation,test fractions."),
    click.option("--include-silver", is_flag=True, help="Also release unlabelled rows with the detector's verdict."),
    click.option("--silver-threshold", default="0.5", show_default=True, metavar="CUT|precision",
                 help="Spam score from which a silver row is spam: a number in 0..1, or `precision` for the shipped "
                      "model's precision-first cut (every row must carry that model's scores)."),
    click.option("--tie-policy", type=click.Choice(["borderline", "queue"]), default="borderline", show_default=True,
                 help="No majority among annotators: label borderline, or hold back for adjudication."),
    click.option("--adjudicator", multiple=True, help="Pseudonymous annotator id whose label settles a document."),
    click.option("--adjudication-project", multiple=True, help="Project (folder) whose annotations are adjudications."),
    click.option("--shared-platforms", type=click.Path(exists=True, dir_okay=False),
                 help="File of `host[/path] N` lines replacing the built-in list of shared platforms."),
    click.option("--include-html", is_flag=True, help="Include raw HTML bodies (left out by default)."),
    click.option("--date", help="Release date YYYY-MM-DD (default: the newest input time)."),
    click.option("--license", "license_", default="other", show_default=True, help="Hugging Face license id."),
    click.option("--pretty-name"), click.option("--description"), click.option("--homepage"),
    click.option("--contact", default="the maintainers of this release", show_default=True),
    click.option("--max-rows-per-file", default=500_000, show_default=True, type=click.IntRange(min=1)),
    click.option("--no-baseline", is_flag=True, help="Skip the baseline classifier."),
]


def _build_options(f):
    for option in reversed(_BUILD_OPTIONS):
        f = option(f)
    return f


def _annotations(annotations_dir: str, no_annotations: bool, include_silver: bool) -> str | None:
    """The annotations folder to read, or None for --no-annotations; checked before anything is written."""
    if no_annotations:
        source = click.get_current_context().get_parameter_source("annotations_dir")
        if source not in (None, click.core.ParameterSource.DEFAULT):
            raise InputError("give either --annotations DIR or --no-annotations, not both")
        if not include_silver:
            raise InputError("--no-annotations leaves no document with a label: add --include-silver "
                             "to release the detector's (silver) labels")
        return None
    if not Path(annotations_dir).is_dir():
        # silence here once built a silver-only release from a mistyped path, exit 0
        raise InputError(f"annotations folder {annotations_dir} does not exist: give the folder `spamcorpus pull` "
                         "wrote with --annotations, or --no-annotations (with --include-silver) for a release "
                         "of detector labels only")
    return annotations_dir


def _silver_cut(value: str, corpus_dir: str, silver: bool) -> tuple[float, str]:
    """--silver-threshold as a number, or `precision`: the shipped model's cut (checked against the corpus's
    detector versions when silver rows are released)."""
    if value == "precision":
        from corpus.release.resolve import SilverThresholdError, model_silver_threshold
        from corpus.store import StoreError, open_corpus

        try:
            versions = (set(open_corpus(corpus_dir).read(columns=["detector_version"]).column(0).to_pylist())
                        if silver else None)
            return model_silver_threshold(versions)
        except SilverThresholdError as exc:
            raise InputError(str(exc)) from None
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
    try:
        cut = float(value)
    except ValueError:
        cut = -1.0
    if not 0.0 <= cut <= 1.0:  # NaN fails too
        raise click.BadParameter(f"{value!r} is neither a number in 0..1 nor `precision`",
                                 param_hint="--silver-threshold")
    return cut, ""


def _run_build(name, version_, corpus_dir, annotations_dir, no_annotations, out_dir, seed, fractions, include_silver,
               silver_threshold, tie_policy, adjudicator, adjudication_project, shared_platforms, include_html,
               date, license_, pretty_name, description, homepage, contact, max_rows_per_file, no_baseline):
    from corpus.release.build import ReleaseConfig, build_release
    from corpus.release.inputs import ReleaseError
    from corpus.release.resolve import LabelPolicy
    from corpus.release.splits import SHARED_PLATFORMS, SplitConfig, SplitError, read_platforms

    if not name or not version_:
        raise click.UsageError("--name and --version are required to build a release "
                               "(or run `release verify DIR` / `release diff OLD NEW`)")
    try:
        parts = [float(x) for x in fractions.split(",")]
        if len(parts) != 3:
            raise ValueError
    except ValueError:
        raise click.BadParameter("give three numbers: train,validation,test", param_hint="--fractions") from None
    silver_threshold, threshold_source = _silver_cut(str(silver_threshold), corpus_dir, include_silver)
    try:
        platforms = read_platforms(shared_platforms) if shared_platforms else dict(SHARED_PLATFORMS)
        splits = SplitConfig(fractions=tuple(zip(("train", "validation", "test"), parts)), seed=seed,
                             shared_platforms=platforms)
        policy = LabelPolicy(tie=tie_policy, adjudicators=frozenset(adjudicator),
                             adjudication_projects=frozenset(adjudication_project), include_silver=include_silver,
                             silver_threshold=silver_threshold, silver_threshold_source=threshold_source)
        config = ReleaseConfig(name=name, version=version_, policy=policy, splits=splits, include_html=include_html,
                               max_rows_per_file=max_rows_per_file, date=date, license=license_,
                               pretty_name=pretty_name, description=description, homepage=homepage,
                               contact=contact, baseline=not no_baseline)
        annotations = _annotations(annotations_dir, no_annotations, include_silver)  # after the options' checks
        result = build_release(corpus_dir, annotations, out_dir, config)
    except (ReleaseError, SplitError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    s = result.stats
    click.echo(f"release {name} {version_}: {result.path}")
    click.echo(f"  documents {result.rows}: " + ", ".join(f"{k} {v}" for k, v in result.splits.items()))
    click.echo("  labels: " + ", ".join(f"{k} {v}" for k, v in s["label_sources"].items()))
    click.echo("  verdicts: " + ", ".join(f"{k} {v}" for k, v in s["verdicts"].items()))
    click.echo(f"  campaigns {s['campaigns']['count']}, split groups {s['grouping']['groups']}, "
               f"adjudication queue {result.queue}")
    for reason, count in result.dropped.items():
        click.echo(f"  left out: {reason} {count}")
    for warning in s["warnings"]:
        click.echo(f"  warning: {warning}", err=True)
    click.echo(f"  manifest sha256 {result.manifest_sha256}")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@_build_options
@click.pass_context
def release(ctx, **options):
    """Build a release (datasets/releases/NAME/X.Y.Z/) from the corpus and pulled annotations.

    `spamcorpus release --name NAME --version X.Y.Z` builds; `release verify DIR` and
    `release diff OLD NEW` check and compare releases.
    """
    if ctx.invoked_subcommand is None:
        _run_build(**options)


@release.command("build")
@_build_options
def build(**options):
    """Build a release (the same as `spamcorpus release --name ... --version ...`)."""
    _run_build(**options)


@release.command("verify")
@click.argument("release_dir", type=click.Path(exists=True, file_okay=False))
def verify(release_dir):
    """Check a release: manifest checksums, the card, croissant.json, the data and its splits."""
    from corpus.release.verify import verify_release

    report = verify_release(release_dir)
    if not report.ok:
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(f"{release_dir} failed verification: {len(report.problems)} problem(s)")
    click.echo(f"{release_dir}: OK ({report.files} files, {report.rows} documents; manifest, card, "
               "croissant.json, data and splits agree)")


@release.command("diff")
@click.argument("old", type=click.Path(exists=True, file_okay=False))
@click.argument("new", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Every added, removed and changed document as JSON.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=0), help="Lines per list.")
def diff(old, new, as_json, limit):
    """Documents added and removed between two releases, changed labels and split moves."""
    from corpus.release.diff import diff_releases, format_diff

    try:
        result = diff_releases(old, new)
    except (OSError, ValueError) as exc:  # not a release, or an unreadable data file
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result, indent=1, sort_keys=True) if as_json else format_diff(result, limit))

