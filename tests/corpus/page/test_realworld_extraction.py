"""Extraction on the real set's 227 documents: every page has text, and no title is a header line or a code line
where the file writes a title (the 2026-12-05 fixes; each of these checks failed before them)."""
from __future__ import annotations

import re

import pytest

from corpus.page.source_file import CODE_HEAD, source_title
from corpus.realworld import RealWorldError, extract_document, load_realworld, realworld_path

# what front matter, a metadata block or a mail header looks like when it is taken for a title (`order: 50`,
# `layout: zh/default`, `Return-Path: <…>`); `Re: …` and `WalletGen: …` are titles
HEADER_LINE = re.compile(r"(?:(?:order|layout|tags|categories|date|slug|permalink|lang|sidebar|author|description|"
                         r"draft|weight|type|id|title|nav_order|parent):\s"
                         r"|(?:Return-Path|Received|Delivered-To|Message-ID|MIME-Version|X-[\w-]+|Title):)")


@pytest.fixture(scope="module")
def extracted():
    try:
        realworld_path().is_file() or pytest.skip("real-world set not present")
        return [(doc, extract_document(doc)) for doc in load_realworld()]
    except RealWorldError as err:
        pytest.skip(str(err))


def test_every_real_page_has_text(extracted):
    # app shells (an empty body) are read by their description, popup pages whole
    assert [doc.id for doc, page in extracted if not page.text.strip()] == []


def test_no_real_title_is_a_header_line(extracted):
    assert [(doc.id, page.title) for doc, page in extracted if HEADER_LINE.match(page.title)] == []


def test_a_code_line_is_a_title_only_where_the_file_writes_none(extracted):
    coded = [(doc, page) for doc, page in extracted if CODE_HEAD.match(page.title)]
    assert [(doc.id, page.title) for doc, page in coded if source_title(doc.text)] == []
    # the source files that do write a title (36 of the 58 in the set) are titled by it
    named = [doc.id for doc, page in extracted if doc.format == "other" and not CODE_HEAD.match(page.title)]
    assert len(named) >= 36
