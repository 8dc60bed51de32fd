"""WARC out and in on real crawls of the sample web: every row traces to its bytes, ingest gives the crawl's rows."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import time
import zlib
from pathlib import Path

import psutil
import pytest
from warcio.archiveiterator import ArchiveIterator

from corpus.ids import canonicalize_url
from corpus.store import CorpusStore
from corpus.warc.reader import iter_responses, read_record
from corpus.warc.records import ArchivedResponse
from tests.crawler.conftest import CLI, CRAWL_GROUP, REPO, check_store_integrity, child_env, crawl_cli, read_rows

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]

# Columns in which an ingested row may differ from the crawled row of the same page, and why: they describe the
# fetch run, which the archive does not hold.
RUN_COLUMNS = {
    "run_id",  # the ingest is another run
    "warc_file",  # the crawl names its WARC file relative to the corpus, the ingest the archive's path
    "depth", "referrer",  # the link path that led the crawl to the page (an ingest reads records, not links)
    "url",  # the first URL of a redirect chain: the ingest reads the final response (the 3xx is its own record)
}


def ingest_cli(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), "ingest", *args], cwd=REPO, env=child_env(), capture_output=True, text=True,
                          timeout=timeout)


def warc_paths(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("_warc/crawl_job=*/*.warc.gz"))


def test_every_row_reads_back_its_own_record(full_crawl):
    corpus = full_crawl.corpus
    rows = read_rows(corpus, ["final_url", "fetched_at", "body", "status", "warc_file", "warc_offset"])
    assert rows and all(r["warc_file"] and r["warc_offset"] is not None for r in rows)
    for row in rows:
        record = read_record(corpus / row["warc_file"], row["warc_offset"])
        assert isinstance(record, ArchivedResponse), record
        assert canonicalize_url(record.target_uri) == row["final_url"]
        assert (record.body, record.status, record.date) == (row["body"], row["status"], row["fetched_at"])
    check_store_integrity(corpus)


def test_every_fetched_response_is_archived_with_its_request(full_crawl, sample_server):
    """robots.txt, sitemaps, redirects, errors and pages that made no row too; each response has its request."""
    corpus = full_crawl.corpus
    responses, requests, concurrent = {}, {}, set()
    for path in warc_paths(corpus):
        with open(path, "rb") as fh:
            kinds = []
            for record in ArchiveIterator(fh):
                kinds.append(record.rec_type)
                headers = record.rec_headers
                if record.rec_type == "response":
                    responses[headers.get_header("WARC-Record-ID")] = headers.get_header("WARC-Target-URI")
                elif record.rec_type == "request":
                    requests[headers.get_header("WARC-Concurrent-To")] = headers.get_header("WARC-Target-URI")
                    concurrent.add(headers.get_header("WARC-Concurrent-To"))
        assert kinds[0] == "warcinfo"
    assert requests == responses  # one request record per response, pointing at it
    archived = {(u.split("/", 3)[2].split(":")[0], "/" + u.split("/", 3)[3]) for u in responses.values()}
    # what the server answered in full (a response cut off at DOWNLOAD_MAXSIZE never reached the crawler)
    served = {(r.host.split(":")[0], r.path) for r in full_crawl.requests if "full-archive" not in r.path}
    assert served - archived == set()
    paths = {p for _, p in archived}
    assert "/robots.txt" in paths and any("sitemap" in p for p in paths)
    statuses = {r.status for path in warc_paths(corpus) for r in iter_responses(path)}
    assert {200, 301, 404, 500} <= statuses


def test_ingest_of_the_crawl_archive_gives_the_crawled_rows(full_crawl, tmp_path):
    crawled = {r["doc_id"]: r for r in read_rows(full_crawl.corpus)}
    out = tmp_path / "ingested"
    proc = ingest_cli([str(full_crawl.corpus / "_warc"), "--out", str(out), "--job", "sample-web"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    ingested = {r["doc_id"]: r for r in read_rows(out)}
    assert set(ingested) == set(crawled)
    differing = set()
    for key, row in crawled.items():
        other = ingested[key]
        differing |= {c for c in row if row[c] != other[c]}
        # the same record: the crawl's WARC file (relative to its corpus) at the same offset
        assert Path(other["warc_file"]) == (full_crawl.corpus / row["warc_file"]).resolve()
        assert other["warc_offset"] == row["warc_offset"]
        if row["url"] != other["url"]:
            assert other["url"] == row["final_url"]  # the crawl asked the redirect's source
    assert differing <= RUN_COLUMNS, differing - RUN_COLUMNS
    assert {"run_id", "warc_file", "depth"} <= differing  # the comparison sees real differences
    check_store_integrity(out)
    # the ingest's drops are counted and shown by `spamcorpus stats` like a crawl's
    stats = subprocess.run([str(CLI), "stats", str(out), "--json"], cwd=REPO, env=child_env(),
                           capture_output=True, text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    assert "http_404" in stats.stdout and "unsupported_content_type" in stats.stdout
    # again: every file is finished, nothing is read twice
    again = ingest_cli([str(full_crawl.corpus / "_warc"), "--out", str(out), "--job", "sample-web"])
    assert again.returncode == 0 and "(1 finished before)" in again.stdout, again.stdout + again.stderr
    assert len(read_rows(out, ["doc_id"])) == len(crawled)


def test_no_warc_writes_no_archive_and_null_columns(sample_server, sample_job, tmp_path):
    corpus = tmp_path / "corpus"
    run = crawl_cli(sample_server, ["crawl", str(sample_job), "--out", str(corpus), "--max-pages", "25",
                                    "--no-warc"], corpus)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = read_rows(corpus, ["warc_file", "warc_offset"])
    assert len(rows) == 25 and all(r["warc_file"] is None and r["warc_offset"] is None for r in rows)
    assert not (corpus / "_warc").exists()
    assert not any("warc" in line for line in (corpus / "_manifest.jsonl").read_text().splitlines())


def test_verify_checks_the_warc_files(full_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(full_crawl.corpus, corpus)
    ok = subprocess.run([str(CLI), "verify", str(corpus)], cwd=REPO, env=child_env(), capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0 and "1 WARC files checked, 0 bad" in ok.stdout, ok.stdout + ok.stderr
    (warc,) = warc_paths(corpus)
    stray = warc.with_name("part-stray.warc.gz")
    shutil.copy(warc, stray)
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0xFF
    warc.write_bytes(bytes(data))
    bad = subprocess.run([str(CLI), "verify", str(corpus), "--quarantine"], cwd=REPO, env=child_env(),
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"bad {warc}: not the WARC file committed (sha256 mismatch)" in bad.stdout
    assert f"orphan (no manifest line; left alone): {corpus}/{stray.relative_to(corpus)}" in bad.stdout
    assert warc.exists() and len(read_rows(corpus, ["doc_id"])) == len(read_rows(full_crawl.corpus, ["doc_id"]))
    warc.unlink()
    gone = subprocess.run([str(CLI), "verify", str(corpus)], cwd=REPO, env=child_env(), capture_output=True,
                          text=True, timeout=120)
    assert gone.returncode == 1 and f"bad {warc}: a missing WARC file" in gone.stdout, gone.stdout


def test_a_killed_ingest_redoes_only_unfinished_files(sample_server, sample_job, tmp_path):
    crawl = tmp_path / "crawl"
    # one WARC file a commit; a commit takes every row waiting, so a busy machine writes fewer, larger ones (7 files
    # at 40 rows in one loaded run): 20 rows leave room for the kill below (3 files done, at least one not)
    run = crawl_cli(sample_server, ["crawl", str(sample_job), "--out", str(crawl), "--set",
                                    "SPAMCORPUS_SHARD_ROWS=20"], crawl)
    assert run.returncode == 0, run.stderr[-3000:]
    files = warc_paths(crawl)
    assert len(files) >= 6, f"{len(files)} WARC files"
    out = tmp_path / "ingested"
    manifest = out / "_manifest.jsonl"
    proc = subprocess.Popen([str(CLI), "ingest", *map(str, files), "--out", str(out), "--job", "sample-web",
                             "--workers", "1", "--shard-rows", "7"], cwd=REPO, env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    finished_lines = []
    while time.monotonic() < deadline and proc.poll() is None:
        lines = manifest.read_text().splitlines() if manifest.exists() else []
        finished_lines = [json.loads(x) for x in lines if '"ingested"' in x]
        if len(finished_lines) >= 3:  # some files done, and (7-row shards) most likely one half done
            helpers = psutil.Process(proc.pid).children(recursive=True)  # fork server, worker
            os.kill(proc.pid, signal.SIGKILL)  # the command only: its workers must go by themselves
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    _gone, alive = psutil.wait_procs(helpers, timeout=15)
    assert not alive, f"left behind: {[p.pid for p in alive]}"
    done = {line["ingested"]["sha256"] for line in CorpusStore(out, create=False).notes("ingested")}
    assert 3 <= len(done) < len(files)
    check_store_integrity(out)
    again = ingest_cli([*map(str, files), "--out", str(out), "--job", "sample-web", "--workers", "2"])
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"ingested {len(files) - len(done)} of {len(files)} files ({len(done)} finished before)" in again.stdout
    check_store_integrity(out)
    ingested = [r["doc_id"] for r in read_rows(out, ["doc_id"])]
    assert sorted(ingested) == sorted(r["doc_id"] for r in read_rows(crawl, ["doc_id"]))
    finished = CorpusStore(out, create=False).notes("ingested")
    assert len(finished) == len(files) == len({f["ingested"]["sha256"] for f in finished})


def test_damaged_archives_are_counted_drops_and_a_non_archive_is_refused(full_crawl, tmp_path):
    (warc,) = warc_paths(full_crawl.corpus)
    data = warc.read_bytes()
    offsets = [r.offset for r in iter_responses(warc)]
    archives = tmp_path / "archives"
    archives.mkdir()
    # 40 responses whole, the 41st cut in the middle of its own gzip member (a small one may be under 200 bytes)
    member = zlib.decompressobj(31)
    member.decompress(data[offsets[40]:])
    size = len(data) - offsets[40] - len(member.unused_data)
    (archives / "cut.warc.gz").write_bytes(data[: offsets[40] + size // 2])
    garbage = b"\x1f\x8b\x08" + os.urandom(300)
    (archives / "garbage.warc.gz").write_bytes(data[: offsets[10]] + garbage + data[offsets[10]:offsets[60]])
    plain = gzip.decompress(data[: offsets[30]])
    at = plain.index(b"Content-Length: ", plain.index(b"WARC-Type: response", plain.index(b"WARC-Type: response") + 1))
    (archives / "plain.warc").write_bytes(plain[:at] + b"Content-Length: 9" + plain[at + 16:])  # 2nd response's
    out = tmp_path / "out"
    proc = ingest_cli([str(archives), "--out", str(out), "--job", "damaged", "--workers", "2"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    (record,) = [json.loads(p.read_text()) for p in (out / "_runs").glob("*.json")]
    drops = {k.rsplit("/", 1)[1]: v for k, v in record["stats"].items() if "/drops/" in k}
    assert drops.get("warc_truncated") == 1, drops  # the cut file's last record
    assert drops.get("warc_malformed", 0) + drops.get("warc_bad_digest", 0) == 2, drops  # garbage; plain
    assert record["stats"]["spamcorpus/ingest/files"] == 3 and record["finish_reason"] == "finished"
    check_store_integrity(out)
    # every whole record still made its row: the files overlap, so together they hold the first 60 records
    expected = {r["doc_id"] for r in read_rows(full_crawl.corpus, ["doc_id", "warc_offset"])
                if r["warc_offset"] < offsets[60]}
    assert {r["doc_id"] for r in read_rows(out, ["doc_id"])} == expected
    (tmp_path / "notes.txt").write_text("not an archive\n")
    refused = ingest_cli([str(warc), str(tmp_path / "notes.txt"), "--out", str(tmp_path / "x"), "--job", "j"])
    assert refused.returncode == 2 and "notes.txt is not a WARC or ARC file" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "x").exists()
