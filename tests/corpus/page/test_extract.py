"""Extraction of title, main text, whole text and links from HTML, Markdown and plain text."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.page.extract import detect_format, extract, link_form

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


SHELL = """<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8" />
<title>香港eSIM流量卡续费【TG @hk_esim_desk】</title>
<meta name="description" content="  香港eSIM到期续费，三分钟自助充值，不换号。
客服飞机 @hk_esim_desk，官网 hkesim88.vip  " />
<meta property="og:description" content="og copy, not read when a description is given" />
</head><body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>
<script type="module" src="/src/main.tsx"></script></body></html>"""


def test_an_app_shell_is_read_by_its_head_description():
    # a Vite/React index.html has an empty body: the description is the only prose the page carries
    ex = extract(SHELL, base_url="https://code.example.org/u/esim/raw/main/index.html", doc_format="html")
    assert ex.text == "香港eSIM到期续费，三分钟自助充值，不换号。 客服飞机 @hk_esim_desk，官网 hkesim88.vip"
    og_only = SHELL.replace('name="description"', 'name="keywords"')
    assert extract(og_only, base_url="https://a.example/", doc_format="html").text == (
        "og copy, not read when a description is given")
    # a page with a body of its own keeps it: the description is not added
    full = SHELL.replace('<div id="root"></div>', "<main><p>办理流程：选择套餐，付款，扫码安装。</p></main>")
    assert extract(full, base_url="https://a.example/", doc_format="html").text == "办理流程：选择套餐，付款，扫码安装。"
    blank = '<html><head><title>t</title><meta name="description" content="  "></head><body></body></html>'
    assert extract(blank, base_url="https://a.example/", doc_format="html").text == ""


def test_a_page_whose_main_content_is_empty_is_read_whole():
    # resiliparse's main-content heuristics drop a popup as chrome; its visible text is all the page says
    popup = """<html><head><title>Popup Plataforma</title></head><body>
