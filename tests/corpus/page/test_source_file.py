"""A source file is titled by the title its page shows (`<title>`, `document.title`, a `title` key), not its import."""
from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.page.extract import extract
from corpus.page.source_file import MAX_VALUE, is_source, source_title

LAYOUT = '''import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Fast eSIM Top-Up | Renew Your Data Card in 3 Minutes",
  description: "Top up any data card. Telegram @esim_topup_desk",
};
'''


@pytest.mark.parametrize(("source", "title"), [
    (LAYOUT, "Fast eSIM Top-Up | Renew Your Data Card in 3 Minutes"),
    ("export const metadata = { title: { default: '流量卡续费', template: '%s | 卡商' } }", "流量卡续费"),
    ("<Helmet title={\"Cheap SIM cards\"} />", "Cheap SIM cards"),
    ('{"title": "Bonus 100% - daftar sekarang"}', "Bonus 100% - daftar sekarang"),
    ("st.set_page_config(page_title='Materi 11')", "Materi 11"),
    ("<?php $page_title = 'Kontak Kami | Bonus 100%'; ?>", "Kontak Kami | Bonus 100%"),
    ("document.title = 'Casino \\'VIP\\' entry';", "Casino 'VIP' entry"),
    ("const html = `<title>Loans &amp; credit  today</title>`", "Loans & credit today"),
    ('HEAD = """<title lang="zh">开元官网</title>"""', "开元官网"),
])
def test_the_title_a_source_file_names(source, title):
    assert source_title(source) == title


def test_the_strongest_form_wins_over_an_earlier_weaker_one():
    source = ("const a = <h1>Welcome</h1>;\nconst nav = [{ title: 'Home' }];\ndocument.title = 'Lucky Spin Casino';\n"
              "const h = '<title>Bonus Hub</title>';")
    assert source_title(source) == "Bonus Hub"
    assert source_title(source.replace("<title>Bonus Hub</title>", "")) == "Lucky Spin Casino"
    assert source_title(source.replace("<title>Bonus Hub</title>", "").replace("document.title", "x")) == "Home"


def test_a_page_without_a_title_is_titled_by_its_first_plain_h1():
    jsx = ("export default function Page() {\n  return (<main>\n    <h1 className={styles.hero}>{brand}</h1>\n"
           "    <h1 className=\"text-3xl\">\n      Buy Verified Passports &amp; Licences\n    </h1>\n  </main>);\n}")
    assert source_title(jsx) == "Buy Verified Passports & Licences"  # an expression is no text; the next h1 is


@pytest.mark.parametrize("source", [
    "import os\nprint('no title here')",
    "const subtitle = 'not a title'; el.dataset.title = 'nor this'",
    "const s = { title: 'nav.home.title' }",  # an i18n key names a string, it is not one
    "const s = { title: '2026' }; x = { title: '${name}' }",  # no letter; a template expression
    "const s = { title: t('seo.title') }",  # no string literal
    "<title></title><title>{{ page.title }}</title>",
    "<title>{% block title %}Home{% endblock %}</title>; x = { title: `Casino ${year}` }",  # template code, not words
])
def test_no_title_where_none_is_written(source):
    assert source_title(source) == ""


def test_extract_titles_source_files_only():
    ex = extract(LAYOUT, base_url="https://code.example.org/u/site/raw/main/app/layout.tsx", doc_format="text")
    assert ex.title == "Fast eSIM Top-Up | Renew Your Data Card in 3 Minutes"
    assert ex.text.startswith("import type")  # the text is the file as it is
    # no code line among the first lines and no source suffix: a note keeps its first line
    note = "Shopping list\ntitle: 'not a page title'\n"
    assert extract(note, base_url="https://paste.example/n.txt", doc_format="text").title == "Shopping list"
    # a license comment before the imports is still a source file
    licensed = "// Copyright 2026 the authors\n// SPDX-License-Identifier: MIT\n" + LAYOUT
    assert extract(licensed, base_url="", doc_format="text").title.startswith("Fast eSIM Top-Up")
    # a source file naming no title keeps its first line
    assert extract("import requests\nrequests.get(u)\n", base_url="", doc_format="text").title == "import requests"


_TITLE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="'\"`\\<>&{}$"),
                      min_size=1, max_size=MAX_VALUE).filter(lambda s: any(c.isalpha() for c in s))


@settings(max_examples=300, deadline=None)
@given(_TITLE_TEXT, st.sampled_from(["title: '{}'", 'title="{}"', "<title>{}</title>", "document.title = `{}`"]))
def test_any_written_title_is_read_back(title, form):
    got = source_title("import x from 'y'\n" + form.format(title))
    normal = " ".join(title.split())
    assert got == normal or (got == "" and _key_like(normal))


def _key_like(value: str) -> bool:
    return bool(re.fullmatch(r"[\w-]+(?:[./:][\w-]+)+", value))


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("title:=\"'`<>/ \\\nxdocument.{}"), max_size=400))
def test_any_text_gives_a_string_without_newlines(text):
    got = source_title(text)
    assert isinstance(got, str) and "\n" not in got


@pytest.mark.parametrize("hostile", [
    "<title" * 40_000,
    "title: '" * 40_000,
    "document.title = \"" + "\\x" * 60_000,
    "<title>" + "a" * 120_000,
    "<h1 " * 40_000 + "<h1>" + "b" * 120_000,
])
def test_hostile_sources_are_scanned_in_linear_time(hostile):
    # a loose bound against a return to quadratic patterns (~0.01 s measured for the worst), not a speed claim
    start = time.process_time()
    source_title(hostile)
    assert time.process_time() - start < 1.0


@pytest.mark.parametrize(("text", "url", "source"), [
    ("// SPDX-License-Identifier: MIT\n// (c) 2026\nimport type { Metadata } from 'next'\n", "", True),
    ("<?php\n$page_title = 'x';", "", True),
    ("whatever is written", "https://code.example.org/u/r/raw/main/app/page.tsx", True),
    ("notes\n" * 40 + "import os\n", "", False),  # past the first 30 lines: prose with a snippet far down
    ("let me explain how imports work\nimport duties rose in 2026\nexport markets grew\nclass of 2026 met\n"
     "from the start we knew\n", "", False),  # keywords without the syntax that follows them in code
    ("README\nimport requests\n", "https://code.example.org/u/r/raw/main/README.md", True),  # a code line near the top
])
def test_a_source_file_is_told_by_its_name_or_an_early_code_line(text, url, source):
    assert is_source(text, url) is source

