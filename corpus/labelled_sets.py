"""Labelled sets for evaluation (JSONL or Parquet, extracted text or raw files): their records read as documents."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

SPAM_LABELS = {"spam", "1", "true", "yes"}
BENIGN_LABELS = {"benign", "0", "false", "no", "ham", "not_spam"}
SKIPPED_LABELS = {"borderline", "unsure", ""}
_URL = re.compile(r"https?://[^\s)\]>\"'，。）】]+")


class EvaluationError(ValueError):
    """A labelled set that cannot be read: missing file, bad line, missing column or unknown label."""


@dataclass
class LabelledDoc:
    id: str
    title: str
    text: str
    spam: bool
    lang: str = "und"
    family: str = "other"
    hard_negative: bool = False
    contacts: set[tuple[str, str]] | None = None   # expected (kind, value); None = not labelled
    links: list[str] = field(default_factory=list)
    raw: Any = None  # a raw page (corpus.page.row.PageInput) when the record is one: the crawler extracts it first


def _label(value: Any, where: str) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value if value is not None else "").strip().lower()
    if text in SPAM_LABELS:
        return True
    if text in BENIGN_LABELS:
        return False
    if text in SKIPPED_LABELS:
        return None
    raise EvaluationError(f"{where}: unknown label {value!r} (use spam/benign/borderline, 1/0 or true/false)")


def _contacts(value: Any, where: str, lang: str) -> set[tuple[str, str]] | None:
    if value is None:
        return None
    if isinstance(value, dict):  # the real-world set's form: kind -> values as written, read as its bench reads them
        from corpus.realworld import expected_pairs
        return expected_pairs({str(k): list(v or ()) for k, v in value.items()}, lang)
    try:
        return {(str(c["kind"]), str(c["value"])) for c in value}
    except (TypeError, KeyError):
        raise EvaluationError(f"{where}: contacts must be a list of {{kind, value}} objects") from None


def _doc(record: dict, where: str, index: int) -> LabelledDoc | None:
    if not isinstance(record, dict):
        raise EvaluationError(f"{where}: expected a JSON object")
    for column in ("text", "label"):
        if column not in record:
            raise EvaluationError(f"{where}: missing column {column!r}")
    spam = _label(record["label"], where)
    if spam is None:
        return None
    title, text = str(record.get("title") or ""), str(record.get("text") or "")
    links = record.get("links")
    doc_id = str(record.get("id") or record.get("doc_id") or index)
    lang = str(record.get("lang") or record.get("language") or "") or _detect_lang(title + "\n" + text)
    return LabelledDoc(
        id=doc_id, title=title, text=text, spam=spam, lang=lang,
        family=str(record.get("family") or "other"), hard_negative=bool(record.get("hard_negative") or False),
        contacts=_contacts(record.get("contacts"), where, lang),
        links=list(links) if links is not None else sorted(set(_URL.findall(title + "\n" + text))),
        raw=_raw_page(record, doc_id, text, where))


def _raw_page(record: dict, doc_id: str, text: str, where: str):
    """A record with a `format` (the real-world set's md, html, txt, other) is a raw file, not extracted text."""
    from corpus.realworld import RAW_FORMATS, raw_page, stand_in_url

    fmt = record.get("format")
    if fmt is None:
        return None
    if fmt not in RAW_FORMATS:
        raise EvaluationError(f"{where}: format {fmt!r} is not a raw file's ({', '.join(sorted(RAW_FORMATS))}); "
                              "leave `format` out for extracted text")
    source = record.get("source") if isinstance(record.get("source"), dict) else None
    return raw_page(text, fmt, str(record.get("url") or stand_in_url(doc_id, fmt, source)))


def _detect_lang(text: str) -> str:
    from corpus.lang import detect_language
    return detect_language(text)[0]


def _records(path: Path) -> Iterable[tuple[str, int, dict]]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for a torn or foreign file
            raise EvaluationError(f"{path}: not a readable Parquet file ({exc})") from None
        for column in ("text", "label"):
            if column not in table.column_names:
                raise EvaluationError(f"{path}: missing column {column!r}")
        for i, row in enumerate(table.to_pylist(), 1):
            yield f"{path} row {i}", i, row
        return
    with open(path, "rb") as fh:  # decoded line by line, so that a bad byte is reported with its line
        for lineno, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise EvaluationError(f"{path} line {lineno}: not UTF-8 text ({exc.reason})") from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{path} line {lineno}: not JSON ({exc.msg})") from None
            yield f"{path} line {lineno}", lineno, record


def trained_on(paths: Iterable[str | Path]) -> list[str]:
    """Those of `paths` that are the pinned real-world set the shipped detector was trained on: figures on them
    are training figures (`spamcorpus train --cv` gives the operation-grouped cross-validated ones)."""
    from corpus.realworld import REALWORLD_SHA256, file_sha256
    out = []
    for raw in paths:
        path = Path(raw)
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path] if path.is_file() else []
        out += [str(f) for f in files if file_sha256(f) == REALWORLD_SHA256]
    return out


def load_labelled(paths: Iterable[str | Path]) -> tuple[list[LabelledDoc], int]:
    """Documents of one or more labelled files (JSONL or Parquet; a directory stands for its one *.jsonl or
    *.parquet file), and how many were skipped as borderline. Files named together are scored as one set."""
    docs, skipped = [], 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted([*path.glob("*.jsonl"), *path.glob("*.parquet")])
            if not files:
                raise EvaluationError(f"{path}: no *.jsonl or *.parquet files")
            if len(files) > 1:
                # a folder may hold sets that must never be pooled (development and held-out): make the caller
                # say which files form the set rather than mix them into one figure
                names = ", ".join(f.name for f in files)
                raise EvaluationError(
                    f"{path} holds {len(files)} evaluation files ({names}): name the file(s) to score as one set, "
                    f"e.g. `spamcorpus evaluate {files[0]}`; files named together are pooled into one figure")
        elif path.is_file():
            files = [path]
        else:
            raise EvaluationError(f"{path}: no such file")
        for file in files:
            for where, index, record in _records(file):
                doc = _doc(record, where, index)
                if doc is None:
                    skipped += 1
                else:
                    docs.append(doc)
    return docs, skipped
