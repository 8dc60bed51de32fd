"""A private redis-server on loopback for the demo, tests and benchmarks: its own directory, port and process."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


class RedisServerError(RuntimeError):
    """redis-server is missing or did not start."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalRedis:
    """`redis-server` bound to 127.0.0.1 only, protected mode on, its files in `directory`.

    With `appendonly` the data survives `restart()` (as a real deployment's would); without it nothing is
    written to disk at all. A context manager; `stop()` ends only the process it started."""

    def __init__(self, directory: str | Path, *, port: int = 0, appendonly: bool = False) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RedisServerError("redis-server is not installed (Debian: apt-get install redis-server; "
                                   "`make test` installs it when run as root)")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.appendonly = appendonly
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "LocalRedis":
        args = [self.binary, "--bind", "127.0.0.1", "--protected-mode", "yes", "--port", str(self.port),
                "--dir", str(self.directory), "--save", "", "--daemonize", "no", "--loglevel", "warning",
                "--logfile", str(self.directory / "redis.log"),
                "--appendonly", "yes" if self.appendonly else "no"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.directory / "redis.log")
                raise RedisServerError(f"redis-server exited ({self.proc.returncode}): "
                                       f"{log.read_text()[-500:] if log.exists() else ''}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RedisServerError(f"redis-server did not answer on 127.0.0.1:{self.port} within 20 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis-server flushes its append-only file and exits
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self, down_seconds: float = 0.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def __enter__(self) -> "LocalRedis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
