"""A small loopback site with hand-written routes, and a real `spamcorpus crawl` of it in a subprocess."""
from __future__ import annotations

import json
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from tests.crawler.conftest import CLI, REPO, child_env


def page(title: str, links: list[str] = (), words: int = 60) -> bytes:
    """An article with enough text to make a row, linking `links`."""
    body = " ".join(f"{title} sentence {i} about renewing a data card." for i in range(words // 8 + 1))
    anchors = "".join(f'<li><a href="{href}">link {i}</a></li>' for i, href in enumerate(links))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1><p>{body}</p></article><ul>{anchors}</ul></body></html>").encode()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    length: bool = True  # send Content-Length (else the body ends when the connection closes)
    location: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    user_agent: str
    at: float


@dataclass
class TinySite:
    routes: dict[str, Route | Callable[[], Route]]
    host: str = "127.0.0.1"
    port: int = 0
    seen: list[Seen] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


def serve(site: TinySite) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            site.seen.append(Seen(self.path, self.headers.get("User-Agent", ""), time.monotonic()))
            route = site.routes.get(self.path)
            route = route() if callable(route) else route
            if route is None:
                route = Route(b"<h1>404</h1>", status=404)
            time.sleep(route.delay)
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.location:
                    self.send_header("Location", route.location)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.length:
                    self.send_header("Content-Length", str(len(route.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    server = ThreadingHTTPServer((site.host, 0), Handler)
    server.daemon_threads = True
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class TinyCrawl:
    returncode: int
    stdout: str
    stderr: str
    stats: dict
    finish_reason: str | None = None


def crawl(site: TinySite, tmp_path: Path, seeds: list[str], *, extra: str = "", politeness: str = "",
          sets: list[str] = (), out: Path | None = None, env: dict[str, str] | None = None,
          name: str = "tiny", timeout: float = 120) -> TinyCrawl:
    """`spamcorpus crawl` of `seeds` on the tiny site (robots.txt off, no delays); the run's stats.

    `extra` is TOML tables of the job (e.g. a [follow] table), `politeness` more keys of its [politeness] table."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = out or tmp_path / "corpus"
    job = tmp_path / "tiny.toml"
    urls = ", ".join(json.dumps(site.url(s)) for s in seeds)
    job.write_text(f'name = "{name}"\n[seeds]\nurls = [{urls}]\n{extra}\n[politeness]\nobey_robots = false\n'
                   f"autothrottle = false\ndownload_delay = 0\n{politeness}\n", encoding="utf-8")
    args = [str(CLI), "crawl", str(job), "--out", str(out), "--allow-private-addresses",
            "--set", "SPAMCORPUS_PROGRESS=false", "--set", "RETRY_TIMES=0", "--log-level", "INFO"]
    for s in sets:
        args += ["--set", s]
    proc = subprocess.run(args, cwd=REPO, env={**child_env(), **(env or {})}, capture_output=True, text=True,
                          timeout=timeout)
    runs = sorted((out / "_runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    record = json.loads(runs[-1].read_text()) if runs else {}
    return TinyCrawl(proc.returncode, proc.stdout, proc.stderr, record.get("stats", {}), record.get("finish_reason"))


def drops(stats: dict) -> dict[str, int]:
    prefix = "spamcorpus/drops/"
    return {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
