"""Edges between documents (LSH candidates verified by estimated Jaccard, shared contacts, shared operation keys) and their components.

Every edge joins a document to an *earlier* one (commit order), and which edges a document gets
depends only on itself and on earlier documents. So the edges of an incremental run (new documents
only) are exactly the edges a full recompute would add for them, and the components, founders and
ids come out the same either way.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from corpus.campaigns.config import CampaignConfig

Rows = Callable[[np.ndarray], np.ndarray]  # positions -> (k, num_perm) signatures


def minhash_edges(band_column: Callable[[int], np.ndarray], indexed: np.ndarray, signature_rows: Rows,
                  new_start: int, config: CampaignConfig) -> np.ndarray:
    """(E, 2) int64 edges [document, earlier document] for documents at positions >= new_start.

    In each band a document is checked against the earliest members of its bucket, oldest first, up to
    `verify_depth` of them, and joins the first whose estimated Jaccard reaches `threshold`. Checking
    every pair of a 1,000-copy bucket would cost 500,000 comparisons per band; connectivity needs one."""
    positions = np.flatnonzero(indexed)
    out: list[np.ndarray] = []
    for band in range(config.bands):
        keys = band_column(band)[positions]
        new_keys = keys[positions >= new_start]
        if new_keys.size == 0:
            continue
        if new_start > 0:  # incremental: only buckets a new document falls into
            keep = np.isin(keys, new_keys)
            pos, keys = positions[keep], keys[keep]
        else:
            pos = positions
        order = np.argsort(keys, kind="stable")  # equal keys stay in commit order
        pos, keys = pos[order], keys[order]
        first = np.ones(keys.size, bool)
        first[1:] = keys[1:] != keys[:-1]
        run_start = np.maximum.accumulate(np.where(first, np.arange(keys.size), 0))
        pending = np.flatnonzero(~first & (pos >= new_start))
        for depth in range(config.verify_depth):
            if pending.size == 0:
                break
            cand = run_start[pending] + depth
            valid = cand < pending
            pending, cand = pending[valid], cand[valid]
            if pending.size == 0:
                break
            ok = _verified(pos[pending], pos[cand], signature_rows, config)
            out.append(np.stack([pos[pending[ok]], pos[cand[ok]]], axis=1))
            pending = pending[~ok]
    if not out:
        return np.empty((0, 2), np.int64)
    return np.unique(np.concatenate(out).astype(np.int64), axis=0)


def _verified(a: np.ndarray, b: np.ndarray, signature_rows: Rows, config: CampaignConfig,
              chunk: int = 16384) -> np.ndarray:
    """Estimated Jaccard of each pair (a[i], b[i]) >= threshold, in chunks so memory stays flat."""
    need = int(np.ceil(config.threshold * config.num_perm - 1e-9))  # equal minimums needed
    ok = np.empty(a.size, bool)
    for lo in range(0, a.size, chunk):
        equal = np.count_nonzero(signature_rows(a[lo:lo + chunk]) == signature_rows(b[lo:lo + chunk]), axis=1)
        ok[lo:lo + chunk] = equal >= need
    return ok


def link_keys(contacts: list[dict] | None, spam_score: float, config: CampaignConfig,
              is_placeholder: Callable[[str, str], bool]) -> tuple[list[str], str | None]:
    """The contact keys ("kind:value") through which a row may chain campaigns, and why it may not.

    Only rows that look like spam link (a benign page quoting a seller's handle, e.g. a warning list,
    must not glue the sellers together), and a row naming more linking contacts than
    `link_max_contacts` is a directory or a list, not one seller. Placeholders (`@your_bot`,
    example.com) never link. Every rule looks at the row alone, so adding rows never removes a link
    and ids stay stable. A frequency cut-off ("a handle on more than N hosts") would not: the Nth+1 host
    would split a campaign that already has an id; a handle on many hosts is what a campaign looks like."""
    if not contacts:
        return [], None
    keys = []
    for c in contacts:
        kind, value = c.get("kind"), c.get("value")
        if not kind or not value or kind not in config.link_kinds:
            continue
        key = f"{kind}:{value}"
        if key in config.ignore_values or is_placeholder(kind, value):
            continue
        if key not in keys:
            keys.append(key)
    if not keys:
        return [], None
    if spam_score is None or spam_score < config.link_min_spam_score:
        return [], "low_spam_score"
    if len(keys) > config.link_max_contacts:
        return [], "too_many_contacts"
    return keys, None


def contact_edges(links: list[tuple[int, list[str]]], anchors: dict[str, int]) -> np.ndarray:
    """(E, 2) edges [document, anchor]: each contact's anchor is the first linking document that named
    it; `anchors` (key -> position) is updated in place with the contacts first seen here."""
    edges = []
    for pos, keys in links:  # in commit order
        for key in keys:
            anchor = anchors.setdefault(key, pos)
            if anchor != pos:
                edges.append((pos, anchor))
    if not edges:
        return np.empty((0, 2), np.int64)
    return np.unique(np.asarray(edges, np.int64), axis=0)


def key_edges(pos: np.ndarray, key: np.ndarray, site: np.ndarray, spam: np.ndarray, new_start: int,
              max_sites: int, min_spam_share: float = 0.0) -> np.ndarray:
    """(E, 2) edges [document, anchor] through operation keys (keys.py) that involve a document at >= new_start.

    One entry per (document, key). A key's anchor is its first document that looks like spam (`spam`); every
    other document with the key joins the anchor, so an edge always has spam evidence at one end: two benign
    pages sharing a footer never join, while a gambling post the detector missed still joins its operation.
    Up to the later of its two documents, the key must have been seen on at most `max_sites` distinct sites
    (0: no cap), and at least `min_spam_share` of its documents so far must look like spam: boilerplate that
    slipped past keys.py spreads over unrelated, mostly benign sites, and one detector false positive carrying
    an official support line must not collect every benign page that has it.
    Every rule depends on documents up to the later end only, so an incremental run adds exactly the edges a
    full recompute has beyond the earlier ones, and a key never loses an edge it once made."""
    if pos.size == 0:
        return np.empty((0, 2), np.int64)
    order = np.lexsort((pos, key))  # by key, then commit order
    k, p, s, hot = key[order], pos[order], site[order], spam[order]
    idx = np.arange(k.size)
    first = np.ones(k.size, bool)
    first[1:] = k[1:] != k[:-1]
    start = np.maximum.accumulate(np.where(first, idx, 0))
    # a site's first occurrence within its key counts it (lexsort: the earliest occurrence comes first)
    by_site = np.lexsort((p, s, k))
    new_site = np.empty(k.size, bool)
    new_site[by_site] = np.concatenate(([True], (k[by_site][1:] != k[by_site][:-1])
                                        | (s[by_site][1:] != s[by_site][:-1])))
    seen = np.cumsum(new_site)
    sites_so_far = seen - seen[start] + 1  # distinct sites of the key up to and including this occurrence
    # the anchor: each key's first spam occurrence (groups without one make no edge)
    group = np.cumsum(first) - 1
    anchor = np.full(group[-1] + 1, -1, np.int64)
    hot_idx = np.flatnonzero(hot)[::-1]  # reversed: the earliest spam occurrence of a group is written last
    anchor[group[hot_idx]] = hot_idx
    a = anchor[group]
    link = (a >= 0) & (idx != a)
    later = np.maximum(idx, a)
    if max_sites > 0:
        link &= sites_so_far[later] <= max_sites
    if min_spam_share > 0:
        hot_so_far = np.cumsum(hot)
        share = (hot_so_far - hot_so_far[start] + hot[start]) / (idx - start + 1)
        link &= share[later] >= min_spam_share
    link &= p[later] >= new_start
    edges = np.stack([p[link], p[a[link]]], axis=1).astype(np.int64)
    return np.unique(edges, axis=0) if edges.size else np.empty((0, 2), np.int64)


def founders(n: int, edges: np.ndarray) -> np.ndarray:
    """For each document, the earliest document (lowest position) of its connected component."""
    if n == 0:
        return np.empty(0, np.int64)
    if edges.size == 0:
        return np.arange(n, dtype=np.int64)
    graph = coo_matrix((np.ones(len(edges), np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n)).tocsr()
    _count, labels = connected_components(graph, directed=True, connection="weak")
    first = np.full(labels.max() + 1, n, np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    return first[labels]
