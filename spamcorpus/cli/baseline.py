"""`spamcorpus baseline DIR`: train the baseline classifier on a release's train split and score it on test."""
from __future__ import annotations

import json
from pathlib import Path

import click

from spamcorpus.cli.errors import Failure

# kept in step with corpus.release.baseline.TEST_MINIMUM (importing it here would load the release package for --help)
_MINIMUM = "at least 20 spam or benign test rows, 5 of them spam and 5 benign"


def _format(result: dict) -> str:
    sp = result["spam"]
    lines = [f"model: {result['model']}",
             f"train {result['train_rows']} rows, test {result['test_rows']} rows; accuracy {result['accuracy']}",
             f"spam vs benign: precision {sp['precision']}  recall {sp['recall']}  F1 {sp['f1']}  "
             f"(support {sp['support']})", "", f"{'class':<18}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>9}"]
    for name, m in result["by_family"].items():
        lines.append(f"{name:<18}{m['precision']:>10.4f}{m['recall']:>10.4f}{m['f1']:>10.4f}{m['support']:>9}")
    lines += ["", f"{'language':<10}{'spam P':>9}{'spam R':>9}{'spam F1':>9}{'macro F1':>10}{'rows':>7}"]
    for lang, m in result["by_language"].items():
        s = m["spam"]
        lines.append(f"{lang:<10}{s['precision']:>9.4f}{s['recall']:>9.4f}{s['f1']:>9.4f}{m['macro_f1']:>10.4f}"
                     f"{m['rows']:>7}")
    return "\n".join(lines)


@click.command(help=f"""Character n-gram logistic regression: precision, recall and F1 on test per family and language.

Compares the result with the figures recorded in the release (baseline.json, shown in its card).
Reports no figures, and exits 1, when the test split is too small to mean anything: it needs
{_MINIMUM}.
""")
@click.argument("release_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--seed", default=None, type=int, help="Model seed (default: the release's split seed).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def baseline(release_dir, seed, as_json):
    from corpus.release.baseline import baseline_for_release

    root = Path(release_dir)
    recorded = None
    if (root / "baseline.json").is_file():
        recorded = json.loads((root / "baseline.json").read_text(encoding="utf-8"))
    if seed is None:
        try:
            seed = json.loads((root / "stats.json").read_text(encoding="utf-8"))["grouping"]["seed"]
        except (OSError, ValueError, KeyError):
            seed = 0
    if not (root / "data").is_dir():
        raise click.ClickException(f"{root} is not a release (no data/ directory)")
    try:
        result = baseline_for_release(root, seed=seed)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {root}: {exc}") from None
    if result.get("skipped"):
        # a figure on one test row reads like a result: say why there is none, and fail
        raise Failure(f"baseline not run on {root}: {result['skipped']}")
    click.echo(json.dumps(result, indent=1, sort_keys=True) if as_json else _format(result))
    if recorded is not None and not as_json:
        same = recorded == json.loads(json.dumps(result))
        click.echo("\nmatches the figures recorded in the release's card" if same else
                   "\ndiffers from the figures recorded in the release's card (baseline.json)")
