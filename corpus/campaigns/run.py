"""`assign_campaigns`: sign only the rows no earlier run signed, add their edges, recompute components and ids, commit."""
from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from corpus.campaigns import state as st
from corpus.campaigns.config import CampaignConfig, CampaignError
from corpus.campaigns.grouping import contact_edges, founders, key_edges, link_keys, minhash_edges
from corpus.campaigns.keys import key_hash, row_keys, site_of
from corpus.campaigns.minhash import band_keys, sign_texts
from corpus.campaigns.segments import KEY_SCHEMA, Segments, assignment_table, merge_records
from corpus.store import damaged, open_corpus

READ_COLUMNS = ["doc_id", "final_url", "title", "text", "contacts", "spam_score"]
SEQ_ROW_BITS = 32  # seq = manifest line << 32 | row in shard: commit order, the same in every run


@dataclass
class CampaignRunSummary:
    corpus: str
    mode: str                      # full, incremental or unchanged
    rows: int                      # rows with a campaign after the run
    new_rows: int                  # rows signed by this run
    campaigns: int
    multi_doc_campaigns: int
    largest: list[tuple[str, int]]
    minhash_edges: int = 0
    contact_edges: int = 0
    template_edges: int = 0        # through template lines, rare tokens, promoted domains and links
    merged_campaigns: int = 0      # earlier campaign ids absorbed into another by this run
    not_indexed: dict[str, int] = field(default_factory=dict)     # new rows not MinHash-grouped, by reason
    links_skipped: dict[str, int] = field(default_factory=dict)   # new rows whose contacts do not link, by reason
    generation: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_prefix(state: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    done = state["shards"]
    now = [e["shard"] for e in entries[: len(done)]]
    if now != done:
        raise CampaignError("the corpus manifest no longer starts with the shards the campaigns were built from "
                            "(corpus replaced or edited); run `spamcorpus campaigns --full`")


def assign_campaigns(root: str | os.PathLike[str], config: CampaignConfig | None = None, *, full: bool = False,
                     batch_size: int = 2048) -> CampaignRunSummary:
    """Give every committed row a campaign_id. Incremental by default: only rows of shards committed since
    the last run are read and signed; `full=True` recomputes everything and yields the same ids.
    `config=None` keeps the settings stored with the corpus (defaults on the first run); other settings
    need `full=True`."""
    started = time.perf_counter()
    root = Path(root)
    store = open_corpus(root)
    cdir = st.campaigns_dir(root)
    with st.run_lock(cdir):
        try:
            state = st.load_state(cdir)
        except CampaignError:
            if not full:
                raise
            state = None  # a full recompute rebuilds a damaged state (its merge history is lost with it)
        # without explicit settings a corpus keeps the ones it was grouped with
        cfg = config or (CampaignConfig.from_dict(state["config"]) if state else CampaignConfig())
        st.remove_unreferenced(cdir, state)
        store.recover()
        entries = store.manifest()
        incremental = state is not None and not full
        if incremental:
            if state["fingerprint"] != cfg.fingerprint():
                raise CampaignError("the campaign settings or library versions differ from the stored state's; "
                                    "run `spamcorpus campaigns --full` to recompute with the new ones")
            _check_prefix(state, entries)
        old = Segments.open(cdir, state if incremental else None, cfg)
        new_entries = entries[len(state["shards"]):] if incremental else entries
        if incremental and not new_entries:
            return _unchanged(root, state, started)
        generation = (state["generation"] + 1) if state else 1
        return _run(root, cdir, cfg, state, old, entries, new_entries, len(entries) - len(new_entries),
                    generation, incremental, batch_size, started)


def _unchanged(root: Path, state: dict[str, Any], started: float) -> CampaignRunSummary:
    s = state["summary"]
    return CampaignRunSummary(str(root), "unchanged", s["rows"], 0, s["campaigns"], s["multi_doc_campaigns"],
                              [tuple(x) for x in s["largest"]], generation=state["generation"],
                              seconds=time.perf_counter() - started)


def _run(root: Path, cdir: Path, cfg: CampaignConfig, state: dict[str, Any] | None, old: Segments,
         entries: list[dict[str, Any]], new_entries: list[dict[str, Any]], first_line: int, generation: int,
         incremental: bool, batch_size: int, started: float) -> CampaignRunSummary:
    from corpus.contacts import is_placeholder

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    n_old, n_new = old.rows, sum(int(e["rows"]) for e in new_entries)
    name = f"seg-{generation:06d}"
    docs_file, sig_file, bands_file, keys_file = st.segment_files(name)
    sig_w = st.ArrayWriter(cdir / sig_file, (n_new, cfg.num_perm), np.dtype(np.uint32))
    bands_w = st.ArrayWriter(cdir / bands_file, (cfg.bands, n_new), np.dtype(np.uint64))
    try:
        doc_ids, seqs, indexed = [], np.empty(n_new, np.int64), np.zeros(n_new, bool)
        links: list[tuple[int, list[str]]] = []
        key_pos: list[int] = []  # one entry per (row, operation key)
        key_val: list[int] = []
        key_site: list[int] = []
        key_spam: list[bool] = []
        skipped: dict[str, int] = {}
        at = 0
        for line, entry in enumerate(new_entries, start=first_line):
            row = 0
            for batch in _batches(root, entry["shard"], batch_size):
                k = batch.num_rows
                if at + k > n_new:
                    raise CampaignError(f"shard {entry['shard']} holds more rows than its manifest line says")
                cols = batch.to_pydict()
                signed = sign_texts(cols["title"], cols["text"], cfg)
                sig_w.array[at:at + k] = signed.signatures
                bands_w.array[:, at:at + k] = band_keys(signed.signatures, cfg).T
                indexed[at:at + k] = signed.indexed
                seqs[at:at + k] = (line << SEQ_ROW_BITS) + np.arange(row, row + k)
                doc_ids.extend(cols["doc_id"])
                for i, (contacts, score) in enumerate(zip(cols["contacts"], cols["spam_score"])):
                    keys, why = link_keys(contacts, score, cfg, is_placeholder)
                    if keys:
                        links.append((n_old + at + i, keys))
                    elif why:
                        skipped[why] = skipped.get(why, 0) + 1
                    parts = urlsplit(cols["final_url"][i] or "")
                    okeys, why = row_keys(cols["title"][i], cols["text"][i], contacts, score, cfg, is_placeholder,
                                          None, signed.lines[i], parts)
                    if why:
                        skipped[why] = skipped.get(why, 0) + 1
                    if okeys:
                        nk = len(okeys)
                        key_pos += [n_old + at + i] * nk
                        key_val += map(key_hash, okeys)
                        key_site += [key_hash(site_of(None, cfg, parts))] * nk
                        key_spam += [(score or 0.0) >= cfg.key_min_spam_score] * nk
                at, row = at + k, row + k
        if at != n_new:
            raise CampaignError(f"the new shards hold {at} rows, their manifest lines say {n_new}")
        timings["sign"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        segs = old.extended(sig_w.array, bands_w.array, indexed)
        m_edges = minhash_edges(segs.band_column, segs.indexed, segs.signature_rows, n_old, cfg)
        all_seq = np.concatenate([old.seqs, seqs])
        if np.any(np.diff(all_seq) <= 0):
            raise CampaignError("rows are not in commit order (corrupt campaign state); run with --full")
        anchors = old.anchor_positions(all_seq)
        c_edges = contact_edges(links, anchors)
        new_keys = [np.array(a, d) for a, d in ((key_pos, np.int64), (key_val, np.uint64), (key_site, np.uint64),
                                                (key_spam, bool))]
        t_edges = key_edges(*(np.concatenate(pair) for pair in zip(old.key_arrays(all_seq), new_keys)), n_old,
                            cfg.key_max_sites, cfg.key_min_spam_share)
        timings["edges"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        old_founders, old_methods = old.founder_positions(all_seq), old.methods()
        edges = [m_edges, c_edges, t_edges, np.stack([np.arange(n_old), old_founders], axis=1)]
        founder = founders(n_old + n_new, np.concatenate(edges).astype(np.int64))
        all_ids = pa.concat_arrays([old.doc_ids(), pa.array(doc_ids, pa.string())])
        table = assignment_table(all_ids, all_seq, founder, old_methods, m_edges, c_edges, t_edges)
        merges = merge_records(state, cdir, table, generation) if state else []
        timings["components"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        if n_new:
            st.write_table(cdir / docs_file, pa.table({"doc_id": pa.array(doc_ids, pa.string()), "seq": seqs,
                                                       "indexed": indexed}))
            st.write_table(cdir / keys_file, pa.Table.from_arrays(
                [pa.array(all_seq[new_keys[0]]), *map(pa.array, new_keys[1:])], schema=KEY_SCHEMA))
            sig_w.commit()
            bands_w.commit()
        else:
            sig_w.discard()
            bands_w.discard()
        anchor_file, assign_file = f"anchors-{generation:06d}.parquet", f"assignments-{generation:06d}.parquet"
        st.write_table(cdir / anchor_file, _anchor_table(anchors, all_seq))
        st.write_table(cdir / assign_file, table)
        merge_files = list(state["merges"]) if incremental else []
        if merges:
            merge_files.append(f"merges-{generation:06d}.jsonl")
            st.write_json_lines(cdir / merge_files[-1], merges)
        elif not incremental and state:
            merge_files = list(state["merges"])  # a full recompute keeps the history of earlier merges
        summary = _summary(table)
        segments = (state["segments"] if incremental else []) + (
            [{"name": name, "rows": n_new, "first_seq": int(seqs[0]), "last_seq": int(seqs[-1])}] if n_new else [])
        new_state = {
            "format": st.STATE_FORMAT, "generation": generation, "fingerprint": cfg.fingerprint(),
            "config": cfg.as_dict(), "shards": [e["shard"] for e in entries], "segments": segments,
            "assignments": assign_file, "anchors": anchor_file, "merges": merge_files,
            "previous_assignments": [state["assignments"]] if state else [],
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "summary": summary,
        }
        st.save_state(cdir, new_state)  # the commit point
        st.remove_unreferenced(cdir, new_state)
        timings["write"] = time.perf_counter() - t0
    except BaseException:
        sig_w.discard()
        bands_w.discard()
        raise
    not_indexed = {"too_short": int(n_new - indexed.sum())} if n_new - indexed.sum() else {}
    return CampaignRunSummary(
        str(root), "incremental" if incremental else "full", table.num_rows, n_new, summary["campaigns"],
        summary["multi_doc_campaigns"], [tuple(x) for x in summary["largest"]], len(m_edges), len(c_edges), len(t_edges),
        sum(1 for m in merges if m["event"] == "merged"), not_indexed, dict(sorted(skipped.items())),
        generation, time.perf_counter() - started, {k: round(v, 3) for k, v in timings.items()})


def _batches(root: Path, shard: str, batch_size: int):
    """Record batches of a committed shard; an unreadable one raises CorruptShard naming it, not a traceback."""
    try:
        yield from pq.ParquetFile(root / shard).iter_batches(batch_size, columns=READ_COLUMNS)
    except (OSError, pa.ArrowException) as exc:
        raise damaged(root / shard, exc) from exc


def _anchor_table(anchors: dict[str, int], all_seq: np.ndarray) -> pa.Table:
    keys = sorted(anchors)
    kinds, values = zip(*(k.split(":", 1) for k in keys)) if keys else ((), ())
    return pa.table({"kind": pa.array(kinds, pa.string()), "value": pa.array(values, pa.string()),
                     "anchor_seq": pa.array([int(all_seq[anchors[k]]) for k in keys], pa.int64())})


def _summary(table: pa.Table) -> dict[str, Any]:
    sizes = table.group_by("campaign_id").aggregate([("doc_id", "count")])
    ids, counts = sizes.column("campaign_id").to_pylist(), sizes.column("doc_id_count").to_pylist()
    largest = sorted(zip(ids, counts), key=lambda p: (-p[1], p[0]))[:10]
    return {"rows": table.num_rows, "campaigns": len(ids), "multi_doc_campaigns": sum(1 for c in counts if c > 1),
            "largest": [list(p) for p in largest]}
