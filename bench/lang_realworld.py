"""Language identification on the real-world set: accuracy (development part, holdout, all), errors, time per page."""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Each document goes through the crawler's own extraction (`corpus.realworld.extract_document`, i.e.
# `corpus.page.row.extract_page`), and its `lang` is compared with the labelled `language` (ISO 639-1). The set is
# split by `rule_holdout`: language rules are written looking at the development part only, so its figure is a
# training figure; the holdout figure is the honest one. Per-document errors are printed for the development part
# only (`--errors`), the holdout's errors as counts only; `--dev-only` hides the holdout while rules are developed.
#
# Time: CPU time (time.process_time_ns) of `detect_language` on the text the crawler hands it, per real document and
# per 6.6 KB benchmark-site page (bench/site.py, the page the crawl benchmark fetches): the best of `--repeat` calls per
# page (on a shared machine the other calls measure the neighbours), then median, mean and max over the pages.
# `--baseline REV` times `corpus/lang.py` of that git revision on the same texts, call for call interleaved with the
# current one, so that load from other work on a shared machine weighs on both alike (REV must predate
# corpus/lang_code.py, i.e. be a self-contained lang.py).


def evaluate(docs) -> list[dict]:
    """One record per document: truth, prediction, the part it belongs to and the text language was detected on."""
    from corpus.realworld import extract_document, rule_holdout
    from corpus.page.row import PageRejected

    out = []
    for doc in docs:
        try:
            ex = extract_document(doc)
            lang, text = ex.lang, ex.text or ex.title
        except PageRejected:
            lang, text = "und", ""
        out.append({"id": doc.id, "truth": doc.language, "lang": lang, "format": doc.format,
                    "holdout": rule_holdout(doc), "text": text})
    return out


def accuracy(records: list[dict]) -> dict:
    right = sum(r["lang"] == r["truth"] for r in records)
    return {"n": len(records), "right": right, "accuracy": round(right / len(records), 4) if records else None}


def confusion(records: list[dict]) -> dict[str, int]:
    """`truth->predicted` counts of the errors."""
    pairs = Counter(f"{r['truth']}->{r['lang']}" for r in records if r["lang"] != r["truth"])
    return dict(pairs.most_common())


def load_revision(rev: str) -> types.ModuleType:
    """corpus/lang.py as it was at git revision `rev`, as a module of its own."""
    source = subprocess.run(["git", "show", f"{rev}:corpus/lang.py"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    module = types.ModuleType(f"lang_at_{rev}")
    exec(compile(source, f"{rev}:corpus/lang.py", "exec"), module.__dict__)
    return module


def timing(texts: list[str], repeat: int, baseline: types.ModuleType | None = None) -> dict:
    """CPU ms per page of detect_language, best of `repeat` calls (and the baseline's, interleaved call for call)."""
    from corpus.lang import detect_language

    functions = {"current": detect_language}
    if baseline is not None:
        functions["baseline"] = baseline.detect_language
    for fn in functions.values():
        for text in texts[:20]:
            fn(text)  # model load and regex compilation are not per-page costs
    per_page: dict[str, list[float]] = {name: [] for name in functions}
    for text in texts:
        calls: dict[str, list[int]] = {name: [] for name in functions}
        for _ in range(repeat):
            for name, fn in functions.items():
                t0 = time.process_time_ns()
                fn(text)
                calls[name].append(time.process_time_ns() - t0)
        for name in functions:
            per_page[name].append(min(calls[name]) / 1e6)
    out = {"pages": len(texts), "mean_kb": round(statistics.mean(len(t.encode()) for t in texts) / 1024, 2)}
    for name, times in per_page.items():
        prefix = "" if name == "current" else "baseline_"
        out |= {f"{prefix}median_ms": round(statistics.median(times), 4),
                f"{prefix}mean_ms": round(statistics.mean(times), 4), f"{prefix}max_ms": round(max(times), 4)}
    return out


def site_texts(pages: int) -> list[str]:
    """Main texts of benchmark-site pages (6.6 KB of HTML each), extracted as the crawler does."""
    from bench.site import page_html
    from corpus.page.extract import extract

    texts = []
    for i in range(pages):
        ex = extract(page_html(i, pages), base_url=f"http://bench.invalid/p{i}.html", doc_format="html")
        texts.append(ex.text or ex.title)
    return texts


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--dev-only", action="store_true", help="leave the holdout out (while developing rules)")
    ap.add_argument("--errors", action="store_true", help="list the development part's wrong documents")
    ap.add_argument("--repeat", type=int, default=20, help="calls per page for the timing (best of)")
    ap.add_argument("--site-pages", type=int, default=200, help="benchmark-site pages to time")
    ap.add_argument("--path", help="the real-world set (default: corpus.realworld's)")
    ap.add_argument("--baseline", metavar="REV", help="also time corpus/lang.py of this git revision, interleaved")
    args = ap.parse_args(argv)

    from corpus.realworld import load_realworld

    records = evaluate(load_realworld(args.path))
    dev = [r for r in records if not r["holdout"]]
    report: dict = {"development": accuracy(dev), "development_errors": confusion(dev)}
    if not args.dev_only:
        holdout = [r for r in records if r["holdout"]]
        report["holdout"] = accuracy(holdout)
        report["holdout_errors"] = confusion(holdout)  # counts only: its documents are never listed
        report["all"] = accuracy(records)
    baseline = load_revision(args.baseline) if args.baseline else None
    if baseline is not None:
        report["baseline"] = args.baseline
    report["time_realworld"] = timing([r["text"] for r in records], args.repeat, baseline)
    report["time_site"] = timing(site_texts(args.site_pages), args.repeat, baseline)
    if args.errors:
        report["development_error_docs"] = [
            {k: r[k] for k in ("id", "truth", "lang", "format")} | {"text": r["text"][:200]}
            for r in dev if r["lang"] != r["truth"]]
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for part in ("development", "holdout", "all"):
            if part in report:
                a = report[part]
                print(f"{part:12s} {a['right']}/{a['n']} = {a['accuracy']:.3f}")
        for part in ("development", "holdout"):
            if f"{part}_errors" in report:
                print(f"{part} errors (truth->predicted):", report[f"{part}_errors"] or "none")
        for key in ("time_realworld", "time_site"):
            t = report[key]
            print(f"{key}: {t['pages']} pages, {t['mean_kb']} KB mean text, detect_language median {t['median_ms']} ms,"
                  f" mean {t['mean_ms']} ms, max {t['max_ms']} ms (CPU)")
            if "baseline_median_ms" in t:
                print(f"{'':{len(key)}}  baseline {report['baseline']}: median {t['baseline_median_ms']} ms,"
                      f" mean {t['baseline_mean_ms']} ms, max {t['baseline_max_ms']} ms")
        for e in report.get("development_error_docs", []):
            print(f"  {e['id']} [{e['format']}] {e['truth']}->{e['lang']}: {e['text'][:120]!r}")
    return report


if __name__ == "__main__":
    main()
