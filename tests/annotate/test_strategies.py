"""Push strategies on plain rows: uncertainty first with one row per campaign, one representative per campaign
largest first, a seeded random baseline; balance over families and languages; pushed rows never again."""
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from annotate.selection import Selection
from annotate.strategies import STRATEGIES, StrategyError, choose, pick, round_robin


def row(i, score=0.5, campaign=None, family="gambling", lang="zh", host=None, text=None):
    return {"doc_id": f"d{i:04d}", "spam_score": score, "campaign_id": campaign, "family_guess": family,
            "lang": lang, "host": host or f"h{i}.example", "text_sha256": text or f"t{i}", "contacts": []}


def ids(rows):
    return [r["doc_id"] for r in rows]


def test_uncertain_takes_rows_nearest_the_boundary_first():
    rows = [row(i, score=s) for i, s in enumerate([0.99, 0.52, 0.05, 0.45, 0.7, 0.5])]
    assert ids(pick(rows, "uncertain", 3)) == ["d0005", "d0001", "d0003"]


def test_uncertain_takes_one_row_per_campaign():
    # a template of 50 near-identical pages, all at the boundary, and 5 other campaigns a little further away
    template = [row(i, score=0.5 + i / 10_000, campaign="tpl") for i in range(50)]
    others = [row(100 + i, score=0.6 + i / 100, campaign=f"c{i}") for i in range(5)]
    out = pick(template + others, "uncertain", 6)
    assert Counter(r["campaign_id"] for r in out) == Counter(tpl=1, c0=1, c1=1, c2=1, c3=1, c4=1)
    assert out[0]["doc_id"] == "d0000"   # the template's most uncertain row, first
    assert len([r for r in pick(template + others, "uncertain", 6, per_campaign=3) if r["campaign_id"] == "tpl"]) == 3


def test_uncertain_balances_families_and_languages_within_the_band():
    # 20 uncertain gambling/zh rows, 4 uncertain loans/en rows a little further out, 10 sure adult/ru rows
    rows = ([row(i, score=0.50 + i / 1000) for i in range(20)]
            + [row(50 + i, score=0.56 + i / 1000, family="loans", lang="en") for i in range(4)]
            + [row(80 + i, score=0.99, family="adult", lang="ru") for i in range(10)])
    out = pick(rows, "uncertain", 8)
    strata = Counter((r["family_guess"], r["lang"]) for r in out)
    assert strata == Counter({("gambling", "zh"): 4, ("loans", "en"): 4})   # round robin, not 8 gambling
    assert all(r["spam_score"] < 0.9 for r in out)   # balance never reaches for a row the model is sure of


def test_diverse_one_row_per_campaign_largest_first_then_seconds():
    rows = ([row(i, campaign="big", score=0.9) for i in range(10)]
            + [row(20 + i, campaign="mid", score=0.8) for i in range(5)]
            + [row(40 + i, campaign=f"single{i}", score=0.1, family="other", lang="en") for i in range(3)])
    out = pick(rows, "diverse", 5)
    camps = [r["campaign_id"] for r in out]
    assert sorted(camps) == ["big", "mid", "single0", "single1", "single2"]
    assert camps[0] == "big"   # the largest campaign of the first stratum leads
    # with every campaign represented in the ledger, the next batch takes second representatives
    again = pick(rows, "diverse", 2, pushed=set(ids(out)))
    assert [r["campaign_id"] for r in again] == ["big", "mid"]


def test_diverse_representative_is_the_most_central_row():
    # 4 rows share one host and text; the odd one out (another host, a stray score) is never the representative
    members = [row(i, campaign="c", host="a.example", text="tpl", score=0.8) for i in range(4)]
    members.append(row(9, campaign="c", host="z.example", text="odd", score=0.2))
    for seed in range(5):
        assert pick(members, "diverse", 1, seed=seed)[0]["doc_id"] != "d0009"


def test_random_is_seeded_and_covers_everything():
    rows = [row(i, score=i / 100) for i in range(100)]
    a, b, c = (ids(pick(rows, "random", 10, seed=s)) for s in (1, 1, 2))
    assert a == b and set(a) != set(c)
    assert len(set(ids(pick(rows, "random", 1000, seed=3)))) == 100


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_pushed_rows_are_never_picked_and_batches_exhaust_the_pool(strategy):
    rows = [row(i, score=(i * 37 % 100) / 100, campaign=f"c{i % 7}", family=["loans", "adult"][i % 2],
                lang=["en", "zh", "ru"][i % 3]) for i in range(60)]
    pushed: set = set()
    batches = 0
    while batch := pick(rows, strategy, 5, seed=4, pushed=pushed):
        assert not pushed & set(ids(batch)) and len(set(ids(batch))) == len(batch)
        pushed |= set(ids(batch))
        batches += 1
    assert len(pushed) == 60   # one row per campaign and batch: uncertain needs more batches once campaigns run out
    assert batches == 12 if strategy != "uncertain" else batches >= 12


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.floats(0, 1), st.integers(0, 2)), min_size=1, max_size=40),
       st.integers(1, 15), st.integers(0, 3), st.sampled_from(STRATEGIES))
def test_deterministic_and_within_limits(spec, limit, seed, strategy):
    rows = [row(i, score=s, campaign=f"c{c}", lang=["en", "zh", "vi"][lang]) for i, (c, s, lang) in enumerate(spec)]
    first = pick(rows, strategy, limit, seed=seed)
    assert ids(first) == ids(pick(list(reversed(rows)), strategy, limit, seed=seed))   # input order is irrelevant
    if strategy == "uncertain":   # one per campaign: fewer rows only when campaigns run out
        assert len(first) == min(limit, len({c for c, _s, _l in spec}))
        assert max(Counter(r["campaign_id"] for r in first).values()) == 1
    else:
        assert len(first) == min(limit, len(rows))


def test_round_robin_by_hand():
    assert round_robin([[1, 2, 3], [4], [5, 6]]) == [1, 4, 5, 2, 6, 3]


def test_choose_applies_filters_then_the_strategy():
    rows = [row(i, score=0.5 + i / 100, lang="en" if i % 2 else "zh") for i in range(20)]
    out = choose(rows, None, Selection(langs=("en",), seed=1), "uncertain", 3, pushed={"d0001"})
    assert ids(out.rows) == ["d0003", "d0005", "d0007"]
    assert out.dropped == Counter(lang=10, already_pushed=1, not_picked=6)


def test_bad_strategy_options():
    with pytest.raises(StrategyError, match="choose from uncertain, diverse, random"):
        pick([row(0)], "smart", 1)
    with pytest.raises(StrategyError, match="at least 1"):
        pick([row(0)], "random", 0)
    with pytest.raises(StrategyError, match="--sample"):
        choose([row(0)], None, Selection(sample=3), "random", 1)
