"""Contact extraction on the real-world set: per-kind tp/fp/fn, precision and recall, and the time it costs.

Each document goes through the crawler's own page extraction (corpus.realworld.extract_document: title, text,
boilerplate, links); its contacts are compared, as (kind, normal form) sets, with the labelled contacts
(corpus.realworld.expected_contacts). Borderline documents are left out. Three parts are reported: `dev` (groups
where rule_holdout is False: the rules were written looking at these, so their figures are training figures),
`holdout` (the rest, looked at once) and `all`. Only the labelled kinds are scored; `url` has no labels.

Timing: CPU time of the contact step alone (find_contacts on title, text and boilerplate, contacts_from_links,
merge_contacts, as in corpus.page.row.extract_page) on every document, best of `--repeat` runs, reported per
document (median) and scaled to a 6.6 KB page (total time / total size).

    .venv/bin/python bench/contacts_realworld.py [--json] [--part dev|holdout|all] [--errors] [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LABELLED_KINDS = ("telegram", "whatsapp", "phone", "wechat", "qq", "line", "email", "domain")
PARTS = ("dev", "holdout", "all")
PAGE_KB = 6.6


def part_of(doc) -> str:
    from corpus.realworld import rule_holdout

    return "holdout" if rule_holdout(doc) else "dev"


def documents(part: str = "all"):
    """The scored documents of a part (borderline ones left out), each with its extracted page."""
    from corpus.realworld import extract_document, load_realworld

    out = []
    for doc in load_realworld():
        if doc.label == "borderline" or part != "all" and part_of(doc) != part:
            continue
        out.append((doc, extract_document(doc)))
    return out


def found_contacts(page) -> set[tuple[str, str]]:
    return {(c.kind, c.value) for c in page.contacts if c.kind in LABELLED_KINDS}


def labelled(doc) -> set[tuple[str, str]]:
    """corpus.realworld.expected_contacts, restricted to the labelled kinds."""
    from corpus.realworld import expected_contacts

    return {p for p in expected_contacts(doc) if p[0] in LABELLED_KINDS}


def score(docs) -> dict:
    """Per kind tp/fp/fn/P/R over (doc, page) pairs with 95 % Wilson intervals (a kind's figures often rest on a
    handful of contacts), and the per-document errors."""
    from corpus.intervals import wilson

    counts = {k: Counter() for k in LABELLED_KINDS}
    errors = []
    for doc, page in docs:
        want = labelled(doc)
        links = {"url:" + c.value.lower() for c in page.contacts if c.kind == "url"}
        # a labelled link found as a `url` contact counts for its kind; other `url` contacts are not scored
        got = found_contacts(page) | {(k, v) for k, v in want if v in links}
        for kind, _ in want & got:
            counts[kind]["tp"] += 1
        for kind, _ in got - want:
            counts[kind]["fp"] += 1
        for kind, _ in want - got:
            counts[kind]["fn"] += 1
        if want != got:
            errors.append({"id": doc.id, "missed": sorted(want - got), "extra": sorted(got - want)})
    table = {}
    for kind, c in counts.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        table[kind] = {"tp": tp, "fp": fp, "fn": fn,
                       "precision": round(tp / (tp + fp), 4) if tp + fp else None,
                       "recall": round(tp / (tp + fn), 4) if tp + fn else None,
                       "interval_95": {"precision": wilson(tp, tp + fp), "recall": wilson(tp, tp + fn)}}
    return {"documents": len(docs), "kinds": table, "errors": errors}


def contact_step(page, url: str) -> None:
    """The contact part of corpus.page.row.extract_page, on an already extracted page."""
    from corpus.contacts import contacts_from_links, find_contacts, merge_contacts

    linked = contacts_from_links(page.links, None, url)
    handles = {c.value for c in linked if c.kind == "telegram"}
    whatsapp = {c.value for c in linked if c.kind == "whatsapp"}
    merge_contacts([find_contacts(page.title, "title", handles, linked_whatsapp=whatsapp),
                    find_contacts(page.text, "text", handles, linked_whatsapp=whatsapp),
                    find_contacts(page.boilerplate, "boilerplate", handles, linked_whatsapp=whatsapp), linked])


def timing(docs, repeat: int) -> dict:
    import corpus.contacts as contacts

    # a crawler sees each page once: no cache warm from the run before (whichever of these the extractor has)
    caches = [f for mod, name in (("kinds", "normal"), ("links", "classify_url"), ("domains", "domain_normal"),
                                  ("domains", "registrable"), ("phones", "phone_e164"))
              if (f := getattr(getattr(contacts, mod, None), name, None)) is not None and hasattr(f, "cache_clear")]
    per_doc, size = [], 0
    for doc, page in docs:
        best = None
        for _ in range(repeat):
            for f in caches:
                f.cache_clear()
            t0 = time.process_time_ns()
            contact_step(page, doc.url)
            spent = time.process_time_ns() - t0
            best = spent if best is None else min(best, spent)
        per_doc.append(best / 1e6)
        size += len((page.title + page.text + page.boilerplate).encode("utf-8"))
    total = sum(per_doc)
    return {"documents": len(per_doc), "median_ms": round(statistics.median(per_doc), 4),
            "mean_kb": round(size / len(per_doc) / 1000, 2),
            "ms_per_6_6kb": round(total / (size / 1000) * PAGE_KB, 4)}


def _fmt(v) -> str:
    return "   -" if v is None else f"{v:.2f}"


def print_table(name: str, result: dict) -> None:
    print(f"\n{name}: {result['documents']} documents")
    print(f"  {'kind':<9} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>5} {'R':>5}   95 % Wilson intervals")
    for kind, row in result["kinds"].items():
        iv = row["interval_95"]
        spans = "  ".join(f"{name[0].upper()} {_span(iv[name])}" for name in ("precision", "recall"))
        print(f"  {kind:<9} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} {_fmt(row['precision']):>5} "
              f"{_fmt(row['recall']):>5}   {spans}")


def _span(interval) -> str:
    return "    -    " if interval is None else f"{interval[0]:.2f}-{interval[1]:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ap.add_argument("--part", choices=PARTS, default=None, help="only this part (default: dev, holdout and all)")
    ap.add_argument("--errors", action="store_true", help="list each document's missed and extra contacts")
    ap.add_argument("--repeat", type=int, default=3, help="timing runs per document (best kept); 0 = no timing")
    args = ap.parse_args(argv)
    docs = documents("all")
    split = {"dev": [d for d in docs if part_of(d[0]) == "dev"], "holdout": [d for d in docs if part_of(d[0]) == "holdout"],
             "all": docs}
    parts = [args.part] if args.part else list(PARTS)
    results = {p: score(split[p]) for p in parts}
    if not args.errors:
        for r in results.values():
            r.pop("errors")
    out = {"parts": results}
    if args.repeat:
        out["timing"] = timing(split[parts[0]], args.repeat)
    if args.json:
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return 0
    for p in parts:
        print_table(p, results[p])
        for e in results[p].get("errors", ()):
            print(f"    {e['id']}: missed {e['missed']} extra {e['extra']}")
    if args.repeat:
        t = out["timing"]
        print(f"\ncontact step ({parts[0]}, {t['documents']} docs, mean {t['mean_kb']} KB): median {t['median_ms']} ms "
              f"per document, {t['ms_per_6_6kb']} ms per {PAGE_KB} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
