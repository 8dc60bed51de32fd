"""Reading campaign assignments back: the doc_id -> campaign_id table, the merge log and the largest campaigns."""
from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from corpus.campaigns import state as st
from corpus.campaigns.config import CampaignError
from corpus.store import open_corpus

PUBLIC_COLUMNS = ["doc_id", "campaign_id", "method", "campaign_size"]
HANDLE_EXCLUDED_KINDS = ("url",)  # call-to-action links are not handles


def campaigns_computed(root: str | os.PathLike[str]) -> bool:
    return (st.campaigns_dir(root) / st.STATE).exists()


def _load(root: str | os.PathLike[str]) -> tuple[dict[str, Any], pa.Table]:
    cdir = st.campaigns_dir(root)
    for _attempt in range(3):  # a run may replace state.json between our two reads: read it again
        state = st.load_state(cdir)
        if state is None:
            raise CampaignError(f"no campaigns in {root} yet: run `spamcorpus campaigns {root}`")
        try:
            return state, pq.read_table(cdir / state["assignments"])
        except FileNotFoundError:
            continue
    raise CampaignError(f"campaign assignments in {cdir} keep changing under us; try again")


def read_campaigns(root: str | os.PathLike[str]) -> pa.Table:
    """doc_id, campaign_id, method (minhash, contact, singleton), campaign_size: one row per assigned corpus row."""
    return _load(root)[1].select(PUBLIC_COLUMNS)


def read_merges(root: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every recorded merge, oldest run first: {event, from, into, rows, generation, at}."""
    cdir = st.campaigns_dir(root)
    state = st.load_state(cdir)
    records: list[dict[str, Any]] = []
    for name in (state or {}).get("merges", []):
        with open(cdir / name, encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh if line.strip())
    return records


def _ranked(counter: Counter[str], limit: int) -> list[str]:
    return [k for k, _n in sorted(counter.items(), key=lambda p: (-p[1], p[0]))[:limit]]


def campaign_summary(root: str | os.PathLike[str], top: int = 10, *, limit: int = 10) -> list[dict[str, Any]]:
    """The `top` largest campaigns of more than one row: campaign_id, size, handles ("kind:value", most
    frequent first), hosts, families, languages (each at most `limit`), host_count, methods (counts) and
    rows_with_handles.
    An empty list when campaigns were never computed."""
    if not campaigns_computed(root):
        return []
    table = read_campaigns(root)
    multi = table.filter(pc.greater(table.column("campaign_size"), 1))
    if multi.num_rows == 0:
        return []
    sizes = multi.group_by("campaign_id").aggregate([("doc_id", "count")])
    ranked = sorted(zip(sizes.column("campaign_id").to_pylist(), sizes.column("doc_id_count").to_pylist()),
                    key=lambda p: (-p[1], p[0]))[:top]
    chosen = pa.array([c for c, _n in ranked], pa.string())
    members = multi.filter(pc.is_in(multi.column("campaign_id"), value_set=chosen))
    rows = open_corpus(root).read(columns=["doc_id", "host", "family_guess", "lang", "contacts"],
                                  filter=pc.field("doc_id").isin(members.column("doc_id")))
    info = {r["doc_id"]: r for r in rows.to_pylist()}
    out = {cid: {"campaign_id": cid, "size": n, "handles": Counter(), "hosts": Counter(), "families": Counter(),
                 "languages": Counter(), "methods": Counter(), "rows_with_handles": 0} for cid, n in ranked}
    for doc, cid, method in zip(*(members.column(c).to_pylist() for c in ("doc_id", "campaign_id", "method"))):
        agg, row = out[cid], info.get(doc)
        agg["methods"][method] += 1
        if row is None:  # assigned earlier but no longer in the corpus: counted in size only
            continue
        agg["hosts"][row["host"]] += 1
        agg["families"][row["family_guess"]] += 1
        agg["languages"][row["lang"]] += 1
        handles = {f"{c['kind']}:{c['value']}" for c in row["contacts"] or [] if c["kind"] not in HANDLE_EXCLUDED_KINDS}
        agg["handles"].update(handles)
        agg["rows_with_handles"] += bool(handles)
    result = []
    for cid, _n in ranked:
        agg = out[cid]
        agg["host_count"] = len(agg["hosts"])
        for key in ("handles", "hosts", "families", "languages"):
            agg[key] = _ranked(agg[key], limit)
        agg["methods"] = dict(sorted(agg["methods"].items()))
        result.append(agg)
    return result
