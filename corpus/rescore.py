"""Recompute a corpus's derived columns (detector, contacts, language) from each row's stored body, shard by shard."""
from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pyarrow as pa

from corpus.schema import SCHEMA
from corpus.store import StoreError, open_corpus, read_shard

# Recomputed on every rescored row: what the detector, the contact extractor and the language detector derive.
DERIVED = ("lang", "script", "contacts", "spam_score", "spam_signals", "family_guess", "detector_version")
# What the extractor derives from the body. Kept by default: annotations and Label Studio spans point into the
# stored text, and campaign signatures are built from it. Replaced only with `reextract=True`.
EXTRACTED = ("doc_format", "encoding", "encoding_source", "replacement_ratio", "title", "text", "links",
             "text_sha256")
# A fresh extraction must reproduce these, or the new score would describe text the row does not hold.
MUST_MATCH = ("title", "text", "links")
INPUTS = ("url", "final_url", "status", "content_type", "encoding", "encoding_source", "body", "fetched_at",
          "crawl_job", "run_id", "depth", "referrer")
LOCK = "_rescore.lock"


class RescoreError(RuntimeError):
    """A rescore that cannot start (another one is running)."""


@dataclass
class RescoreReport:
    corpus: str
    detector_version: str
    dry_run: bool = False
    rows: int = 0
    versions: Counter = field(default_factory=Counter)  # detector_version -> rows, before the run
    up_to_date: int = 0  # rows skipped: already at the current version
    rescored: int = 0  # rows given new derived values (dry run: that would be)
    changed: int = 0  # of those, rows whose values differ beyond detector_version
    to_spam: int = 0  # spam_score crossed 0.5 upwards
    to_benign: int = 0
    family_changed: int = 0
    contacts_changed: int = 0
    lang_changed: int = 0
    kept: Counter = field(default_factory=Counter)  # reason -> rows that keep their old values
    shards: int = 0
    shards_rewritten: int = 0
    conflicts: list[str] = field(default_factory=list)  # shards replaced by someone else meanwhile
    campaigns_stale: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["versions"], d["kept"] = dict(self.versions), dict(self.kept)
        return d


