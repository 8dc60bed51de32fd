"""Serve the sample web on loopback: one threaded stdlib HTTP server per host address, all on one port."""
from __future__ import annotations

import errno
import threading
import time
import tomllib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from spamcorpus.sample_web.campaigns import DEFAULT_SPAM
from spamcorpus.sample_web.generate import generate
from spamcorpus.sample_web.site import DEFAULT_HOSTS, DEFAULT_PORT, SampleWeb
from spamcorpus.sample_web.special import LARGE_BYTES

# the crawl job that aims at the sample web ships with the crawler (`spamcorpus crawl crawler/jobs/sample_web.toml`)
JOB_FILE = Path(__file__).resolve().parents[2] / "crawler" / "jobs" / "sample_web.toml"
CHUNK = 64 * 1024


class SampleWebError(OSError):
    """The sample web cannot be served (busy port, missing loopback address)."""


@dataclass(frozen=True)
class RequestRecord:
    host: str
    path: str        # with query string, as sent
    user_agent: str
    status: int


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a crawler reuses connections
    server_version = "SampleWeb/1.0"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature; the request log is kept in memory
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        owner: SampleWebServer = self.server.owner  # type: ignore[attr-defined]
        host = self.server.server_address[0]
        path = urlsplit(self.path).path or "/"
        res = owner.web.lookup(host, path)
        status = res.status if res else 404
        owner._log(RequestRecord(host, self.path, self.headers.get("User-Agent", ""), status))
        if res is None:
            self._send(404, "text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>")
        elif res.stream == "large":
            self._stream_large()
        else:
            if res.stream == "slow":
                time.sleep(owner.slow_delay)
            self._send(res.status, res.content_type, res.body, res.location)

    def _send(self, status: int, content_type: str | None, body: bytes, location: str | None = None) -> None:
        try:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _stream_large(self) -> None:
        """More than 10 MiB with no Content-Length: only counting bytes as they arrive can stop it."""
        self.close_connection = True
        head = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>archive</title></head><body>"
        filler = ("<p>" + "完整资料包 full archive data " * 40 + "</p>\n").encode("utf-8")
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(head)
            sent = len(head)
            block = filler * max(1, CHUNK // len(filler))
            while sent < LARGE_BYTES:
                self.wfile.write(block)
                sent += len(block)
            self.wfile.write(b"</body></html>")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up at its size limit, as it should


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # keep-alive handler threads must not hold up stop()


class SampleWebServer:
    """The running sample web. A context manager; `web` holds the generated pages and their truth."""

    def __init__(self, web: SampleWeb, servers: list[_Server], slow_delay: float) -> None:
        self.web = web
        self.port = web.port
        self.slow_delay = slow_delay
        self._servers = servers
        self._threads: list[threading.Thread] = []
        self._requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        for server in servers:
            server.owner = self  # type: ignore[attr-defined]
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"sample-web-{server.server_address[0]}", daemon=True)
            thread.start()
            self._threads.append(thread)

    @property
    def base_urls(self) -> list[str]:
        return self.web.base_urls

    def seed_urls(self) -> list[str]:
        return self.web.seed_urls()

    def robots_urls(self) -> list[str]:
        return self.web.robots_seed_urls()

    def job_toml(self) -> str:
        """The bundled job file's text with this server's port (for `scrapy crawl -a job=...`)."""
        return JOB_FILE.read_text(encoding="utf-8").replace(f":{DEFAULT_PORT}/", f":{self.port}/")

    def job_params(self, **overrides) -> dict:
        """Keyword arguments for `crawler.job.load_job(JOB_FILE, ...)` that aim the bundled job at this server (its
        port and hosts); the sample web reads no crawler code, so the caller loads the job."""
        with JOB_FILE.open("rb") as fh:  # the job's other hosts (an address the SSRF guard must refuse) stay
            listed = tomllib.load(fh).get("follow", {}).get("allowed_hosts", [])
        allowed = [*self.web.hosts, *(h for h in listed if h not in DEFAULT_HOSTS)]
        params = {"seeds": self.seed_urls(), "robots": self.robots_urls(), "allowed_hosts": allowed,
                  "allow_private_addresses": True}
        params.update({k: v for k, v in overrides.items() if v is not None})
        return params

    def _log(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request served so far (a copy)."""
        with self._lock:
            return list(self._requests)

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> "SampleWebServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _bind(hosts: tuple[str, ...], port: int) -> tuple[list[_Server], int]:
    """Bind every host on one port; port 0 picks a port free on all of them (retrying on a clash)."""
    last: OSError | None = None
    for _ in range(50 if port == 0 else 1):
        servers: list[_Server] = []
        try:
            for host in hosts:
                servers.append(_Server((host, servers[0].server_address[1] if servers else port), _Handler))
            return servers, servers[0].server_address[1]
        except OSError as exc:
            for server in servers:
                server.server_close()
            last = exc
            if port != 0:
                break
    if last is not None and last.errno == errno.EADDRINUSE:
        raise SampleWebError(errno.EADDRINUSE, f"port {port} is busy on {hosts[len(servers)]} "
                             "(another sample web or demo running?); choose another port") from None
    if last is not None and last.errno == errno.EADDRNOTAVAIL:
        raise SampleWebError(errno.EADDRNOTAVAIL, f"cannot bind {hosts[len(servers)]}: this system does not route "
                             "127.0.0.0/8 to the loopback interface") from None
    raise SampleWebError(getattr(last, "errno", None) or errno.EIO, f"cannot serve the sample web: {last}")


def serve_sample_web(port: int = DEFAULT_PORT, hosts: tuple[str, ...] = DEFAULT_HOSTS, slow_delay: float = 2.0,
                     *, seed: int = 0, spam_pages: int = DEFAULT_SPAM, benign_pages: int | None = None) -> SampleWebServer:
    """Generate the sample web for `port` and serve it on every host in background threads."""
    if not 0 <= port <= 65535:
        raise ValueError(f"port {port} out of range")
    if slow_delay < 0:
        raise ValueError("slow_delay must be >= 0")
    servers, actual = _bind(tuple(hosts), port)
    try:
        web = generate(seed, actual, spam_pages=spam_pages, benign_pages=benign_pages, hosts=tuple(hosts))
    except BaseException:
        for server in servers:
            server.server_close()
        raise
    return SampleWebServer(web, servers, slow_delay)
