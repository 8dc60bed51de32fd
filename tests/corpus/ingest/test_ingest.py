"""The ingest over hand-made archives (WARC from the real writer, ARC by its text format): rows, drops, resume."""
from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest

from corpus.ingest.files import IngestInputError, archive_files
from corpus.ingest.run import ingest_files
from corpus.store import CorpusStore
from corpus.warc.records import Exchange, new_record_id
from corpus.warc.writer import write_warc

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
PAGE = ("<html><head><title>{t}</title></head><body><h1>{t}</h1><p>{t}: 流量卡办理 联系 TG @seller_{i}</p>"
        "</body></html>")


def ex(url: str, *, status: int = 200, body: bytes | None = None, headers=None) -> Exchange:
    body = body if body is not None else PAGE.format(t=url.rsplit("/", 1)[-1], i=len(url)).encode()
    return Exchange(new_record_id(), url, T0, "GET", [], b"", status,
                    headers or [("Content-Type", "text/html; charset=utf-8")], body)


def warc(path: Path, exchanges: list[Exchange]) -> dict[str, int]:
    with open(path, "wb") as fh:
        return write_warc(fh, exchanges, filename=path.name)


def arc(path: Path, pages: dict[str, bytes], gz: bool) -> None:
    def record(header: bytes, block: bytes) -> bytes:
        return header + b" %d\n" % len(block) + block + b"\n"
    blocks = [record(b"filedesc://x.arc 0.0.0.0 20261130120000 text/plain",
                     b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n")]
    for url, html in pages.items():
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        blocks.append(record(url.encode() + b" 127.0.0.1 20261130120000 text/html", http))
    path.write_bytes(b"".join(gzip.compress(b) for b in blocks) if gz else b"".join(blocks))


def rows_of(out: Path) -> dict[str, dict]:
    return {r["final_url"]: r for r in CorpusStore(out, create=False).read().to_pylist()}


def test_records_become_rows_and_the_rest_counted_drops(tmp_path):
    html = PAGE.format(t="zipped", i=1).encode()
    exchanges = [ex("http://a.test/robots.txt", headers=[("Content-Type", "text/plain")], body=b"User-agent: *\n"),
                 ex("http://a.test/old", status=301, body=b""), ex("http://a.test/p1"), ex("http://a.test/gone",
                 status=404), ex("http://a.test/img.png", headers=[("Content-Type", "image/png")], body=b"\x89PNG"),
                 ex("http://a.test/zipped", body=gzip.compress(html), headers=[("Content-Type", "text/html"),
                                                                               ("Content-Encoding", "gzip")]),
                 ex("http://a.test/p1")]  # fetched twice: one row
    offsets = warc(tmp_path / "a.warc.gz", exchanges)
    report = ingest_files(archive_files([tmp_path]), tmp_path / "out", "ingest-test", workers=0)
    got = rows_of(tmp_path / "out")
    assert set(got) == {"http://a.test/p1", "http://a.test/zipped"}
    assert got["http://a.test/zipped"]["body"] == html  # the body decoded, as the crawl's page pipeline sees it
    p1 = got["http://a.test/p1"]
    assert p1["warc_file"] == str((tmp_path / "a.warc.gz").resolve()) and p1["warc_offset"] == offsets[
        exchanges[2].record_id]
    assert p1["fetched_at"] == T0 and p1["crawl_job"] == "ingest-test" and p1["run_id"] == report.run_id
    assert {"contacts", "spam_score"} <= set(p1) and p1["contacts"]
    assert dict(report.drops) == {"http_404": 1, "unsupported_content_type": 1, "duplicate_doc_id": 1}
    assert dict(report.skipped) == {"robots_txt": 1, "redirect": 1}
    assert (report.records, report.rows) == (7, 2)


@pytest.mark.parametrize("gz", [False, True])
def test_arc_files_are_read(tmp_path, gz):
    pages = {f"http://arc.test/p{i}": PAGE.format(t=f"arc page {i}", i=i).encode() for i in range(3)}
    name = "old.arc.gz" if gz else "old.arc"
    arc(tmp_path / name, pages, gz)
    report = ingest_files(archive_files([tmp_path / name]), tmp_path / "out", "arc", workers=0)
    got = rows_of(tmp_path / "out")
    assert set(got) == set(pages) and report.rows == 3 and not report.drops
    assert all(r["body"] == pages[u] and r["title"].startswith("arc page") for u, r in got.items())


def test_finished_files_are_not_read_again_and_a_new_one_is(tmp_path):
    warc(tmp_path / "a.warc.gz", [ex(f"http://a.test/{i}") for i in range(5)])
    first = ingest_files([tmp_path / "a.warc.gz"], tmp_path / "out", "j", workers=0)
    assert (first.files, first.done_before, first.rows) == (1, 0, 5)
    warc(tmp_path / "b.warc.gz", [ex(f"http://b.test/{i}") for i in range(3)])
    again = ingest_files(archive_files([tmp_path]), tmp_path / "out", "j", workers=1)
    assert (again.files, again.done_before, again.rows, again.records) == (2, 1, 3, 3)
    assert len(rows_of(tmp_path / "out")) == 8


def test_archive_files_refuses_what_is_no_archive(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestInputError, match="no WARC or ARC files"):
        archive_files([tmp_path / "empty"])
    (tmp_path / "fake.warc.gz").write_bytes(gzip.compress(b"<html>not a warc</html>"))
    with pytest.raises(IngestInputError, match="fake.warc.gz is not a WARC or ARC file"):
        archive_files([tmp_path])
    with pytest.raises(IngestInputError, match="no such file"):
        archive_files([tmp_path / "missing.warc"])
    (tmp_path / "fake.warc.gz").unlink()
    warc(tmp_path / "a.warc", [ex("http://a.test/")])
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.warc").write_bytes(b"junk")  # hidden directories are not searched
    assert archive_files([tmp_path, tmp_path / "a.warc"]) == [(tmp_path / "a.warc").resolve()]


def test_a_page_that_hangs_the_extractor_is_a_counted_timeout(tmp_path, monkeypatch):
    import time as clock

    from corpus.ingest import worker

    real = worker.build_row

    def slow_on_one(page):
        if page.url.endswith("/hang"):
            clock.sleep(120)  # interrupted by the page timeout
        return real(page)

    monkeypatch.setattr(worker, "build_row", slow_on_one)
    warc(tmp_path / "a.warc.gz", [ex("http://a.test/1"), ex("http://a.test/hang"), ex("http://a.test/2")])
    # the timeout leaves room for a cold first page (models load) on a busy machine; the hang would take 120 s
    options = worker.IngestOptions(str(tmp_path / "out"), "j", "run", page_timeout=8)
    started = clock.monotonic()
    result = worker.ingest_file(tmp_path / "a.warc.gz", options)
    assert clock.monotonic() - started < 60
    assert result.rows == 2 and dict(result.drops) == {"extraction_timeout": 1}


def test_a_file_handed_over_that_is_no_archive_is_a_counted_drop(tmp_path):
    from corpus.ingest import worker

    (tmp_path / "notes.warc").write_text("not an archive\n")  # e.g. from a queue, without the command's check
    result = worker.ingest_file(tmp_path / "notes.warc", worker.IngestOptions(str(tmp_path / "out"), "j", "run"))
    assert dict(result.drops) == {"not_an_archive": 1} and result.rows == 0
    assert worker.finished(CorpusStore(tmp_path / "out")) == {result.sha256}


def test_a_worker_that_dies_is_a_clear_failure_and_the_finished_files_stay(tmp_path):
    import os
    import subprocess
    import sys
    import textwrap

    warc(tmp_path / "a.warc.gz", [ex(f"http://a.test/{i}") for i in range(3)])
    warc(tmp_path / "b.warc.gz", [ex("http://b.test/die")])
    # a page whose extraction kills its worker process outright (as a crash in native code would)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[3])!r})
        import corpus.page.row
        real = corpus.page.row.build_row
        def build_row(page):
            if page.url.endswith("/die"):
                os.kill(os.getpid(), signal.SIGKILL)
            return real(page)
        corpus.page.row.build_row = build_row
        import corpus.ingest.worker
        corpus.ingest.worker.build_row = build_row
        from corpus.ingest.run import IngestFailed, ingest_files
        if __name__ == "__main__":
            try:
                ingest_files([sys.argv[1], sys.argv[2]], sys.argv[3], "j", workers=1)
            except IngestFailed as exc:
                print("IngestFailed", exc)
    """)
    (tmp_path / "run.py").write_text(script)
    proc = subprocess.run([sys.executable, str(tmp_path / "run.py"), str(tmp_path / "a.warc.gz"),
                           str(tmp_path / "b.warc.gz"), str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])})
    assert "IngestFailed a worker died while ingesting" in proc.stdout and "b.warc.gz" in proc.stdout, proc.stderr
    assert len(rows_of(tmp_path / "out")) == 3  # the first file is finished and kept