@contextlib.contextmanager
def _rescore_lock(root: Path) -> Iterator[None]:
    # two rescores would only do the same work twice, but a second one is almost surely a mistake: refuse it
    with open(root / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RescoreError(f"another rescore of {root} is running") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def page_input(row: dict[str, Any]):
    """The crawler's input for a stored row. Only the media type is stored, so a charset that came from the
    header is put back from `encoding` (a header charset the decoder overruled changed nothing, so it is
    not needed); the canonical final URL stands for the fetched one."""
    from corpus.page.row import PageInput

    ctype = row["content_type"] or ""
    if ctype and row["encoding_source"] == "header":
        ctype = f"{ctype}; charset={row['encoding']}"
    return PageInput(url=row["url"], final_url=row["final_url"], status=row["status"],
                     headers={"content-type": ctype} if ctype else {}, body=row["body"],
                     fetched_at=row["fetched_at"], crawl_job=row["crawl_job"], run_id=row["run_id"],
                     depth=row["depth"], referrer=row["referrer"])


def current_version() -> str:
    """The detector version `build_row` writes: the page module's own name if it imported one, else the
    detector package's (which may load the shipped model to answer)."""
    from corpus.page import row as pages

    version = getattr(pages, "DETECTOR_VERSION", None)
    if version is None:
        import corpus.signals

        version = corpus.signals.DETECTOR_VERSION
    return version


def _f32(x: float) -> float:
    return float(np.float32(x))  # compare scores as the float32 column stores them


def rescore_table(table: pa.Table, current: str, report: RescoreReport, *, force: bool = False,
                  reextract: bool = False) -> pa.Table | None:
    """The shard with its derived columns recomputed, or None if no row's values (version included) change."""
    from corpus.page import row as pages

    columns = DERIVED + EXTRACTED if reextract else DERIVED
    inputs = table.select(list(INPUTS)).to_pylist()
    old = {c: table.column(c).to_pylist() for c in dict.fromkeys(DERIVED + EXTRACTED)}
    new = {c: list(old[c]) for c in columns}
    touched, differs = 0, False
    for i, row in enumerate(inputs):
        report.rows += 1
        version = old["detector_version"][i]
        report.versions[version] += 1
        if version == current and not force:
            report.up_to_date += 1
            continue
        try:
            fresh = pages.build_row(page_input(row))
        except pages.PageRejected as exc:  # the body no longer makes a document: keep the row as it is
            report.kept[exc.reason] += 1
            continue
        except Exception as exc:  # a hostile body must not stop the run; counted, never silent
            report.kept[f"extraction_error:{type(exc).__name__}"] += 1
            continue
        if not reextract and any(fresh[c] != old[c][i] for c in MUST_MATCH):
            report.kept["extraction_changed"] += 1
            continue
        touched += 1
        fresh["spam_score"] = _f32(fresh["spam_score"])
        fresh["replacement_ratio"] = _f32(fresh["replacement_ratio"])
        for c in columns:
            new[c][i] = fresh[c]
        was, now = old["spam_score"][i] >= 0.5, fresh["spam_score"] >= 0.5
        report.to_spam += now and not was
        report.to_benign += was and not now
        report.family_changed += fresh["family_guess"] != old["family_guess"][i]
        report.contacts_changed += fresh["contacts"] != old["contacts"][i]
        report.lang_changed += (fresh["lang"], fresh["script"]) != (old["lang"][i], old["script"][i])
        report.changed += any(fresh[c] != old[c][i] for c in columns if c != "detector_version")
        differs = differs or any(fresh[c] != old[c][i] for c in columns)
    report.rescored += touched
    if not differs:  # nothing new to write (e.g. --force after no change): keep the shard, and the campaigns valid
        return None
    for c in columns:  # every other column keeps its original Arrow data, byte for byte
        idx = SCHEMA.get_field_index(c)
        table = table.set_column(idx, SCHEMA.field(c), pa.array(new[c], type=SCHEMA.field(c).type))
    return table


def rescore(root: str | os.PathLike[str], *, force: bool = False, dry_run: bool = False, reextract: bool = False,
            progress: Callable[[str], None] | None = None) -> RescoreReport:
    """Rescore every row of the corpus at ROOT whose detector_version is not the current one (all with `force`).

    Each rewritten shard is committed with `CorpusStore.replace_shard`, so a kill at any moment leaves every
    shard old or new. Raises StoreError if ROOT is not a corpus, RescoreError if a rescore is running."""
    started = time.perf_counter()
    root = Path(root)
    store = open_corpus(root)
    report = RescoreReport(str(root), current_version(), dry_run=dry_run)
    with _rescore_lock(root):
        store.recover()
        for entry in store.manifest():
            report.shards += 1
            # one shard in memory at a time; shards are written by crawl batches, so they stay small
            table = read_shard(root / entry["shard"])  # a damaged shard: CorruptShard naming it
            if not table.schema.equals(SCHEMA, check_metadata=False):
                report.kept["schema_differs"] += table.num_rows
                report.rows += table.num_rows
                continue
            new = rescore_table(table, report.detector_version, report, force=force, reextract=reextract)
            if new is None:
                continue
            if dry_run:
                report.shards_rewritten += 1  # would be
                continue
            try:
                shard = store.replace_shard(entry["shard"], new, expected_sha256=entry["sha256"])
            except StoreError as exc:  # replaced by someone else since we listed it: the next run redoes it
                report.conflicts.append(f"{entry['shard']}: {exc}")
                continue
            report.shards_rewritten += 1
            if progress:
                progress(f"{entry['shard']} -> {shard}: {new.num_rows} rows")
    report.campaigns_stale = report.shards_rewritten > 0 and not dry_run and _campaigns_computed(root)
    report.seconds = time.perf_counter() - started
    return report


def _campaigns_computed(root: Path) -> bool:
    try:
        from corpus.campaigns import campaigns_computed
    except ImportError:
        return False
    return campaigns_computed(root)


def format_report(r: RescoreReport) -> str:
    verb = "would rescore" if r.dry_run else "rescored"
    mix = ", ".join(f"{v} {n}" for v, n in sorted(r.versions.items(), key=lambda p: (-p[1], p[0]))) or "none"
    lines = [
        f"corpus {r.corpus}: {r.rows} rows in {r.shards} shards; detector versions before: {mix}",
        f"current detector {r.detector_version}: {r.up_to_date} rows already current (skipped), {verb} {r.rescored}"
        f" ({r.changed} with different values)",
        f"score across 0.5: {r.to_spam} to spam, {r.to_benign} to benign; family changed {r.family_changed}, "
        f"contacts changed {r.contacts_changed}, language changed {r.lang_changed}",
    ]
    if r.kept:
        lines.append("kept old values: " + ", ".join(f"{k} {v}" for k, v in sorted(r.kept.items())))
        if r.kept.get("extraction_changed"):
            lines.append("  (extraction_changed: the body no longer extracts to the stored title/text/links; "
                         "--reextract replaces those too, which moves annotation spans)")
    if r.dry_run:
        lines.append(f"dry run: nothing written ({r.shards_rewritten} shards would be rewritten)")
    else:
        lines.append(f"{r.shards_rewritten} shards rewritten in {r.seconds:.1f} s")
    for c in r.conflicts:
        lines.append(f"skipped (changed meanwhile, run again): {c}")
    if r.campaigns_stale:
        lines.append(f"contacts and scores changed under the campaign assignment: run "
                     f"`spamcorpus campaigns --full {r.corpus}`")
    return "\n".join(lines)
