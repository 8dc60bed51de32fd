"""Release statistics: the warning for a welded grouping names the sites that weld it."""
from __future__ import annotations

from corpus.release.splits import HANDLE_KINDS, connected_groups, group_keys
from corpus.release.stats import hub_sites


def _row(site: str, campaign: str) -> dict:
    return {"site": site, "campaign_id": campaign, "contacts": []}


def test_hub_sites_are_the_sites_of_the_largest_group_that_carry_most_campaigns():
    # an unlisted platform (forum.example) carries five operations, a blog host two; a shop and a lone site stay apart
    rows = ([_row("forum.example", f"c{i}") for i in range(5)] + [_row("blog.example", "c0"), _row("blog.example", "c9")]
            + [_row("shop.example", "s0")] * 3 + [_row("lone.example", "z")])
    group = connected_groups([group_keys(r["campaign_id"], r["contacts"], r["site"], HANDLE_KINDS) for r in rows])
    assert hub_sites(rows, group) == [("forum.example", 5)]
    assert hub_sites(rows, group, min_campaigns=2) == [("forum.example", 5), ("blog.example", 2)]
    assert hub_sites(rows, group, top=1, min_campaigns=1) == [("forum.example", 5)]
    assert hub_sites([], []) == []
