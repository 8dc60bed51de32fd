"""Studio lifecycle rows of issue 10: a started server is recorded and found, moves are refused, titles checked."""
from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess

import httpx
import psutil
import pytest
from click.testing import CliRunner

from annotate import studio, studio_state
from spamcorpus.cli import main
from corpus.store import CorpusStore
from tests.studio_servers import studio_test
from tests.conftest import make_row


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """The per-user record in a tmp dir, never the real home; cwd in tmp so no default datasets/studio is found."""
    path = tmp_path / "state" / "studio.json"
    monkeypatch.setenv(studio_state.STATE_VAR, str(path))
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    return path


def _record(tmp_path, name: str, pid: int, pid_started: float) -> studio_state.Running:
    running = studio_state.Running(str((tmp_path / name).resolve()), pid, "127.0.0.1", 1, "http://127.0.0.1:1",
                                   "spamcorpus demo", "2025-01-01T00:00:00+00:00", pid_started)
    studio_state.record(running)
    return running


def test_stale_records_are_dropped_and_reported_and_never_signalled(isolated, tmp_path):
    exited = subprocess.Popen(["true"])
    exited.wait()
    sleeper = subprocess.Popen(["sleep", "60"])   # alive, but not Label Studio: a recycled pid looks like this
    try:
        _record(tmp_path, "gone", exited.pid, 1.0)
        _record(tmp_path, "recycled", sleeper.pid, psutil.Process(sleeper.pid).create_time())
        assert len(studio_state.recorded()) == 2
        result = CliRunner().invoke(main, ["studio", "stop"])
        assert result.exit_code == 0, result.output
        assert f"removed a stale record: Label Studio at http://127.0.0.1:1 (pid {exited.pid}" in result.output
        assert f"(pid {sleeper.pid}, data in {tmp_path / 'recycled'}" in result.output
        assert f"not running (none recorded in {isolated}" in result.output and "nothing to stop" in result.output
        assert sleeper.poll() is None   # the stale pid was not signalled
        assert json.loads(isolated.read_text())["servers"] == {}
        status = CliRunner().invoke(main, ["studio", "status"])
        assert status.exit_code == 3 and f"none recorded in {isolated}" in status.output
        assert "removed a stale record" not in status.output   # reported once, then gone
    finally:
        sleeper.kill()
        sleeper.wait()


