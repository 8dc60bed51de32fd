"""`spamcorpus crawl` with bad inputs, as a new user would type them: each row gets one clear message and an honest
exit code (2 bad input, 1 crawl failed, 130 Ctrl-C, 143 SIGTERM), no traceback, and nothing already committed
changes. Rows that need a crawl run the real CLI in a subprocess against the loopback sample web."""
from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from spamcorpus.cli import main
from corpus.store import CorpusStore
from tests.conftest import make_row
from tests.crawler.conftest import CLI, CRAWL_GROUP, REPO, check_store_integrity, child_env, crawl_cli, read_rows

GOOD = 'name = "j"\n[seeds]\nurls = ["http://a.example/"]\n'


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A corpus with committed rows, which no bad input may change."""
    root = tmp_path / "corpus"
    store = CorpusStore(root, run_id="seeded")
    store.commit([make_row(f"http://seeded.example/{i}", f"text {i}", job="seeded") for i in range(3)])
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def committed(root: Path) -> dict[str, str]:
    """The committed state: manifest and shards (a crawl may add its run record and staging area, nothing else)."""
    return {k: v for k, v in snapshot(root).items() if k == "_manifest.jsonl" or k.startswith("crawl_job=")}


def assert_kept(root: Path, before: dict[str, str], manifest_before: str) -> None:
    """Everything committed before is still there, unchanged; the manifest only grew."""
    after = committed(root)
    assert {k: v for k, v in after.items() if k.startswith("crawl_job=") and k in before} == {
        k: v for k, v in before.items() if k.startswith("crawl_job=")}
    assert (root / "_manifest.jsonl").read_text(encoding="utf-8").startswith(manifest_before)


@dataclass
class Row:
    id: str
    job: str | None  # job file text (written to tmp/job.toml), or None
    args: list[str]  # {job}, {tmp}, {corpus} are filled in
    code: int
    expect: list[str]
    files: dict[str, bytes] = field(default_factory=dict)  # more files in tmp
    lines: int | None = None  # the number of problem lines, when it matters


ROWS = [
    # job files: unknown keys and tables, each with a hint
    Row("unknown-keys", 'name = "j"\ncolour = "red"\n[seeds]\nurl = ["http://a.example/"]\nurls = ["http://a.example/"]\n'
        '[follow]\ndept = 2\n[politness]\ntimeout = 3\n', ["{job}"], 2,
        ["{job}: unknown key `colour` at the top level", "unknown key `url` in [seeds] (did you mean `urls`?)",
         "unknown key `dept` in [follow] (did you mean `depth`?)",
         "unknown table [politness] (did you mean [politeness]?)"], lines=4),
    # types, never coerced nor read a character at a time
    Row("depth-three", GOOD + '[follow]\ndepth = "three"\n', ["{job}"], 2,
        ["{job}: follow.depth: expected an integer >= 0, got 'three'"], lines=1),
    Row("name-5", 'name = 5\n[seeds]\nurls = ["http://a.example/"]\n', ["{job}"], 2,
        ["{job}: name: expected a job name matching", "got 5"], lines=1),
    Row("seeds-string", 'name = "j"\nseeds = "http://a.example/"\n', ["{job}"], 2,
        ["{job}: seeds: expected a table", 'urls = ["http://..."]'], lines=1),
    Row("urls-string", 'name = "j"\n[seeds]\nurls = "http://a.example/"\n', ["{job}"], 2,
        ['{job}: seeds.urls: expected a list of URLs, e.g. urls = ["http://..."]'], lines=1),
    Row("max-size-big", GOOD + '[politeness]\nmax_size_mib = "big"\n', ["{job}"], 2,
        ["{job}: politeness.max_size_mib: expected a number > 0", "got 'big'"], lines=1),
    Row("obey-robots-yes", GOOD + '[politeness]\nobey_robots = "yes"\n', ["{job}"], 2,
        ["{job}: politeness.obey_robots: expected true or false, got 'yes'"], lines=1),
    # ranges
    Row("ranges", GOOD + '[follow]\ndepth = 1.5\nallowed_hosts = "127.0.0.2"\n[limits]\npages = -5\n'
        '[politeness]\ntimeout = -1\n', ["{job}"], 2,
        ["follow.depth: expected an integer >= 0, got 1.5", "follow.allowed_hosts: expected a list of host names",
         "limits.pages: expected an integer >= 0", "politeness.timeout: expected a number > 0"], lines=4),
    Row("concurrency-0", GOOD + '[politeness]\nconcurrency_per_host = 0\n', ["{job}"], 2,
        ["politeness.concurrency_per_host: expected an integer within 1..1000, got 0"], lines=1),
    # --set: typed, and the guards cannot be switched off from the command line
    Row("set-delay-abc", GOOD, ["{job}", "--set", "DOWNLOAD_DELAY=abc"], 2,
        ["--set DOWNLOAD_DELAY: expected a number, got 'abc'"], lines=1),
    Row("set-telnet", GOOD, ["{job}", "--set", "TELNETCONSOLE_ENABLED=True", "--set", "TELNETCONSOLE_PORT=[6023]"], 2,
        ["--set TELNETCONSOLE_ENABLED: refused", "--set TELNETCONSOLE_PORT: refused"], lines=2),
    Row("set-ssrf-guard", GOOD, ["{job}", "--set", "SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES=true",
                                 "--set", "DOWNLOADER_MIDDLEWARES={}", "--set", "TWISTED_DNS_RESOLVER=x.Y",
                                 "--set", "DOWNLOAD_HANDLERS={}", "--set", "REMOTE_CONTROL_ENABLED=true"], 2,
        ["--set SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES: refused", "--allow-private-addresses",
         "--set DOWNLOADER_MIDDLEWARES: refused", "SSRFGuardMiddleware", "--set TWISTED_DNS_RESOLVER: refused",
         "--set DOWNLOAD_HANDLERS: refused", "--set REMOTE_CONTROL_ENABLED: refused"], lines=5),
    Row("set-unknown-spamcorpus", GOOD, ["{job}", "--set", "SPAMCORPUS_PROGRES=false"], 2,
        ["--set SPAMCORPUS_PROGRES: unknown spamcorpus setting (did you mean SPAMCORPUS_PROGRESS?)"], lines=1),
    Row("set-hang", GOOD, ["{job}", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=0"], 2,
        ["--set CONCURRENT_REQUESTS_PER_DOMAIN: expected an integer >= 1, got '0'"], lines=1),
    Row("set-unknown-warns", GOOD, ["{job}", "--check", "--out", "{corpus}", "--set", "download_delay=2",
                                    "--set", "DOWNLOAD_DELAY=1.5", "--set", "SPAMCORPUS_PROGRESS=off"], 0,
        ["warning: --set download_delay: not a setting Scrapy or spamcorpus knows (did you mean DOWNLOAD_DELAY?)",
         "job j: OK", "nothing was crawled (--check)"]),
    # seeds files
    Row("seeds-0xff", None, ["--seeds-file", "{tmp}/seeds.txt"], 2,
        ["seeds file {tmp}/seeds.txt: not UTF-8 text: byte 0xff at line 2, column 18 (byte offset 36)"],
        files={"seeds.txt": b"http://a.example/1\nhttp://a.example/\xff\n"}, lines=1),
    Row("job-seeds-0xff", 'name = "j"\n[seeds]\nfile = "seeds.txt"\n', ["{job}"], 2,
        ["{job}: seeds.file: seeds file {tmp}/seeds.txt: not UTF-8 text: byte 0xff at line 1"],
        files={"seeds.txt": b"\xff\n"}, lines=1),
    # --out
    Row("out-is-a-file", GOOD, ["{job}", "--out", "{tmp}/afile"], 2,
        ["--out {tmp}/afile: is an existing file, not a corpus directory"], files={"afile": b"x"}, lines=1),
    Row("out-under-a-file", GOOD, ["{job}", "--out", "{tmp}/afile/corpus"], 2,
        ["--out {tmp}/afile/corpus: {tmp}/afile is a file, so no directory can be made under it"],
        files={"afile": b"x"}, lines=1),
    # all the problems of one command line at once
    Row("everything-at-once", GOOD + '[follow]\ndepth = -1\n', ["{job}", "--set", "DOWNLOAD_DELAY=abc",
                                                               "--out", "{tmp}/afile"], 2,
        ["follow.depth:", "--set DOWNLOAD_DELAY:", "--out {tmp}/afile:"], files={"afile": b"x"}, lines=3),
    # --check: validates without crawling
    Row("check-ok", GOOD, ["{job}", "--check", "--out", "{corpus}"], 0,
        ["job j: OK ({job})", "seeds:      1 URL, 0 sitemaps, 0 robots.txt", "follow:     depth 2",
         "limits:     no page limit, no time limit", "nothing was crawled (--check)"]),
    Row("check-warns-of-refused-seeds", 'name = "j"\n[seeds]\nurls = ["http://127.0.0.2/", "http://10.1.2.3/", '
        '"http://a.example/"]\n', ["{job}", "--check"], 0,
        ["warning:    the SSRF guard will refuse 2 of 3 seeds (loopback 1, private 1); --allow-private-addresses "
         "lifts the refusal of loopback (sample web and tests only)"]),
    Row("check-bad", GOOD + '[limits]\npages = -5\n', ["{job}", "--check"], 2, ["limits.pages"], lines=1),
    Row("check-seeds-file", None, ["--seeds-file", "{tmp}/seeds.txt", "--check", "--job", "mine", "--depth", "0"], 0,
        ["job mine: OK", "2 URLs", "depth 0"], files={"seeds.txt": b"# two\nhttp://a.example/\nhttp://b.example/\n"}),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_crawl_input_rows(tmp_path, corpus, row):
    for name, data in row.files.items():
        (tmp_path / name).write_bytes(data)
    job = tmp_path / "job.toml"
    if row.job is not None:
        job.write_text(row.job, encoding="utf-8")
    fill = {"{job}": str(job), "{tmp}": str(tmp_path), "{corpus}": str(corpus)}

    def filled(text: str) -> str:
        for key, value in fill.items():
            text = text.replace(key, value)
        return text

    args = [filled(a) for a in row.args]
    if "--out" not in args:
        args += ["--out", str(corpus)]
    before = snapshot(corpus)
    result = CliRunner().invoke(main, ["crawl", *args])
    output = result.output
    assert result.exit_code == row.code, output
    for part in row.expect:
        assert filled(part) in output, (filled(part), output)
    assert "Traceback" not in output and "(see the log above)" not in output, output
    if row.lines is not None:
        problems = output.split("Error: ", 1)[1].strip().splitlines()
        assert len(problems) == row.lines, problems
    assert snapshot(corpus) == before  # nothing fetched, nothing written


def test_out_that_cannot_be_written_is_refused_before_crawling(tmp_path, corpus):
    read_only = next((p for p in (Path("/sys/fs"), Path("/sys"), Path("/proc/sys")) if p.is_dir() and not _writable(p)),
                     None)
    if read_only is None:
        pytest.skip("no read-only directory on this machine")
    (tmp_path / "job.toml").write_text(GOOD, encoding="utf-8")
    out = read_only / "spamcorpus-corpus"
    result = CliRunner().invoke(main, ["crawl", str(tmp_path / "job.toml"), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"--out {out}: cannot write there (nor create it in {read_only})" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def _writable(path: Path) -> bool:
    try:
        fd, name = tempfile.mkstemp(dir=path)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


# --- rows that crawl: a real loopback server, the real command in a subprocess --------------------------------------
def _sample_job(sample_server, tmp_path, *, allow_private: bool, **replace: str) -> Path:
    text = sample_server.job_toml()
    text = re.sub(r"(?m)^allow_private_addresses = \w+", f"allow_private_addresses = {str(allow_private).lower()}", text)
    for old, new in replace.items():
        text = re.sub(old, new, text)
    path = tmp_path / "sample.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.xdist_group(CRAWL_GROUP)
def test_all_seeds_refused_exits_1_with_the_hint(sample_server, tmp_path, corpus):
    job = _sample_job(sample_server, tmp_path, allow_private=False)
    before = committed(corpus)
    run = crawl_cli(sample_server, ["crawl", str(job), "--out", str(corpus)], corpus)
    assert run.returncode == 1, run.stderr[-3000:]
    message = run.stderr.strip().splitlines()[-1]
    assert message.startswith("Error: nothing fetched: the SSRF guard refused every seed (ssrf_loopback 4)"), message
    assert "--allow-private-addresses" in message and "sample web and tests only" in message
    assert not run.requests, "a refused seed reached the server"
    assert "Traceback" not in run.stderr and "(see the log above)" not in run.stderr
    assert committed(corpus) == before


@pytest.mark.slow
@pytest.mark.xdist_group(CRAWL_GROUP)
def test_crawl_that_fetched_nothing_says_why(sample_server, tmp_path, corpus):
    port = _closed_port()
    (tmp_path / "job.toml").write_text(
        f'name = "nobody"\n[seeds]\nurls = ["http://127.0.0.9:{port}/"]\n[politeness]\nobey_robots = false\n'
        "autothrottle = false\ndownload_delay = 0\n", encoding="utf-8")
    before = committed(corpus)
    run = crawl_cli(sample_server, ["crawl", str(tmp_path / "job.toml"), "--out", str(corpus),
                                    "--allow-private-addresses", "--set", "RETRY_TIMES=0"], corpus)
    assert run.returncode == 1, run.stderr[-3000:]
    message = run.stderr.strip().splitlines()[-1]
    assert message == ("Error: nothing fetched: no page made a row (drops: connection_refused 1); "
                       "connection_refused: nothing accepts connections there"), message
    assert committed(corpus) == before


def _closed_port() -> int:
    """A loopback port that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.9", 0))
        return s.getsockname()[1]


