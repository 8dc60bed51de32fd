"""The ways to start a crawl: `scrapy crawl` from the repository root, `spamcorpus demo`, follow modes, errors."""
from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from corpus.ids import canonicalize_url
from tests.crawler.conftest import CRAWL_GROUP, SCRAPY, check_store_integrity, crawl_cli, read_rows

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]


def test_scrapy_crawl_from_the_repository_root_and_the_page_limit(sample_server, sample_job, tmp_path):
    """`scrapy crawl corpus` works from the repository root; the page limit holds exactly, and the pages it left
    out are picked up by the next run (here through `spamcorpus crawl`, into the same corpus)."""
    corpus = tmp_path / "corpus"
    run = crawl_cli(sample_server, ["crawl", "corpus", "-a", f"job={sample_job}", "-a", f"out={corpus}",
                                    "-a", "max_pages=40", "-s", "LOG_LEVEL=WARNING"], corpus, program=SCRAPY)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(read_rows(corpus, ["doc_id"])) == 40
    assert run.run_record()["finish_reason"] == "closespider_pagecount"
    assert all(r.user_agent.startswith("spamcorpus/") for r in run.requests)
    more = crawl_cli(sample_server, ["crawl", str(sample_job), "--out", str(corpus), "--max-pages", "25",
                                     "--set", "SPAMCORPUS_PROGRESS_INTERVAL=0.2"], corpus)
    assert more.returncode == 0, more.stderr[-3000:]
    assert more.run_record()["finish_reason"] == "closespider_pagecount"
    assert "crawl finished (closespider_pagecount)" in more.stderr
    rows = read_rows(corpus, ["doc_id"])
    assert len(rows) == 65 and len({r["doc_id"] for r in rows}) == 65
    check_store_integrity(corpus)


def test_follow_spam_only_walks_only_out_of_spam_pages(sample_server, sample_job, full_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    run = crawl_cli(sample_server, ["crawl", str(sample_job), "--out", str(corpus), "--follow", "spam_only"], corpus)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = read_rows(corpus, ["final_url", "depth", "referrer", "spam_score"])
    by_url = {r["final_url"]: r for r in rows}
    followed = [r for r in rows if r["depth"] > 0]
    assert len(followed) >= 20  # the walk went somewhere
    for r in followed:
        parent = by_url[r["referrer"]]
        assert parent["spam_score"] >= 0.5, (r["final_url"], r["referrer"], parent["spam_score"])
        assert r["depth"] == parent["depth"] + 1
    # and it is a real restriction: pages reachable only through benign pages were left alone
    assert len(rows) < len(read_rows(full_crawl.corpus, ["doc_id"]))
    seeds = {canonicalize_url(u) for u in sample_server.seed_urls()}
    assert seeds <= set(by_url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return s.getsockname()[1]


def test_demo_serves_crawls_and_summarises(sample_server, tmp_path):
    corpus = tmp_path / "corpus"
    port = _free_port()
    run = crawl_cli(sample_server, ["demo", "--port", str(port), "--out", str(corpus), "--max-pages", "60",
                                      "--no-studio"], corpus)
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"port {port}; crawling into {corpus}" in run.stdout
    assert "60 rows" in run.stdout and "drops by reason:" in run.stdout
    assert len(read_rows(corpus, ["doc_id"])) == 60


def test_demo_on_a_busy_port_is_a_clean_error(tmp_path):
    from spamcorpus.cli import main

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.4", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = CliRunner().invoke(main, ["demo", "--port", str(port), "--out", str(tmp_path / "c"), "--no-studio"])
    assert result.exit_code == 1
    assert f"port {port} is busy on 127.0.0.4" in result.output and "Traceback" not in result.output


def test_crawl_cli_errors_are_clean(tmp_path):
    from spamcorpus.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["crawl"])
    assert result.exit_code == 2 and "give either JOB_FILE or --seeds-file" in result.output
    result = runner.invoke(main, ["crawl", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2 and "cannot read job file" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x y"\n[seeds]\nurls = ["http://127.0.0.2/"]\n')
    result = runner.invoke(main, ["crawl", str(bad)])
    assert result.exit_code == 2 and "must match" in result.output and "Traceback" not in result.output
    good = tmp_path / "good.toml"
    good.write_text('name = "x"\n[seeds]\nurls = ["http://127.0.0.2/"]\n')
    result = runner.invoke(main, ["crawl", str(good), "--set", "NOEQUALS"])
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_scrapy_crawl_refuses_a_python_console(sample_server, sample_job, tmp_path):
    # `spamcorpus crawl --set` refuses it; `scrapy crawl -s` goes round that check, so the spider refuses it too
    corpus = tmp_path / "corpus"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = crawl_cli(sample_server, ["crawl", "corpus", "-a", f"job={sample_job}", "-a", f"out={corpus}",
                                    "-s", "TELNETCONSOLE_ENABLED=True", "-s", f"TELNETCONSOLE_PORT=[{port},{port}]",
                                    "-s", "LOG_LEVEL=WARNING"], corpus, program=SCRAPY)
    assert run.returncode != 0
    assert "TELNETCONSOLE_ENABLED is refused" in run.stderr
    assert "telnet" not in run.stderr.lower().replace("telnetconsole_enabled", "")  # no console, no password
    assert not run.requests and not corpus.exists() or not read_rows(corpus, ["doc_id"])