def test_nothing_recorded_says_so(isolated):
    result = CliRunner().invoke(main, ["studio", "stop"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert result.output.strip() == f"not running (none recorded in {isolated}, none running from " \
                                    "datasets/studio); nothing to stop"
    assert not isolated.exists()   # reading the record creates nothing


def test_state_path_defaults_to_the_users_state_dir(monkeypatch, tmp_path):
    monkeypatch.delenv(studio_state.STATE_VAR, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert studio_state.state_path() == tmp_path / "spamcorpus" / "studio.json"
    monkeypatch.setenv("XDG_STATE_HOME", "relative")   # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert studio_state.state_path() == tmp_path / "home" / ".local" / "state" / "spamcorpus" / "studio.json"


def _tree_digest(root) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _project_titles(url: str, token: str) -> list[str]:
    answer = httpx.get(f"{url}/api/projects", params={"page_size": 1000}, headers={"Authorization": f"Token {token}"})
    answer.raise_for_status()
    return [p["title"] for p in answer.json()["results"]]


@pytest.mark.parametrize("title, says", [
    ("", "project title '' is blank: give 3 to 50 characters"),
    ("   ", "project title '   ' is blank"),
    (" padded ", "starts or ends with spaces"),
    ("ab", "project title 'ab' has 2 characters; Label Studio allows 3 to 50"),
    ("t" * 51, "has 51 characters; Label Studio allows 3 to 50"),
    ("two\nlines", "holds control characters"),
])
def test_bad_project_titles_are_input_errors_before_any_request(isolated, tmp_path, title, says):
    # nothing listens on this port: a request would end in "unreachable", exit 1
    corpus = tmp_path / "corpus"
    CorpusStore(corpus).commit([make_row("http://a.example/1", "x")])
    before = _tree_digest(corpus)
    env = {"LABEL_STUDIO_URL": f"http://127.0.0.1:{studio.free_port()}", "LABEL_STUDIO_API_KEY": "0" * 40}
    result = CliRunner().invoke(main, ["push", "--project", title, "--corpus", str(corpus),
                                       "--out", str(tmp_path / "ann")], env=env)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: --project: project title ") and says in result.output
    assert len(result.output.splitlines()) == 1 or title == "two\nlines"   # one line (the title's own aside)
    assert "Traceback" not in result.output and "unreachable" not in result.output
    assert not (tmp_path / "ann").exists() and _tree_digest(corpus) == before



@studio_test
def test_recorded_server_found_moves_refused_titles_checked(studio_template, isolated, tmp_path):
    data = studio.copy_data_dir(studio_template, tmp_path / "elsewhere")   # not the default datasets/studio
    port, other = studio.free_port(), studio.free_port()
    url = f"http://127.0.0.1:{port}"
    runner = CliRunner()
    try:
        started = runner.invoke(main, ["studio", "start", "--data-dir", str(data), "--port", str(port)])
        assert started.exit_code == 0, started.output
        assert f"stop it with `spamcorpus studio stop --data-dir {data}`" in started.output
        pid = studio.status(data).pid
        # the per-user record: where it runs and who started it, owner-only, no credentials
        record = json.loads(isolated.read_text())["servers"][str(data.resolve())]
        assert (record["pid"], record["port"], record["url"]) == (pid, port, url)
        assert record["started_by"] == "spamcorpus studio start"
        assert stat.S_IMODE(os.stat(isolated).st_mode) == 0o600
        creds = studio.load_credentials(data)
        for secret in (creds.token, creds.password):
            assert secret not in isolated.read_text() and secret not in (data / studio.PIDFILE).read_text()

        # row: `studio start --port 8091` while it runs on 8090 -> says where it runs, exit 1, nothing started
        moved = runner.invoke(main, ["studio", "start", "--data-dir", str(data), "--port", str(other)])
        assert moved.exit_code == 1 and "Traceback" not in moved.output
        assert f"Label Studio already runs on port {port}, not {other}: {url} (pid {pid}, data in {data}" \
               in moved.output
        assert studio.port_is_free(other) and studio.status(data).pid == pid
        same = runner.invoke(main, ["studio", "start", "--data-dir", str(data), "--port", str(port)])
        assert same.exit_code == 0 and f"already running at {url} (pid {pid}" in same.output
        unasked = runner.invoke(main, ["studio", "start", "--data-dir", str(data)])   # default port: no move asked
        assert unasked.exit_code == 0 and "already running" in unasked.output
        # another data dir on its port: the error names the recorded studio that holds it
        second = studio.copy_data_dir(studio_template, tmp_path / "second")
        busy = runner.invoke(main, ["studio", "start", "--data-dir", str(second), "--port", str(port)])
        assert busy.exit_code == 1 and "Traceback" not in busy.output
        assert f"port {port} on 127.0.0.1 is in use by the Label Studio at {url} (pid {pid}, data in " \
               f"{data.resolve()}, started by `spamcorpus studio start`); choose another with --port" in busy.output
        assert not studio.status(second).running and str(second.resolve()) not in isolated.read_text()

        # bare status and env find it through the record
        status = runner.invoke(main, ["studio", "status"])
        assert status.exit_code == 0 and f"running at {url} (pid {pid}, healthy, data in {data}" in status.output
        env = runner.invoke(main, ["studio", "env"])
        assert f"export LABEL_STUDIO_URL={url}" in env.output

        # row: `push --project ''` -> exit 2 before any request; a 50-character title is what the server takes
        corpus = tmp_path / "corpus"
        CorpusStore(corpus).commit([make_row("http://a.example/1", "x")])
        before, projects = _tree_digest(corpus), _project_titles(url, creds.token)
        for title in ("", "  ", "t" * 51):
            bad = runner.invoke(main, ["push", "--project", title, "--corpus", str(corpus), "--studio-dir", str(data),
                                       "--out", str(tmp_path / "ann")])
            assert bad.exit_code == 2 and "--project: project title" in bad.output, bad.output
        assert _project_titles(url, creds.token) == projects and not (tmp_path / "ann").exists()
        assert _tree_digest(corpus) == before
        longest = runner.invoke(main, ["push", "--project", "t" * 50, "--corpus", str(corpus), "--studio-dir",
                                       str(data), "--out", str(tmp_path / "ann")])
        assert longest.exit_code == 0, longest.output
        assert "t" * 50 in _project_titles(url, creds.token)

        # bare `studio stop` stops the recorded server (its data is not in the default dir)
        stopped = runner.invoke(main, ["studio", "stop"])
        assert stopped.exit_code == 0, stopped.output
        assert stopped.output.strip() == f"stopped Label Studio at {url} (pid {pid}, data in {data.resolve()}, " \
                                         "started by `spamcorpus studio start`)"
        assert not psutil.pid_exists(pid) and studio.port_is_free(port)
        assert json.loads(isolated.read_text())["servers"] == {}
        again = runner.invoke(main, ["studio", "stop"])
        assert again.exit_code == 0 and "nothing to stop" in again.output
    finally:
        studio.stop(data)
