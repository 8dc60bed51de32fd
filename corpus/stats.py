"""Corpus statistics: rows, hosts, languages, families, contact kinds, top handles, drops by reason."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from corpus.store import open_corpus

RUNS_DIR = "_runs"
DROP_PREFIX = "spamcorpus/drops/"


def drops_from_runs(root: str | Path) -> tuple[dict[str, int], int]:
    """Drops by reason summed over every saved run, and the number of runs."""
    totals: Counter[str] = Counter()
    runs = sorted(Path(root, RUNS_DIR).glob("*.json"))
    for path in runs:
        stats = json.loads(path.read_text(encoding="utf-8")).get("stats", {})
        for key, value in stats.items():
            if key.startswith(DROP_PREFIX) and isinstance(value, int):
                totals[key[len(DROP_PREFIX):]] += value
    return dict(sorted(totals.items())), len(runs)


def _counts(table, column: str, top: int) -> list[tuple[str, int]]:
    if table.num_rows == 0:
        return []
    vc = pc.value_counts(table.column(column)).to_pylist()
    pairs = sorted(((d["values"], d["counts"]) for d in vc), key=lambda p: (-p[1], str(p[0])))
    return pairs[:top]


def corpus_stats(root: str | Path, top: int = 10) -> dict[str, Any]:
    """Everything `spamcorpus stats` prints, as plain data."""
    store = open_corpus(root)
    table = store.read(columns=["doc_id", "host", "lang", "script", "family_guess", "spam_score",
                                "contacts", "crawl_job", "detector_version"])
    kinds: Counter[str] = Counter()
    handles: Counter[tuple[str, str]] = Counter()
    for contacts in table.column("contacts").to_pylist():
        for c in contacts:
            kinds[c["kind"]] += 1
            handles[(c["kind"], c["value"])] += 1
    spam = int(pc.sum(pc.greater_equal(table.column("spam_score"), 0.5)).as_py() or 0) if table.num_rows else 0
    drops, runs = drops_from_runs(root)
    result = {
        "corpus": str(root),
        "rows": table.num_rows,
        "shards": len(store.manifest()),
        "runs": runs,
        "likely_spam": spam,
        "hosts": _counts(table, "host", top),
        "host_count": len(set(table.column("host").to_pylist())),
        "languages": _counts(table, "lang", top),
        "families": _counts(table, "family_guess", top),
        "crawl_jobs": _counts(table, "crawl_job", top),
        # every version, however many: a mix means `spamcorpus rescore` has rows left to update
        "detector_versions": _counts(table, "detector_version", table.num_rows),
        "current_detector": _current_detector(),
        "contact_kinds": sorted(kinds.items(), key=lambda p: (-p[1], p[0])),
        "top_handles": [(k, v, n) for (k, v), n in handles.most_common(top)],
        "drops": drops,
    }
    result["campaigns"], result["campaigns_note"] = _campaigns(root, top, table.num_rows)
    return result


def _current_detector() -> str | None:
    try:
        from corpus.rescore import current_version

        return current_version()
    except Exception:  # stats must print even if the detector (its shipped model) cannot load
        return None


def _campaigns(root: str | Path, top: int, rows: int) -> tuple[list[dict[str, Any]] | None, str]:
    """The largest campaigns and a one-line note on the assignment (missing, stale, unreadable)."""
    try:
        from corpus.campaigns import CampaignError, campaign_summary, campaigns_computed, read_campaigns
    except ImportError:
        return None, "campaigns: not available"
    if not campaigns_computed(root):
        return None, f"campaigns: not computed yet (spamcorpus campaigns {root})"
    try:
        assigned = read_campaigns(root)
        largest = campaign_summary(root, top=top)
    except CampaignError as exc:  # stats must still print the rest
        return None, f"campaigns: unavailable ({exc})"
    ids = assigned.column("campaign_id")
    note = f"campaigns: {len(pc.unique(ids))} over {assigned.num_rows} rows"
    if _grouped_shards_replaced(root):
        note += (f"; shards were rewritten since (rescore): contacts may have changed "
                 f"(spamcorpus campaigns --full {root})")
    elif assigned.num_rows < rows:
        note += f"; {rows - assigned.num_rows} newer rows not grouped yet (spamcorpus campaigns {root})"
    return largest, note


def _grouped_shards_replaced(root: str | Path) -> bool:
    """True if the shards the campaigns were built from are no longer the start of the live manifest
    (the check `spamcorpus campaigns` makes before an incremental run, which then asks for --full)."""
    from corpus.campaigns.state import campaigns_dir, load_state

    try:
        state = load_state(campaigns_dir(root))
    except Exception:  # an unreadable state is reported by the campaign summary itself
        return False
    done = (state or {}).get("shards") or []
    live = [e["shard"] for e in open_corpus(root).manifest()[: len(done)]]
    return live != done


def format_stats(s: dict[str, Any]) -> str:
    lines = [f"corpus {s['corpus']}: {s['rows']} rows in {s['shards']} shards from {s['runs']} runs; "
             f"{s['likely_spam']} score >= 0.5; {s['host_count']} hosts"]

    def section(title: str, pairs) -> None:
        if pairs:
            lines.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in pairs))

    section("languages", s["languages"])
    versions = s.get("detector_versions") or []
    if versions:
        current = s.get("current_detector")
        line = "detector versions: " + ", ".join(f"{v} {n}" + (" (current)" if v == current else "")
                                                 for v, n in versions)
        if current and any(v != current for v, _n in versions):
            line += f"; `spamcorpus rescore {s['corpus']}` brings the rest to {current}"
        lines.append(line)
    section("families (guess)", s["families"])
    section("hosts", s["hosts"])
    section("contact kinds", s["contact_kinds"])
    if s["top_handles"]:
        lines.append("top handles: " + ", ".join(f"{k}:{v} ({n})" for k, v, n in s["top_handles"]))
    if s["drops"]:
        lines.append("drops by reason: " + ", ".join(f"{k} {v}" for k, v in s["drops"].items()))
    else:
        lines.append("drops by reason: none recorded")
    if s.get("campaigns_note"):
        lines.append(s["campaigns_note"])
    for c in s.get("campaigns") or []:
        lines.append(f"  campaign {c['campaign_id']}: {c['size']} docs; handles {', '.join(c['handles'][:3]) or '-'}; "
                     f"{c['host_count']} host{'s' if c['host_count'] != 1 else ''} "
                     f"({', '.join(c['hosts'][:3])}{', ...' if c['host_count'] > 3 else ''}); "
                     f"families {', '.join(c['families'][:3])}; languages {', '.join(c['languages'][:3])}")
    return "\n".join(lines)
