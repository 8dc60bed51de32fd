"""Which labels buy most: the detector's grouped cross-validation on the pinned real-world set with the training
folds' benign operations thinned (all spam kept), their spam operations thinned (all benign kept), or both, to 25,
50, 75 and 100 % (corpus.detector.class_curve). Read without a threshold (average precision; hard negatives flagged
at the cut that finds 80 % of the spam), because thinning one class moves the base rate the 0.5 cut sits on. The
test folds are untouched, 3 fold seeds. Writes bench/results/label_kinds.json. No floor: a planning figure for the
next labelling rounds.

    .venv/bin/python bench/label_kinds.py [--quick]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.result_file import write_result  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one fold seed (a screen, not a result)")
    quick = parser.parse_args(argv).quick
    from corpus.detector.class_curve import RECALL, class_curve
    from corpus.detector.crossval import SEEDS
    from corpus.detector.data import realworld_examples
    from corpus.realworld import REALWORLD_SHA256
    from corpus.signals import DETECTOR_VERSION

    start = time.time()
    examples, borderline = realworld_examples()
    seeds = SEEDS[:1] if quick else SEEDS
    rows = class_curve(examples, seeds=seeds)
    print(f"{'thinned':>7} {'kept':>5} {'average precision':>19} {f'hard FP at recall {RECALL:.2f}':>24} "
          f"{'F1 at 0.5':>10} {'hard FP at 0.5':>15}")
    for r in rows:
        print(f"{r['thinned']:>7} {r['fraction']:>5.0%} {r['average_precision']:>12.3f} ±{r['average_precision_sd']:.3f}"
              f" {r['hard_fp_at_recall']:>16.1%} ±{r['hard_fp_at_recall_sd']:.1%} {r['f1']:>10.3f}"
              f" {r['hard_fp_rate']:>15.1%}")
    result = {"set_sha256": REALWORLD_SHA256, "detector_version": DETECTOR_VERSION, "documents": len(examples),
              "borderline_left_out": borderline, "seeds": list(seeds), "recall": RECALL, "rows": rows,
              "quick": quick, "seconds": round(time.time() - start, 1)}
    print(f"({result['seconds']} s)")
    write_result(result, HERE / "results" / ("label_kinds-quick.json" if quick else "label_kinds.json"))
    return result


if __name__ == "__main__":
    main()
