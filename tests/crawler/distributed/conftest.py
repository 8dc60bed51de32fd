"""Distributed crawl test helpers: a private redis-server per test, a small sample web, workers as subprocesses."""
from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.distributed.local_server import LocalRedis
from spamcorpus.sample_web import serve_sample_web
from tests.conftest import redis_or_skip
from tests.crawler.conftest import CLI, REPO, child_env, job_file, read_rows

# real crawls on one shared Redis and sample web run one after another on one xdist worker
REDIS_GROUP = "redis_crawl"
FAST = ["--set", "SPAMCORPUS_REDIS_HEARTBEAT=0.5", "--set", "SPAMCORPUS_REDIS_WORKER_TTL=3",
        "--set", "SPAMCORPUS_PROGRESS=false", "--set", "SPAMCORPUS_RUNSTATS_INTERVAL=0.5"]


@pytest.fixture
def durable_redis(tmp_path):
    """A Redis that keeps its data across restarts (append-only file in its tmp dir)."""
    redis_or_skip()
    with LocalRedis(tmp_path / "redis-aof", appendonly=True) as server:
        yield server


@pytest.fixture(scope="module")
def small_web():
    with serve_sample_web(port=0, spam_pages=30, benign_pages=15) as server:
        yield server


@pytest.fixture(scope="module")
def small_job(small_web, tmp_path_factory) -> Path:
    return job_file(small_web, tmp_path_factory)


@pytest.fixture(scope="module")
def reference_ids(small_web, small_job, tmp_path_factory) -> set[str]:
    """The doc_ids one process without Redis commits for the small sample web."""
    corpus = tmp_path_factory.mktemp("reference") / "corpus"
    proc = subprocess.run([str(CLI), "crawl", str(small_job), "--out", str(corpus)], cwd=REPO, env=child_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ids = [r["doc_id"] for r in read_rows(corpus, ["doc_id"])]
    assert len(ids) == len(set(ids)) > 40
    return set(ids)


@dataclass
class Workers:
    """`spamcorpus crawl --redis` and `spamcorpus worker` processes of one job, run side by side."""

    procs: list[subprocess.Popen]
    logs: list[Path]

    def wait(self, timeout: float = 240) -> list[int]:
        ends = time.monotonic() + timeout
        for proc in self.procs:
            try:
                proc.wait(timeout=max(1.0, ends - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stop()
                raise AssertionError(f"workers still running after {timeout} s:\n{self.tails()}") from None
        return [p.returncode for p in self.procs]

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def tails(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2500:]}" for log in self.logs)


def start_workers(job: Path, corpus: Path, redis_url: str, count: int, extra: list[str] = (),
                  logs: Path | None = None) -> Workers:
    """`count` - 1 workers first (they wait for the job), then the crawl that opens it."""
    logs = logs or corpus.parent
    procs, paths = [], []
    for i in range(count):
        command = "worker" if i < count - 1 else "crawl"
        path = logs / f"{command}-{i}.log"
        args = [str(CLI), command, str(job), "--out", str(corpus), "--redis", redis_url, "--log-level", "INFO",
                *FAST, *extra]
        with open(path, "w") as fh:
            procs.append(subprocess.Popen(args, cwd=REPO, env=child_env(), stdout=fh, stderr=subprocess.STDOUT))
        paths.append(path)
    return Workers(procs, paths)


def run_records(corpus: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "_runs").glob("*.json"))]


def committed_ids(corpus: Path) -> list[str]:
    return [r["doc_id"] for r in read_rows(corpus, ["doc_id"])]
