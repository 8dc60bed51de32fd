"""`spamcorpus agreement`: inter-annotator agreement per field, and how well annotators agree with the detector."""
from __future__ import annotations

import json

import click


@click.command()
@click.option("--project", required=True, help="Project title (reads the pulled files; run `spamcorpus pull` first).")
@click.option("--out", default="datasets/annotations", show_default=True, type=click.Path(file_okay=False),
              help="Annotations root.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def agreement(project, out, as_json):
    """Cohen's kappa (two annotators) and Krippendorff's alpha (any number) per field, span F1, detector agreement."""
    from pathlib import Path

    from annotate.agreement import agreement_report
    from annotate.files import project_dir
    from annotate.pull import read_predictions
    from corpus.annotations import read_annotations

    pdir = project_dir(Path(out), project)
    annotations = read_annotations(pdir)
    if annotations.num_rows == 0:
        raise click.ClickException(f"no annotations pulled for {project!r} in {pdir}: run `spamcorpus pull` first")
    report = agreement_report(annotations, read_predictions(pdir))
    click.echo(json.dumps(report, indent=1) if as_json else format_agreement(report))


def _num(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def format_agreement(report: dict) -> str:
    lines = [f"{report['annotations']} annotations by {report['annotators']} annotators on {report['tasks']} tasks",
             "", f"{'field':<9} {'items':>6} {'multi':>6} {'raters':>6} {'pairs':>6} {'agree':>7} {'kappa':>7} {'alpha':>7}"]
    for f in report["fields"]:
        if f["field"] == "spans":
            lines.append(f"{'spans':<9} {'':>6} {'':>6} {'':>6} {f['pairs']:>6} {'F1':>7} {_num(f['f1']):>7}")
            continue
        lines.append(f"{f['field']:<9} {f['items_rated']:>6} {f['items_multiply_rated']:>6} {f['annotators']:>6} "
                     f"{f['pairs']:>6} {_num(f['observed_agreement']):>7} {_num(f['cohen_kappa']):>7} "
                     f"{_num(f['krippendorff_alpha']):>7}")
    split = report.get("disagreeing_tasks") or []
    lines += ["", f"tasks where annotators chose different verdicts: {len(split)}"
              + (" (`spamcorpus push --review` sends them to a third annotator)" if split else "")]
    det = report.get("detector")
    if det:
        lines += ["", f"detector vs annotators ({det['annotations']} annotations, "
                      f"{det['accepted_unchanged']} submitted the pre-annotation unchanged):"]
        for name in ("verdict", "family"):
            d = det[name]
            lines.append(f"  {name:<8} n={d['n']:<6} accuracy {_num(d['accuracy'])}  kappa {_num(d['cohen_kappa'])}")
        s = det["contact_spans"]
        lines.append(f"  contact spans: predicted {s['predicted']}, annotated {s['annotated']}, precision "
                     f"{_num(s['precision'])}, recall {_num(s['recall'])}, F1 {_num(s['f1'])}")
    return "\n".join(lines)
