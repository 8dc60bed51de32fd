"""A real crawl of the sample web over loopback, compared with the generator's truth page by page."""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest
from click.testing import CliRunner

from corpus.ids import canonicalize_url, doc_id
from corpus.stats import corpus_stats
from tests.crawler.conftest import CRAWL_GROUP, check_store_integrity, crawl_cli, read_rows

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]


def _by_final_url(corpus):
    rows = read_rows(corpus)
    return rows, {r["final_url"]: r for r in rows}


def test_every_row_page_is_in_the_corpus_exactly_once(full_crawl, sample_server):
    web = sample_server.web
    rows, got = _by_final_url(full_crawl.corpus)
    check_store_integrity(full_crawl.corpus)
    expected = {canonicalize_url(t.url): t for t in web.pages()}
    assert len(rows) == len(expected)
    assert set(got) == set(expected)
    for url, t in expected.items():
        row = got[url]
        assert row["doc_id"] == doc_id(url)
        assert row["title"] == t.title, url  # byte-exact: no mojibake, including the GBK and Big5 pages
        assert row["doc_format"] == t.doc_format, url
        if t.kind == "article":  # listings mix languages; their truth is only a majority
            assert row["lang"] == t.lang, (url, row["lang"], t.lang)
        if t.via:  # reached only through a redirect chain: requested as its first URL
            assert row["url"] == canonicalize_url(t.via) and row["status"] == 200
    gbk = next(t for t in web.pages() if t.encoding == "gbk")
    big5 = next(t for t in web.pages() if t.encoding == "big5")
    assert got[canonicalize_url(gbk.url)]["encoding_source"] == "detected"
    assert got[canonicalize_url(big5.url)]["encoding_source"] == "meta"
    for t in (gbk, big5):
        assert got[canonicalize_url(t.url)]["replacement_ratio"] == 0.0


def test_contacts_match_the_truth(full_crawl, sample_server):
    """Contact precision and recall over the whole site (kind + normal value per page)."""
    _, got = _by_final_url(full_crawl.corpus)
    tp = fp = fn = 0
    missed_forms: Counter = Counter()
    all_forms: Counter = Counter()
    wrong: list = []
    for t in sample_server.web.pages():
        expected = set(t.contacts)
        found = {(c["kind"], c["value"]) for c in got[canonicalize_url(t.url)]["contacts"] if c["kind"] != "url"}
        tp, fp, fn = tp + len(expected & found), fp + len(found - expected), fn + len(expected - found)
        wrong += [(t.url, "extra", c) for c in found - expected] + [(t.url, "missed", c) for c in expected - found]
        # a handle-like mention the truth names as no contact (bare list entry, placeholder) is never extracted
        assert not {(k, v) for k, v, _ in t.non_contacts} & found, t.url
        for kind, value, form in t.contact_forms:
            all_forms[(kind, form)] += 1
            if (kind, value) not in found:
                missed_forms[(kind, form)] += 1
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    worst = sorted(((missed_forms[k] / all_forms[k], k) for k in missed_forms), reverse=True)[:6]
    print(f"\ncontacts over the sample web: precision {precision:.3f} recall {recall:.3f} "
          f"(tp {tp}, fp {fp}, fn {fn}); most missed forms: "
          + ", ".join(f"{k}/{f} {r:.0%}" for r, (k, f) in worst))
    # The truth follows the contact policy (bare handles only with a cue or link; quoted lists and placeholders
    # are named non-contacts), so the whole pipeline should agree with it: the exact numbers are printed above
    assert precision == 1.0 and recall >= 0.99, wrong[:10]


def test_detector_sanity_on_the_sample_web(full_crawl, sample_server):
    """The detector on the crawled articles: spam caught at 0.5, benign left alone, families guessed (printed)."""
    _, got = _by_final_url(full_crawl.corpus)
    scored = [(t, got[canonicalize_url(t.url)]) for t in sample_server.web.pages() if t.kind == "article"]
    flagged = [(t, r) for t, r in scored if r["spam_score"] >= 0.5]
    spam = [(t, r) for t, r in scored if t.spam]
    precision = sum(bool(t.spam) for t, _ in flagged) / len(flagged)
    recall = sum(r["spam_score"] >= 0.5 for _, r in spam) / len(spam)
    family = sum(r["family_guess"] == t.family for t, r in spam) / len(spam)
    print(f"\ndetector over the sample web's {len(scored)} articles: precision {precision:.3f} recall {recall:.3f} "
          f"at 0.5, family guessed for {family:.3f} of spam")
    # The learned detector is trained on real text only; the sample web is the project's own synthetic text, so this
    # is a transfer check, not an accuracy claim. Measured with learned-2: 0.969-0.972 / 0.997 / 0.979 (learned-1:
    # 0.966 / 0.945 / 0.977; signals-1.2, tuned on text like this: 1.000 / 0.964 / 0.961). Floors a little under.
    assert precision >= 0.95 and recall >= 0.92 and family >= 0.92


