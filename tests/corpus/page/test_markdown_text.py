"""Markdown text as a reader sees it: links reduced to their labels, escapes and references decoded except in code."""
from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.page.extract import extract
from corpus.page.markdown_text import MAX_LINK_NESTING, decode_escapes, reduce_markdown


def test_reduce_markdown_keeps_visible_words():
    assert reduce_markdown("[TG💪+ @esim1088](https://t.me/s/esim1088)") == "TG💪+ @esim1088"
    assert reduce_markdown("![alt words](x.png) and [a [nested] label](u)") == "alt words and a [nested] label"


def test_an_inline_image_tag_keeps_its_alt_text():
    # as `![alt](src)` does, and as HTML extraction keeps alt texts: a README's product images name the products
    mdx = "流量卡：\n<img\nsrc={require('@site/static/img/card/sx.webp').default}\nalt=\"陕西省内 流量卡\"\nwidth=\"20%\"\n/>"
    assert reduce_markdown(mdx) == "流量卡：\n陕西省内 流量卡"
    assert reduce_markdown("<IMG SRC='q.png' ALT='扫码 &amp; 加微信'> <img src=x.png>") == "扫码 & 加微信 "
    assert reduce_markdown('<imgx alt="no"><p title="no" alt="no">yes</p>') == "yes"  # only images have alt text


def test_reduce_markdown_unwraps_links_nested_in_labels():
    assert reduce_markdown("[a [b [TG @x](https://t.me/x)](v)](w) end") == "a b TG @x end"


def test_reduce_markdown_stops_at_its_nesting_bound():
    # every pass over the text unwraps one level: without a bound a hostile page of N nested labels costs N
    # passes (250 KB of them took 75 s, past the page timeout); past the bound the syntax stays as written
    depth = MAX_LINK_NESTING + 2
    nested = "[" * depth + "a" + "](b)" * depth
    assert reduce_markdown(nested) == "[[a](b)](b)"
    hostile = "[" * 50_000 + "a" + "](b)" * 50_000
    text = extract(hostile, base_url="http://127.0.0.1/README.md", doc_format="markdown").text
    assert text.count("[") == 50_000 - MAX_LINK_NESTING


@pytest.mark.parametrize("markdown, text", [
    ("TG: @esim\\_1088", "TG: @esim_1088"),                            # what HTML-to-Markdown converters write
    ("sales&#64;esim-shop.cn &amp; 客服", "sales@esim-shop.cn & 客服"),
    ("&#x40;kf&#95;88 &copy; 2026", "@kf_88 © 2026"),
    ("\\&amp; stays a reference's text", "&amp; stays a reference's text"),  # an escaped & starts no reference
    ("\\\\_ a backslash, then _", "\\_ a backslash, then _"),
    ("\\a and \\中 are no escapes; &notareference; &#; neither", "\\a and \\中 are no escapes; &notareference; &#; neither"),
    ("&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"),                          # decoded after tags are stripped: text
    ("`code\\_span &#64;` but \\_ outside", "`code\\_span &#64;` but _ outside"),
    ("an unclosed ` tick \\_", "an unclosed ` tick _"),
])
def test_reduced_text(markdown, text):
    assert reduce_markdown(markdown) == text


def test_fenced_blocks_keep_their_characters():
    page = "before \\_\n```bash\npython -m venv .venv\n.\\.venv\\Scripts\\activate &amp;\n```\nafter \\_\n~~~\n\\_\n~~~~\n"
    assert decode_escapes(page) == (
        "before _\n```bash\npython -m venv .venv\n.\\.venv\\Scripts\\activate &amp;\n```\nafter _\n~~~\n\\_\n~~~~\n")
    # a shorter or other fence does not close a block; an unclosed fence runs to the end
    assert decode_escapes("````\n```\n\\_\n````\n\\_") == "````\n```\n\\_\n````\n_"
    assert decode_escapes("~~~\n\\_ never closed") == "~~~\n\\_ never closed"
    # ``` with a backtick later on its line is inline code, not a fence
    assert decode_escapes("```a` \\_") == "```a` _"


_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_PLAIN = st.text(st.characters(blacklist_characters="\\&`\n", blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=200, deadline=None)
@given(_PLAIN)
def test_escaping_every_punctuation_mark_round_trips(text):
    escaped = "".join("\\" + c if c in _PUNCT else c for c in text)
    assert decode_escapes(escaped) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_text_without_escapes_or_references_is_untouched(text):
    if "\\" not in text and "&" not in text:
        assert decode_escapes(text) is text
    decoded = decode_escapes(text)  # never raises, never grows
    assert len(decoded) <= len(text) or "&" in text  # a reference may decode to two code points


def test_hostile_text_costs_linear_time():
    # one long line of backticks, escapes and ampersands, and many short lines (a loose bound, not a speed claim)
    for page in ("`\\_&" * 50_000, "\\_\n" * 100_000, "&#" * 100_000, "`a" * 100_000):
        start = time.process_time()
        decode_escapes(page)
        assert time.process_time() - start < 1.0, page[:8]


def test_a_converted_spam_post_keeps_its_contacts():
    from corpus.contacts import find_contacts
    post = ("# 流量卡续费教程\n\n到期前三天续费最划算。代办请联系 TG：@liuliang\\_kf\\_01 ，"
            "微信：ll\\_esim\\_88 ，邮箱：renew&#64;ll-esim.cn\n")
    found = {(c.kind, c.value) for c in find_contacts(reduce_markdown(post), "text", set(), lang="zh")}
    assert found >= {("telegram", "liuliang_kf_01"), ("wechat", "ll_esim_88"), ("email", "renew@ll-esim.cn")}
    assert not re.search(r"\\_|&#64;", reduce_markdown(post))
