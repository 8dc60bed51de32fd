"""Markdown front matter: where it ends and which title it names; never a heading of its own."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.page.extract import extract
from corpus.page.front_matter import MAX_CHARS, MAX_LINES, metadata_title, split_front_matter


@pytest.mark.parametrize("markdown, title, rest", [
    ('---\nlayout: post\ntitle: "香港eSIM怎么续费"\ndate: 2026-10-01\n---\n正文\n', "香港eSIM怎么续费", "正文\n"),
    ("---\ntitle: 'It''s cheap'\n---\n", "It's cheap", ""),
    ('---\ntitle: "A \\"quoted\\" word"\n---\nx', 'A "quoted" word', "x"),
    ("---\ntitle: plain words # a comment\n---\nx", "plain words", "x"),
    ("---\ntitle: >\n  folded over\n  two lines\norder: 3\n---\nx", "folded over two lines", "x"),
    ("---\nlayout: home\nheroText: 纸飞机引流工具\n---\nx", "纸飞机引流工具", "x"),
    ("---\nname: intel-pipeline\ndescription: a skill\n---\nx", "intel-pipeline", "x"),
    ("---\nlayout: home\nhero:\n  name: Nested Name\n---\nx", "", "x"),        # a nested key is not the page's
    ("---\ntitle: [a, b]\n---\nx", "", "x"),                                   # a list is no title
    ("---\ntitle: &T anchored\n---\nx", "", "x"),                              # nor an alias or anchor
    ("---\n---\nbody", "", "body"),                                            # empty front matter
    ("---\ntitle: ends with dots\n...\nbody", "ends with dots", "body"),       # YAML's document end
    ("+++\ntitle = 'Hugo page'\n[params]\nname = 'param'\n+++\nbody", "Hugo page", "body"),
    ("+++\n[params]\ntitle = 'in a table'\n+++\nbody", "", "body"),
    ("\ufeff---\r\ntitle: BOM and CRLF\r\n---\r\nbody", "BOM and CRLF", "body"),
])
def test_front_matter(markdown, title, rest):
    assert split_front_matter(markdown) == (title, rest)


@pytest.mark.parametrize("markdown", [
    "---\nA paragraph after a thematic break\n---\nmore",  # prose between two rules
    "---\ntitle: never closed\n\nbody",
    "--- \nnot: a fence line?\n",                          # no closing fence at all
    "title: x\n---\n",                                     # no opening fence
    " ---\ntitle: indented fence\n---\n",
    "---",
    "",
])
def test_no_front_matter(markdown):
    assert split_front_matter(markdown) == (None, markdown)


def test_a_block_too_long_is_not_front_matter():
    many = "---\n" + "key: value\n" * (MAX_LINES + 1) + "---\nbody"
    assert split_front_matter(many)[0] is None
    wide = "---\ntitle: x\nnote: " + "y" * MAX_CHARS + "\n---\nbody"
    assert split_front_matter(wide)[0] is None
    assert split_front_matter("---\n" + "key: value\n" * (MAX_LINES - 1) + "title: last\n---\nbody") == ("last",
                                                                                                         "body")


def test_the_closing_fence_is_no_setext_underline():
    # read as Markdown, `order: 50` over `---` is a level-2 heading: it used to become the page's title
    page = "---\ntitle: QQ群\nicon: iconfont\norder: 50\n---\n\n## 哪些问题会被禁言？\n\n请先阅读群规。\n"
    ex = extract(page, base_url="https://docs.example/qq.md", doc_format="markdown")
    assert ex.title == "QQ群"
    assert "order: 50" in ex.text  # the block stays text: a code host shows it above the file


def test_without_a_title_the_body_names_the_page():
    page = "---\nsidebar_position: 15\n---\n\n# Telegram 通知\n\n配置机器人。\n"
    assert extract(page, base_url="https://docs.example/tg.md", doc_format="markdown").title == "Telegram 通知"
    page = "---\nlayout: zh/default\n---\n<h1>产品概述</h1>\n单点登录系统。\n"
    assert extract(page, base_url="https://docs.example/a.md", doc_format="markdown").title == "产品概述"


def test_hostile_blocks_cost_linear_time():
    # a key of words then a long run of blanks, a value with a blank run inside: no backtracking blow-up (a comment
    # pattern of `\s+#` took 0.4 s on the second page); a loose bound, not a speed claim
    blank = " " * (MAX_CHARS - 100)
    for page in (f"---\na{blank}x: y\n---\n", f"---\ntitle: x{blank}y\n---\n", f"---\ntitle: x{blank}#y\n---\n",
                 f"---\n{'a ' * 7000}:\n---\n"):
        start = time.process_time()
        split_front_matter(page)
        assert time.process_time() - start < 0.5


_VALUE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(title=_VALUE, body=st.text(max_size=200))
def test_single_quoted_titles_round_trip(title, body):
    quoted = "'" + title.replace("'", "''") + "'"
    assert split_front_matter(f"---\ndate: 2026-01-01\ntitle: {quoted}\n---\n{body}") == (title, body)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("-+.:=#'\"[]{}&*|> \n\rtitlenamea\ufeff"), max_size=120))
def test_any_text_splits_into_a_suffix(markdown):
    title, rest = split_front_matter(markdown)
    if title is None:
        assert rest == markdown
    else:
        assert markdown.endswith(rest) and len(rest) < len(markdown)
        assert "\n" not in title
    named = metadata_title(markdown)
    assert named is None or "\n" not in named


@pytest.mark.parametrize("text, title", [
    ("Title: 用Python模拟双色球\nDate: 2018-03-04\nTags: Python, 彩票\n\n正文", "用Python模拟双色球"),
    ("    Title: Indented Pelican\n    Date: 2018-03-04\n\nbody", "Indented Pelican"),
    ("Author: Someone\nTitle: Second Line\n", "Second Line"),
    ("Author  : Someone\nDate    : 01/06/2018\n\nbody", None),      # a block without a title
    ("Title: one line, then prose\nand this is not a key line\n\nbody", None),
    ("Some prose first.\nTitle: late\n\n", None),
    ("\nTitle: after a blank line\n", None),
])
def test_metadata_title(text, title):
    assert metadata_title(text) == title


def test_metadata_and_emphasis_titles_in_extraction():
    page = "Title: 流量卡续费教程\nDate: 2026-10-01\n\n# 第一步\n\n打开小程序。\n"
    assert extract(page, base_url="https://a.example/x.md", doc_format="markdown").title == "流量卡续费教程"
    page = "**Keo88 - Nhà cái uy tín hàng đầu**\n\nĐăng ký ngay hôm nay.\n"
    assert extract(page, base_url="https://a.example/y.md", doc_format="markdown").title == \
        "Keo88 - Nhà cái uy tín hàng đầu"
    page = "# __init__ and @esim_1088\n\ntext\n"  # emphasis only when it wraps the whole title
    assert extract(page, base_url="https://a.example/z.md", doc_format="markdown").title == "__init__ and @esim_1088"