def test_drops_are_counted_by_reason_in_the_run_and_in_stats(full_crawl, sample_server):
    web = sample_server.web
    expected = web.expected_drops()
    drops = full_crawl.drops()
    for reason in ("http_404", "http_500", "too_large", "robots_disallowed", "unsupported_content_type", "offsite"):
        assert drops.get(reason) == expected[reason], (reason, drops)
    assert sum(v for k, v in drops.items() if k.startswith("ssrf_")) == expected["ssrf"]
    assert {"ssrf_link_local", "ssrf_private"} <= set(drops)  # metadata redirect, 10.0.0.1 link
    record = full_crawl.run_record()
    assert record["finish_reason"] == "finished" and record["job"] == "sample-web"
    assert record["stats"]["spamcorpus/rows_committed"] == len(web.pages())
    assert "token" not in json.dumps(record["settings"]).lower()
    stats = corpus_stats(full_crawl.corpus)
    for reason, count in drops.items():
        assert stats["drops"][reason] >= count
    from spamcorpus.cli import main

    out = CliRunner().invoke(main, ["stats", str(full_crawl.corpus)]).output
    assert "drops by reason:" in out and "robots_disallowed 11" in out and "too_large 1" in out


def test_politeness_robots_and_user_agent(full_crawl, sample_server):
    web = sample_server.web
    paths = [(r.host, r.path) for r in full_crawl.requests]
    broken = web.hosts[4]
    assert [p for h, p in paths if h == broken] == ["/robots.txt"] * 3  # 500, retried, then the host is off
    assert not [p for _, p in paths if p.startswith(("/private/", "/wp-admin/"))]
    assert full_crawl.run_record()["stats"]["spamcorpus/robots/unavailable_5xx"] == 1
    agents = {r.user_agent for r in full_crawl.requests}
    assert len(agents) == 1 and re.fullmatch(r"spamcorpus/\S+ \(\+https?://\S+\)", agents.pop())
    # nothing off-site was fetched: every request went to the sample web's own hosts
    assert {h for h, _ in paths} <= set(web.hosts)


def test_progress_line_and_summary(full_crawl):
    assert re.search(r"^pages \d+ \| extracted \d+ \| rows committed \d+ \| drops \d+ \| [\d.]+ pages/s",
                     full_crawl.stderr, re.M)
    assert "crawl finished (finished): pages" in full_crawl.stderr
    assert re.search(r"dropped\s+11\s+robots_disallowed", full_crawl.stderr)
    assert f"corpus: {full_crawl.corpus}" in full_crawl.stdout


def test_rerun_adds_nothing(full_crawl, sample_server, sample_job, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(full_crawl.corpus, corpus)  # the shared crawl stays as it was for the other tests
    before = read_rows(corpus, ["doc_id"])
    again = crawl_cli(sample_server, ["crawl", str(sample_job), "--out", str(corpus)], corpus)
    assert again.returncode == 0, again.stderr[-3000:]
    stats = again.run_record()["stats"]
    assert stats.get("spamcorpus/rows_committed", 0) == 0
    assert stats["spamcorpus/skipped/already_committed"] >= 2  # the seeds, at least
    after = read_rows(corpus, ["doc_id"])
    assert sorted(r["doc_id"] for r in after) == sorted(r["doc_id"] for r in before)
    check_store_integrity(corpus)
    # only what never became a row was asked for again (robots.txt, sitemaps, error and non-document URLs),
    # and the pages those redirect to
    web = sample_server.web
    redirect_targets = {t.final_url.split("/", 3)[3] for t in web.truth() if t.kind == "redirect"}
    row_paths = {canonicalize_url(t.url).split("/", 3)[3] for t in web.pages()} - {""}
    asked = {r.path.lstrip("/") for r in again.requests}
    assert asked & row_paths <= redirect_targets
    assert "duplicate_doc_id" not in again.drops()
