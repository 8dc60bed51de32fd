"""What to label next: uncertainty-first, campaign-diverse and random batches, as pure functions over corpus rows.

A row is a dict with at least `doc_id` and `spam_score` (the detector's calibrated probability); `family_guess`,
`lang` and `campaign_id` are used when present (a row without a campaign is its own campaign). Rows in `pushed`
(the push ledger) are never picked. The result is deterministic for a given seed and ordered most useful first,
so an annotator who stops part-way has labelled the best part of the batch.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable

from annotate.selection import _features, _rank

STRATEGIES = ("uncertain", "diverse", "random")
# uncertain: the batch is balanced over strata among the BAND * limit rows nearest the boundary, so balance never
# pulls in a row the model is sure of while many unsure ones wait
BAND = 3

Row = dict[str, Any]


class StrategyError(ValueError):
    """A strategy or limit that cannot pick anything."""


def campaign_key(row: Row, campaign_of: dict[str, str] | None = None) -> str:
    return row.get("campaign_id") or (campaign_of or {}).get(row["doc_id"]) or "doc:" + row["doc_id"]


def margin(row: Row) -> float:
    """Distance from the decision point: 0 is a coin flip, 0.5 is certainty."""
    return abs(float(row["spam_score"]) - 0.5)


def stratum(row: Row) -> tuple[str, str]:
    return (row.get("family_guess") or "other", row.get("lang") or "und")


def round_robin(groups: Iterable[list[Row]]) -> list[Row]:
    """First of every group, then the second of every group, ...; groups keep the order given."""
    queues = [list(g) for g in groups if g]
    out, depth = [], 0
    while queues:
        out.extend(q[depth] for q in queues)
        depth += 1
        queues = [q for q in queues if len(q) > depth]
    return out


def _balanced(rows: list[Row], key: Callable[[Row], Any]) -> list[Row]:
    """Rows dealt round-robin over (family, language) strata; each stratum in `key` order, the strata by their best."""
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row in sorted(rows, key=key):
        groups[stratum(row)].append(row)
    return round_robin(sorted(groups.values(), key=lambda g: key(g[0])))


def uncertain(rows: list[Row], limit: int, seed: int = 0, pushed: frozenset | set = frozenset(),
              campaign_of: dict[str, str] | None = None, per_campaign: int = 1) -> list[Row]:
    """Rows nearest the decision boundary, at most `per_campaign` of one campaign, balanced over families and
    languages within the band of the BAND * limit most uncertain campaign representatives."""
    key = lambda r: (margin(r), _rank(seed, r["doc_id"]))  # noqa: E731
    by_campaign: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row["doc_id"] not in pushed:
            by_campaign[campaign_key(row, campaign_of)].append(row)
    reps = [r for members in by_campaign.values() for r in sorted(members, key=key)[:per_campaign]]
    band = sorted(reps, key=key)[: limit * BAND]
    return _balanced(band, key)[:limit]


def centrality(members: list[Row]) -> dict[str, float]:
    """How typical each row is of its campaign: features (host, language, text, contacts) shared with the others,
    minus the distance of its score from the campaign's median score (a cheap stand-in for the medoid)."""
    feats = {r["doc_id"]: _features(r) for r in members}
    counts = Counter(f for fs in feats.values() for f in fs)
    median = statistics.median(float(r["spam_score"]) for r in members)
    return {d: sum(counts[f] - 1 for f in fs) - abs(float(r["spam_score"]) - median)
            for (d, fs), r in zip(feats.items(), members)}


def diverse(rows: list[Row], limit: int, seed: int = 0, pushed: frozenset | set = frozenset(),
            campaign_of: dict[str, str] | None = None) -> list[Row]:
    """One representative (the most central row) per campaign not yet represented, largest campaigns first,
    balanced over families and languages; once every campaign has a pushed row, second representatives."""
    by_campaign: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_campaign[campaign_key(row, campaign_of)].append(row)
    levels: dict[int, list[tuple[int, Row]]] = defaultdict(list)   # level = rows of its campaign picked before it
    for members in by_campaign.values():
        done = sum(r["doc_id"] in pushed for r in members)
        central = centrality(members) if len(members) > 1 else {members[0]["doc_id"]: 0.0}
        fresh = sorted((r for r in members if r["doc_id"] not in pushed),
                       key=lambda r: (-central[r["doc_id"]], _rank(seed, r["doc_id"])))
        for j, row in enumerate(fresh):
            levels[done + j].append((len(members), row))
    out: list[Row] = []
    size = {}
    for level in sorted(levels):
        if len(out) >= limit:
            break
        size.update((row["doc_id"], n) for n, row in levels[level])
        out.extend(_balanced([row for _n, row in levels[level]],
                             lambda r: (-size[r["doc_id"]], _rank(seed, r["doc_id"]))))
    return out[:limit]


def random_sample(rows: list[Row], limit: int, seed: int = 0, pushed: frozenset | set = frozenset()) -> list[Row]:
    """A seeded uniform sample of the rows not yet pushed (the baseline)."""
    return sorted((r for r in rows if r["doc_id"] not in pushed), key=lambda r: _rank(seed, r["doc_id"]))[:limit]


def pick(rows: list[Row], strategy: str, limit: int, *, seed: int = 0, pushed: frozenset | set = frozenset(),
         campaign_of: dict[str, str] | None = None, per_campaign: int = 1) -> list[Row]:
    """Up to `limit` rows not in `pushed`, chosen by `strategy` (one of STRATEGIES)."""
    if strategy not in STRATEGIES:
        raise StrategyError(f"unknown strategy {strategy!r}; choose from {', '.join(STRATEGIES)}")
    if limit < 1:
        raise StrategyError(f"limit must be at least 1, not {limit}")
    if per_campaign < 1:
        raise StrategyError(f"per-campaign limit must be at least 1, not {per_campaign}")
    if strategy == "uncertain":
        return uncertain(rows, limit, seed, pushed, campaign_of, per_campaign)
    if strategy == "diverse":
        return diverse(rows, limit, seed, pushed, campaign_of)
    return random_sample(rows, limit, seed, pushed)


def choose(rows: list[Row], campaign_of: dict[str, str] | None, sel, strategy: str, limit: int,
           pushed: frozenset | set = frozenset()):
    """The push path of a strategy: the selection's filters, then `limit` new rows picked by `strategy`
    (the selection's per-campaign limit caps an uncertain batch; 1 when unset). Returns a Selected."""
    from dataclasses import replace

    from annotate.selection import select
    if sel.sample is not None:
        raise StrategyError("a strategy picks --limit rows itself; leave out --sample")
    kept = select(rows, campaign_of, replace(sel, per_campaign=None), pushed)
    picked = pick(kept.rows, strategy, limit, seed=sel.seed, pushed=pushed, campaign_of=campaign_of,
                  per_campaign=sel.per_campaign or 1)
    kept.dropped["already_pushed"] += sum(r["doc_id"] in pushed for r in kept.rows)
    kept.dropped["not_picked"] += len(kept.rows) - len(picked) - kept.dropped["already_pushed"]
    kept.rows = picked
    kept.dropped = +kept.dropped   # no zero counts in the report
    return kept
