"""stats.json: every figure the card prints, computed from the released rows and the build's bookkeeping."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.release.inputs import WITH_CAMPAIGNS
from corpus.version import __version__


def counts(values: Iterable[Any]) -> dict[str, int]:
    """Value counts, largest first, ties by value (a stable order for JSON and tables)."""
    c = Counter("null" if v is None else str(v) for v in values)
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def _class(r: dict[str, Any]) -> str:
    return (r["family"] or "spam (no family)") if r["verdict"] == "spam" else r["verdict"]


def hub_sites(rows: list[dict[str, Any]], group: list[int], top: int = 3,
              min_campaigns: int = 3) -> list[tuple[str, int]]:
    """The sites of the largest group that carry the most campaigns, most first: a platform the build does not know
    as shared (many people publishing under one host) joins every campaign posted there into one group."""
    if not group:
        return []
    largest = Counter(group).most_common(1)[0][0]
    campaigns: dict[str, set[str]] = {}
    for r, g in zip(rows, group):
        if g == largest:
            campaigns.setdefault(r["site"], set()).add(r["campaign_id"])
    ranked = sorted(((site, len(c)) for site, c in campaigns.items() if len(c) >= min_campaigns),
                    key=lambda p: (-p[1], p[0]))
    return ranked[:top]


def release_stats(table: pa.Table, files: dict[str, list[str]], root: Path, inputs, resolution, split_result,
                  config) -> dict[str, Any]:
    rows = table.select(["doc_id", "split", "verdict", "family", "label_source", "lang", "campaign_id", "site",
                         "host", "crawl_job", "fetched_at", "detector_version"]).to_pylist()
    splits = {}
    for split, names in files.items():
        part = [r for r in rows if r["split"] == split]
        splits[split] = {
            "rows": len(part),
            "verdicts": counts(r["verdict"] for r in part),
            "label_sources": counts(r["label_source"] for r in part),
            "classes": counts(_class(r) for r in part),
            "languages": counts(r["lang"] for r in part),
            "campaigns": len({r["campaign_id"] for r in part}),
            "sites": len({r["site"] for r in part}),
            # in-memory Arrow size, as Hugging Face's dataset_info records it
            "num_bytes": sum(pq.read_table(root / n).nbytes for n in names),
        }
    by_lang: dict[str, Counter[str]] = {}
    for r in rows:
        by_lang.setdefault(_class(r), Counter())[r["lang"]] += 1
    by_source: dict[str, Counter[str]] = {}
    for r in rows:
        by_source.setdefault(r["label_source"], Counter())[r["verdict"]] += 1
    campaign_sizes = Counter(r["campaign_id"] for r in rows)
    hosts = counts(r["host"] for r in rows)
    fetched = sorted(r["fetched_at"] for r in rows)
    date = config.date or (inputs.newest.date().isoformat() if inputs.newest else fetched[-1].date().isoformat())
    policy = inputs.policy
    warnings = [f"the {name} split is empty: the groups are too few or too large for the target fractions"
                for name, fraction in config.splits.fractions if fraction > 0 and name not in splits]
    if split_result.largest_group * 2 > len(rows):
        hubs = hub_sites(rows, split_result.group)
        named = ", ".join(f"{site} ({n} campaigns)" for site, n in hubs)
        hint = (f"; the sites that carry most of its campaigns are {named}: if many people publish there, give "
                "them in a --shared-platforms file") if hubs else ""
        warnings.append(f"one group of documents sharing campaigns, handles or sites holds "
                        f"{split_result.largest_group} of {len(rows)} documents{hint}")
    unassigned = sum(1 for r in rows if r["doc_id"] not in inputs.campaigns)
    if inputs.campaign_source != WITH_CAMPAIGNS:
        warnings.append("no campaign assignment: run `spamcorpus campaigns` so that template copies share a split")
    elif unassigned:
        warnings.append(f"{unassigned} documents have no campaign (committed after the last `spamcorpus "
                        "campaigns` run?): each is its own campaign")
    return {
        "warnings": warnings,
        "name": config.name,
        "version": config.version,
        "date": date,
        "spamcorpus_version": __version__,
        "rows": len(rows),
        "files": files,
        "download_size": sum((root / n).stat().st_size for names in files.values() for n in names),
        "include_html": config.include_html,
        "splits": splits,
        "verdicts": counts(r["verdict"] for r in rows),
        "label_sources": counts(r["label_source"] for r in rows),
        "classes": counts(_class(r) for r in rows),
        "languages": counts(r["lang"] for r in rows),
        "family_by_language": {cls: dict(sorted(by_lang[cls].items()))
                               for cls in sorted(by_lang, key=lambda c: (-sum(by_lang[c].values()), c))},
        "verdict_by_source": {s: dict(sorted(c.items())) for s, c in sorted(by_source.items())},
        "collection": {
            "crawl_jobs": counts(r["crawl_job"] for r in rows),
            "detector_versions": counts(r["detector_version"] or "unknown" for r in rows),
            "hosts": len(hosts),
            "top_host": next(iter(hosts.items())),
            "fetched_from": fetched[0].date().isoformat(),
            "fetched_to": fetched[-1].date().isoformat(),
        },
        "campaigns": {
            "source": inputs.campaign_source,
            "count": len(campaign_sizes),
            "largest": max(campaign_sizes.values()),
            "unassigned": unassigned,
        },
        "grouping": {
            "groups": split_result.groups,
            "largest_group": split_result.largest_group,
            "handle_kinds": list(config.splits.handle_kinds),
            "shared_platforms": dict(sorted(config.splits.shared_platforms.items())),
            "seed": config.splits.seed,
            "fractions": dict(config.splits.fractions),
            "crossing_keys": 0,
        },
        "agreement": resolution.agreement,
        "dropped": dict(sorted(resolution.counts.items())),
        "adjudication_queue": len(resolution.queue),
        "policy": {
            "tie": policy.tie,
            "adjudicators": len(policy.adjudicators),
            "adjudication_projects": sorted(policy.adjudication_projects),
            "include_silver": policy.include_silver,
            "silver_threshold": policy.silver_threshold,
            "silver_threshold_source": policy.silver_threshold_source,
        },
        "inputs": inputs.fingerprint,
    }