<div id="popup" class="popup"><div class="popup-content">
<h2 class="popup-title">NOVO LANÇAMENTO</h2><p class="popup-text">Bônus de 100% no primeiro depósito</p>
<div class="alert" role="alert">DEPÓSITO MÍNIMO R$ 20,00</div>
<a href="https://bet.example.com/c-abc?lang=pt" class="button">Entre agora na plataforma</a>
<button class="popup-close" onclick="closePopup()">Fechar</button></div></div></body></html>"""
    ex = extract(popup, base_url="https://a.example/", doc_format="html")
    assert "Bônus de 100% no primeiro depósito" in ex.text and "Entre agora na plataforma" in ex.text
    assert "NOVO LANÇAMENTO" in ex.full_text


def test_a_template_title_is_replaced_by_the_title_its_code_sets():
    php = ("<?php $page_title = '联系我们 | 香港eSIM客服'; ?><html><head>"
           "<title><?= htmlspecialchars($page_title, ENT_QUOTES, 'UTF-8') ?></title></head>"
           "<body><h1>客服中心</h1><p>工作时间 10:00-22:00</p></body></html>")
    assert extract(php, base_url="https://a.example/contact.php", doc_format="html").title == "联系我们 | 香港eSIM客服"
    blade = "<html><head><title>{{ $title }}</title></head><body><h1>Renew your data card</h1></body></html>"
    assert extract(blade, base_url="https://a.example/", doc_format="html").title == "Renew your data card"
    jinja = blade.replace("{{ $title }}", "{% block title %}Home{% endblock %}")
    assert extract(jinja, base_url="https://a.example/", doc_format="html").title == "Renew your data card"


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
    # source files: their `# comment` lines are not headings (and HTML in their strings is kept as text)
    ("text/plain", "https://a.example/raw/patch.txt", "# -*- coding: utf-8 -*-\nimport os\n# step one\n# two\n", "text"),
    ("text/plain", "https://a.example/raw/page.txt", "<?php\n# one\n# two\n", "text"),
    ("text/plain", "https://a.example/raw/site.txt", 'export const SITE = "x";\n# a\n# b\n', "text"),
    ("text/plain", "https://a.example/raw/tool.py", "# Tool\n\n- item\n- item\n", "text"),
    ("text/plain", "https://a.example/raw/README.md", "import this\n", "markdown"),
    ("text/plain", "https://a.example/raw/notes", "Using this tool\n# a\n# b\n", "markdown"),
    # a keyword starts a source file only with the syntax that follows it in code; prose that starts with it is not one
    ("text/plain", "https://a.example/raw/notes", "let me explain how it works\n# a\n# b\n", "markdown"),
    ("text/plain", "https://a.example/raw/notes", "import the file into Excel\n# a\n# b\n", "markdown"),
    ("text/plain", "https://a.example/raw/notes", "using this tool you can\n# a\n# b\n", "markdown"),
    ("text/plain", "https://a.example/raw/notes", "function of the card\n# a\n# b\n", "markdown"),
    ("text/plain", "https://a.example/raw/bot", "let handler = async (m, { conn }) => {\n# a\n# b\n", "text"),
    ("text/plain", "https://a.example/raw/app", "import streamlit as st\n# a\n# b\n", "text"),
    ("text/plain", "https://a.example/raw/main", "package main\n# a\n# b\n", "text"),
    ("text/plain", "https://a.example/raw/Site", "using System;\n# a\n# b\n", "text"),
    ("text/plain", "https://a.example/raw/Site", "public class Site {\n# a\n# b\n", "text"),
])
def test_detect_format(ctype, url, head, expected):
    assert detect_format(ctype, url, head) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["html", "markdown", "text"]))
def test_never_raises(text, fmt):
    ex = extract(text, base_url="https://a.example/p", doc_format=fmt)
    assert all(link.startswith(("http://", "https://")) for link in ex.links)
    assert len(ex.links) == len(set(ex.links))


# -- links: saved pages (inputs/ body + meta.json -> output.json), regenerate with SPAMCORPUS_UPDATE_FIXTURES=1 --------
LINK_FIXTURES = Path(__file__).parent / "fixtures" / "links"
LINK_CASES = sorted(p.name for p in LINK_FIXTURES.iterdir() if (p / "inputs" / "meta.json").is_file())
# every URL the fixtures hide in <script>, <style>, on*= handlers, javascript:/data:/vbscript: targets, code or
# (in HTML) plain text lives on a host named after its hiding place
HIDDEN = re.compile(r"//(?:script|style|on[a-z]+|js|data|code|template|text)(?:-[a-z]+)*\.example/")


def link_view(case: str) -> dict:
    inputs = LINK_FIXTURES / case / "inputs"
    meta = json.loads((inputs / "meta.json").read_text(encoding="utf-8"))
    body = (inputs / meta["body"]).read_text(encoding="utf-8")
    fmt = detect_format(meta["headers"]["content-type"], meta["url"], body[:4096])
    ex = extract(body, base_url=meta["url"], doc_format=fmt)
    return {"doc_format": ex.doc_format, "links": ex.links, "contact_hrefs": ex.contact_hrefs, "anchors": ex.anchors}


def test_link_fixtures_cover_markdown_and_html():
    assert {"md_hostile", "md_queries", "html_hostile"} <= set(LINK_CASES)


@pytest.mark.parametrize("case", LINK_CASES)
def test_link_fixture(case):
    got = link_view(case)
    expected_file = LINK_FIXTURES / case / "output.json"
    if os.environ.get("SPAMCORPUS_UPDATE_FIXTURES") == "1":
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))
    # independent of the saved expectation: nothing hidden ever becomes a link, and every link is http(s)
    assert [link for link in got["links"] if HIDDEN.search(link)] == []
    assert all(urlsplit(link).scheme in ("http", "https") for link in got["links"])
    assert all(not h.lower().startswith(("javascript:", "data:", "vbscript:")) for h in got["contact_hrefs"])


def test_markdown_hostile_page_keeps_its_real_links():
    got = link_view("md_hostile")
    assert got["doc_format"] == "markdown"  # served as text/plain, read as Markdown by its .md suffix
    assert got["links"] == [
        "https://t.me/esim_real", "https://shop.example-esim.io/order", "https://docs.example-esim.io/install",
        "https://bit.ly/esimPrices", "http://www.mirror.example-esim.io/faq", "https://cjk.example-esim.io/",
        "https://real-anchor.example/a", "https://block-anchor.example/b"]
    assert got["contact_hrefs"] == ["mailto:sales@example-esim.io", "tg://resolve?domain=esim_real"]
    assert got["anchors"]["https://real-anchor.example/a"] == "real anchor"
    assert "https://img.example-esim.io/qr.png" not in got["links"]  # an image source is not a link


def test_queries_are_kept_as_written():
    links = link_view("md_queries")["links"]
    base = "https://pages.example-host.io/esim/"
    assert links == [
        "https://pages.example-host.io/search?x", "https://pages.example-host.io/search?x=",
        "https://shop.example.org/p?b=2&a=1", base + "list?tag=a&tag=b", "https://shop.example.org/item?id=5",
        "https://shop.example.org/s?q=%E6%B5%81%E9%87%8F%E5%8D%A1", "https://shop.example.org/s?q=%E6%B5%81",
        "https://shop.example.org/x", "https://shop.example.org/b?Z", "https://shop.example.org/auto?y",
        "https://shop.example.org/bare?flag"]


@pytest.mark.parametrize("url,stored", [
    ("https://a.example/p?x", "https://a.example/p?x"),
    ("HTTP://A.Example:80/./p?b=2&a=1#f", "http://a.example/p?b=2&a=1"),
    ("https://a.example/p?utm_source=x&x&UTM_medium=y&si=1", "https://a.example/p?x"),
    ("https://a.example/p?q=a b&r=\"<>\"", "https://a.example/p?q=a%20b&r=%22%3C%3E%22"),
    ("https://a.example/p?", "https://a.example/p"),
])
def test_link_form_keeps_the_query_and_normalises_the_rest(url, stored):
    assert link_form(url) == stored


def test_huge_markdown_reads_links_from_its_first_part_only():
    from corpus.page.markdown_links import MAX_CHARS
    line = "[shop](https://a.example/{})\n"
    early, late = line.format("early"), line.format("late")
    doc = early + "words " * (MAX_CHARS // 6) + "\n" + late
    assert extract(doc, base_url="https://a.example/", doc_format="markdown").links == ["https://a.example/early"]


def test_html_hostile_page():
    got = link_view("html_hostile")
    assert got["links"] == ["https://shop.example-esim.io/cn/order?x", "https://shop.example-esim.io/docs?b=2&a=1",
                            "https://real-anchor.example/a", "https://area.example/m"]
    assert got["anchors"]["https://area.example/m"] == "area map"


# -- property: hostile fragments never yield a link, whatever Markdown or HTML surrounds them -------------------------
HOSTILE = [
    '<script>var u = "http://evil{i}.example/"; document.write(\'<a href="http://evil{i}.example/w">x</a>\');'
    ' // [x](http://evil{i}.example/md) <https://evil{i}.example/auto> www.evil{i}.example/bare</script>',
    # blank lines inside a script block: it must open at a line start (indented it would be code, and the lines
    # after a blank line real, visible Markdown)
    "\n\n<script>\n\nlocation = http://evil{i}.example/blank\n\n[x](https://evil{i}.example/md)\n</script>",
    "<style>a{{background:url(http://evil{i}.example/bg.png)}} /* [x](https://evil{i}.example/) */</style>",
    "<a href=\"javascript:location='http://evil{i}.example/'\">j</a>",
    "<a onclick=\"location.href='http://evil{i}.example/'\">o</a>",
    "<div onmouseover=\"window.open('https://evil{i}.example/')\">hover</div>",
    "[j](javascript:location='http://evil{i}.example/')",
    "[j](javascript:go(http://evil{i}.example/))",
    "[d](data:text/html;base64,PHNjcmlwdD4=) <a href=\"data:text/html,&lt;a href=http://evil{i}.example/&gt;\">d</a>",
    "<a href=\"vbscript:msgbox('http://evil{i}.example/')\">v</a>",
    "<a href=\"java&#x09;script:alert('http://evil{i}.example/')\">t</a>",
    "<javascript:alert('http://evil{i}.example/')>",
    "[r{i}]: javascript:alert('http://evil{i}.example/')\n\n[x][r{i}]",
]
REAL = ["[ok{i}](https://ok{i}.example/p?x)", "<https://ok{i}.example/a>",
        '<a href="https://ok{i}.example/h" onclick="steal()">h</a>']
# filler shapes the blocks around the fragments (headings, lists, quotes, indented code, code spans) but cannot
# itself write a link or a tag
filler = st.lists(st.sampled_from(list("ab 中文\n#*->`_~.!?") + ["\n\n", "    ", "```\n", "1. "]), max_size=10).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(filler, st.sampled_from(HOSTILE + REAL)), min_size=1, max_size=8),
       st.sampled_from(["markdown", "html"]))
def test_hostile_fragments_never_become_links(parts, fmt):
    doc = "".join(pad + frag.format(i=i) for i, (pad, frag) in enumerate(parts))
    ex = extract(doc, base_url="https://site.example/dir/page.md", doc_format=fmt)
    for link in ex.links + ex.contact_hrefs:
        assert not link.lower().startswith(("javascript:", "data:", "vbscript:")), (link, doc)
    assert [link for link in ex.links if "evil" in link] == [], doc
    assert all(urlsplit(link).scheme in ("http", "https") for link in ex.links)


def test_real_links_beside_hostile_fragments_are_kept():
    doc = "\n\n".join(f.format(i=i) for i, f in enumerate(REAL + HOSTILE))
    for fmt, want in (("markdown", ["https://ok0.example/p?x", "https://ok1.example/a", "https://ok2.example/h"]),
                      ("html", ["https://ok2.example/h"])):  # HTML has no Markdown links
        assert extract(doc, base_url="https://site.example/", doc_format=fmt).links == want


# -- a real crawl: what a hostile raw Markdown page makes the crawler request at depth 1 -----------------------------
HOSTILE_README = """# Seller README

