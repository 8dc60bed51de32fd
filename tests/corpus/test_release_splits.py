"""Grouped, stratified, seeded splits: sites on shared platforms, no key across splits, fractions near target."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.release.splits import (SHARED_PLATFORMS, SplitConfig, SplitError, assign_splits, connected_groups,
                                   group_keys, read_platforms, site_of)


@pytest.mark.parametrize("url, site", [
    ("https://www.Example.com/a/b", "example.com"),
    ("https://blog.example.com/post", "blog.example.com"),
    ("https://github.com/EsimShop/notes/blob/main/x.md", "github.com/esimshop"),
    ("https://github.com/esimshop/other-repo", "github.com/esimshop"),
    ("https://github.com/", "github.com"),
    ("https://gist.github.com/seller9/abc123", "gist.github.com/seller9"),
    ("https://huggingface.co/datasets/someone/data", "huggingface.co/datasets/someone"),
    ("https://huggingface.co/someone/model", "huggingface.co/someone"),
    ("https://sites.google.com/view/cheap-sim/home", "sites.google.com/view/cheap-sim"),
    ("https://telegra.ph/How-to-renew-01-02", "telegra.ph/how-to-renew-01-02"),
    ("https://myblog.blogspot.com/2026/01/post.html", "myblog.blogspot.com"),
    ("https://medium.com/@writer/title-123", "medium.com/@writer"),
])
def test_site_is_host_or_account_on_shared_platforms(url, site):
    assert site_of(url) == site


def test_platform_file_replaces_the_list(tmp_path):
    path = tmp_path / "platforms.txt"
    path.write_text("# code hosts\nwww.git.example  1\nforum.example/u 2\nPaste.Example\n", encoding="utf-8")
    platforms = read_platforms(path)
    assert platforms == {"git.example": 1, "forum.example/u": 2, "paste.example": 1}
    assert site_of("https://forum.example/u/alice/threads/9", platforms=platforms) == "forum.example/u/alice/threads"
    assert site_of("https://github.com/alice/x", platforms=platforms) == "github.com"
    path.write_text("git.example one\n", encoding="utf-8")
    with pytest.raises(SplitError, match="platforms.txt:1"):
        read_platforms(path)


@pytest.mark.parametrize("fractions", [
    (("train", 0.8), ("validation", 0.1)),
    (("train", 0.8), ("validation", 0.3), ("test", 0.1)),
    (("train", 1.2), ("validation", -0.1), ("test", -0.1)),
    (("train", 0.8), ("dev", 0.1), ("test", 0.1)),
])
def test_bad_fractions_are_refused(fractions):
    with pytest.raises(SplitError):
        SplitConfig(fractions=fractions)


def _keys_split_once(keys_per_doc, split) -> dict[str, set[str]]:
    seen = defaultdict(set)
    for keys, s in zip(keys_per_doc, split):
        for k in keys:
            seen[k].add(s)
    return {k: v for k, v in seen.items() if len(v) > 1}


docs_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.lists(st.integers(0, 30), max_size=3), st.integers(0, 25),
              st.sampled_from(["gambling|zh", "loans|en", "benign|en", "benign|zh"])),
    min_size=1, max_size=120)


@settings(max_examples=120, deadline=None)
@given(docs_strategy, st.integers(0, 2**32 - 1))
def test_no_campaign_handle_or_site_crosses_splits(docs, seed):
    ids = [f"d{i:04d}" for i in range(len(docs))]
    urls = [f"https://github.com/acct{s}/repo{i}" if s % 3 == 0 else f"https://h{s}.example/{i}"
            for i, (_c, _h, s, _st) in enumerate(docs)]
    keys = [group_keys(f"c{c}", [{"kind": "telegram", "value": f"h{h}", "where": "text"} for h in handles],
                       site_of(url)) for (c, handles, _s, _st), url in zip(docs, urls)]
    result = assign_splits(ids, keys, [d[3] for d in docs], SplitConfig(seed=seed))
    assert _keys_split_once(keys, result.split) == {}
    assert set(result.split) <= {"train", "validation", "test"} and len(result.split) == len(docs)
    assert sum(result.sizes.values()) == len(docs)
    # documents in one component share a split, and the components are exactly the key-sharing closure
    by_group = defaultdict(set)
    for g, s in zip(result.group, result.split):
        by_group[g].add(s)
    assert all(len(s) == 1 for s in by_group.values())
    assert result.groups == len(set(connected_groups(keys)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=150, max_size=400), st.integers(0, 2**32 - 1))
def test_fractions_and_strata_near_target_when_groups_are_small(group_sizes, seed):
    ids, keys, strata = [], [], []
    for g, size in enumerate(group_sizes):
        stratum = ["gambling|zh", "loans|en", "benign|en", "benign|zh", "telecom_sim|zh"][g % 5]
        for k in range(size):
            ids.append(f"g{g:04d}-{k}")
            keys.append([f"campaign\x00{g}", f"site\x00site{g}.example"])
            strata.append(stratum)
    n = len(ids)
    result = assign_splits(ids, keys, strata, SplitConfig(seed=seed))
    for name, target in (("train", 0.8), ("validation", 0.1), ("test", 0.1)):
        assert abs(result.sizes[name] / n - target) <= 0.03, (name, result.sizes, n)
    per = Counter(zip(strata, result.split))
    totals = Counter(strata)
    for stratum, total in totals.items():
        for name, target in (("train", 0.8), ("validation", 0.1), ("test", 0.1)):
            assert abs(per[(stratum, name)] / total - target) <= 0.08, (stratum, name, per, total)


def test_seeded_and_deterministic_and_zero_fraction_split_stays_empty():
    ids = [f"d{i:03d}" for i in range(300)]
    keys = [[f"c{i // 2}"] for i in range(300)]
    strata = ["a" if i % 3 else "b" for i in range(300)]
    first = assign_splits(ids, keys, strata, SplitConfig(seed=1))
    assert first.split == assign_splits(ids, keys, strata, SplitConfig(seed=1)).split
    assert first.split != assign_splits(ids, keys, strata, SplitConfig(seed=2)).split
    no_val = assign_splits(ids, keys, strata, SplitConfig(fractions=(("train", 0.9), ("validation", 0.0),
                                                                     ("test", 0.1))))
    assert no_val.sizes["validation"] == 0 and no_val.sizes["test"] > 0


def test_default_platform_list_holds_code_blog_and_paste_hosts():
    for host in ("github.com", "gitee.com", "gitlab.com", "gist.github.com", "medium.com", "telegra.ph",
                 "pastebin.com"):
        assert host in SHARED_PLATFORMS
