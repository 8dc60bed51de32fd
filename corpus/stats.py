"""Corpus statistics: rows, hosts, languages, families, contact kinds, top handles, and each crawl run's drops."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from corpus.store import open_corpus

RUNS_DIR = "_runs"
DROP_PREFIX = "spamcorpus/drops/"


def crawl_runs(root: str | Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Each saved run with its own figures, oldest first, and the names of run records that cannot be read.

    A run record holds that run's counters only (crawler/extensions/runstats.py), so runs are shown side by
    side, never summed: a re-run meets the same offsite links and robots rules again and counts them again."""
    runs, unreadable = [], []
    for path in sorted(Path(root, RUNS_DIR).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            stats = record.get("stats") or {}
        except (OSError, ValueError, AttributeError):
            unreadable.append(path.name)
            continue
        runs.append({
            "run_id": record.get("run_id") or path.stem,
            "job": record.get("job") or stats.get("spamcorpus/job"),
            "started": stats.get("start_time"),
            "finished": stats.get("finish_time"),
            "finish_reason": record.get("finish_reason"),  # null: killed, or still running
            "responses": _int(stats.get("response_received_count")),
            "pages": _int(stats.get("spamcorpus/pages_extracted")),
            "rows_committed": _int(stats.get("spamcorpus/rows_committed")),
            "drops": dict(sorted((k[len(DROP_PREFIX):], v) for k, v in stats.items()
                                 if k.startswith(DROP_PREFIX) and isinstance(v, int))),
        })
    runs.sort(key=lambda r: (str(r["started"] or ""), r["run_id"]))
    return runs, unreadable


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


def drops_side_by_side(runs: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Drops by reason, one figure per run (in the order of `runs`; 0 where a run recorded none)."""
    reasons = sorted({k for r in runs for k in r["drops"]})
    return {k: [r["drops"].get(k, 0) for r in runs] for k in reasons}


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
    runs, unreadable_runs = crawl_runs(root)
    by_run = drops_side_by_side(runs)
    result = {
        "corpus": str(root),
        "rows": table.num_rows,
        "shards": len(store.manifest()),
        "quarantined_shards": len(store.quarantined()),
        "runs": len(runs),
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
        # each run's own figures (oldest first), and per reason one figure per run in that order
        "crawl_runs": runs,
        "drops_by_run": by_run,
        # per reason the largest figure a single run recorded: the drops are at least this many; a sum over
        # runs would count a link that every re-run meets again once per run
        "drops": {k: max(v) for k, v in by_run.items()},
        "unreadable_run_records": unreadable_runs,
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
        note += (f"; shards were rewritten (rescore) or quarantined since: contacts may have changed "
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


def _run_lines(s: dict[str, Any], shown: int = 10) -> list[str]:
    """Each run on its own line (the latest `shown`), then drops by reason with one figure per run."""
    runs = s.get("crawl_runs") or []
    lines = [f"crawl runs: {len(runs)}" + (f" (the last {shown} shown; all with --json)" if len(runs) > shown else "")]
    for r in runs[-shown:]:
        when = str(r["started"])[:19].replace("T", " ") + " UTC" if r["started"] else "start unknown"
        drops = ", ".join(f"{k} {v}" for k, v in r["drops"].items()) or "none"
        lines.append(f"  run {r['run_id']} ({r['job'] or '?'}) {when} {r['finish_reason'] or 'not finished (killed?)'}: "
                     f"{r['responses']} responses, {r['pages']} pages, {r['rows_committed']} rows committed; "
                     f"drops {drops}")
    if s.get("unreadable_run_records"):
        lines.append(f"  unreadable run records (left out): {', '.join(s['unreadable_run_records'])}")
    by_run = {k: v[-shown:] for k, v in (s.get("drops_by_run") or {}).items()}
    if not by_run:
        lines.append("drops by reason: none recorded")
    elif len(runs) == 1:
        lines.append("drops by reason: " + ", ".join(f"{k} {v[0]}" for k, v in by_run.items()))
    else:
        lines.append("drops by reason: " + ", ".join(f"{k} {' | '.join(map(str, v))}" for k, v in by_run.items())
                     + " (one figure per run, oldest first; not summed: a re-run counts again what it meets again)")
    return lines


def format_stats(s: dict[str, Any]) -> str:
    quarantined = s.get("quarantined_shards")
    lines = [f"corpus {s['corpus']}: {s['rows']} rows in {s['shards']} shards from {s['runs']} runs; "
             f"{s['likely_spam']} score >= 0.5; {s['host_count']} hosts"
             + (f"; {quarantined} shards quarantined (spamcorpus verify)" if quarantined else "")]

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
    lines.extend(_run_lines(s))
    if s.get("campaigns_note"):
        lines.append(s["campaigns_note"])
    for c in s.get("campaigns") or []:
        lines.append(f"  campaign {c['campaign_id']}: {c['size']} docs; handles {', '.join(c['handles'][:3]) or '-'}; "
                     f"{c['host_count']} host{'s' if c['host_count'] != 1 else ''} "
                     f"({', '.join(c['hosts'][:3])}{', ...' if c['host_count'] > 3 else ''}); "
                     f"families {', '.join(c['families'][:3])}; languages {', '.join(c['languages'][:3])}")
    return "\n".join(lines)
