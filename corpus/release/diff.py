"""`release diff`: documents added and removed between two releases, changed labels and moved splits."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from corpus.release.table import read_release_table

COLUMNS = ["doc_id", "verdict", "family", "label_source"]


def _load(root: Path) -> dict[str, dict[str, Any]]:
    if not (root / "data").is_dir():
        raise FileNotFoundError(f"{root} is not a release (no data/ directory)")
    return {r["doc_id"]: r for r in read_release_table(root, columns=COLUMNS).to_pylist()}


def diff_releases(old: str | Path, new: str | Path) -> dict[str, Any]:
    """Added and removed doc_ids, changed verdict/family (with label sources), and split moves."""
    before, after = _load(Path(old)), _load(Path(new))
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed, moved = [], []
    for doc in sorted(set(before) & set(after)):
        a, b = before[doc], after[doc]
        if (a["verdict"], a["family"]) != (b["verdict"], b["family"]):
            changed.append({"doc_id": doc, "old": {k: a[k] for k in ("verdict", "family", "label_source")},
                            "new": {k: b[k] for k in ("verdict", "family", "label_source")}})
        if a["split"] != b["split"]:
            moved.append({"doc_id": doc, "old": a["split"], "new": b["split"]})
    transitions = Counter(f"{c['old']['verdict']}/{c['old']['family'] or '-'} -> "
                          f"{c['new']['verdict']}/{c['new']['family'] or '-'}" for c in changed)
    return {
        "old": str(old), "new": str(new),
        "old_rows": len(before), "new_rows": len(after),
        "added": added, "removed": removed, "changed": changed, "moved": moved,
        "label_transitions": dict(sorted(transitions.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def format_diff(d: dict[str, Any], limit: int = 20) -> str:
    lines = [f"{d['old']} ({d['old_rows']} rows) -> {d['new']} ({d['new_rows']} rows)",
             f"added {len(d['added'])}, removed {len(d['removed'])}, changed labels {len(d['changed'])}, "
             f"moved split {len(d['moved'])}"]
    for title, items in (("added", d["added"]), ("removed", d["removed"])):
        for doc in items[:limit]:
            lines.append(f"  {'+' if title == 'added' else '-'} {doc}")
        if len(items) > limit:
            lines.append(f"  ... {len(items) - limit} more {title}")
    for c in d["changed"][:limit]:
        o, n = c["old"], c["new"]
        lines.append(f"  ~ {c['doc_id']}: {o['verdict']}/{o['family'] or '-'} ({o['label_source']}) -> "
                     f"{n['verdict']}/{n['family'] or '-'} ({n['label_source']})")
    if len(d["changed"]) > limit:
        lines.append(f"  ... {len(d['changed']) - limit} more changed")
    for t, n in d["label_transitions"].items():
        lines.append(f"  {n:6d}  {t}")
    return "\n".join(lines)
