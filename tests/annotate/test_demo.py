"""The README's main command end to end: `spamcorpus demo` crawls, groups and pushes to a real Label Studio."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from annotate import studio, studio_state
from corpus.annotations import read_ledger
from corpus.campaigns import read_campaigns
from corpus.store import open_corpus
from tests.studio_servers import STUDIO_MARKS

pytestmark = STUDIO_MARKS
REPO = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("spamcorpus")


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and not k.startswith("LABEL_STUDIO")}
    env[studio_state.STATE_VAR] = str(tmp_path / "state" / "studio.json")   # never the real user's record
    return env


def _demo(tmp_path: Path, data_dir: Path, port: int, studio_port: int) -> subprocess.CompletedProcess:
    args = [str(CLI), "demo", "--port", str(port), "--out", str(tmp_path / "corpus"), "--studio-dir", str(data_dir),
            "--studio-port", str(studio_port), "--annotations", str(tmp_path / "annotations")]
    return subprocess.run(args, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True, timeout=400)


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    # from tmp_path: a bare `studio stop` must find the demo's server through the record, not a datasets/studio
    return subprocess.run([str(CLI), *args], cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=120)


def test_demo_crawls_groups_and_pushes_once(studio_template, tmp_path):
    data_dir = studio.copy_data_dir(studio_template, tmp_path / "studio")
    port, studio_port = _free_port("127.0.0.2"), _free_port("127.0.0.1")
    try:
        first = _demo(tmp_path, data_dir, port, studio_port)
        assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
        rows = open_corpus(tmp_path / "corpus").read(columns=["doc_id"]).num_rows
        assert rows > 400  # the sample web's documents
        assigned = read_campaigns(tmp_path / "corpus")
        assert assigned.num_rows == rows
        pushed = int(re.search(r"(\d+) pushed now", first.stdout).group(1))
        ledger = read_ledger(tmp_path / "annotations" / "spamcorpus-demo")
        assert 0 < pushed == ledger.num_rows < rows  # at most 3 rows per campaign, not the whole corpus
        assert f"log in at http://127.0.0.1:{studio_port}/projects/" in first.stdout

        again = _demo(tmp_path, data_dir, port, studio_port)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "0 pushed now" in again.stdout
        assert open_corpus(tmp_path / "corpus").read(columns=["doc_id"]).num_rows == rows
        assert read_ledger(tmp_path / "annotations" / "spamcorpus-demo").num_rows == pushed

        # the printed stop command names the data dir; the bare one finds the server through the record
        assert f"stop it with `spamcorpus studio stop --data-dir {data_dir}`" in again.stdout
        pid = studio.status(data_dir).pid
        stopped = _cli(tmp_path, "studio", "stop")
        assert stopped.returncode == 0, stopped.stderr
        assert stopped.stdout.strip() == f"stopped Label Studio at http://127.0.0.1:{studio_port} (pid {pid}, " \
                                         f"data in {data_dir.resolve()}, started by `spamcorpus demo`)"
        assert not studio_state.pid_alive(pid) and studio.port_is_free(studio_port)   # (a zombie no longer runs)
        status = _cli(tmp_path, "studio", "status", "--data-dir", str(data_dir))
        assert status.returncode == 3 and "not running" in status.stdout
    finally:
        studio.stop(data_dir)
