"""SSRF guard end to end: real Scrapy crawls (one per subprocess) against a recording HTTP server on 127.0.0.1."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class RecordingServer:
    """A loopback HTTP server that records every request it receives (a robots.txt fetch included)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        lock = threading.Lock()
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with lock:
                    server_self.requests.append(self.path)
                port = server_self.port
                if self.path == "/robots.txt":
                    self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                elif self.path == "/":
                    links = [
                        "http://10.0.0.1/",                                # private
                        "http://[::ffff:169.254.169.254]/latest/meta-data/",  # metadata, IPv4-mapped IPv6
                        "http://0.0.0.0/",                                 # unspecified: reaches the local host
                        f"http://127.0.0.1:{port}/redirect",               # 302 to the metadata address
                        f"http://127.0.0.1:{port}/ok",
                        f"http://0x7f000001:{port}/numeric",               # loopback as a hex literal
                    ]
                    body = "".join(f'<a href="{u}">x</a>' for u in links)
                    self._send(200, f"<html><body>{body}</body></html>".encode(), "text/html")
                elif self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/iam/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._send(200, b"<html><body>ok</body></html>", "text/html")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = RecordingServer()
    yield srv
    srv.close()


def crawl(seeds: list[str], *, allow_loopback: bool, guard_middleware: bool = True, dns_resolver: str = "",
          tmp: Path) -> dict:
    """Run this file as a crawl child; returns its JSON report."""
    config = {"seeds": seeds, "allow_loopback": allow_loopback, "guard_middleware": guard_middleware,
              "dns_resolver": dns_resolver, "corpus": str(tmp / "corpus")}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(var, None)
    proc = subprocess.run([sys.executable, __file__, json.dumps(config)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ssrf_stats(report: dict) -> dict[str, int]:
    prefix = "spamcorpus/drops/ssrf_"
    return {k[len(prefix):]: v for k, v in report["stats"].items() if k.startswith(prefix)}


@pytest.mark.slow
def test_default_refuses_loopback_literals_before_any_request(server, tmp_path):
    p = server.port
    seeds = [f"http://127.0.0.1:{p}/", f"http://127.1:{p}/", f"http://2130706433:{p}/",
             f"http://0x7f000001:{p}/", f"http://017700000001:{p}/", f"http://[::1]:{p}/", f"http://0.0.0.0:{p}/"]
    report = crawl(seeds, allow_loopback=False, tmp=tmp_path)
    assert server.requests == []  # not even robots.txt
    assert report["tripwire"] == []
    assert ssrf_stats(report) == {"loopback": 6, "reserved": 1}
    assert report["fetched"] == []
    assert set(report["failures"]) == set(seeds)
    assert set(report["failures"].values()) == {"IgnoreRequest"}


@pytest.mark.slow
def test_name_resolving_to_loopback_is_refused_after_dns(server, tmp_path):
    # here getaddrinfo("localhost") answers 127.0.0.1 (/etc/hosts); the middleware cannot know that
    # before DNS, so the refusal comes from the resolver at connect time
    seed = f"http://localhost:{server.port}/"
    report = crawl([seed], allow_loopback=False, tmp=tmp_path)
    assert server.requests == []
    assert report["tripwire"] == []
    stats = ssrf_stats(report)
    assert stats.get("dns", 0) >= 1 and set(stats) == {"dns"}
    assert report["failures"] == {seed: "IgnoreRequest"}


@pytest.mark.slow
def test_allow_loopback_fetches_the_page_but_refuses_everything_else(server, tmp_path):
    p = server.port
    report = crawl([f"http://127.0.0.1:{p}/", f"http://localhost:{p}/named"], allow_loopback=True, tmp=tmp_path)
    assert report["tripwire"] == []
    assert {"/robots.txt", "/", "/redirect", "/ok", "/numeric", "/named"} <= set(server.requests)
    # the redirect to 169.254.169.254 and the IPv4-mapped metadata link are both refused as link-local
    assert ssrf_stats(report) == {"link_local": 2, "private": 1, "reserved": 1}
    failures = report["failures"]
    assert failures["http://10.0.0.1/"] == "IgnoreRequest"
    metadata = "http://169.254.169.254/latest/meta-data/iam/"
    assert failures[metadata] == "IgnoreRequest"
    assert report["redirected_from"][metadata] == [f"http://127.0.0.1:{p}/redirect"]
    assert failures["http://[::ffff:169.254.169.254]/latest/meta-data/"] == "IgnoreRequest"
    assert f"http://127.0.0.1:{p}/ok" in report["fetched"]


@pytest.mark.slow
def test_resolver_alone_refuses_ip_literals_at_connect_time(server, tmp_path):
    # without the middleware, Twisted's HostnameEndpoint still passes literals through the resolver
    p = server.port
    seeds = [f"http://127.0.0.1:{p}/", f"http://127.1:{p}/", f"http://0x7f000001:{p}/"]
    report = crawl(seeds, allow_loopback=False, guard_middleware=False, tmp=tmp_path)
    assert server.requests == []
    assert report["tripwire"] == []
    assert report["fetched"] == []
    assert set(report["failures"]) == set(seeds)


@pytest.mark.slow
def test_middleware_installs_the_guard_when_another_resolver_was_configured(server, tmp_path):
    seed = f"http://localhost:{server.port}/"
    report = crawl([seed], allow_loopback=False, dns_resolver="scrapy.resolver.CachingThreadedResolver",
                   tmp=tmp_path)
    assert server.requests == []
    assert report["tripwire"] == []
    assert report["failures"] == {seed: "IgnoreRequest"}
    assert set(ssrf_stats(report)) == {"dns"}


# --- the resolver in process, with a scripted DNS (no DNS server is reachable here) -------------------
class ScriptedDNS:
    """An IHostnameResolver answering from a table, the way getaddrinfo would; counts lookups."""

    def __init__(self, answers: dict[str, list[str]], *, hang: bool = False) -> None:
        self.answers, self.hang, self.lookups = answers, hang, []

    def resolveHostName(self, receiver, hostName, portNumber=0, addressTypes=None, transportSemantics="TCP"):
        from twisted.internet.address import IPv4Address, IPv6Address

        self.lookups.append(hostName)
        receiver.resolutionBegan(None)
        if self.hang:
            return None
        for ip in self.answers.get(hostName, []):
            receiver.addressResolved((IPv6Address if ":" in ip else IPv4Address)("TCP", ip, portNumber))
        receiver.resolutionComplete()
        return None


class Receiver:
    def __init__(self) -> None:
        self.addresses, self.complete = [], False

    def resolutionBegan(self, resolution) -> None:
        pass

    def addressResolved(self, address) -> None:
        self.addresses.append((address.host, address.port))

    def resolutionComplete(self) -> None:
        self.complete = True


def resolve(resolver, host: str, port: int = 80) -> Receiver:
    receiver = Receiver()
    resolver.resolveHostName(receiver, host, port)
    return receiver


@pytest.fixture
def guarded():
    from twisted.internet.task import Clock

    from crawler.resolver import GuardedResolver

    dns = ScriptedDNS({"public.test": ["93.184.216.34", "2606:2800:220:1::1"],
                       "rebind.test": ["93.184.216.34", "169.254.169.254"],
                       "v6local.test": ["fd00::1"], "loop.test": ["127.0.0.1"]})
    clock = Clock()
    return GuardedResolver(clock, inner=dns, timeout=5.0), dns, clock


def test_resolver_delivers_public_answers_with_the_port_and_caches_them(guarded):
    resolver, dns, _ = guarded
    first = resolve(resolver, "public.test", 8080)
    assert first.complete and first.addresses == [("93.184.216.34", 8080), ("2606:2800:220:1::1", 8080)]
    again = resolve(resolver, "PUBLIC.test.", 443)
    assert again.addresses == [("93.184.216.34", 443), ("2606:2800:220:1::1", 443)]
    assert dns.lookups == ["public.test"]
    assert resolver.refusal_for("public.test") is None


@pytest.mark.parametrize("host", ["rebind.test", "v6local.test", "loop.test"])
def test_resolver_refuses_a_host_when_any_answer_is_refused(guarded, host):
    resolver, _, _ = guarded
    result = resolve(resolver, host)
    assert result.complete and result.addresses == []
    assert resolver.refusal_for(host) == "dns"


def test_resolver_refuses_literals_without_a_lookup(guarded):
    resolver, dns, _ = guarded
    for literal in ("127.1", "0x7f000001", "::ffff:169.254.169.254", "10.0.0.1"):
        assert resolve(resolver, literal).addresses == []
    assert dns.lookups == []
    assert resolver.refusal_for("127.1") == "loopback"


def test_resolver_policy_follows_the_strictest_registered_crawler(guarded):
    from crawler.resolver import register_crawler_policy, unregister_crawler_policy

    resolver, _, _ = guarded

    class Crawler:  # stands for a scrapy Crawler: only its identity matters to the registry
        pass

    lenient, strict = Crawler(), Crawler()
    register_crawler_policy(lenient, allow_loopback=True)
    try:
        assert resolve(resolver, "loop.test").addresses == [("127.0.0.1", 80)]
        assert resolve(resolver, "rebind.test").addresses == []  # loopback only is lifted
        register_crawler_policy(strict, allow_loopback=False)
        assert resolve(resolver, "loop.test").addresses == []
    finally:
        unregister_crawler_policy(lenient)
        unregister_crawler_policy(strict)


def test_resolver_times_out_a_hanging_lookup(guarded):
    from twisted.internet.task import Clock

    from crawler.resolver import GuardedResolver

    clock = Clock()
    resolver = GuardedResolver(clock, inner=ScriptedDNS({}, hang=True), timeout=5.0)
    result = resolve(resolver, "slow.test")
    assert not result.complete
    clock.advance(5.0)
    assert result.complete and result.addresses == []
    assert resolver.refusal_for("slow.test") is None  # a timeout is a DNS failure, not an SSRF refusal


# --- the crawl child -------------------------------------------------------------------------------
def _install_tripwire(attempts: list[str]) -> None:
    """Refuse, and record, any socket connection outside 127.0.0.0/8: a broken guard fails the test
    without a single packet leaving the machine."""
    import errno
    import ipaddress
    import socket

    def outside(address) -> bool:
        if not isinstance(address, tuple):
            return False  # AF_UNIX and the like
        try:
            return ipaddress.ip_address(str(address[0]).split("%")[0]) not in ipaddress.ip_network("127.0.0.0/8")
        except ValueError:
            return True

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if outside(address):
            attempts.append(str(address[0]))
            raise OSError(errno.ENETUNREACH, "tripwire: outside loopback")
        return real_connect(self, address)

    def connect_ex(self, address):
        if outside(address):
            attempts.append(str(address[0]))
            return errno.ENETUNREACH
        return real_connect_ex(self, address)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex


def _child(config: dict) -> None:
    attempts: list[str] = []
    _install_tripwire(attempts)
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler.run import project_settings

    fetched: list[str] = []
    failures: dict[str, str] = {}
    redirected_from: dict[str, list[str]] = {}

    class LinkSpider(scrapy.Spider):
        name = "ssrf_probe"
        # only the network side of the project is under test: no pipelines or extensions
        custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}}

        async def start(self):
            for url in config["seeds"]:
                yield scrapy.Request(url, callback=self.parse, errback=self.failed)

        def parse(self, response):
            fetched.append(response.url)
            for href in response.css("a::attr(href)").getall():
                yield scrapy.Request(href, callback=self.parse, errback=self.failed)

        def failed(self, failure):
            failures[failure.request.url] = type(failure.value).__name__
            if failure.request.meta.get("redirect_urls"):
                redirected_from[failure.request.url] = failure.request.meta["redirect_urls"]

    overrides = {
        "SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES": config["allow_loopback"], "SPAMCORPUS_CORPUS_DIR": config["corpus"],
        "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "DOWNLOAD_TIMEOUT": 10, "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "SPIDER_MODULES": [],  # the probe spider is defined here; the project's spiders need not import
    }
    settings = project_settings(overrides)
    if not config["guard_middleware"]:
        mws = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        mws["crawler.middlewares.ssrf.SSRFGuardMiddleware"] = None
        settings.set("DOWNLOADER_MIDDLEWARES", mws, priority="cmdline")
    if config["dns_resolver"]:
        settings.set("DNS_RESOLVER", config["dns_resolver"], priority="cmdline")
        settings.set("TWISTED_DNS_RESOLVER", config["dns_resolver"], priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(LinkSpider)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
    print(json.dumps({"stats": stats, "fetched": fetched, "failures": failures,
                      "redirected_from": redirected_from, "tripwire": attempts}))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _child(json.loads(sys.argv[1]))
