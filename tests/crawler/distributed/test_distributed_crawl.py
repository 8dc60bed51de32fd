"""Real distributed crawls of the small sample web on a real Redis: the rows of one process, whatever happens."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest

from crawler.distributed.keys import JobKeys, connect
from tests.crawler.conftest import CLI, REPO, check_store_integrity, child_env
from tests.crawler.distributed.conftest import REDIS_GROUP, committed_ids, run_records, start_workers

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(REDIS_GROUP)]


@pytest.mark.parametrize("count", [2, 3])
def test_workers_commit_exactly_the_rows_of_one_process(count, small_job, reference_ids, redis_server, tmp_path):
    corpus = tmp_path / "corpus"
    workers = start_workers(small_job, corpus, redis_server.url, count)
    codes = workers.wait()
    assert codes == [0] * count, workers.tails()
    check_store_integrity(corpus)
    ids = committed_ids(corpus)
    assert len(ids) == len(set(ids)), "a row was committed twice"
    assert set(ids) == reference_ids
    records = run_records(corpus)
    assert len(records) == count and all(r["finish_reason"] == "finished" for r in records)
    # no page was fetched twice. (How the pages split is timing: on a loaded machine one worker may take the
    # whole small site before the others start, so the split is not asserted; the bench measures sharing.)
    extracted = sum(r["stats"].get("spamcorpus/pages_extracted", 0) for r in records)
    assert extracted == len(reference_ids)
    status = subprocess.run([str(CLI), "crawl", str(small_job), "--status", "--redis", redis_server.url], cwd=REPO,
                            env=child_env(), capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("job sample-web: finished; queued 0,") and "0 workers alive" in status.stdout


def _wait_for(predicate, timeout: float, what: str) -> None:
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _extracted(corpus, run_prefix_pid: int) -> int:
    for record in run_records(corpus):
        if f"-{run_prefix_pid}-" in record["run_id"]:
            return int(record["stats"].get("spamcorpus/pages_extracted", 0))
    return 0


def _leases(url: str, pid: int) -> int:
    """Requests leased now by the worker process `pid` (read from Redis: its heartbeat names its pid)."""
    server = connect(url, patience=2)
    keys = JobKeys("sample-web")
    for raw in server.smembers(keys.workers):
        worker = raw.decode()
        if server.hget(keys.heartbeat(worker), "pid") == str(pid).encode():
            return int(server.hlen(keys.inflight(worker)))
    return 0


def test_a_worker_killed_mid_crawl_loses_nothing(small_job, reference_ids, redis_server, tmp_path):
    corpus = tmp_path / "corpus"
    # a per-host delay keeps the crawl going for several seconds; small shards commit as it goes
    slow = ["--set", "DOWNLOAD_DELAY=0.5", "--set", "SPAMCORPUS_SHARD_ROWS=3"]
    workers = start_workers(small_job, corpus, redis_server.url, 3, slow)
    victim = workers.procs[0]
    try:
        # SIGKILL once the victim has pages of its own (committed or buffered) and others are still queued
        _wait_for(lambda: (_extracted(corpus, victim.pid) >= 1 and _leases(redis_server.url, victim.pid) >= 1)
                  or victim.poll() is not None, 120, "the first worker's pages and leases")
        assert victim.poll() is None, "the crawl ended before the worker could be killed:\n" + workers.tails()
        status = subprocess.run([str(CLI), "crawl", "--status", "--redis", redis_server.url], cwd=REPO,
                                env=child_env(), capture_output=True, text=True, timeout=60)
        assert status.returncode == 0 and status.stdout.startswith("job sample-web: running; queued "), status
        alive = re.search(r"(\d+) workers? alive", status.stdout)
        assert alive and int(alive.group(1)) >= 2, status.stdout  # the third may still be starting
        assert status.stdout.count(" pages/s ") == int(alive.group(1)), status.stdout
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        codes = workers.wait()
    finally:
        workers.stop()
    assert codes[0] == -signal.SIGKILL
    assert codes[1:] == [0, 0], workers.tails()
    check_store_integrity(corpus)
    ids = committed_ids(corpus)
    assert len(ids) == len(set(ids)), "a row was committed twice"
    assert set(ids) == reference_ids
    survivors = [r for r in run_records(corpus) if r["finish_reason"] == "finished"]
    assert len(survivors) == 2
    # the killed worker's leased requests came back through a survivor's re-queue
    assert sum(r["stats"].get("spamcorpus/distributed/requeued_from_dead", 0) for r in survivors) > 0


def test_redis_restarted_mid_crawl_resumes_to_the_same_rows(small_job, reference_ids, durable_redis, tmp_path):
    corpus = tmp_path / "corpus"
    slow = ["--set", "DOWNLOAD_DELAY=0.3", "--set", "SPAMCORPUS_SHARD_ROWS=3"]
    workers = start_workers(small_job, corpus, durable_redis.url, 2, slow)
    try:
        _wait_for(lambda: (corpus / "_manifest.jsonl").exists()
                  and (corpus / "_manifest.jsonl").read_bytes().count(b"\n") >= 1, 120, "the first shard")
        assert all(p.poll() is None for p in workers.procs), "the crawl ended before Redis could be restarted"
        durable_redis.restart(down_seconds=1.0)
        codes = workers.wait()
    finally:
        workers.stop()
    assert codes == [0, 0], workers.tails()
    check_store_integrity(corpus)
    ids = committed_ids(corpus)
    assert len(ids) == len(set(ids)), "a row was committed twice"
    assert set(ids) == reference_ids


def test_the_page_limit_is_the_jobs_across_workers_and_the_rest_resumes(small_job, reference_ids, redis_server,
                                                                       tmp_path):
    limited = tmp_path / "limited.toml"
    limited.write_text(small_job.read_text().replace("pages = 2000", "pages = 12"))
    corpus2 = tmp_path / "corpus2"
    workers = start_workers(limited, corpus2, redis_server.url, 2, ["--set", "SPAMCORPUS_SHARD_ROWS=5"])
    codes = workers.wait()
    assert codes == [0, 0], workers.tails()
    assert len(set(committed_ids(corpus2))) == 12
    assert all(r["finish_reason"] == "closespider_pagecount" for r in run_records(corpus2))
    # the same command again resumes from the queue left in Redis, 12 more pages a run, until the site is done
    for _ in range(10):
        proc = subprocess.run([str(CLI), "crawl", str(limited), "--out", str(corpus2), "--redis", redis_server.url],
                              cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr[-3000:]
        ids = committed_ids(corpus2)
        if len(ids) == len(reference_ids):
            break
    assert len(ids) == len(set(ids)) and set(ids) == reference_ids
