"""Local Label Studio lifecycle: own venv, SQLite data dir, owner-only credentials, pid file, health wait."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from annotate import studio_state as state
from annotate.errors import PortBusy, StudioAuthError, StudioError, StudioNotConfigured
from annotate.studio_state import PIDFILE, Running, pid_alive as _pid_alive

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = Path("datasets/studio")
DEFAULT_PORT = 8080
HOST = "127.0.0.1"
CREDENTIALS = "credentials.json"   # username, password, token: owner-only
LOGFILE = "studio.log"
# what an initialised data dir consists of (a copy of these restarts in seconds instead of ~22 s)
DATA_FILES = ("label_studio.sqlite3", ".env", CREDENTIALS)
USERNAME = "admin@spamcorpus.local"
_SERVING = re.compile(r"Starting development server at https?://([^/:]+):(\d+)/")


def studio_venv() -> Path:
    return Path(os.environ.get("SPAMCORPUS_STUDIO_VENV", REPO / ".venv-studio"))


def studio_executable() -> Path:
    exe = studio_venv() / "bin" / "label-studio"
    if not exe.exists():
        raise StudioNotConfigured(f"Label Studio is not installed in {studio_venv()}: run `make studio-venv`")
    return exe


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    token: str


@dataclass(frozen=True)
class StudioStatus:
    running: bool
    data_dir: Path
    url: str | None = None
    pid: int | None = None
    healthy: bool = False
    port: int | None = None
    started_by: str | None = None


def load_credentials(data_dir: Path) -> Credentials | None:
    path = Path(data_dir) / CREDENTIALS
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Credentials(raw["username"], raw["password"], raw["token"])


def ensure_credentials(data_dir: Path) -> Credentials:
    """The admin login and legacy API token of a data dir, created (random) before the first start."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    creds = load_credentials(data_dir)
    if creds is None:
        creds = Credentials(USERNAME, secrets.token_urlsafe(12), secrets.token_hex(20))
        state.write_private(data_dir / CREDENTIALS, creds.__dict__)
    os.chmod(data_dir / CREDENTIALS, 0o600)
    return creds


def port_is_free(port: int, host: str = HOST) -> bool:
    """True if nothing listens on host:port and we could bind it (Label Studio would move on otherwise)."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host, port)) == 0:
            return False
    with socket.socket() as sock:
        # as the server will: connections of a stopped server linger in TIME_WAIT, yet the port is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = HOST) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _health(url: str, timeout: float = 2.0) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with opener.open(url.rstrip("/") + "/health/", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def check_token(url: str, token: str, timeout: float = 5.0) -> None:
    """Raise StudioAuthError unless the legacy token is accepted (without ENABLE_LEGACY_API_TOKEN it is not)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url.rstrip("/") + "/api/current-user/whoami",
                                 headers={"Authorization": f"Token {token}"})
    try:
        with opener.open(req, timeout=timeout):
            return
    except urllib.error.HTTPError as exc:
        raise StudioAuthError(f"Label Studio at {url} refused the saved API token (HTTP {exc.code})") from None


def _server_env(data_dir: Path, creds: Credentials) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           # Label Studio also reads unprefixed HOST, PORT, USERNAME, PASSWORD; ours must win, nothing else leak in
           if k not in ("HOST", "PORT", "USERNAME", "PASSWORD", "DJANGO_SETTINGS_MODULE")
           and not k.startswith(("LABEL_STUDIO_", "HEARTEX_"))}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir.resolve()),
        "DJANGO_DB": "sqlite",
        "LABEL_STUDIO_USERNAME": creds.username,
        "LABEL_STUDIO_PASSWORD": creds.password,
        "LABEL_STUDIO_USER_TOKEN": creds.token,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        # no telemetry, no update checks, no error reporting to third parties
        "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false", "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def status(data_dir: Path = DEFAULT_DATA_DIR) -> StudioStatus:
    """Whether the local studio of data_dir runs, and where."""
    data_dir = Path(data_dir)
    info = _running_info(data_dir)
    if info is None:
        return StudioStatus(False, data_dir)   # never started, stopped, or a stale pid file (pid reused)
    return StudioStatus(True, data_dir, info["url"], int(info["pid"]), _health(info["url"]),
                        int(info.get("port") or 0) or None, info.get("started_by"))


