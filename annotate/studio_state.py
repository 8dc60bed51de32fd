"""Where local Label Studio servers run: each data dir's pid file, a per-user record, and who a pid really is."""
from __future__ import annotations

import fcntl
import json
import os
import shlex
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

PIDFILE = "studio.json"                # in the data dir: where its server runs (never a token)
STATE_VAR = "SPAMCORPUS_STUDIO_STATE"  # overrides the per-user record's path (tests point it at a tmp dir)
STATE_VERSION = 1


@dataclass(frozen=True)
class Running:
    """One started server, as recorded: enough to find it and to make sure a pid is still that server."""

    data_dir: str          # absolute
    pid: int
    host: str
    port: int
    url: str
    started_by: str        # the command that started it, e.g. "spamcorpus demo"
    started_at: str        # UTC, ISO 8601
    pid_started: float     # the process's start time: a recycled pid has another one

    @classmethod
    def from_dict(cls, raw: dict) -> Running:
        return cls(str(raw["data_dir"]), int(raw["pid"]), str(raw["host"]), int(raw["port"]), str(raw["url"]),
                   str(raw.get("started_by", "")), str(raw.get("started_at", "")), float(raw["pid_started"]))

    def describe(self) -> str:
        by = f", started by `{self.started_by}`" if self.started_by else ""
        return f"{self.url} (pid {self.pid}, data in {self.data_dir}{by})"


def state_path() -> Path:
    """The per-user record of started servers: $SPAMCORPUS_STUDIO_STATE, else under $XDG_STATE_HOME or
    ~/.local/state, so `studio stop` finds a server whatever directory or --data-dir started it."""
    explicit = os.environ.get(STATE_VAR)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"  # the spec ignores relative
    return root / "spamcorpus" / "studio.json"


def write_private(path: Path, payload: dict) -> None:
    """Write JSON readable by the owner only, created 0600 from the start (no window with wider rights)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_pidfile(data_dir: Path) -> dict | None:
    try:
        raw = json.loads((Path(data_dir) / PIDFILE).read_text(encoding="utf-8"))
        int(raw["pid"])
        return raw
    except (ValueError, OSError, KeyError, TypeError):
        return None


def process_start_time(pid: int) -> float:
    return psutil.Process(pid).create_time()


def pid_alive(pid: int) -> bool:
    """True while pid runs; a zombie child of this process is reaped (it no longer runs)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False


def group_alive(pgid: int) -> bool:
    """True while a process of group pgid runs (zombies aside): the server's workers hold its listening socket
    until they exit, which can be after the group's leader."""
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                return True
        except (OSError, psutil.Error):  # gone meanwhile
            continue
    return False


def is_server_of(pid: int, data_dir: str | Path, pid_started: float | None = None) -> bool:
    """Whether pid is the Label Studio of data_dir: checked before any signal, since a pid can be recycled.

    The process must run the label-studio command, with data_dir as its LABEL_STUDIO_BASE_DATA_DIR (fixed at
    exec, unlike the working directory) and, when recorded, the same start time.
    """
    if not pid_alive(pid):
        return False
    try:
        proc = psutil.Process(pid)
        if pid_started is not None and abs(proc.create_time() - float(pid_started)) > 1.0:
            return False
        if not any("label-studio" in part for part in proc.cmdline()):
            return False
        try:
            return proc.environ().get("LABEL_STUDIO_BASE_DATA_DIR") == str(Path(data_dir).resolve())
        except psutil.AccessDenied:   # some systems hide another process's environment: command + start time
            return pid_started is not None
    except psutil.Error:
        return False


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _load(path: Path) -> dict[str, dict]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {k: v for k, v in raw.get("servers", {}).items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return {}   # missing or unreadable: nothing recorded (the next record rewrites it whole)


def _save(path: Path, servers: dict[str, dict]) -> None:
    write_private(path, {"version": STATE_VERSION, "servers": servers})


def record(running: Running) -> None:
    """Remember a started server in the per-user record (no credentials: those stay in the data dir)."""
    path = state_path()
    with _locked(path):
        servers = _load(path)
        servers[running.data_dir] = asdict(running)
        _save(path, servers)


def forget(data_dir: str | Path) -> None:
    """Drop data_dir's record; touches nothing when there is none."""
    path = state_path()
    key = str(Path(data_dir).resolve())
    if key not in _load(path):
        return
    with _locked(path):
        servers = _load(path)
        if servers.pop(key, None) is not None:
            _save(path, servers)


def recorded() -> list[Running]:
    found = []
    for raw in _load(state_path()).values():
        try:
            found.append(Running.from_dict(raw))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def sweep() -> tuple[list[Running], list[Running]]:
    """(live, stale): the recorded servers that still run, and those that do not, whose records are dropped."""
    live, stale = [], []
    for running in recorded():
        alive = is_server_of(running.pid, running.data_dir, running.pid_started)
        (live if alive else stale).append(running)
    for running in stale:
        forget(running.data_dir)
    return live, stale


def owner_of_port(port: int) -> Running | None:
    """The recorded server that listens on port, if any (to say whose it is when a start finds it busy)."""
    return next((r for r in recorded() if r.port == port and is_server_of(r.pid, r.data_dir, r.pid_started)), None)


def stop_command(data_dir: str | Path, default: str | Path) -> str:
    """The exact command that stops the studio of data_dir (bare `studio stop` finds it too, through the record)."""
    if Path(data_dir).resolve() == Path(default).resolve():
        return "spamcorpus studio stop"
    return f"spamcorpus studio stop --data-dir {shlex.quote(str(data_dir))}"
