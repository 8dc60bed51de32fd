"""Page extraction in real worker processes: same rows as in-process, crashes and hangs cost one counted drop."""
from __future__ import annotations

import asyncio
import os
import signal
from datetime import datetime, timezone

import pytest

from crawler.extensions.page_workers import PageFailed, PageWorkers
from corpus.page.row import PageInput, PageRejected, build_row

SPAM = ("<html><head><title>流量卡怎么续费？[TG @esim_seller88]</title></head><body><h1>流量卡续费教程</h1>"
        "<p>很多朋友问流量卡到期以后怎么续费，其实步骤很简单。</p><footer>业务咨询 TG：@esim_seller88 "
        '微信：vx_card2024 <a href="https://t.me/s/esim_seller88">t.me/s/esim_seller88</a></footer></body></html>')
BENIGN = ("<html><head><title>Setting up an eSIM</title></head><body><h1>eSIM setup</h1><p>Open the settings "
          "of your phone, choose mobile data and scan the QR code your carrier gave you.</p></body></html>")
# a hostile page: ~4 MB of mentions and links takes seconds to extract (measured ~3 s on an idle core)
HUGE = "<html><title>big</title><body>" + "".join(
    f'<p>第{i}段 联系 TG @seller{i % 97:03d}x 微信 vx{i % 89:04d} <a href="/p/{i}">更多 {i}</a></p>'
    for i in range(60_000)) + "</body></html>"


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, float] = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count

    def set_value(self, key, value):
        self.values[key] = value


class Crawler:  # what PageWorkers reads of a crawler: its stats
    def __init__(self) -> None:
        self.stats = Stats()


def page(html: str, n: int = 0, content_type: str = "text/html; charset=utf-8") -> PageInput:
    url = f"http://blog.example/post/{n}"
    return PageInput(url=url, final_url=url, status=200, headers={"content-type": content_type},
                     body=html.encode(), fetched_at=datetime(2026, 11, 1, tzinfo=timezone.utc), crawl_job="t",
                     run_id="r")


async def _gather(workers: PageWorkers, pages: list[PageInput]) -> list:
    return await asyncio.gather(*(workers.build_row(p) for p in pages), return_exceptions=True)


def test_rows_from_workers_equal_rows_built_in_process():
    pages = [page(SPAM if i % 2 else BENIGN, i) for i in range(40)]
    workers = PageWorkers(1, timeout=60, crawler=Crawler())
    try:
        rows = asyncio.run(_gather(workers, pages))
    finally:
        workers.close()
    assert rows == [build_row(p) for p in pages]
    assert {c["value"] for c in rows[1]["contacts"]} >= {"esim_seller88", "vx_card2024"}
    assert workers.crawler.stats.values["spamcorpus/page_workers/cpu_seconds"] > 0


def test_rejected_pages_keep_their_reason():
    workers = PageWorkers(1, timeout=60)
    try:
        results = asyncio.run(_gather(workers, [page("GIF89a", 1, "image/gif"), page("   ", 2)]))
    finally:
        workers.close()
    assert [type(r) for r in results] == [PageRejected, PageRejected]
    assert [r.reason for r in results] == ["unsupported_content_type", "empty_body"]


def test_a_killed_worker_is_replaced_and_its_pages_are_tried_again():
    crawler = Crawler()
    workers = PageWorkers(1, timeout=60, crawler=crawler)

    async def scenario():
        first = await workers.build_row(page(SPAM, 0))
        (pid,) = workers._usage  # the one worker that built it
        os.kill(pid, signal.SIGKILL)  # as a crash in native code or the OOM killer would
        return first, await _gather(workers, [page(SPAM, i) for i in range(1, 20)])

    try:
        first, rows = asyncio.run(scenario())
    finally:
        workers.close()
    assert all(isinstance(r, dict) for r in rows), rows
    assert rows[0]["contacts"] == first["contacts"]
    assert crawler.stats.values["spamcorpus/page_workers/restarts"] >= 1


@pytest.mark.slow
def test_a_page_over_the_timeout_is_dropped_and_the_others_survive():
    crawler = Crawler()
    # the huge page needs ~9 s; 3 s leaves room for the replacement worker's start on a loaded 2-core CI machine
    workers = PageWorkers(1, timeout=3.0, crawler=crawler)
    try:
        workers.start()
        asyncio.run(workers.build_row(page(BENIGN, 0)))  # the worker is warm before the clock matters
        results = asyncio.run(_gather(workers, [page(HUGE, 1), *[page(SPAM, i) for i in range(2, 12)]]))
    finally:
        workers.close()
    assert isinstance(results[0], PageFailed) and results[0].reason == "extraction_timeout"
    assert all(isinstance(r, dict) for r in results[1:]), results[1:]
    assert crawler.stats.values["spamcorpus/page_workers/restarts"] >= 1


def test_no_workers_means_in_process():
    workers = PageWorkers(0, timeout=60)
    rows = asyncio.run(_gather(workers, [page(SPAM, 1), page("GIF89a", 2, "image/gif")]))
    workers.close()
    assert rows[0] == build_row(page(SPAM, 1)) and isinstance(rows[1], PageRejected)
    assert workers._pool is None


CRAWLER = """
import asyncio, sys, time
sys.path.insert(0, {root!r})
from crawler.extensions.page_workers import PageWorkers
from tests.crawler.test_page_workers import BENIGN, page
if __name__ == "__main__":
    workers = PageWorkers(1, timeout=60)
    workers.start()
    asyncio.run(workers.build_row(page(BENIGN, 0)))
    print("ready", flush=True)
    time.sleep(120)
"""


def test_a_crawler_killed_with_sigkill_leaves_no_process_behind(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    import psutil

    script = tmp_path / "crawler.py"
    script.write_text(CRAWLER.format(root=str(Path(__file__).resolve().parents[2])))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        helpers = psutil.Process(proc.pid).children(recursive=True)  # fork server, worker, resource tracker
        assert len(helpers) >= 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        _gone, alive = psutil.wait_procs(helpers, timeout=15)
        assert not alive, f"left behind: {[p.cmdline()[-1][:80] for p in alive]}"
    finally:
        proc.kill()


def test_the_pool_is_an_extension_started_and_closed_by_the_crawlers_signals():
    from scrapy import signals
    from scrapy.utils.test import get_crawler

    from crawler import settings as project

    ours = {name: getattr(project, name) for name in dir(project) if name.startswith("SPAMCORPUS_")}
    crawler = get_crawler(settings_dict={**ours, "SPAMCORPUS_PAGE_WORKERS": 1, "SPAMCORPUS_PAGE_TIMEOUT": 7.5,
                                         "SPAMCORPUS_PAGE_BATCH": 3})
    assert "crawler.extensions.page_workers.PageWorkers" in project.EXTENSIONS
    workers = PageWorkers.from_crawler(crawler)
    assert (workers.workers, workers.timeout, workers.batch) == (1, 7.5, 3)
    assert workers.retries_after_crash == project.SPAMCORPUS_PAGE_RETRIES_AFTER_CRASH
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    try:
        assert workers._pool is not None  # forked on open, before the first page
        row = asyncio.run(workers.build_row(page(BENIGN, 5)))
        assert row["title"] == "Setting up an eSIM"
    finally:
        crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert workers._pool is None
