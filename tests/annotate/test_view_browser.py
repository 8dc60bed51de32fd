"""The labelling view in a real headless chromium: the detector's explanation, the title once, the verdict and the
note on the first screen, hotkeys working (a real page crawled, pushed to a real Label Studio, opened logged in)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from corpus.realworld import load_realworld
from tests.annotate.conftest import STUDIO_MARKS
from tests.annotate.loopback_site import Crawl, Site, inside, open_task, push_corpus, requested_hosts
from tests.browser import VIEWPORT, Browser, needs_chromium

pytestmark = [*STUDIO_MARKS, needs_chromium]

ARTIFACTS = Path(__file__).with_name("artifacts")
README_SHOT = Path(__file__).resolve().parents[2] / "docs" / "labelling-view.png"
DOC_ID = "zt-001"   # a real spam page of the development set: long Chinese Markdown, a Telegram contact


@pytest.fixture(scope="module")
def spam_page(tmp_path_factory):
    """The real spam page, served on 127.0.0.1, being crawled by `spamcorpus crawl` (`.rows()` waits for it)."""
    doc = next(d for d in load_realworld() if d.id == DOC_ID)
    with Site({"/tianxiex/pay/README.md": (doc.content_type, doc.text.encode())}) as site:
        yield Crawl([site.url + "/tianxiex/pay/README.md"], tmp_path_factory.mktemp("view") / "corpus")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Browser(tmp_path_factory.mktemp("chromium") / "chromium.log") as b:
        yield b


@pytest.mark.realworld  # its page is a real spam post of the pinned set
def test_labelling_view_explains_the_guess_on_the_first_screen(spam_page, shared_server, browser, tmp_path):
    (row,) = spam_page.rows()
    assert row["spam_score"] >= 0.5 and row["spam_signals"] and row["family_guess"] != "other", row
    project_id, tasks = push_corpus(shared_server, spam_page.corpus, tmp_path / "ann", "labelling-view")
    shown = open_task(browser, shared_server, project_id, tasks[row["doc_id"]], row["title"])
    shot = browser.screenshot(ARTIFACTS / "labelling-view.png")
    if not README_SHOT.exists() or os.environ.get("SPAMCORPUS_UPDATE_SCREENSHOTS"):
        README_SHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, README_SHOT)   # the README's copy: refreshed on request only, so runs leave git clean

    assert (shown["width"], shown["height"]) == VIEWPORT
    assert requested_hosts(browser) == {shared_server.url.split("/")[2]}   # the page asked nothing of anyone else
    text = shown["text"]
    # the detector's explanation: score with its verdict, family guess, strongest signals (by name, in order)
    assert f"{row['spam_score']:.2f} (spam)" in text
    assert row["family_guess"] in text
    assert ", ".join(row["spam_signals"][:3]) in text
    # the stored text starts with the title as a Markdown heading: shown once all the same
    assert row["text"].lstrip().startswith("## " + row["title"])
    assert text.count(row["title"]) == 1, text[:600]
    # verdict choices, their hotkeys, the explanation and the note box: all inside the first 1280x800 screen
    assert {v: c["hotkey"] for v, c in shown["verdict"].items()} == {"spam": "[1]", "benign": "[2]",
                                                                      "borderline": "[3]"}
    for what, box in [("header", shown["header"]), ("note", shown["note"]),
                      *((v, c["box"]) for v, c in shown["verdict"].items())]:
        assert inside(box, *VIEWPORT), (what, box)
    # the pre-annotation is the detector's verdict; the hotkey changes it
    assert shown["verdict"]["spam"]["checked"] and not shown["verdict"]["borderline"]["checked"]
    browser.evaluate("document.activeElement && document.activeElement.blur()")
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", {"type": kind, "key": "3", "code": "Digit3", "text": "3",
                                                "windowsVirtualKeyCode": 51})
    browser.wait_for("(() => { const c = [...document.querySelectorAll('.lsf-main-view__annotation .lsf-choice')]"
                     ".find(c => c.innerText.trim().startsWith('borderline')); "
                     "return c && c.querySelector('input').checked; })()", timeout=10)
