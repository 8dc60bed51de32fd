"""Inter-annotator agreement statistics, one home for annotate/ and release/: Cohen's kappa, Krippendorff's alpha."""
from __future__ import annotations

import warnings
from collections import Counter
from typing import Hashable, Iterable, Sequence

import numpy as np

# Undefined statistics (one category only, nothing pairable) are None everywhere, never nan: a card or a report
# prints "n/a" for None, while nan compares unequal to itself and slips through JSON as an invalid token.


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters over the items both rated (sklearn's); None when chance agreement is 1."""
    if not pairs or len({v for pair in pairs for v in pair}) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score
    a, b = zip(*pairs)
    codes = {v: i for i, v in enumerate(sorted({*a, *b}, key=repr))}  # sklearn wants one comparable type
    return float(cohen_kappa_score([codes[v] for v in a], [codes[v] for v in b]))


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data (the `krippendorff` package); each unit lists the values its raters
    gave, missing ones left out. Units with fewer than two values are not pairable. None when undefined."""
    units = [list(u) for u in units if len(u) >= 2]
    codes: dict[Hashable, int] = {}
    for unit in units:
        for value in unit:
            codes.setdefault(value, len(codes))
    if not units or len(codes) < 2:
        return None
    import krippendorff
    # raters x units; which row holds a value does not matter for nominal alpha (only values within a unit pair)
    data = np.full((max(map(len, units)), len(units)), np.nan)
    for j, unit in enumerate(units):
        data[: len(unit), j] = [codes[v] for v in unit]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                        value_domain=list(range(len(codes)))))


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
