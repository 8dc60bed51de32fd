"""Browser-test plumbing: a loopback site that counts its hits, a real crawl of it, a real push to Label Studio."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from annotate import studio
from annotate.files import project_dir
from annotate.push import PushOptions, push
from corpus.annotations import read_ledger
from corpus.store import CorpusStore
from tests.browser import Browser, login_cookie

REPO = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("spamcorpus")
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class Site:
    """An HTTP server on 127.0.0.1 serving `pages` ({path: (content type, body)}) and recording every request."""

    def __init__(self, pages: dict[str, tuple[str, bytes]] | None = None):
        self.pages = dict(pages or {})
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                site.hits.append(self.path)
                ctype, body = site.pages.get(self.path.split("?")[0], ("text/plain", b"not here"))
                self.send_response(200 if self.path.split("?")[0] in site.pages else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")   # a page on another port may fetch
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Site":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["PYTHONPATH"] = str(REPO)
    return env


class Crawl:
    """`spamcorpus crawl` of exactly these URLs (no links followed) into `corpus`, running in a subprocess while
    the caller starts Label Studio (the two take ~10 s each); `rows()` waits for it and returns the committed rows."""

    def __init__(self, urls: list[str], corpus: Path, job: str = "browser-test"):
        self.corpus, self.urls = corpus, urls
        seeds = corpus.parent / f"{job}-seeds.txt"
        seeds.write_text("".join(u + "\n" for u in urls), encoding="utf-8")
        self.proc = subprocess.Popen([str(CLI), "crawl", "--seeds-file", str(seeds), "--out", str(corpus), "--job",
                                      job, "--follow", "none", "--depth", "0", "--allow-private-addresses"],
                                     cwd=REPO, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)

    def rows(self, timeout: float = 180) -> list[dict]:
        _out, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, err[-3000:]
        return CorpusStore(self.corpus, run_id="test-reader", create=False).read().to_pylist()


def push_corpus(server, corpus: Path, out: Path, project: str) -> tuple[int, dict[str, int]]:
    """A real `push` of the whole corpus; returns the project id and each doc_id's task id."""
    report = push(server.client(), PushOptions(project=project, corpus_dir=corpus, out_root=out))
    ledger = read_ledger(project_dir(out, project))
    return report.project_id, dict(zip(ledger.column("doc_id").to_pylist(), ledger.column("task_id").to_pylist()))


def task_url(server, project_id: int, task_id: int) -> str:
    """The labelling page of one task, as an annotator opens it from the project's data manager."""
    return f"{server.url}/projects/{project_id}/data?task={task_id}"


# What the annotation area shows, and where, measured in the page itself (rectangles in CSS pixels).
MEASURE = """(() => {
  const main = document.querySelector('.lsf-main-view__annotation');
  if (!main) return null;
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
                      return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const choice = v => [...main.querySelectorAll('.lsf-choice')].find(c => c.innerText.trim().startsWith(v));
  const radio = v => { const c = choice(v); const i = c && c.querySelector('input'); return i ? i.checked : null; };
  // what frames inside the annotation area show counts as shown too (an HTML view would render into one)
  const framed = [...main.querySelectorAll('iframe')].map(f => { try { return f.contentDocument.body.innerText; }
                                                                  catch (e) { return ''; } }).join(' ');
  return {text: main.innerText + framed, frames: main.querySelectorAll('iframe').length,
          verdict: Object.fromEntries(['spam', 'benign', 'borderline'].map(v =>
            [v, {box: box(choice(v)), hotkey: (choice(v) || {innerText: ''}).innerText.replace(v, '').trim(),
                 checked: radio(v)}])),
          note: box(main.querySelector('.lsf-text-area textarea')),
          header: box([...main.querySelectorAll('*')].find(e => e.children.length === 0 &&
                                                                e.innerText === 'Detector · spam score')),
          width: innerWidth, height: innerHeight};
})()"""


def open_task(browser: Browser, server, project_id: int, task_id: int, expect: str, settle: float = 0.5,
              row_text: str | None = None) -> dict:
    """Open a task's labelling page logged in as the server's admin (by clicking its row, the one showing
    `row_text`, when the project's data manager is already open); wait until its annotation area shows `expect`,
    and again after `settle` seconds (fonts, side panels); returns what MEASURE reads."""
    if browser.logged_in != server.url:   # one login per browser and server (~1 s each)
        creds = studio.load_credentials(server.data_dir)
        browser.set_cookie(server.url, "sessionid", login_cookie(server.url, creds.username, creds.password))
        browser.logged_in = server.url
    if row_text and browser.evaluate("location.pathname") == f"/projects/{project_id}/data":
        # already in the project's data manager: click the task's row, as an annotator does (no page reload)
        clicked = browser.evaluate("(() => { const r = [...document.querySelectorAll('.lsf-table-row')]"
                                   f".find(r => r.innerText.includes({json.dumps(row_text)})); "
                                   "if (r) r.click(); return !!r; })()")
        assert clicked, f"no task row shows {row_text!r}"
        browser.wait_for(f"new URLSearchParams(location.search).get('task') === '{task_id}'", timeout=30)
    else:
        browser.navigate(task_url(server, project_id, task_id), timeout=60)
    # `expect` must be this task's own text: after a row click the previous task stays on screen for a moment
    probe = f"(() => {{ const m = {MEASURE}; return m && m.text.includes({json.dumps(expect)}) ? m : null; }})()"
    shown = browser.wait_for(probe, timeout=60)
    if settle:
        browser.pause(settle)
        shown = browser.wait_for(probe, timeout=10)
    return shown


def requested_hosts(browser: Browser) -> set[str]:
    """host:port of every http(s) request the page made since it was navigated to."""
    return {e["params"]["request"]["url"].split("/")[2] for e in browser.events
            if e["method"] == "Network.requestWillBeSent" and e["params"]["request"]["url"].startswith("http")}


def inside(box: dict | None, width: int, height: int) -> bool:
    return box is not None and box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= height and \
        box["right"] <= width
