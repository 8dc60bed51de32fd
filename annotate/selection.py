"""Which corpus rows go to annotators: filters, at most k diverse rows per campaign, stratified seeded sampling.

Selection is a pure function of the rows, the campaigns, the options and the seed, and it prefers rows
that were already pushed: pushing again with the same options selects the same rows, so it adds nothing.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

STRATA = ("family_guess", "lang", "host", "score_bin", "verdict_guess")


class SelectionError(ValueError):
    """Options that cannot select anything sensible."""


@dataclass(frozen=True)
class Selection:
    min_score: float | None = None
    max_score: float | None = None
    families: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    per_campaign: int | None = None      # at most k rows of one campaign
    sample: int | None = None            # total rows selected (pushed ones included)
    stratify: tuple[str, ...] = ("family_guess",)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.min_score is not None and self.max_score is not None and self.min_score > self.max_score:
            raise SelectionError(f"min score {self.min_score} is above max score {self.max_score}")
        if self.per_campaign is not None and self.per_campaign < 1:
            raise SelectionError("per-campaign limit must be at least 1")
        if self.sample is not None and self.sample < 1:
            raise SelectionError("sample size must be at least 1")
        unknown = [s for s in self.stratify if s not in STRATA]
        if unknown:
            raise SelectionError(f"cannot stratify by {unknown}; choose from {list(STRATA)}")


@dataclass
class Selected:
    rows: list[dict[str, Any]]
    dropped: Counter = field(default_factory=Counter)   # reason -> rows
    campaigns: int = 0


def _rank(seed: int, doc_id: str) -> str:
    """A seeded, stable pseudo-random order over doc_ids."""
    return hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()


def stratum(row: dict[str, Any], keys: Iterable[str]) -> tuple:
    out = []
    for key in keys:
        if key == "score_bin":
            out.append(min(int(float(row["spam_score"]) * 5), 4))   # fifths of 0..1
        elif key == "verdict_guess":
            out.append("spam" if float(row["spam_score"]) >= 0.5 else "benign")
        else:
            out.append(row.get(key))
    return tuple(out)


def _passes(row: dict[str, Any], sel: Selection) -> str | None:
    score = float(row["spam_score"])
    if sel.min_score is not None and score < sel.min_score or sel.max_score is not None and score > sel.max_score:
        return "score_range"
    if sel.families and row.get("family_guess") not in sel.families:
        return "family"
    if sel.langs and row.get("lang") not in sel.langs:
        return "lang"
    if sel.hosts and row.get("host") not in sel.hosts:
        return "host"
    return None


def _features(row: dict[str, Any]) -> set[tuple[str, str]]:
    feats = {("host", row.get("host") or ""), ("lang", row.get("lang") or ""),
             ("text", row.get("text_sha256") or row["doc_id"])}
    feats.update(("contact", f"{c['kind']}:{c['value']}") for c in row.get("contacts") or ())
    return feats


def diverse_pick(rows: list[dict[str, Any]], k: int, seed: int, pushed: set[str]) -> list[dict[str, Any]]:
    """Up to k rows, greedily maximising new hosts, languages, contacts and distinct texts.

    Already pushed rows come first (so a later push keeps the earlier choice); ties break by seeded rank.
    """
    order = sorted(rows, key=lambda r: (r["doc_id"] not in pushed, _rank(seed, r["doc_id"])))
    chosen = [r for r in order if r["doc_id"] in pushed][:k]
    seen: set = set().union(*(_features(r) for r in chosen)) if chosen else set()
    rest = [r for r in order if r["doc_id"] not in pushed]
    while len(chosen) < k and rest:
        best = max(range(len(rest)), key=lambda i: (len(_features(rest[i]) - seen), -i))
        pick = rest.pop(best)
        chosen.append(pick)
        seen |= _features(pick)
    return chosen


def allocate(sizes: dict[Any, int], total: int) -> dict[Any, int]:
    """Proportional allocation (largest remainders), then one row for every stratum if `total` allows it,
    taken from the largest allocations."""
    population = sum(sizes.values())
    total = min(total, population)
    if total <= 0:
        return {key: 0 for key in sizes}
    quotas = {key: size * total / population for key, size in sizes.items()}
    alloc = {key: int(q) for key, q in quotas.items()}
    for key in sorted(sizes, key=lambda k: (-(quotas[k] - alloc[k]), str(k)))[: total - sum(alloc.values())]:
        alloc[key] += 1
    if total >= len(sizes):
        for key in sorted((k for k in sizes if alloc[k] == 0 and sizes[k] > 0), key=str):
            donor = max(alloc, key=lambda k: (alloc[k], str(k)))
            alloc[donor] -= 1
            alloc[key] += 1
    return alloc


def stratified_sample(rows: list[dict[str, Any]], n: int, keys: tuple[str, ...], seed: int,
                      pushed: set[str]) -> list[dict[str, Any]]:
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[stratum(row, keys)].append(row)
    alloc = allocate({key: len(members) for key, members in groups.items()}, n)
    out = []
    for key, members in groups.items():
        members.sort(key=lambda r: (r["doc_id"] not in pushed, _rank(seed, r["doc_id"])))
        out.extend(members[: alloc[key]])
    return out


def select(rows: list[dict[str, Any]], campaign_of: dict[str, str] | None, sel: Selection,
           pushed: set[str] = frozenset()) -> Selected:
    """Apply filters, the per-campaign limit and sampling; returns rows in a seeded mixed order."""
    result = Selected([])
    kept = []
    for row in rows:
        reason = _passes(row, sel)
        if reason:
            result.dropped[reason] += 1
        else:
            kept.append(row)
    by_campaign: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in kept:
        by_campaign[(campaign_of or {}).get(row["doc_id"], row["doc_id"])].append(row)
    result.campaigns = len(by_campaign)
    if sel.per_campaign is not None:
        capped = []
        for members in by_campaign.values():
            picked = diverse_pick(members, sel.per_campaign, sel.seed, pushed) \
                if len(members) > sel.per_campaign else members
            result.dropped["campaign_limit"] += len(members) - len(picked)
            capped.extend(picked)
        kept = capped
    if sel.sample is not None and sel.sample < len(kept):
        sampled = stratified_sample(kept, sel.sample, sel.stratify, sel.seed, pushed)
        result.dropped["not_sampled"] += len(kept) - len(sampled)
        kept = sampled
    kept.sort(key=lambda r: _rank(sel.seed, r["doc_id"]))  # mixed order, so annotators don't see one template in a row
    result.rows = kept
    return result
