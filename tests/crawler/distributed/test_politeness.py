"""Two workers against one host never exceed the job's per-host concurrency or go under its delay (server's clock)."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.crawler.distributed.conftest import REDIS_GROUP, committed_ids, run_records, start_workers

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(REDIS_GROUP)]
PAGES = 40
DELAY = 0.2
CONCURRENCY = 2


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        started = time.monotonic()
        if self.path == "/robots.txt":
            body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
        else:
            n = int(self.path.strip("/") or 0)
            links = "".join(f'<a href="/{m}">page {m}</a> ' for m in range(n + 1, min(PAGES, n + 8)))
            body = (f"<html><head><title>page {n}</title></head><body><p>{'words ' * 80}</p>{links}"
                    "</body></html>").encode()
            kind = "text/html; charset=utf-8"
            time.sleep(0.05)  # long enough for overlapping downloads to show
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with self.server.lock:
            self.server.spans.append((started, time.monotonic(), self.path))


@pytest.fixture
def recording_host():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    server.spans, server.lock = [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_two_workers_share_one_hosts_delay_and_concurrency(recording_host, redis_server, tmp_path):
    port = recording_host.server_address[1]
    job = tmp_path / "one_host.toml"
    job.write_text(f'''name = "one-host"
[seeds]
urls = ["http://127.0.0.1:{port}/0"]
[follow]
depth = 50
[politeness]
autothrottle = false
concurrency_per_host = {CONCURRENCY}
download_delay = {DELAY}
[safety]
allow_private_addresses = true
''')
    corpus = tmp_path / "corpus"
    workers = start_workers(job, corpus, redis_server.url, 2)
    codes = workers.wait()
    assert codes == [0, 0], workers.tails()
    assert len(set(committed_ids(corpus))) == PAGES
    records = run_records(corpus)
    assert all(r["stats"].get("spamcorpus/pages_extracted", 0) > 0 for r in records), "one worker did all"
    spans = sorted(recording_host.spans)
    assert sum(1 for *_, path in spans if path == "/robots.txt") == 1, "robots.txt is fetched once for the job"
    pages = [s for s in spans if s[2] != "/robots.txt"]
    assert len(pages) == PAGES
    starts = [s[0] for s in spans]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    # the server sees a request some milliseconds after its slot was taken (more on a loaded machine), so single
    # gaps jitter around the delay; two workers each keeping only its own delay would interleave, halving them
    assert sum(gaps) / len(gaps) >= DELAY * 0.95, sorted(gaps)[:5]
    assert min(gaps) >= DELAY / 2, sorted(gaps)[:5]
    events = sorted([(s, 1) for s, _, _ in spans] + [(e, -1) for _, e, _ in spans])
    busy = peak = 0
    for _, step in events:
        busy += step
        peak = max(peak, busy)
    assert peak <= CONCURRENCY
