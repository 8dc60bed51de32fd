"""`spamcorpus demo --workers 2`: the demo's crawl by two processes on a private Redis reaches the whole sample web."""
from __future__ import annotations

import subprocess
from collections import Counter

import pytest

from corpus.ids import canonicalize_url
from crawler.distributed.local_server import free_port
from tests.crawler.conftest import CLI, REPO, check_store_integrity, child_env, read_rows
from tests.crawler.distributed.conftest import REDIS_GROUP, redis_or_skip

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(REDIS_GROUP)]


def test_demo_with_two_workers_crawls_the_whole_sample_web(sample_server, tmp_path):
    redis_or_skip()
    port = free_port()
    corpus = tmp_path / "corpus"
    proc = subprocess.run([str(CLI), "demo", "--workers", "2", "--no-studio", "--port", str(port),
                           "--out", str(corpus)], cwd=REPO, env=child_env(), capture_output=True, text=True,
                          timeout=400)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "2 processes share the job on redis-server 127.0.0.1:" in proc.stdout
    check_store_integrity(corpus)
    rows = read_rows(corpus, ["doc_id", "final_url", "run_id"])
    assert len(rows) == len({r["doc_id"] for r in rows})
    expected = {canonicalize_url(t.url).replace(f":{sample_server.port}/", f":{port}/")
                for t in sample_server.web.pages()}
    assert {r["final_url"] for r in rows} == expected
    assert len(Counter(r["run_id"] for r in rows)) == 2, "both processes committed rows"
