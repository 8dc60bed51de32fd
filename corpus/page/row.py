"""One fetched page -> one corpus row (page-object style: plain inputs in, a row dict out, no Scrapy)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from corpus.contacts import Contact, contacts_from_links, find_contacts, merge_contacts
from corpus.ids import canonicalize_url, doc_id, host_of
from corpus.lang import language_tag, page_language
from corpus.schema import SCHEMA_VERSION
import corpus.signals as detector
from corpus.page.encoding import decode_body
from corpus.page.extract import detect_format, extract

# Media types we read as documents; anything else (images, archives, PDFs) is dropped by reason.
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown", "")


class PageRejected(Exception):
    """A response that does not become a row; `reason` is the stats key of the drop."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class PageInput:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]  # lowercase names
    body: bytes
    fetched_at: datetime
    crawl_job: str
    run_id: str
    depth: int = 0
    referrer: str | None = None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _boilerplate(full_text: str, main_text: str) -> str:
    """Lines of the whole page that are not in the main text: footers, sidebars, headers."""
    main = {line.strip() for line in main_text.splitlines() if line.strip()}
    return "\n".join(ln for ln in full_text.splitlines() if ln.strip() and ln.strip() not in main)


@dataclass(frozen=True)
class ExtractedPage:
    """Everything a page yields before scoring: decoded, extracted, its language and contacts."""

    content_type: str
    doc_format: str
    encoding: str
    encoding_source: str
    replacement_ratio: float
    title: str
    text: str
    boilerplate: str  # visible text outside the main text (navigation, sidebars, footer)
    lang: str
    script: str
    contacts: list[Contact]
    links: list[str]


def extract_page(page: PageInput) -> ExtractedPage:
    """Decode and extract one page and find its contacts; raise PageRejected for non-documents."""
    content_type = page.headers.get("content-type")
    mtype = media_type(content_type)
    if mtype not in TEXT_TYPES and not mtype.startswith("text/"):
        raise PageRejected("unsupported_content_type", mtype)
    if not page.body.strip():
        raise PageRejected("empty_body")
    decoded = decode_body(page.body, content_type)
    fmt = detect_format(content_type, page.final_url, decoded.text[:4096])
    ex = extract(decoded.text, base_url=page.final_url, doc_format=fmt)
    if not ex.text.strip() and not ex.title.strip():
        raise PageRejected("empty_text")
    lang, script = page_language(ex.text, ex.title, decoded.text if ex.doc_format == "html" else "")
    boilerplate = _boilerplate(ex.full_text, ex.text)
    linked = contacts_from_links([*ex.links, *ex.contact_hrefs], ex.anchors, page.final_url, declared=ex.declared)
    # a bare @handle counts as Telegram when the page also links it through t.me
    handles = {c.value for c in linked if c.kind == "telegram"}
    whatsapp = {c.value for c in linked if c.kind == "whatsapp"}  # and a bare +number it links through wa.me
    tag = language_tag(lang, script)  # lets local-format phone numbers resolve to the language's countries
    contacts = merge_contacts([
        find_contacts(ex.title, "title", handles, lang=tag, linked_whatsapp=whatsapp),
        find_contacts(ex.text, "text", handles, lang=tag, linked_whatsapp=whatsapp),
        find_contacts(boilerplate, "boilerplate", handles, lang=tag, linked_whatsapp=whatsapp),
        linked,
    ])
    return ExtractedPage(mtype, ex.doc_format, decoded.encoding, decoded.source, float(decoded.replacement_ratio),
                         ex.title, ex.text, boilerplate, lang, script, contacts, list(ex.links))


def build_row(page: PageInput) -> dict[str, Any]:
    """One corpus row: extract_page plus the detector's score; raise PageRejected for non-documents."""
    ex = extract_page(page)
    verdict = detector.score_document(ex.title, ex.text, contacts=ex.contacts, links=ex.links, lang=ex.lang,
                                      boilerplate=ex.boilerplate, doc_format=ex.doc_format)
    return {
        "doc_id": doc_id(page.final_url),
        "url": canonicalize_url(page.url),
        "final_url": canonicalize_url(page.final_url),
        "host": host_of(page.final_url),
        "fetched_at": page.fetched_at,
        "status": page.status,
        "content_type": ex.content_type or None,
        "doc_format": ex.doc_format,
        "encoding": ex.encoding,
        "encoding_source": ex.encoding_source,
        "replacement_ratio": ex.replacement_ratio,
        "title": ex.title,
        "text": ex.text,
        "lang": ex.lang,
        "script": ex.script,
        "contacts": [c.as_row() for c in ex.contacts],
        "links": ex.links,
        "spam_score": float(verdict.score),
        "spam_signals": list(verdict.signals),
        "family_guess": verdict.family,
        "detector_version": detector.DETECTOR_VERSION,
        "text_sha256": hashlib.sha256(ex.text.encode("utf-8")).hexdigest(),
        "crawl_job": page.crawl_job,
        "run_id": page.run_id,
        "depth": page.depth,
        "referrer": page.referrer,
        "body": page.body,
        "schema_version": SCHEMA_VERSION,
        "warc_file": None,  # set by the store at commit (crawl) or by the ingest (the source archive)
        "warc_offset": None,
    }
