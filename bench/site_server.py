"""Serve the benchmark site on loopback (nginx with a private config, else a pre-rendered asyncio server) and measure it."""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NGINX_CONF = """\
worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on; tcp_nopush on;
    keepalive_timeout 65; keepalive_requests 1000000;
    open_file_cache max=512 inactive=60s;  # cached descriptors count against RLIMIT_NOFILE (often 1024)
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on 127.0.0.1:{port}")


class SiteServer:
    """A static server for `root` in its own process(es); `kind` is 'nginx' or 'asyncio'."""

    def __init__(self, root: str | Path, prefer: str = "nginx") -> None:
        self.root = Path(root).resolve()
        self.nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        self.kind = "nginx" if prefer == "nginx" and self.nginx else "asyncio"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))

    def __enter__(self) -> "SiteServer":
        if self.kind == "nginx":
            conf = self.tmp / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=self.port, root=self.root))
            self.proc = subprocess.Popen([self.nginx, "-c", str(conf), "-p", str(self.tmp)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        else:
            self.proc = subprocess.Popen([sys.executable, __file__, "serve", str(self.root), str(self.port)],
                                         stdout=subprocess.DEVNULL, start_new_session=True)
        _wait_listening(self.port, self.proc)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: nginx master and its worker
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (nginx master and workers), from /proc."""
        if not self.proc:
            return 0.0
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # fields[3] is the process group (field 5 of stat); the server runs in its own group
            if int(fields[3]) == self.proc.pid:
                total += (int(fields[11]) + int(fields[12])) / tick
        return total


async def _client(host: str, port: int, paths: list[str], start: int, deadline: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = start
    try:
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            counts[0] += 1
    finally:
        writer.close()


def measure_capacity(base_url: str, paths: list[str], seconds: float = 3.0, connections: int = 16) -> float:
    """Pages/s the server answers to a keep-alive asyncio client (a lower bound: the client is Python)."""
    host, port = base_url.split("//", 1)[1].split(":")
    counts = [0]

    async def run() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        step = max(1, len(paths) // connections)
        await asyncio.gather(*[_client(host, int(port), paths, k * step, deadline, counts) for k in range(connections)])
        return counts[0] / (time.perf_counter() - started)

    return asyncio.run(run())


# --- fallback server: every file pre-rendered as a complete HTTP response -------------------------------
def _prerender(root: Path) -> dict[bytes, bytes]:
    types = {".html": b"text/html; charset=utf-8", ".txt": b"text/plain; charset=utf-8"}
    out = {}
    for path in root.rglob("*"):
        if path.is_file():
            body = path.read_bytes()
            ctype = types.get(path.suffix, b"application/octet-stream")
            out["/" + path.relative_to(root).as_posix()] = (
                b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n\r\n" + body)
    return {k.encode(): v for k, v in out.items()}


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def serve(root: str, port: int) -> None:
    responses = _prerender(Path(root))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].split(b"?", 1)[0]
                writer.write(responses.get(path, NOT_FOUND))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("command", choices=["serve"])
    ap.add_argument("root")
    ap.add_argument("port", type=int)
    args = ap.parse_args()
    serve(args.root, args.port)
