"""The README's main command end to end: `spamcorpus demo` crawls, groups and pushes to a real Label Studio."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from annotate import studio
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


def _demo(tmp_path: Path, data_dir: Path, port: int, studio_port: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and not k.startswith("LABEL_STUDIO")}
    args = [str(CLI), "demo", "--port", str(port), "--out", str(tmp_path / "corpus"), "--studio-dir", str(data_dir),
            "--studio-port", str(studio_port), "--annotations", str(tmp_path / "annotations")]
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=400)


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
    finally:
        studio.stop(data_dir)
