"""Real Label Studio servers for every test package: one slow initialisation per machine, then ~2 s copies per server.

Registered as a plugin in tests/conftest.py, so tests/annotate and the release tests share one template.
"""
from __future__ import annotations

import fcntl
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from annotate import studio
from annotate.client import StudioClient

STUDIO_MARKS = [pytest.mark.studio, pytest.mark.slow, pytest.mark.xdist_group("studio"),
                # the SDK's own use of a deprecated pydantic API when it refreshes personal access tokens
                pytest.mark.filterwarnings("ignore:The `parse_obj` method is deprecated")]


def studio_test(test):
    """Mark a test as one that drives a real Label Studio server (slow, one xdist group)."""
    for mark in STUDIO_MARKS:
        test = mark(test)
    return test


@dataclass
class Server:
    data_dir: Path
    url: str
    token: str
    pid: int

    def client(self, token: str | None = None) -> StudioClient:
        return StudioClient.connect(self.url, token or self.token)

    def kill(self) -> None:
        """SIGKILL the whole server, as a crash or an OOM kill would."""
        os.killpg(self.pid, signal.SIGKILL)
        studio._terminate(self.pid, grace=5)


def _start(data_dir: Path) -> Server:
    state = studio.start(data_dir, port=studio.free_port(), timeout=120)
    return Server(data_dir, state.url, studio.load_credentials(data_dir).token, state.pid)


def _label_studio_version() -> str:
    found = sorted(studio.studio_venv().glob("lib/python*/site-packages/label_studio-*.dist-info"))
    return found[-1].name.split("-")[1] if found else "unknown"


@pytest.fixture(scope="session")
def studio_template(request) -> Path:
    """An initialised data dir (migrations, admin, token): the ~25 s first start happens once per machine and
    Label Studio version (kept in pytest's cache dir), shared by every xdist worker."""
    if not (studio.studio_venv() / "bin" / "label-studio").exists():
        pytest.fail(f"Label Studio is not installed in {studio.studio_venv()}: run `make studio-venv`")
    cache = getattr(request.config, "cache", None)   # absent under -p no:cacheprovider: then once per run
    key = f"label-studio-template-{_label_studio_version()}"
    root = Path(cache.mkdir(key)) if cache else request.getfixturevalue("tmp_path_factory").mktemp(key)
    with open(root / "lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return studio.initialise_template(root / "data")


@pytest.fixture
def start_server(studio_template, tmp_path):
    """Start a fresh server from a copy of the template; `start_server(data_dir)` restarts an existing dir."""
    started: list[Server] = []

    def start(data_dir: Path | None = None) -> Server:
        if data_dir is None:
            data_dir = studio.copy_data_dir(studio_template, tmp_path / f"studio{len(started)}")
        server = _start(data_dir)
        started.append(server)
        return server

    yield start
    for server in started:
        studio.stop(server.data_dir)


@pytest.fixture(scope="module")
def shared_server(studio_template, tmp_path_factory):
    """One server for a module's tests (each test uses its own project)."""
    data_dir = studio.copy_data_dir(studio_template, tmp_path_factory.mktemp("shared-studio"))
    server = _start(data_dir)
    yield server
    studio.stop(data_dir)


def signup_annotator(url: str, admin_token: str, email: str, password: str, personal_token: bool = False) -> str:
    """What a new annotator does in the browser: open the invite link, sign up, get an API token.

    Returns the legacy token, or a personal access token (a JWT refresh token) if asked.
    """
    invite = httpx.get(f"{url}/api/invite", headers={"Authorization": f"Token {admin_token}"}).json()["invite_url"]
    with httpx.Client(base_url=url) as browser:
        browser.get(invite)
        answer = browser.post(invite, data={"csrfmiddlewaretoken": browser.cookies["csrftoken"], "email": email,
                                            "password": password}, headers={"Referer": url + invite})
        assert answer.status_code == 302, answer.text[:500]
        if personal_token:
            answer = browser.post("/api/token/", headers={"X-CSRFToken": browser.cookies["csrftoken"],
                                                          "Referer": url + "/"})
        else:
            answer = browser.get("/api/current-user/token")
        answer.raise_for_status()
        return answer.json()["token"]
