"""Inter-annotator agreement for the dataset card: Krippendorff's alpha (nominal) and pairwise agreement."""
from __future__ import annotations

from collections import Counter
from typing import Hashable, Iterable, Sequence


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data; `units` holds each unit's values (missing ones left out).

    Units with fewer than two values are not pairable and are ignored, as in Krippendorff (2011).
    Returns None when alpha is undefined (fewer than two pairable values, or no variation at all).
    """
    observed = 0.0              # sum over c != k of the coincidences o_ck
    value_totals: Counter[Hashable] = Counter()
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        counts = Counter(unit)
        # ordered pairs of different values inside the unit, each weighted 1/(m-1)
        observed += (m * m - sum(n * n for n in counts.values())) / (m - 1)
        value_totals.update(counts)
    n = sum(value_totals.values())
    if n < 2:
        return None
    expected = n * n - sum(v * v for v in value_totals.values())  # sum over c != k of n_c * n_k
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def pairwise_agreement(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Share of annotator pairs (within a unit) that chose the same value, over all pairable units."""
    same = total = 0
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        counts = Counter(unit)
        same += sum(n * (n - 1) // 2 for n in counts.values())
        total += m * (m - 1) // 2
    return same / total if total else None
