"""`spamcorpus train`: rebuild the detector from the real-world set plus pulled Label Studio annotations."""
from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.option("--realworld", "realworld", default=None, type=click.Path(path_type=str),
              help="The labelled real-world set (default: shared/realworld/documents.jsonl beside the checkout, "
                   "or $SPAMCORPUS_REALWORLD); its sha256 must be the pinned one.")
@click.option("--annotations", "annotations", multiple=True, type=click.Path(path_type=str),
              help="Pulled annotations (a project folder or annotations.parquet; repeatable): majority human "
                   "verdicts join the training set.")
@click.option("--corpus", "corpus_dir", default="datasets/corpus", show_default=True, type=click.Path(path_type=str),
              help="The corpus the annotated rows live in (their stored bodies are re-extracted).")
@click.option("--out", "out", default=None, type=click.Path(path_type=str),
              help="Where to write the model (default: the packaged model file, which the crawler loads).")
@click.option("--cv", "cross_validate", is_flag=True,
              help="Also print operation-grouped cross-validated figures of the detector beside its baselines.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def train(realworld, annotations, corpus_dir, out, cross_validate, as_json):
    """Train the spam detector (hashed n-grams + signals, calibrated) and write the model file.

    Each labelling round improves the next pre-annotations: pull, train, push. Rows scored by an older model say
    so in `detector_version`; `spamcorpus rescore` brings them up to date without re-crawling.
    """
    from corpus.detector.data import TrainingDataError, annotation_examples, realworld_examples
    from corpus.detector.model import SHIPPED
    from corpus.detector.train import train_model
    from corpus.realworld import RealWorldError
    from corpus.store import StoreError

    try:
        examples, borderline = realworld_examples(realworld)
        extra, drops = [], {}
        if annotations:
            if not Path(corpus_dir).is_dir():
                raise TrainingDataError(f"{corpus_dir}: no such corpus (pass --corpus)")
            extra, drops = annotation_examples(list(annotations), corpus_dir)
            if not extra:
                raise TrainingDataError("the annotations hold no spam/benign verdict for any row of the corpus")
    except (RealWorldError, TrainingDataError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    known = {ex.id for ex in examples}
    examples += [ex for ex in extra if ex.id not in known]
    model = train_model(examples, note=f"realworld + {len(extra)} annotated rows")
    target = Path(out) if out else SHIPPED
    try:
        model.save(target)
    except OSError as exc:
        raise click.ClickException(f"{target}: cannot write the model ({exc.strerror})") from None
    report = {"model": str(target), "version": model.version, "examples": len(examples),
              "annotated": len(extra), "borderline_left_out": borderline, "spam": model.meta["spam"],
              "families": model.families, "annotations_left_out": dict(sorted(drops.items())),
              "precision_cut": model.meta.get("precision_cut")}
    if cross_validate:
        from corpus.detector.crossval import breakdown, compare
        report["cross_validated"] = {k: {m: v[m] for m in v if m != "runs"} for k, v in compare(examples).items()}
        report["breakdown"] = breakdown(examples)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    click.echo(f"trained {model.version}: {len(examples)} examples ({model.meta['spam']} spam, {len(extra)} from "
               f"annotations; {borderline} borderline left out) -> {target}")
    cut = model.meta.get("precision_cut")
    if cut:
        click.echo(f"  precision-first cut for silver labels: {cut['cut']:.2f} (at most {cut['hard_fp_ceiling']:.0%} "
                   "of hard negatives flagged on its cross-validated scores; "
                   "`spamcorpus release --silver-threshold precision`)")
    if drops:
        click.echo("  annotations left out: " + ", ".join(f"{k} {v}" for k, v in sorted(drops.items())))
    for name, m in report.get("cross_validated", {}).items():
        click.echo(f"  {name:<58} F1 {m['f1']:.3f} ±{m['f1_sd']:.3f}  P {m['precision']:.3f}  R {m['recall']:.3f}"
                   f"  hard-negative FP {m['hard_fp_rate']:.1%}")
