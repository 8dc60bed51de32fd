"""Hostile pages stay inert: crawled, pushed to a real Label Studio and opened in headless chromium with JavaScript
on, no payload reaches the loopback canary or changes the page title; the same payload served as a page does."""
from __future__ import annotations

import html
import json

import pytest

from tests.annotate.conftest import STUDIO_MARKS
from tests.annotate.loopback_site import Crawl, Site, open_task, push_corpus, requested_hosts
from tests.browser import Browser, needs_chromium

pytestmark = [*STUDIO_MARKS, needs_chromium]

WAIT = 2.0   # seconds a task stays open: timers, image loads and fetches fire well within it


def js(canary: str, name: str) -> str:
    """What every payload tries: a request to the canary and a new document title."""
    return (f"fetch('{canary}/hit/{name}',{{mode:'no-cors'}}).catch(()=>0);"
            f"new Image().src='{canary}/hit/{name}-img';document.title='pwned-{name}'")


def payloads(canary: str) -> dict[str, str]:
    """Markup by kind; each one would hit the canary and retitle the page if a browser ran it."""
    run = lambda name: html.escape(js(canary, name), quote=True)  # noqa: E731 (inside attributes)
    return {
        "script": f"<script>{js(canary, 'script')}</script>",
        "handlers": (f'<img src="x" onerror="{run("onerror")}"><details open ontoggle="{run("ontoggle")}">x'
                     f'</details><body onload="{run("onload")}">'),
        "jslink": (f'<a href="javascript:{run("jslink")}">download</a>'
                   f'<meta http-equiv="refresh" content="0;url=javascript:{run("refresh")}">'),
        "iframe": (f'<iframe src="{canary}/hit/iframe-src"></iframe>'
                   f'<iframe srcdoc="{html.escape("<script>" + js(canary, "srcdoc") + "</script>", quote=True)}">'
                   f'</iframe>'),
        "svg": (f'<svg xmlns="http://www.w3.org/2000/svg" onload="{run("svg-onload")}">'
                f'<script>{js(canary, "svg-script")}</script><image href="{canary}/hit/svg-image"/></svg>'),
    }


def html_page(kind: str, markup: str) -> bytes:
    """A spam-looking page carrying the payload live (tags) and as text (escaped), so the markup reaches the row's
    title and text as characters: the extractor drops live tags, Label Studio must show the characters inert."""
    shown = html.escape(markup)
    return (f"<!doctype html><html><head><title>{shown}</title></head><body>{markup}"
            f"<h2>Cheap eSIM {kind}</h2><p>Buy a Hong Kong eSIM today, contact Telegram @esim1088 for the price.</p>"
            f"<pre>{shown}</pre><p>{shown}</p></body></html>").encode()


def markdown_page(canary: str) -> bytes:
    """Raw Markdown (served as text/plain, as code hosts do) with HTML inside it."""
    return (f"# Free download {payloads(canary)['handlers']}\n\n{payloads(canary)['script']}\n\n"
            f"{payloads(canary)['svg']}\n\n[download now](javascript:{js(canary, 'md-link')})\n\n"
            f"![logo]({canary}/hit/md-image)\n\nContact Telegram @esim1088 for the key.\n").encode()


def own_words(row: dict) -> str:
    """Words only this page's task shows (how the test knows the task on screen is the one it opened)."""
    path = row["url"].rsplit("/", 1)[1]
    if path.endswith(".html"):
        return f"Cheap eSIM {path.removesuffix('.html')}"
    return "for the key" if path.endswith(".md") else "Notes: contact Telegram"


@pytest.fixture(scope="module")
def canary():
    with Site() as site:
        yield site


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Browser(tmp_path_factory.mktemp("chromium") / "chromium.log") as b:
        yield b


@pytest.fixture(scope="module")
def hostile_corpus(canary, tmp_path_factory):
    pages = {f"/{kind}.html": ("text/html; charset=utf-8", html_page(kind, markup))
             for kind, markup in payloads(canary.url).items()}
    pages["/raw/README.md"] = ("text/plain; charset=utf-8", markdown_page(canary.url))
    # a raw text file keeps every tag as written: the strongest case for the view
    notes = "Notes: contact Telegram @esim1088\n" + "\n".join(payloads(canary.url).values())
    pages["/raw/notes.txt"] = ("text/plain; charset=utf-8", notes.encode())
    with Site(pages) as site:
        yield Crawl([site.url + path for path in pages], tmp_path_factory.mktemp("hostile") / "corpus", "hostile")


def test_hostile_pages_stay_inert_in_the_labelling_view(hostile_corpus, shared_server, canary, browser, tmp_path):
    rows = hostile_corpus.rows()
    assert len(rows) == len(hostile_corpus.urls)
    assert canary.hits == [], "the crawl itself ran a payload"
    project_id, tasks = push_corpus(shared_server, hostile_corpus.corpus, tmp_path / "ann", "hostile")
    for row in rows:
        # the payload did reach the task as characters (HTML and text pages: the tags too; the Markdown reader
        # drops tags, not the script's words): the view is what keeps it inert
        shown_text = row["title"] + row["text"]
        assert canary.url + "/hit/" in shown_text and ("<" in shown_text or row["url"].endswith(".md")), row["url"]
        shown = open_task(browser, shared_server, project_id, tasks[row["doc_id"]], own_words(row), settle=0,
                          row_text=row["url"])
        title = browser.evaluate("document.title")
        browser.pause(WAIT)
        assert canary.hits == [], (row["url"], canary.hits)
        assert requested_hosts(browser) == {shared_server.url.split("/")[2]}, row["url"]
        assert browser.evaluate("document.title") == title and "pwned" not in title, row["url"]
        assert canary.url + "/hit/" in shown["text"]   # shown, as text
        assert shown["frames"] == 0, row["url"]   # shown as text, not as a page in a frame


def test_the_same_payload_does_fire_in_a_plain_page(canary, browser):
    """The canary and the browser can see a payload run: a zero above is a real zero."""
    with Site({"/page.html": ("text/html; charset=utf-8", html_page("script", payloads(canary.url)["script"]))}) \
            as site:
        before = len(canary.hits)
        browser.navigate(site.url + "/page.html")
        browser.wait_for(f"document.title === {json.dumps('pwned-script')}", timeout=10)
        browser.pause(0.5)
    assert "/hit/script" in canary.hits[before:]
    canary.hits.clear()   # the Label Studio test asserts zero hits
