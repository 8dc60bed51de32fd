"""Shared test helpers: a full corpus row builder and a loopback-only environment."""
from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime, timezone

import pytest
from hypothesis import settings

from corpus.ids import canonicalize_url, doc_id, host_of
from corpus.schema import SCHEMA_VERSION

# real Label Studio servers (fixtures studio_template, start_server, shared_server) for any test package
pytest_plugins = ["tests.studio_servers"]

# Property tests: `ci` (the default, what `make test` runs) draws the same examples on every run, seeded by each
# test, so CI never fails on a case its author's run did not draw, and never on a slow example (no deadline) on a
# loaded machine. `fuzz` (`make fuzz`) draws new examples, FUZZ_SCALE times each test's own budget, to look for
# such cases on purpose (what it found: README, Tests).
HYPOTHESIS_PROFILE = os.environ.get("SPAMCORPUS_HYPOTHESIS", "ci")
FUZZ_SCALE = 15
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("fuzz", deadline=None, max_examples=100 * FUZZ_SCALE)
if HYPOTHESIS_PROFILE == "fuzz":
    _settings_init = settings.__init__

    def _scaled_init(self, parent=None, **changes):
        # a test's own @settings(max_examples=…) wins over any profile: scale it where it is set
        if "max_examples" in changes:
            changes["max_examples"] *= FUZZ_SCALE
        _settings_init(self, parent, **changes)

    settings.__init__ = _scaled_init
settings.load_profile(HYPOTHESIS_PROFILE)

# keep every test off any proxy: traffic goes to loopback only
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def pytest_collection_modifyitems(config, items):
    """Tests marked `realworld` need the pinned real-world set beside the checkout (CI has it): elsewhere they are
    skipped with the path they looked at, not failed one by one. A present but edited set still fails its pin."""
    from corpus.realworld import realworld_path

    path = realworld_path()
    if path.is_file():
        return
    skip = pytest.mark.skip(reason=f"real-world set not at {path} (set SPAMCORPUS_REALWORLD to its documents.jsonl)")
    for item in items:
        if "realworld" in item.keywords:
            item.add_marker(skip)


def make_row(url: str, text: str = "hello", *, job: str = "test", title: str = "t", contacts=(), score=0.1,
             family="other", lang="en", run_id="test-run", **extra) -> dict:
    """A row with every schema column filled, for store, campaign and annotation tests."""
    row = {
        "doc_id": doc_id(url), "url": canonicalize_url(url), "final_url": canonicalize_url(url),
        "host": host_of(url), "fetched_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "status": 200,
        "content_type": "text/html", "doc_format": "html", "encoding": "utf-8", "encoding_source": "header",
        "replacement_ratio": 0.0, "title": title, "text": text, "lang": lang, "script": "",
        "contacts": [dict(c) for c in contacts], "links": [], "spam_score": score, "spam_signals": [],
        "family_guess": family, "detector_version": "test", "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "crawl_job": job, "run_id": run_id, "depth": 0, "referrer": None, "body": text.encode(),
        "schema_version": SCHEMA_VERSION, "warc_file": None, "warc_offset": None,
    }
    row.update(extra)
    return row


@pytest.fixture
def row_factory():
    return make_row


def redis_or_skip() -> None:
    """Missing redis-server fails where it must be there (CI, root, who `make test` installs it for); elsewhere the
    tests skip and say why."""
    if shutil.which("redis-server"):
        return
    if os.environ.get("CI") or os.geteuid() == 0:
        pytest.fail("redis-server is not installed: `make test` installs Debian's redis-server when run as root")
    pytest.skip("redis-server is not installed and this user cannot install it (not root): "
                "apt-get install redis-server, or run `make test` as root")


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server on loopback for one test (crawler/distributed/local_server.py)."""
    from crawler.distributed.local_server import LocalRedis

    redis_or_skip()
    with LocalRedis(tmp_path / "redis") as server:
        yield server
