"""Crawls killed with SIGKILL at several moments, then resumed: nothing torn, nothing twice, nothing lost."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from corpus.ids import canonicalize_url
from tests.crawler.conftest import CLI, CRAWL_GROUP, REPO, check_store_integrity, child_env, crawl_cli, read_rows

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]
SMALL_SHARDS = ["--set", "SPAMCORPUS_SHARD_ROWS=12", "--set", "SPAMCORPUS_PROGRESS=false",
                "--set", "SPAMCORPUS_RUNSTATS_INTERVAL=0.2"]


def _manifest_lines(corpus) -> int:
    try:
        return (corpus / "_manifest.jsonl").read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _recorded_commits(corpus, before: set) -> bool:
    """A run record written by this crawl (not one of `before`) already counts committed rows."""
    for path in (corpus / "_runs").glob("*.json"):
        if path.name not in before:
            try:
                if json.loads(path.read_text()).get("stats", {}).get("spamcorpus/rows_committed"):
                    return True
            except (OSError, ValueError):  # replaced while we read it
                continue
    return False


def _kill_when(server, args, corpus, *, requests_seen: int = 0, shards: int = 0, recorded: bool = False,
               deadline: float = 60.0) -> bool:
    """Start a crawl and SIGKILL it once the server saw `requests_seen` more requests or the manifest holds
    `shards` more lines (and, if `recorded`, its run record counts them). Returns False if it finished first."""
    start_requests, start_shards = len(server.requests), _manifest_lines(corpus)
    runs_before = {p.name for p in (corpus / "_runs").glob("*.json")}
    proc = subprocess.Popen([str(CLI), *args], cwd=REPO, env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        ends = time.monotonic() + deadline
        while time.monotonic() < ends and proc.poll() is None:
            if requests_seen and len(server.requests) - start_requests >= requests_seen:
                break
            if shards and _manifest_lines(corpus) - start_shards >= shards and (
                    not recorded or _recorded_commits(corpus, runs_before)):
                break
            time.sleep(0.005)
        if proc.poll() is not None:
            return False
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return True
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigkill_at_several_moments_then_resume_reaches_the_whole_site(sample_server, sample_job, tmp_path):
    corpus = tmp_path / "corpus"
    args = ["crawl", str(sample_job), "--out", str(corpus), *SMALL_SHARDS]
    committed: set[str] = set()
    kills = 0
    # before any commit (while fetching seeds and robots.txt), after the first shards, and well into the crawl
    for moment in ({"requests_seen": 6}, {"shards": 1}, {"shards": 3}, {"shards": 6, "recorded": True}):
        kills += _kill_when(sample_server, args, corpus, **moment)
        if not (corpus / "_manifest.jsonl").exists():
            continue
        check_store_integrity(corpus)
        now = {r["doc_id"] for r in read_rows(corpus, ["doc_id"])}
        assert committed <= now, "a committed row disappeared after a kill"
        committed = now
    assert kills >= 3, "the crawl finished before it could be killed: kill points need adjusting"
    # killed runs still left their counts (saved while running, finish_reason null), never a torn record
    records = [json.loads(p.read_text()) for p in (corpus / "_runs").glob("*.json")]
    assert records and all(r["finish_reason"] is None for r in records)
    assert any(r["stats"].get("spamcorpus/rows_committed") for r in records)
    assert 0 < len(committed) < len(sample_server.web.pages())
    final = crawl_cli(sample_server, args, corpus)
    assert final.returncode == 0, final.stderr[-3000:]
    check_store_integrity(corpus)
    rows = read_rows(corpus, ["doc_id", "final_url"])
    assert {r["final_url"] for r in rows} == {canonicalize_url(t.url) for t in sample_server.web.pages()}
    assert committed <= {r["doc_id"] for r in rows}
    stats = final.run_record()["stats"]
    assert stats["spamcorpus/resume/committed_rows"] == len(committed)
    assert stats["spamcorpus/resume/frontier_links"] > 0
