"""Build the detector's development set: hand-written block files in src/ -> one JSONL file per source file."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
_HEADER = re.compile(r"^### (.*)$", re.M)
_URL = re.compile(r"https?://[^\s)\]>\"'，。]+")


def _fields(header: str) -> dict[str, str]:
    out = {}
    for token in header.split():
        key, sep, value = token.partition("=")
        if not sep:
            raise ValueError(f"bad header token {token!r} in {header!r}")
        out[key] = value
    return out


def _contacts(spec: str) -> list[dict[str, str]]:
    out = []
    for item in filter(None, spec.split(",")):
        kind, _, value = item.partition(":")
        out.append({"kind": kind, "value": value})
    return out


def parse_blocks(text: str, lang: str, script: str) -> list[dict]:
    """Blocks start with `### key=value ...`; an optional `title:` line; the rest is the text.
    `wrap=<id>` builds the text as HEADER lines + that block's text + FOOTER lines (spam around a tutorial)."""
    heads = list(_HEADER.finditer(text))
    records, by_id = [], {}
    for i, head in enumerate(heads):
        body = text[head.end():heads[i + 1].start() if i + 1 < len(heads) else len(text)].strip("\n")
        meta = _fields(head.group(1))
        title = ""
        if body.startswith("title:"):
            first, _, body = body.partition("\n")
            title = first[len("title:"):].strip()
        header, footer, rest = [], [], []
        for line in body.split("\n"):
            if line.startswith("contacts:"):  # expected contacts may also be given on their own line
                meta["contacts"] = ",".join(filter(None, (meta.get("contacts", ""), line[len("contacts:"):].strip())))
            elif line.startswith("HEADER:"):
                header.append(line[len("HEADER:"):].strip())
            elif line.startswith("FOOTER:"):
                footer.append(line[len("FOOTER:"):].strip())
            else:
                rest.append(line)
        body = "\n".join(rest).strip()
        if "wrap" in meta:
            base = by_id[meta["wrap"]]
            body = "\n\n".join(x for x in ("\n".join(header), base["text"], body, "\n".join(footer)) if x)
            title = title or base["title"]
        elif header or footer:
            body = "\n\n".join(x for x in ("\n".join(header), body, "\n".join(footer)) if x)
        record = {
            "id": meta["id"], "lang": meta.get("lang", lang), "script": meta.get("script", script),
            "label": meta["label"], "family": meta.get("family", "other"),
            "hard_negative": meta.get("hard_negative", "false") == "true",
            "title": title, "text": body, "links": sorted(set(_URL.findall(title + "\n" + body))),
            "contacts": _contacts(meta.get("contacts", "")), "source": meta.get("source", "hand"),
        }
        if record["label"] not in ("spam", "benign"):
            raise ValueError(f"{record['id']}: label must be spam or benign")
        by_id[record["id"]] = record
        records.append(record)
    return records


def build(out_dir: Path = HERE) -> dict[str, int]:
    counts = {}
    for src in sorted(SRC.glob("*.txt")):
        name = src.stem                       # e.g. "zh-Hans", "en", "heldout"
        lang, _, script = name.partition("-")
        records = parse_blocks(src.read_text(encoding="utf-8"), lang, script if lang == "zh" else "")
        ids = [r["id"] for r in records]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{src.name}: duplicate ids")
        with open(out_dir / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        counts[name] = len(records)
    return counts


if __name__ == "__main__":
    counts = build()
    print(json.dumps(counts), file=sys.stderr)
