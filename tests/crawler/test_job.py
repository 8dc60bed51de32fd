"""Crawl job files: parsing, validation errors, and the Scrapy settings they imply."""
from pathlib import Path

import pytest

from crawler.job import JobError, adhoc_job, load_job

JOBS = Path(__file__).resolve().parents[2] / "crawler" / "jobs"


@pytest.mark.parametrize("path", sorted(JOBS.glob("*.toml")), ids=lambda p: p.name)
def test_bundled_jobs_load(path):
    job = load_job(path)
    assert job.name and (job.seeds or job.sitemaps or job.robots)
    settings = job.scrapy_settings()
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024


def test_public_example_job_is_polite_and_safe():
    job = load_job(JOBS / "telegram_sellers.toml")
    assert job.follow == "spam_only" and job.autothrottle and not job.allow_private_addresses
    assert job.contact_url and job.contact_url in str(job.scrapy_settings()["SPAMCORPUS_CONTACT_URL"])


def write(tmp_path, text):
    path = tmp_path / "job.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_seeds_file_is_relative_to_the_job_and_skips_comments(tmp_path):
    (tmp_path / "s.txt").write_text("# c\nhttp://a.example/1\n\n  http://a.example/2  \n")
    job = load_job(write(tmp_path, 'name = "j"\n[seeds]\nfile = "s.txt"\nurls = ["http://b.example/"]\n'))
    assert job.seeds == ["http://b.example/", "http://a.example/1", "http://a.example/2"]


def test_overrides_win_over_the_file(tmp_path):
    job = load_job(write(tmp_path, 'name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[follow]\ndepth = 5\n'),
                   depth=1, max_pages=None)
    assert job.depth == 1 and job.max_pages == 0


@pytest.mark.parametrize("text,match", [
    ('name = "j"\n', "no seeds"),
    ('name = "bad name"\n[seeds]\nurls = ["http://a.example/"]\n', "must match"),
    ('name = "j"\n[seeds]\nurls = ["ftp://a.example/"]\n', "bad seed"),
    ('name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[follow]\nmode = "some"\n', "follow mode"),
    ('name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[follow]\nspam_threshold = 2\n', "spam_threshold"),
    ('name = "j"\n[seeds\n', "invalid TOML"),
    ('name = "j"\n[seeds]\nfile = "missing.txt"\n', "cannot read seeds file"),
])
def test_bad_jobs_get_clear_errors(tmp_path, text, match):
    with pytest.raises(JobError, match=match):
        load_job(write(tmp_path, text))


def test_adhoc_job(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://a.example/\n")
    job = adhoc_job("adhoc", seeds, max_pages=3, depth=None)
    assert job.seeds == ["http://a.example/"] and job.max_pages == 3 and job.depth == 2
    with pytest.raises(JobError, match="cannot read job file"):
        load_job(tmp_path / "nope.toml")


def test_sample_job_is_loopback_only_and_names_the_private_address_for_the_guard():
    job = load_job(JOBS / "sample_web.toml")
    assert job.allow_private_addresses and job.robots and job.depth == 4
    # 10.0.0.1 is allowed by the host filter on purpose: the SSRF guard, not the filter, must refuse it
    assert "10.0.0.1" in job.allowed_hosts
    assert all(h.startswith(("127.", "10.")) for h in job.allowed_hosts)


def test_page_limit_is_the_spiders_not_scrapys(tmp_path):
    job = load_job(write(tmp_path, 'name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[limits]\npages = 7\n'))
    settings = job.scrapy_settings()
    assert settings["SPAMCORPUS_MAX_PAGES"] == 7 and settings["CLOSESPIDER_PAGECOUNT"] == 0
