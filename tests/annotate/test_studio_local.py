"""Local studio pieces that need no running server: ports, credentials, environment, connection choice, CLI errors."""
import os
import socket
import stat

import pytest
from click.testing import CliRunner

from annotate import studio
from annotate.connection import Connection, resolve
from annotate.errors import PortBusy, StudioNotConfigured
from spamcorpus.cli import main
from corpus.store import CorpusStore
from tests.conftest import make_row


def test_busy_port_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not studio.port_is_free(port)
        with pytest.raises(PortBusy, match=str(port)):
            studio.start(tmp_path / "studio", port=port)
    assert not (tmp_path / "studio" / studio.PIDFILE).exists()
    assert studio.port_is_free(port)


def test_credentials_are_random_owner_only_and_kept(tmp_path):
    creds = studio.ensure_credentials(tmp_path / "s")
    assert len(creds.token) == 40 and creds.password and "@" in creds.username
    assert stat.S_IMODE(os.stat(tmp_path / "s" / studio.CREDENTIALS).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "s").st_mode) == 0o700
    assert studio.ensure_credentials(tmp_path / "s") == creds
    assert studio.ensure_credentials(tmp_path / "t").token != creds.token


def test_server_environment(tmp_path, monkeypatch):
    for name, value in {"HOST": "0.0.0.0", "PORT": "1", "USERNAME": "me", "PASSWORD": "pw",
                        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false", "HEARTEX_X": "1"}.items():
        monkeypatch.setenv(name, value)
    creds = studio.Credentials("u@x.local", "pw", "t" * 40)
    env = studio._server_env(tmp_path, creds)
    assert not {"HOST", "PORT", "USERNAME", "PASSWORD", "HEARTEX_X"} & set(env)
    assert env["LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK"] == "true"
    assert env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] == "true" and env["DJANGO_DB"] == "sqlite"
    assert env["LABEL_STUDIO_COLLECT_ANALYTICS"] == "false" and env["SENTRY_DSN"] == ""
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(tmp_path.resolve())


def test_status_of_a_dir_that_never_ran(tmp_path):
    state = studio.status(tmp_path)
    assert not state.running and state.url is None
    assert not studio.stop(tmp_path)


def test_connection_from_environment_or_local(tmp_path):
    conn = resolve(tmp_path, {"LABEL_STUDIO_URL": "http://10.0.0.9:8080/", "LABEL_STUDIO_API_KEY": "secret-key"})
    assert conn == Connection("http://10.0.0.9:8080", "secret-key", "environment")
    assert "secret-key" not in repr(conn)
    with pytest.raises(StudioNotConfigured, match="LABEL_STUDIO_API_KEY"):
        resolve(tmp_path, {"LABEL_STUDIO_URL": "http://x"})
    with pytest.raises(StudioNotConfigured, match="studio start"):
        resolve(tmp_path, {})


def test_cli_without_any_studio_fails_cleanly(tmp_path, monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    CorpusStore(tmp_path / "c").commit([make_row("http://a.example/1", "x")])
    runner = CliRunner()
    result = runner.invoke(main, ["push", "--project", "proj", "--corpus", str(tmp_path / "c"),
                                  "--studio-dir", str(tmp_path / "s")])
    assert result.exit_code == 1 and "studio start" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["studio", "status", "--data-dir", str(tmp_path / "s")])
    assert result.exit_code == 3 and "not running" in result.output
    result = runner.invoke(main, ["agreement", "--project", "proj", "--out", str(tmp_path / "a")])
    assert result.exit_code == 1 and "pull" in result.output


def test_cli_server_down_fails_cleanly(tmp_path, monkeypatch):
    port = studio.free_port()  # nothing listens there
    monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "0" * 40)
    CorpusStore(tmp_path / "c").commit([make_row("http://a.example/1", "x")])
    for args in (["push", "--project", "proj", "--corpus", str(tmp_path / "c")], ["pull", "--project", "proj"]):
        result = CliRunner().invoke(main, args + ["--out", str(tmp_path / "a")])
        assert result.exit_code == 1, result.output
        assert "unreachable" in result.output and "Traceback" not in result.output and "0" * 40 not in result.output


def test_stale_pid_file_is_not_a_running_studio(tmp_path):
    # after a reboot the recorded pid may belong to anything: here, this very test process
    (tmp_path / studio.PIDFILE).write_text(f'{{"pid": {os.getpid()}, "url": "http://127.0.0.1:1"}}')
    assert not studio.status(tmp_path).running
    assert not studio.stop(tmp_path)  # and never signals the process the stale file names
    assert not (tmp_path / studio.PIDFILE).exists()


def test_stopping_waits_for_the_whole_process_group_and_frees_its_port(tmp_path):
    # a leader that exits at once on SIGTERM and a worker that holds the listening socket a while longer, as a
    # server's workers can: the port is free only once the worker is gone too
    import subprocess
    import sys
    import time

    from annotate import studio_state

    worker = tmp_path / "worker.py"
    worker.write_text(
        "import signal, socket, sys, time\n"
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('127.0.0.1', 0)); s.listen()\n"
        "signal.signal(signal.SIGTERM, lambda *a: (time.sleep(1.0), sys.exit(0)))\n"
        "print(s.getsockname()[1], flush=True)\n"
        "time.sleep(60)\n")
    leader = subprocess.Popen(["sh", "-c", f'"{sys.executable}" "{worker}" & wait'], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        port = int(leader.stdout.readline())
        assert not studio.port_is_free(port) and studio_state.group_alive(leader.pid)
        started = time.monotonic()
        studio._terminate(leader.pid)
        assert time.monotonic() - started >= 0.8  # it waited for the worker, not only for the leader
        assert not studio_state.group_alive(leader.pid) and studio.port_is_free(port)
    finally:
        try:
            os.killpg(leader.pid, 9)
        except ProcessLookupError:
            pass
        leader.wait()
