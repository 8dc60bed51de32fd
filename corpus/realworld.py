"""The real-world labelled set (`shared/realworld/documents.jsonl`): loading, sha256 pin, operation-grouped folds."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# The set is shared and read-only; its digest is pinned so that an edit shows (tests/corpus/test_realworld.py).
REALWORLD_SHA256 = "887f5b8d1266a38653be83a63c63f55a92c672587d187c0a8a3011bedb1a7092"
# Beside the repository in a checkout and in CI; SPAMCORPUS_REALWORLD overrides.
DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "realworld" / "documents.jsonl"
# How a code host serves each format: raw Markdown and site source come as text/plain.
_CONTENT_TYPES = {"md": "text/plain; charset=utf-8", "html": "text/html; charset=utf-8",
                  "txt": "text/plain; charset=utf-8", "other": "text/plain; charset=utf-8"}
_SUFFIX = {"md": ".md", "html": ".html", "txt": ".txt", "other": ".txt"}


class RealWorldError(ValueError):
    """The real-world set is missing, or not the pinned file."""


@dataclass(frozen=True)
class RealDoc:
    id: str
    label: str                      # spam | benign | borderline
    family: str | None
    campaign: str | None
    language: str
    hard_negative: bool
    contacts: dict[str, list[str]]  # kind -> values as written
    format: str                     # md | html | txt | other
    source: dict[str, Any]
    why: str
    text: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def spam(self) -> bool:
        return self.label == "spam"

    @property
    def group(self) -> str:
        """The cross-validation group: the operation for spam, the source repository for benign pages."""
        if self.campaign:
            return "campaign:" + self.campaign
        repo = (self.source or {}).get("repo")
        return "repo:" + repo if repo else "doc:" + self.id

    @property
    def url(self) -> str:
        return stand_in_url(self.id, self.format, self.source)

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES.get(self.format, "text/plain; charset=utf-8")


RAW_FORMATS = frozenset(_CONTENT_TYPES)


def stand_in_url(doc_id: str, fmt: str, source: dict[str, Any] | None) -> str:
    """A stand-in address on a reserved name (never fetched) whose path keeps the file's suffix."""
    src = source or {}
    path = src.get("path") or f"{doc_id}{_SUFFIX.get(fmt, '.txt')}"
    repo = src.get("repo") or "unknown/unknown"
    return f"https://code-host.invalid/{repo}/raw/{path}"


def raw_page(text: str, fmt: str, url: str):
    """A raw document (the set's `format`: md, html, txt, other) as the crawler would have fetched it from a code
    host."""
    from corpus.page.row import PageInput

    return PageInput(url=url, final_url=url, status=200,
                     headers={"content-type": _CONTENT_TYPES.get(fmt, "text/plain; charset=utf-8")},
                     body=text.encode("utf-8"), fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                     crawl_job="realworld", run_id="realworld")


def realworld_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("SPAMCORPUS_REALWORLD") or DEFAULT_PATH)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_realworld(path: str | os.PathLike | None = None, *, verify: bool = True) -> list[RealDoc]:
    """Every document of the set, in file order; with `verify`, refuse a file whose sha256 is not the pinned one."""
    file = realworld_path(path)
    if not file.is_file():
        raise RealWorldError(f"{file}: no such file (set SPAMCORPUS_REALWORLD or pass the path)")
    if verify and (got := file_sha256(file)) != REALWORLD_SHA256:
        raise RealWorldError(f"{file}: sha256 {got} is not the pinned {REALWORLD_SHA256}")
    docs = []
    known = set(RealDoc.__dataclass_fields__) - {"extra"}
    with open(file, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                docs.append(RealDoc(**{k: record.get(k) for k in known if k != "contacts"},
                                    contacts=record.get("contacts") or {},
                                    extra={k: v for k, v in record.items() if k not in known}))
    return docs


def page_input(doc: RealDoc):
    """The document as the crawler would have fetched it (raw file from a code host)."""
    return raw_page(doc.text, doc.format, doc.url)


def extract_document(doc: RealDoc):
    """corpus.page.row.extract_page on the document: title, text, boilerplate, language and contacts."""
    from corpus.page.row import extract_page

    return extract_page(page_input(doc))


def build_document_row(doc: RealDoc) -> dict[str, Any]:
    """The corpus row the crawler would write for this document (extraction, contacts, language, detector)."""
    from corpus.page.row import build_row

    return build_row(page_input(doc))


def expected_contacts(doc: RealDoc) -> set[tuple[str, str]]:
    """The document's labelled contacts in the project's normal forms (expected_pairs)."""
    return expected_pairs(doc.contacts, doc.language)


def expected_pairs(contacts: dict[str, list[str]], language: str) -> set[tuple[str, str]]:
    """Labelled contacts (kind -> values as written) in the project's normal forms, read as a person reads them:
    - a number written without its country code (`0912 345 678` on a Vietnamese page) is read in the country of the
      document's language (its first country in phones.LANG_REGIONS), or failing that in the country of another
      labelled number of the document (`0301-7654321` beside `wa.me/923017654321`), or failing both as the
      extraction reads a page's local numbers (phones.phone_e164 with the language's countries: an Indian mobile on
      an English page);
    - a labelled link whose normal form is a `url` contact (a Telegram or WhatsApp invite, a QQ share link,
      `weixin://…`: no handle or number in it) is expected as `(kind, "url:" + link)`;
    - anything else with no valid normal form is kept as written (lowercased), so that it counts as missed."""
    from corpus.contacts import classify_url, normalize_value
    from corpus.contacts.phones import number_regions, regions_for

    def normal(kind: str, raw: str, region=None):
        try:
            return normalize_value(kind, raw, region)
        except ValueError:  # a kind the normaliser does not know
            return None

    intl = [n for k in ("phone", "whatsapp") for raw in contacts.get(k, ()) or () if (n := normal(k, raw))]
    regions = [r for r in (*regions_for(language)[:1], *number_regions(intl)) if r]
    out = set()
    for kind, values in contacts.items():
        for raw in values or ():
            raw = str(raw)
            value = normal(kind, raw)
            if kind in ("phone", "whatsapp") and not raw.strip().startswith(("+", "00", "http")):
                value = next((v for r in regions if (v := normal(kind, raw, r))), value)
                if value is None and (candidates := regions_for(language)):
                    value = normal(kind, raw, candidates)  # as the page's own numbers are read (phones.phone_e164)
            if value is None:
                got = classify_url(raw.strip())
                value = "url:" + got[1].lower() if got and got[0] == "url" else raw.strip().lower()
            out.add((kind, value))
    return out


def group_folds(docs: list[RealDoc], k: int = 5, seed: int = 0) -> list[int]:
    """A fold number per document such that no group (operation or repository) is in two folds; spam and
    benign balanced separately; deterministic for a seed."""
    from corpus.detector.train import grouped_folds

    return grouped_folds([d.group for d in docs], k, seed, strata=[d.label for d in docs]).tolist()


def rule_holdout(doc: RealDoc) -> bool:
    """The third of the groups kept back from hand-written rule work (contacts, language, campaigns): rules are
    developed on the rest and run on this part once, so their figures there are not training figures."""
    return int(hashlib.sha256(doc.group.encode()).hexdigest(), 16) % 3 == 0
