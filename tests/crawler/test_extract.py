"""Extraction of title, main text, whole text and links from HTML, Markdown and plain text."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import detect_format, extract, reduce_markdown

PAGE = """<!DOCTYPE html><html><head><title>  境外流量卡 &amp; 香港eSIM  </title>
<style>.hidden{display:none} body::after{content:"STYLE-LEAK"}</style>
<script>document.write("SCRIPT-LEAK"); var tg = "@script_handle";</script>
<base href="https://shop.example-sim.cn/cn/">
</head><body>
<nav><a href="/">首页</a> | <a href="list.html">文章列表</a> | <a href="list.html#top">再来一次</a></nav>
<template><p>TEMPLATE-LEAK</p></template><noscript>NOSCRIPT-LEAK</noscript>
<article><h1>香港eSIM卡怎么办理</h1>
<p>很多朋友第一次接触香港eSIM，难免会有疑问。下面详细介绍办理的几个关键步骤，照着做就行，整个流程其实并不复杂。</p>
<p>选择套餐时一定要找靠谱的渠道，避免上当。我们提供一对一指导，全程有专人跟进，支付宝和微信都可以。</p>
<p><a href="https://t.me/s/esim1088">TG @esim1088</a> <img src="a.png" alt="客服二维码"></p></article>
<footer>联系我们 <a href="mailto:Sales@Esim-Shop.cn">邮件</a> <a href="tg://resolve?domain=esim1088">TG</a>
<a href="javascript:alert(1)">x</a> <a href="http://[broken">bad</a> <a href="HTTPS://Shop.Example-Sim.cn:443/cn/list.html?utm_source=x">同上</a>
微信：esim_1088</footer></body></html>"""


def test_html_fields():
    ex = extract(PAGE, base_url="https://mirror.example.net/a/b.html", doc_format="html")
    assert ex.doc_format == "html"
    assert ex.title == "境外流量卡 & 香港eSIM"
    assert "很多朋友第一次接触香港eSIM" in ex.text and "TG @esim1088" in ex.text
    assert "微信：esim_1088" not in ex.text          # footer is boilerplate
    assert "微信：esim_1088" in ex.full_text and "文章列表" in ex.full_text
    assert "客服二维码" in ex.full_text              # alt text is visible text
    for leak in ("STYLE-LEAK", "SCRIPT-LEAK", "script_handle", "TEMPLATE-LEAK", "NOSCRIPT-LEAK"):
        assert leak not in ex.text and leak not in ex.full_text
    # <base href> resolves relative links; canonical, deduplicated, in document order; junk skipped
    assert ex.links == ["https://shop.example-sim.cn/", "https://shop.example-sim.cn/cn/list.html",
                        "https://t.me/s/esim1088"]
    assert ex.contact_hrefs == ["mailto:Sales@Esim-Shop.cn", "tg://resolve?domain=esim1088"]
    assert ex.anchors["https://t.me/s/esim1088"] == "TG @esim1088"


def test_title_falls_back_to_h1():
    ex = extract("<html><body><h1> 第一 标题 </h1><p>正文</p></body></html>", base_url="https://a.cn/", doc_format="html")
    assert ex.title == "第一 标题"


def test_broken_html_still_extracts():
    # unclosed elements, a stray end tag, and a body cut off in the middle of an attribute
    html = ("<html><head><title>Cheap eSIM</title><body><div><p>Order your travel eSIM today</span>"
            "<a href='https://t.me/cheap_esim'>TG <b>now<p>Second paragraph<a href='https://t.me/cut_off")
    ex = extract(html, base_url="https://a.example/", doc_format="html")
    assert ex.title == "Cheap eSIM"
    assert "Order your travel eSIM today" in ex.full_text and "Second paragraph" in ex.full_text
    assert ex.links[0] == "https://t.me/cheap_esim"


SEED_STYLE = """# TM卡上网卡怎么续费？轻松掌握续费流程[[TG💪+ @esim1088](https://t.me/s/esim1088)]

随着科技的发展，很多人离不开上网卡。详见 <https://docs.example.org/guide> 或 www.example.org/faq。

[点击咨询][kf] ![二维码](https://img.example.net/qr.png) 再看 https://example.com/a).

[kf]: https://bit.ly/3xYzAb "客服"

[[TG💪+ @esim1088](https://t.me/s/esim1088) ![Image](https://img.example.net/x.png)]
"""


def test_markdown_fields():
    ex = extract(SEED_STYLE, base_url="https://raw.example.org/u/r/main/post.md", doc_format="markdown")
    assert ex.title == "TM卡上网卡怎么续费？轻松掌握续费流程[TG💪+ @esim1088]"
    assert "[TG💪+ @esim1088 Image]" in ex.text
    assert "](http" not in ex.text and "[kf]:" not in ex.text
    assert ex.links == ["https://t.me/s/esim1088", "https://docs.example.org/guide", "http://www.example.org/faq",
                        "https://bit.ly/3xYzAb", "https://example.com/a"]
    assert ex.anchors["https://bit.ly/3xYzAb"] == "点击咨询"
    assert ex.text == ex.full_text


def test_markdown_setext_title_and_hidden_html():
    md = "Travel eSIM guide\n=================\n\n<script>alert('MD-LEAK')</script>Body text here.\n"
    ex = extract(md, base_url="https://a.example/x.md", doc_format="markdown")
    assert ex.title == "Travel eSIM guide"
    assert "MD-LEAK" not in ex.text and "Body text here." in ex.text


def test_plain_text():
    ex = extract("\n\n  First line title  \nsecond line https://t.me/esim1088.\n", base_url="https://a.example/x.txt",
                 doc_format="text")
    assert (ex.title, ex.links, ex.doc_format) == ("First line title", ["https://t.me/esim1088"], "text")


@pytest.mark.parametrize("ctype,url,head,expected", [
    ("text/html; charset=utf-8", "https://a.example/x.md", "# not used", "html"),
    ("text/markdown", "https://a.example/x", "plain words", "markdown"),
    ("text/x-markdown", "https://a.example/x", "plain words", "markdown"),
    ("text/plain", "https://raw.example.org/u/r/main/README.md", "Just words.", "markdown"),
    ("text/plain; charset=utf-8", "https://a.example/post", "# Title\n\nSome [link](https://t.me/x)\n", "markdown"),
    ("text/plain", "https://a.example/notes.txt", "Just some notes.\nNothing else.", "text"),
    ("text/plain", "https://a.example/page", "<!DOCTYPE html><html><body>x</body></html>", "html"),
    ("", "https://a.example/page", "<html><body><p>x</p></body></html>", "html"),
    ("", "https://a.example/page", "<!-- c --><html><body><p>x</p></body></html>", "html"),
    (None, "https://a.example/page", "hello", "text"),
])
def test_detect_format(ctype, url, head, expected):
    assert detect_format(ctype, url, head) == expected


def test_reduce_markdown_keeps_visible_words():
    assert reduce_markdown("[TG💪+ @esim1088](https://t.me/s/esim1088)") == "TG💪+ @esim1088"
    assert reduce_markdown("![alt words](x.png) and [a [nested] label](u)") == "alt words and a [nested] label"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["html", "markdown", "text"]))
def test_never_raises(text, fmt):
    ex = extract(text, base_url="https://a.example/p", doc_format=fmt)
    assert all(link.startswith(("http://", "https://")) for link in ex.links)
    assert len(ex.links) == len(set(ex.links))