Order at [the shop](/real/shop?x) or <{origin}/real/auto>.

<script>
var next = "{origin}/hidden/script-block";
</script>

Inline <script>location = "{origin}/hidden/script-inline"</script> and
<a href="javascript:location='{origin}/hidden/js-anchor'" onclick="location='{origin}/hidden/onclick'">x</a>
[run](javascript:location='{origin}/hidden/js-md') <span onmouseover="open('{origin}/hidden/onmouseover')">y</span>
"""


@pytest.mark.slow
def test_a_crawl_follows_only_the_real_links_of_a_markdown_page(tmp_path):
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.crawler.conftest import CLI, REPO, child_env

    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append(self.path)
            origin = f"http://127.0.0.1:{self.server.server_port}"
            body = (HOSTILE_README.format(origin=origin) if self.path == "/README.md"
                    else f"# Page {self.path}\n\nPlain words on a linked page.\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")  # as raw-file hosts serve Markdown
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_port
        job = tmp_path / "md.toml"
        job.write_text(f"""name = "md-links"
[seeds]
urls = ["http://127.0.0.1:{port}/README.md"]
[follow]
depth = 1
allowed_hosts = ["127.0.0.1"]
mode = "all"
[politeness]
obey_robots = false
autothrottle = false
[safety]
allow_private_addresses = true
""", encoding="utf-8")
        proc = subprocess.run([str(CLI), "crawl", str(job), "--out", str(tmp_path / "corpus")], cwd=REPO,
                              env=child_env(), capture_output=True, text=True, timeout=180)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p for p in seen if p.startswith("/hidden")] == []
    assert sorted(seen) == ["/README.md", "/real/auto", "/real/shop?x"]  # the query as written, not `?x=`
