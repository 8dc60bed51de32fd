"""Leak-free splits: documents sharing a campaign, contact handle or site form one group; groups go to one split.

A *site* is the host without `www.`, except on shared platforms (code hosts, blog, paste and publishing
services) where many unrelated people publish under one host: there the site is the host plus the
account part of the path (`github.com/esim-shop`, `sites.google.com/view/cheap-sim`). The platform list is
a setting (`SHARED_PLATFORMS`, or a file given to the builder); a key is a host or a host plus leading
path segments, and its value is how many further path segments name the account. The longest key that
matches a URL wins. Segments are lowercased: merging two pastes that differ only in case can only make
groups larger, never leak.

Groups are assigned whole, largest first (equal sizes in a seeded random order), each to the split where it
least increases a chi-square distance between the counts and the targets, taken over its documents' strata
(family x language) and over the splits' sizes. So a split gets groups of the strata it lacks, relative to
its target fraction, and a large group does not land in a small split. Splits are stratified as far as
the grouping allows, and seeded.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import unquote, urlsplit

import numpy as np

from corpus.labels import CONTACT_KINDS

SHARED_PLATFORMS: dict[str, int] = {
    # code hosts: the account (user or organisation) is the first path segment
    "github.com": 1, "gist.github.com": 1, "raw.githubusercontent.com": 1, "gitee.com": 1,
    "gitlab.com": 1, "bitbucket.org": 1, "codeberg.org": 1, "gitcode.com": 1, "gitcode.net": 1,
    "sourceforge.net/projects": 1, "huggingface.co": 1, "huggingface.co/datasets": 1,
    "huggingface.co/spaces": 1, "npmjs.com/package": 1, "pypi.org/project": 1,
    # blogs and publishing: the author, or the post where the path names no author
    "medium.com": 1, "dev.to": 1, "blog.csdn.net": 1, "jianshu.com/p": 1, "zhuanlan.zhihu.com/p": 1,
    "telegra.ph": 1, "sites.google.com/view": 1, "sites.google.com/site": 1, "docs.google.com/document/d": 1,
    "notion.so": 1, "substack.com/@": 1, "issuu.com": 1, "scribd.com/document": 1,
    "linkedin.com/pulse": 1, "linkedin.com/in": 1, "reddit.com/r": 1, "reddit.com/user": 1,
    "facebook.com": 1, "x.com": 1, "twitter.com": 1, "youtube.com": 1, "tiktok.com": 1, "weibo.com": 1,
    # paste services: one paste, or one user's page
    "pastebin.com": 1, "pastebin.com/u": 1, "paste.ee/p": 1, "rentry.co": 1, "rentry.org": 1,
    "justpaste.it": 1, "controlc.com": 1, "hastebin.com": 1, "ghostbin.com": 1,
}
# every contact kind but `url` (call-to-action links are sites of their own, not handles)
HANDLE_KINDS: tuple[str, ...] = tuple(k for k in CONTACT_KINDS if k != "url")
SPLIT_NAMES = ("train", "validation", "test")


class SplitError(ValueError):
    """Bad split settings (fractions, platform file)."""


@dataclass(frozen=True)
class SplitConfig:
    fractions: tuple[tuple[str, float], ...] = (("train", 0.8), ("validation", 0.1), ("test", 0.1))
    seed: int = 0
    handle_kinds: tuple[str, ...] = HANDLE_KINDS
    shared_platforms: Mapping[str, int] = field(default_factory=lambda: dict(SHARED_PLATFORMS))

    def __post_init__(self) -> None:
        names = [n for n, _ in self.fractions]
        if sorted(names) != sorted(SPLIT_NAMES) or any(f < 0 for _, f in self.fractions):
            raise SplitError(f"fractions must give train, validation and test, each >= 0: {self.fractions}")
        if abs(sum(f for _, f in self.fractions) - 1.0) > 1e-6:
            raise SplitError(f"fractions must sum to 1: {self.fractions}")


def read_platforms(path: str | Path) -> dict[str, int]:
    """A platform file: one `host[/path]  N` a line (N account segments, default 1); `#` comments."""
    platforms = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
            raise SplitError(f"{path}:{lineno}: expected `host[/path] [segments]`, got {line.strip()!r}")
        platforms[parts[0].strip("/").lower().removeprefix("www.")] = int(parts[1]) if len(parts) == 2 else 1
    return platforms


def site_of(url: str, host: str | None = None, platforms: Mapping[str, int] = SHARED_PLATFORMS) -> str:
    """The site a document belongs to: its host, or host + account path on a shared platform."""
    parts = urlsplit(url)
    host = (host or parts.hostname or "").lower().rstrip(".").removeprefix("www.")
    segments = [unquote(s).lower() for s in parts.path.split("/") if s]
    best_key, best_len = None, -1
    for used in range(len(segments) + 1):
        key = "/".join([host, *segments[:used]])
        if key in platforms:
            best_key, best_len = key, used
    if best_key is None:
        return host
    return "/".join([best_key, *segments[best_len:best_len + platforms[best_key]]])


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_keys(campaign: str, contacts: Sequence[Mapping[str, str]], site: str,
               handle_kinds: Sequence[str] = HANDLE_KINDS) -> list[str]:
    """The keys that tie a document to others: its campaign, its handles and its site."""
    keys = [f"campaign\x00{campaign}", f"site\x00{site}"]
    keys += [f"handle\x00{c['kind']}\x00{c['value']}" for c in contacts if c["kind"] in handle_kinds]
    return keys


def connected_groups(keys_per_doc: Sequence[Sequence[str]]) -> list[int]:
    """Component id per document: documents that share any key are in one component (union-find)."""
    uf = _UnionFind(len(keys_per_doc))
    first: dict[str, int] = {}
    for i, keys in enumerate(keys_per_doc):
        for key in keys:
            j = first.setdefault(key, i)
            if j != i:
                uf.union(i, j)
    return [uf.find(i) for i in range(len(keys_per_doc))]


@dataclass
class SplitResult:
    split: list[str]                  # per document
    group: list[int]                  # component id per document
    groups: int
    largest_group: int
    sizes: dict[str, int]


def assign_splits(doc_ids: Sequence[str], keys_per_doc: Sequence[Sequence[str]], strata: Sequence[str],
                  config: SplitConfig = SplitConfig()) -> SplitResult:
    """Assign every document a split so that no key is in two splits, stratified and seeded."""
    n = len(doc_ids)
    group = connected_groups(keys_per_doc)
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(group):
        members[g].append(i)
    names = [name for name, _ in config.fractions]
    target = np.array([f for _, f in config.fractions])
    # stable base order (by smallest doc_id), then a seeded shuffle, then largest first (stable sort)
    order = sorted(members, key=lambda g: min(doc_ids[i] for i in members[g]))
    rng = np.random.default_rng(config.seed)
    order = [order[i] for i in rng.permutation(len(order))]
    order.sort(key=lambda g: -len(members[g]))
    stratum_total = Counter(strata)
    taken: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(names)))
    size = np.zeros(len(names))
    # ties between splits go to the larger target fraction, then the earlier name
    tiebreak = np.array([f for f in target]) * 1e-9 - np.arange(len(names)) * 1e-12
    split_of_group: dict[int, int] = {}
    open_ = target > 0
    for g in order:
        counts = Counter(strata[i] for i in members[g])
        # increase of a chi-square distance between counts and targets, per split: sum over the group's
        # strata (and the overall size) of ((c + k - T*f)^2 - (c - T*f)^2) / (T*f). Dividing by the target
        # makes a small split's relative shortfall count, and charges overshooting it with a large group.
        cost = np.zeros(len(names))
        for stratum, k in counts.items():
            expected = stratum_total[stratum] * target
            cost[open_] += k * (2 * (taken[stratum][open_] - expected[open_]) + k) / expected[open_]
        m = len(members[g])
        cost[open_] += m * (2 * (size[open_] - n * target[open_]) + m) / (n * target[open_])
        cost[~open_] = np.inf
        choice = int(np.argmin(cost - tiebreak))
        split_of_group[g] = choice
        for stratum, k in counts.items():
            taken[stratum][choice] += k
        size[choice] += len(members[g])
    split = [names[split_of_group[g]] for g in group]
    sizes = Counter(split)
    return SplitResult(split, group, len(members), max((len(m) for m in members.values()), default=0),
                       {name: sizes.get(name, 0) for name in SPLIT_NAMES})


def crossing_keys(keys_per_doc: Sequence[Sequence[str]], split: Sequence[str]) -> dict[str, list[str]]:
    """Keys found in more than one split, with those splits (empty when the splits are leak-free)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for keys, s in zip(keys_per_doc, split):
        for key in keys:
            seen[key].add(s)
    return {k.replace("\x00", ":"): sorted(v) for k, v in sorted(seen.items()) if len(v) > 1}
