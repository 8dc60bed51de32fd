"""`spamcorpus worker` and `crawl --status/--redis`: clear one-line errors, and the status of a job on Redis."""
from __future__ import annotations

import subprocess

import pytest

from crawler.distributed.local_server import free_port
from tests.crawler.conftest import CLI, REPO, child_env
from tests.crawler.distributed.conftest import REDIS_GROUP

pytestmark = [pytest.mark.xdist_group(REDIS_GROUP)]


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], cwd=REPO, env=child_env(), capture_output=True, text=True,
                          timeout=timeout)


def test_unreachable_redis_is_a_usage_error_before_any_request(small_job, tmp_path):
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"  # nothing listens there
    for command in ("crawl", "worker"):
        proc = _run(command, str(small_job), "--out", str(tmp_path / "c"), "--redis", url)
        assert proc.returncode == 2, proc.stderr
        assert "cannot reach Redis" in proc.stderr and "Traceback" not in proc.stderr
        assert "hunter2" not in proc.stderr + proc.stdout, "the password is never shown"
        assert not (tmp_path / "c" / "_manifest.jsonl").exists()


def test_worker_and_status_need_a_redis(small_job, tmp_path):
    proc = _run("worker", str(small_job), "--out", str(tmp_path / "c"))
    assert proc.returncode == 2 and "a worker needs a Redis" in proc.stderr
    proc = _run("crawl", "--status")
    assert proc.returncode == 2 and "--status needs --redis" in proc.stderr


def test_a_worker_without_a_job_waits_then_says_so(small_job, redis_server, tmp_path):
    proc = _run("worker", str(small_job), "--out", str(tmp_path / "c"), "--redis", redis_server.url,
                "--set", "SPAMCORPUS_REDIS_JOIN_WAIT=1")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "no job sample-web is open" in proc.stderr and "Traceback" not in proc.stderr
    proc = _run("crawl", "--status", "--redis", redis_server.url)
    assert proc.returncode == 0 and proc.stdout.startswith("no job on redis://127.0.0.1:")