def _running_info(data_dir: Path) -> dict | None:
    """The pid file of data_dir if its pid still is that dir's Label Studio, else None."""
    info = state.read_pidfile(data_dir)
    if info and state.is_server_of(int(info["pid"]), data_dir, info.get("pid_started")):
        return info
    return None


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def start(data_dir: Path = DEFAULT_DATA_DIR, port: int = DEFAULT_PORT, host: str = HOST,
          timeout: float = 180.0, started_by: str | None = None) -> StudioStatus:
    """Start Label Studio on host:port in the background and wait until /health/ answers and the token works.

    Idempotent: a studio of this data dir that already runs is returned as is, whatever its port (callers
    that care compare `.port`). With started_by (the command's name) the server is also recorded per user
    (annotate/studio_state.py), so `spamcorpus studio stop` finds it without --data-dir.
    """
    data_dir = Path(data_dir)
    current = status(data_dir)
    if current.running:
        return current
    if not port_is_free(port, host):
        owner = state.owner_of_port(port)
        held = f" by the Label Studio at {owner.describe()}" if owner else ""
        raise PortBusy(f"port {port} on {host} is in use{held}; choose another with --port")
    exe = studio_executable()
    creds = ensure_credentials(data_dir)
    log_path = data_dir / LOGFILE
    log_start = log_path.stat().st_size if log_path.exists() else 0  # read only this start's lines
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [str(exe), "start", "--no-browser", "--internal-host", host, "--port", str(port)],
            cwd=data_dir, env=_server_env(data_dir, creds), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{host}:{port}"
    running = Running(str(data_dir.resolve()), proc.pid, host, port, url, started_by or "",
                      datetime.now(timezone.utc).isoformat(timespec="seconds"), state.process_start_time(proc.pid))
    # written before the wait: a start killed meanwhile leaves a server that `studio stop` can still find
    state.write_private(data_dir / PIDFILE, asdict(running))
    if started_by:
        state.record(running)
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                raise StudioError(f"Label Studio exited with code {proc.returncode}; log {log_path}:\n"
                                  f"{_log_tail(log_path)}")
            served = _SERVING.search(_tail_from(log_path, log_start))
            if served and int(served.group(2)) != port:  # it moved: someone took the port meanwhile
                raise PortBusy(f"port {port} was taken while Label Studio started (it moved to {served.group(2)})")
            if served and _health(url):
                break
            if time.monotonic() > deadline:
                raise StudioError(f"Label Studio did not answer {url}/health/ within {timeout:.0f} s; "
                                  f"log {log_path}:\n{_log_tail(log_path)}")
            time.sleep(0.25)
        check_token(url, creds.token)
    except BaseException:
        _terminate(proc.pid)
        (data_dir / PIDFILE).unlink(missing_ok=True)
        if started_by:
            state.forget(data_dir)
        raise
    return StudioStatus(True, data_dir, url, proc.pid, True, port, started_by)


def _tail_from(path: Path, offset: int) -> str:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read().decode("utf-8", errors="replace")


def _terminate(pid: int, grace: float = 15.0) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers; return once every process of the group is gone
    (not only its leader), so that its port is free."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _pid_alive(pid) and not state.group_alive(pid):
                return
            time.sleep(0.1)


def _await_port_release(host: str, port, timeout: float = 10.0) -> None:
    """Return once the stopped server's port can be bound again: its listening socket can outlive the processes we
    waited for by a few milliseconds (seen in tests binding the port right after `studio stop`)."""
    if not port:
        return
    deadline = time.monotonic() + timeout
    while not port_is_free(int(port), host) and time.monotonic() < deadline:
        time.sleep(0.05)


def stop(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Stop the local studio of data_dir; False if it was not running. Never signals a pid that is not it."""
    data_dir = Path(data_dir)
    info = _running_info(data_dir)
    if info is not None:
        _terminate(int(info["pid"]))
        _await_port_release(info.get("host") or HOST, info.get("port"))
    recorded = (state.read_pidfile(data_dir) or {}).get("started_by")
    (data_dir / PIDFILE).unlink(missing_ok=True)
    if recorded:   # only recorded servers touch the per-user record
        state.forget(data_dir)
    return info is not None


def initialise_template(template_dir: Path, timeout: float = 180.0) -> Path:
    """Create an initialised data dir once (migrations, admin user, token): the slow first start, then stop.

    A marker file is written last, so a template whose first start was interrupted is made again.
    """
    template_dir = Path(template_dir)
    marker = template_dir / ".initialised"
    if marker.exists():
        return template_dir
    if template_dir.exists():
        shutil.rmtree(template_dir)
    start(template_dir, port=free_port(), timeout=timeout)
    stop(template_dir)
    marker.touch()
    return template_dir


def copy_data_dir(template_dir: Path, data_dir: Path) -> Path:
    """A ready data dir from an initialised template (same admin and token): restarts in ~2 s."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    for name in DATA_FILES:
        shutil.copy2(Path(template_dir) / name, data_dir / name)
    os.chmod(data_dir / CREDENTIALS, 0o600)
    return data_dir
