"""Crawl test helpers: one sample web per test session, crawls in subprocesses (one reactor each), corpus readers."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.store import CorpusStore
from spamcorpus.sample_web import RequestRecord, SampleWebServer, serve_sample_web

REPO = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("spamcorpus")
SCRAPY = Path(sys.executable).with_name("scrapy")
# Real crawls share one xdist worker (and so the session's server and full crawl) under --dist loadgroup.
# pytest 9.2 with pytest-xdist 3.8 ignores the group (pytest-dev/pytest-xdist#1386): each worker then builds
# its own server and full crawl, which costs time but not correctness, because no test depends on another.
CRAWL_GROUP = "sample_crawl"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = str(REPO)
    return env


@dataclass
class CrawlRun:
    """One crawl subprocess: its output, the requests the sample web saw meanwhile, and its corpus."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    corpus: Path
    requests: list[RequestRecord] = field(default_factory=list)

    def run_record(self) -> dict:
        """This crawl's _runs/<run>.json (named in its last output line), else the newest one."""
        match = re.search(r"\(run (\S+)\)", self.stdout)
        mine = self.corpus / "_runs" / f"{match.group(1)}.json" if match else None
        if mine is not None and mine.exists():
            return json.loads(mine.read_text(encoding="utf-8"))
        runs = sorted((self.corpus / "_runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
        assert runs, f"no run record in {self.corpus}; stderr:\n{self.stderr[-3000:]}"
        return json.loads(runs[-1].read_text(encoding="utf-8"))

    def drops(self) -> dict[str, int]:
        prefix = "spamcorpus/drops/"
        return {k[len(prefix):]: v for k, v in self.run_record()["stats"].items() if k.startswith(prefix)}


def crawl_cli(server: SampleWebServer, args: list[str], corpus: Path, *, timeout: float = 180,
              program: Path = CLI) -> CrawlRun:
    before = len(server.requests)
    started = time.monotonic()
    proc = subprocess.run([str(program), *args], cwd=REPO, env=child_env(), capture_output=True, text=True,
                          timeout=timeout)
    return CrawlRun(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started, corpus,
                    server.requests[before:])


def read_rows(corpus: Path, columns: list[str] | None = None) -> list[dict]:
    return CorpusStore(corpus, run_id="test-reader", create=False).read(columns=columns).to_pylist()


def check_store_integrity(corpus: Path) -> None:
    """What a reader may see is whole, before and after recovery; no doc_id is committed twice.

    Before recovery (a plain pyarrow reader of the directory, as the README shows): every file it would read
    is complete and committed. A kill between the manifest line and the rename leaves a committed shard in
    _staging (invisible to such readers); recovery, which every store reader runs first, rolls it forward.
    """
    store = CorpusStore(corpus, run_id="test-reader", create=False)
    listed_before = {e["shard"] for e in store.manifest()}
    for path in corpus.glob("crawl_job=*/*"):
        assert path.relative_to(corpus).as_posix() in listed_before, f"uncommitted file visible: {path}"
        pq.read_table(path)  # a torn file has no footer and fails here
    store.recover()
    entries = store.manifest()
    listed = {corpus / e["shard"] for e in entries}
    for entry in entries:
        path = corpus / entry["shard"]
        assert path.exists(), f"manifest names a missing shard {entry['shard']}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["shard"]
        assert pq.read_metadata(path).num_rows == entry["rows"]
    stray = {p for p in corpus.glob("crawl_job=*/*") if p not in listed}
    assert not stray, f"files beside the committed shards: {sorted(map(str, stray))}"
    ids = [r["doc_id"] for r in read_rows(corpus, ["doc_id"])]
    assert len(ids) == len(set(ids)), "a doc_id is committed twice"
    warcs = {w["warc"]: w for w in store.warc_files()}  # committed with their shards: whole, none beside them
    for rel, warc in warcs.items():
        assert hashlib.sha256((corpus / rel).read_bytes()).hexdigest() == warc["warc_sha256"], rel
    stray_warcs = {p.relative_to(corpus).as_posix() for p in corpus.glob("_warc/*/*")} - set(warcs)
    assert not stray_warcs, f"uncommitted WARC files visible: {sorted(stray_warcs)}"
    for row in read_rows(corpus, ["warc_file"]):  # a row never points at a WARC file that is not committed
        assert row["warc_file"] is None or row["warc_file"] in warcs or Path(row["warc_file"]).is_absolute()


@pytest.fixture(scope="session")
def sample_server():
    with serve_sample_web(port=0) as server:
        yield server


def job_file(server: SampleWebServer, tmp_path_factory) -> Path:
    """The bundled job file aimed at `server` (same text, this server's port), in a fresh directory."""
    path = tmp_path_factory.mktemp("job") / "sample_web.toml"
    path.write_text(server.job_toml(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_job(sample_server, tmp_path_factory) -> Path:
    return job_file(sample_server, tmp_path_factory)


@pytest.fixture(scope="session")
def full_crawl(sample_server, sample_job, tmp_path_factory) -> CrawlRun:
    """One complete crawl of the sample web with the bundled job, shared by the assertions about it."""
    corpus = tmp_path_factory.mktemp("full") / "corpus"
    # one shard and one WARC file whatever the machine's load (the tests about it read one archive): a crawl slowed
    # past SPAMCORPUS_COMMIT_SECONDS by a busy machine would otherwise commit twice
    run = crawl_cli(sample_server, ["crawl", str(sample_job), "--out", str(corpus), "--log-level", "INFO",
                                    "--set", "SPAMCORPUS_COMMIT_SECONDS=3600"], corpus)
    assert run.returncode == 0, run.stderr[-5000:]
    return run
