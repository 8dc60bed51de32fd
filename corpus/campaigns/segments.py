"""The stored signatures, band keys, anchors and assignments of earlier runs, read lazily (memory-mapped), and the new assignment table."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from corpus.campaigns import state as st
from corpus.campaigns.config import CampaignConfig, CampaignError

METHODS = ("singleton", "contact", "template", "minhash")  # ordered: a row keeps the strongest evidence it has
KEY_SCHEMA = pa.schema([pa.field("seq", pa.int64()), pa.field("key", pa.uint64()), pa.field("site", pa.uint64()),
                        pa.field("spam", pa.bool_())])
ASSIGNMENT_SCHEMA = pa.schema([
    pa.field("doc_id", pa.string(), False, metadata={"doc": "the corpus row"}),
    pa.field("campaign_id", pa.string(), False,
             metadata={"doc": "c- + first 16 hex of the founding (earliest committed) row's doc_id"}),
    pa.field("method", pa.string(), False,
             metadata={"doc": "minhash (near-duplicate of a member), template (shares a template line, promoted "
                              "site, link or id), contact (shares a handle only) or singleton"}),
    pa.field("campaign_size", pa.int64(), False, metadata={"doc": "rows in the campaign"}),
    pa.field("seq", pa.int64(), False, metadata={"doc": "commit order: manifest line << 32 | row in shard"}),
    pa.field("founder_seq", pa.int64(), False, metadata={"doc": "seq of the founding row"}),
])


class Segments:
    """Signature segments of earlier runs (all in commit order), plus, once extended, the new rows."""

    def __init__(self, cdir: Path, state: dict[str, Any] | None, sigs: list[np.ndarray], bands: list[np.ndarray],
                 docs: pa.Table, keys: pa.Table | None = None) -> None:
        self.cdir, self.state = cdir, state
        self.sigs, self.bands, self.docs = sigs, bands, docs
        self.keys = keys if keys is not None else KEY_SCHEMA.empty_table()
        sizes = [s.shape[0] for s in sigs]
        self.starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.rows = int(self.starts[-1])
        self.seqs = docs.column("seq").to_numpy() if docs.num_rows else np.empty(0, np.int64)
        self.indexed = docs.column("indexed").to_numpy(zero_copy_only=False) if docs.num_rows else np.zeros(0, bool)
        self._assign: pa.Table | None = None

    @classmethod
    def open(cls, cdir: Path, state: dict[str, Any] | None, cfg: CampaignConfig) -> "Segments":
        sigs, bands, docs, keys = [], [], [], []
        for seg in (state or {}).get("segments", []):
            docs_file, sig_file, bands_file, keys_file = st.segment_files(seg["name"])
            try:
                sig = np.load(cdir / sig_file, mmap_mode="r")
                band = np.load(cdir / bands_file, mmap_mode="r")
                table = pq.read_table(cdir / docs_file)
                keys.append(pq.read_table(cdir / keys_file, schema=KEY_SCHEMA))
            except (OSError, ValueError) as exc:
                raise CampaignError(f"campaign segment {seg['name']} is unreadable ({exc}); run with --full") from exc
            if not (sig.shape == (seg["rows"], cfg.num_perm) and band.shape == (cfg.bands, seg["rows"])
                    and table.num_rows == seg["rows"]):
                raise CampaignError(f"campaign segment {seg['name']} does not match the state; run with --full")
            sigs.append(sig)
            bands.append(band)
            docs.append(table.select(["doc_id", "seq", "indexed"]))
        merged = pa.concat_tables(docs) if docs else pa.table(
            {"doc_id": pa.array([], pa.string()), "seq": pa.array([], pa.int64()), "indexed": pa.array([], pa.bool_())})
        return cls(cdir, state, sigs, bands, merged, pa.concat_tables(keys) if keys else None)

    def extended(self, sig: np.ndarray, bands: np.ndarray, indexed: np.ndarray) -> "Segments":
        new_docs = pa.table({"doc_id": pa.nulls(sig.shape[0], pa.string()), "seq": np.zeros(sig.shape[0], np.int64),
                             "indexed": indexed})
        return Segments(self.cdir, self.state, self.sigs + [sig], self.bands + [bands],
                        pa.concat_tables([self.docs, new_docs]), self.keys)

    def key_arrays(self, all_seq: np.ndarray) -> tuple[np.ndarray, ...]:
        """Positions, hashed keys, hashed sites and spam flags of the operation keys of earlier runs."""
        t = self.keys.combine_chunks()
        pos = np.searchsorted(all_seq, t.column("seq").to_numpy()).astype(np.int64)
        return (pos, t.column("key").to_numpy(), t.column("site").to_numpy(),
                t.column("spam").to_numpy(zero_copy_only=False))

    def band_column(self, band: int) -> np.ndarray:
        # bands are stored band-major, so one band of a segment is one contiguous read
        parts = [b[band] for b in self.bands]
        return np.concatenate(parts) if parts else np.empty(0, np.uint64)

    def signature_rows(self, positions: np.ndarray) -> np.ndarray:
        """Gather signatures by global position from the memory-mapped segments (only touched pages load)."""
        out = np.empty((positions.size, self.sigs[0].shape[1] if self.sigs else 0), np.uint32)
        seg = np.searchsorted(self.starts, positions, side="right") - 1
        for s in np.unique(seg):
            sel = seg == s
            out[sel] = self.sigs[s][positions[sel] - self.starts[s]]
        return out

    def doc_ids(self) -> pa.Array:
        return self.docs.column("doc_id").combine_chunks() if self.docs.num_rows else pa.array([], pa.string())

    def _assignments(self) -> pa.Table:
        if self._assign is None:
            if not self.state or not self.rows:
                self._assign = ASSIGNMENT_SCHEMA.empty_table()
            else:
                self._assign = pq.read_table(self.cdir / self.state["assignments"])
                if self._assign.num_rows != self.rows or not np.array_equal(
                        self._assign.column("seq").to_numpy(), self.seqs):
                    raise CampaignError("stored assignments do not match the stored signatures; run with --full")
        return self._assign

    def founder_positions(self, all_seq: np.ndarray) -> np.ndarray:
        founder_seq = self._assignments().column("founder_seq").to_numpy()
        return np.searchsorted(all_seq, founder_seq).astype(np.int64)

    def methods(self) -> np.ndarray:
        names = self._assignments().column("method").to_pylist()
        return np.array([METHODS.index(m) for m in names], np.int8)

    def anchor_positions(self, all_seq: np.ndarray) -> dict[str, int]:
        if not self.state or not self.rows:
            return {}
        table = pq.read_table(self.cdir / self.state["anchors"])
        pos = np.searchsorted(all_seq, table.column("anchor_seq").to_numpy())
        keys = (f"{k}:{v}" for k, v in zip(table.column("kind").to_pylist(), table.column("value").to_pylist()))
        return dict(zip(keys, pos.tolist()))


def assignment_table(doc_ids: pa.Array, seqs: np.ndarray, founder: np.ndarray, old_methods: np.ndarray,
                     minhash_edges: np.ndarray, contact_edges: np.ndarray, template_edges: np.ndarray) -> pa.Table:
    n = len(founder)
    method = np.zeros(n, np.int8)
    method[: old_methods.size] = old_methods
    for level, edges in ((1, contact_edges), (2, template_edges), (3, minhash_edges)):
        if edges.size:
            ends = edges.ravel()
            method[ends] = np.maximum(method[ends], level)
    size = np.bincount(founder, minlength=n)[founder]
    founder_ids = doc_ids.take(pa.array(founder))
    campaign = pc.binary_join_element_wise("c-", pc.utf8_slice_codeunits(founder_ids, 0, 16), "")
    if len(pc.unique(campaign)) != len(np.unique(founder)):  # 64-bit prefixes: never expected, but checked
        raise CampaignError("two founding rows share a 16-hex doc_id prefix; campaign ids would collide")
    return pa.Table.from_arrays(
        [doc_ids, campaign, pa.array(np.array(METHODS, object)[method], pa.string()), pa.array(size, pa.int64()),
         pa.array(seqs, pa.int64()), pa.array(seqs[founder], pa.int64())], schema=ASSIGNMENT_SCHEMA)


def merge_records(state: dict[str, Any], cdir: Path, table: pa.Table, generation: int) -> list[dict[str, Any]]:
    """Campaign ids of the previous assignment whose rows now carry another id: `merged` when the old id
    is gone (absorbed by an older campaign), `moved` when it lives on (only after a --full with new settings)."""
    try:
        previous = pq.read_table(cdir / state["assignments"], columns=["doc_id", "campaign_id"])
    except OSError:
        return []
    joined = previous.rename_columns(["doc_id", "old_id"]).join(
        table.select(["doc_id", "campaign_id"]), "doc_id", join_type="inner")
    changed = joined.filter(pc.not_equal(joined.column("old_id"), joined.column("campaign_id")))
    if changed.num_rows == 0:
        return []
    live = set(pc.unique(table.column("campaign_id")).to_pylist())
    pairs = changed.group_by(["old_id", "campaign_id"]).aggregate([("doc_id", "count")])
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return sorted(({"event": "moved" if old in live else "merged", "from": old, "into": new, "rows": n,
                    "generation": generation, "at": at}
                   for old, new, n in zip(*(pairs.column(c).to_pylist() for c in ("old_id", "campaign_id",
                                                                                     "doc_id_count")))),
                  key=lambda r: (r["from"], r["into"]))
