"""Headless Debian chromium driven over the Chrome DevTools Protocol on a pipe (no port, no extra package)."""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

VIEWPORT = (1280, 800)
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
# skip (with the reason) only where chromium is missing: `make test` installs it on Debian
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it on "
                                                              "Debian: apt-get install chromium fonts-noto-cjk)")

_FLAGS = [
    "--headless=new", "--no-sandbox",  # root in CI: chromium refuses its sandbox as root
    "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--mute-audio",
    # nothing leaves 127.0.0.1: no background fetches, and any host name but 127.0.0.1 fails to resolve
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-domain-reliability", "--disable-breakpad", "--metrics-recording-only", "--no-pings",
    "--disable-features=OptimizationHints,MediaRouter,Translate,InterestFeedContentSuggestions,"
    "AutofillServerCommunication",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", "--hide-scrollbars", "--lang=en-US",
]


class BrowserError(RuntimeError):
    pass


class Browser:
    """One chromium process and one page; `call` sends a CDP command to that page and returns its result."""

    def __init__(self, log: Path | None = None):
        if CHROMIUM is None:
            raise BrowserError("chromium is not installed")
        self.profile = tempfile.mkdtemp(prefix="spamcorpus-chromium-")
        # the browser reads commands on fd 3 and writes answers on fd 4, NUL-separated JSON
        to_browser, self._out = _pipe()
        self._in, from_browser = _pipe()
        log_path = str(log) if log else os.devnull
        actions = [(os.POSIX_SPAWN_DUP2, to_browser, 3), (os.POSIX_SPAWN_DUP2, from_browser, 4),
                   (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
                   (os.POSIX_SPAWN_DUP2, 1, 2)]
        argv = [CHROMIUM, *_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"]
        self.pid = os.posix_spawn(CHROMIUM, argv, os.environ, file_actions=actions, setsid=True)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer, self._next_id, self.events = b"", 0, []
        self.logged_in: str | None = None   # the server whose session cookie the browser holds
        try:
            page = next(t for t in self._send("Target.getTargets", {})["targetInfos"] if t["type"] == "page")
            self.session = self._send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
                "sessionId"]
            for domain in ("Page", "Runtime", "Network"):
                self.call(f"{domain}.enable")
            self.call("Emulation.setDeviceMetricsOverride", {"width": VIEWPORT[0], "height": VIEWPORT[1],
                                                             "deviceScaleFactor": 1, "mobile": False})
        except BaseException:
            self.close()
            raise

    # -- protocol -------------------------------------------------------------------------------------------
    def _send(self, method: str, params: dict, session: str | None = None, timeout: float = 30.0) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            for answer in self._read(deadline, method):
                if answer.get("id") == self._next_id:
                    if "error" in answer:
                        raise BrowserError(f"{method}: {answer['error']}")
                    return answer.get("result", {})
                if "method" in answer:
                    self.events.append(answer)

    def _read(self, deadline: float, method: str) -> list[dict]:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self._in], [], [], left)[0]:
            raise BrowserError(f"{method}: no answer from chromium in time")
        chunk = os.read(self._in, 1 << 20)
        if not chunk:
            raise BrowserError(f"{method}: chromium closed its pipe (crashed?)")
        self._buffer += chunk
        *whole, self._buffer = self._buffer.split(b"\0")
        return [json.loads(m) for m in whole]

    def call(self, method: str, params: dict | None = None, timeout: float = 30.0) -> dict:
        return self._send(method, params or {}, self.session, timeout)

    # -- page helpers ---------------------------------------------------------------------------------------
    def evaluate(self, expression: str, timeout: float = 30.0) -> Any:
        got = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": True}, timeout)
        if "exceptionDetails" in got:
            raise BrowserError(f"{expression[:80]}: {got['exceptionDetails'].get('text')}")
        return got["result"].get("value")

    def navigate(self, url: str, timeout: float = 30.0) -> None:
        self.events.clear()
        got = self.call("Page.navigate", {"url": url}, timeout)
        if got.get("errorText"):
            raise BrowserError(f"{url}: {got['errorText']}")
        self.wait_for("document.readyState === 'complete'", timeout)

    def wait_for(self, expression: str, timeout: float = 30.0, poll: float = 0.1) -> Any:
        """Poll a JavaScript expression until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for: {expression[:200]}")
            time.sleep(poll)

    def pause(self, seconds: float) -> None:
        """Let the page run for a while (timers, pending fetches), collecting protocol events meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.evaluate("1")
            time.sleep(0.1)

    def set_cookie(self, url: str, name: str, value: str) -> None:
        if not self.call("Network.setCookie", {"url": url, "name": name, "value": value}).get("success", True):
            raise BrowserError(f"cookie {name} refused for {url}")

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 5
        try:
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.killpg(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    break
                time.sleep(0.05)
        except (ProcessLookupError, ChildProcessError):
            pass  # already reaped
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _pipe() -> tuple[int, int]:
    """A pipe whose ends sit above fd 10, so mapping them onto fds 3 and 4 in the child cannot clobber one."""
    r, w = os.pipe()
    high = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (r, w))
    os.close(r)
    os.close(w)
    return high


def login_cookie(url: str, email: str, password: str) -> str:
    """Label Studio's session cookie, got as a browser gets it: the login form with its CSRF token."""
    import httpx
    with httpx.Client(base_url=url, follow_redirects=False) as client:
        client.get("/user/login/")
        answer = client.post("/user/login/", data={"csrfmiddlewaretoken": client.cookies["csrftoken"],
                                                   "email": email, "password": password},
                             headers={"Referer": url + "/user/login/"})
        if answer.status_code != 302 or "sessionid" not in client.cookies:
            raise BrowserError(f"Label Studio login failed ({answer.status_code}): {answer.text[:300]}")
        return client.cookies["sessionid"]