def _start_slow_crawl(sample_server, tmp_path, corpus) -> tuple[subprocess.Popen, Path]:
    job = _sample_job(sample_server, tmp_path, allow_private=True)
    err = tmp_path / "stderr.txt"
    with open(err, "wb") as fh:
        proc = subprocess.Popen(
            [str(CLI), "crawl", str(job), "--out", str(corpus), "--set", "DOWNLOAD_DELAY=0.2",
             "--set", "SPAMCORPUS_PROGRESS_INTERVAL=0.3", "--set", "SPAMCORPUS_COMMIT_SECONDS=1"],
            cwd=REPO, env=child_env(), stdout=subprocess.PIPE, stderr=fh, start_new_session=True)
    deadline = time.monotonic() + 180
    while not re.search(r"extracted [1-9]", err.read_text(errors="replace")):
        assert proc.poll() is None, err.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "the crawl extracted nothing in 180 s"
        time.sleep(0.2)
    return proc, err


def _group_gone(pgid: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.xdist_group(CRAWL_GROUP)
@pytest.mark.parametrize("signame, to_group, code, resume_hint", [
    # Ctrl-C as a terminal sends it: SIGINT to the whole process group (page workers and their fork server too)
    ("SIGINT", True, 130, True),
    ("SIGTERM", False, 128 + signal.SIGTERM, False),
])
def test_a_signal_ends_the_crawl_cleanly_and_keeps_what_was_committed(sample_server, tmp_path, corpus, signame,
                                                                      to_group, code, resume_hint):
    before, manifest = committed(corpus), (corpus / "_manifest.jsonl").read_text(encoding="utf-8")
    proc, err = _start_slow_crawl(sample_server, tmp_path, corpus)
    sig = getattr(signal, signame)
    os.killpg(proc.pid, sig) if to_group else os.kill(proc.pid, sig)
    try:
        proc.wait(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    stderr = err.read_text(errors="replace")
    assert proc.returncode == code, stderr[-3000:]
    pattern = rf"crawl stopped by {signame}; (\d+) rows committed"
    if resume_hint:
        pattern += r" in this run \(run \S+\); run the same command again to resume"
    match = re.search(pattern, stderr)
    assert match and int(match.group(1)) > 0, stderr[-3000:]
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr[-5000:]
    assert _group_gone(proc.pid), "a page worker or the fork server outlived the crawl"
    check_store_integrity(corpus)
    assert sum(r["crawl_job"] == "sample-web" for r in read_rows(corpus, ["crawl_job"])) == int(match.group(1))
    assert_kept(corpus, before, manifest)
