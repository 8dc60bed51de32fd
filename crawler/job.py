"""Crawl jobs: a TOML file (or ad hoc options) turned into validated spider parameters and Scrapy settings."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.ids import InvalidURL, canonicalize_url
from corpus.store import JOB_NAME

FOLLOW_MODES = ("all", "spam_only", "none")


class JobError(ValueError):
    """A crawl job that cannot run as written."""


@dataclass
class CrawlJob:
    name: str
    seeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    robots: list[str] = field(default_factory=list)  # robots.txt URLs whose Sitemap lines are seeds
    depth: int = 2
    allowed_hosts: list[str] = field(default_factory=list)  # empty: the seeds' hosts
    follow: str = "all"
    spam_threshold: float = 0.5
    max_pages: int = 0  # 0 = no limit
    max_seconds: int = 0
    obey_robots: bool = True
    robots_unavailable: str = "disallow"
    autothrottle: bool = True
    concurrency_per_host: int = 4
    download_delay: float = 0.25
    timeout: float = 30.0
    max_size_mib: float = 10.0
    contact_url: str | None = None
    allow_private_addresses: bool = False
    description: str = ""

    def validate(self) -> "CrawlJob":
        if not JOB_NAME.fullmatch(self.name or ""):
            raise JobError(f"job name {self.name!r} must match {JOB_NAME.pattern} (it names the corpus partition)")
        if not (self.seeds or self.sitemaps or self.robots):
            raise JobError(f"job {self.name!r} has no seeds, sitemaps or robots.txt URLs")
        for url in [*self.seeds, *self.sitemaps, *self.robots]:
            try:
                canonicalize_url(url)
            except InvalidURL as exc:
                raise JobError(f"job {self.name!r}: bad seed: {exc}") from None
        if self.follow not in FOLLOW_MODES:
            raise JobError(f"follow mode must be one of {FOLLOW_MODES}, got {self.follow!r}")
        if self.robots_unavailable not in ("disallow", "allow"):
            raise JobError("politeness.robots_unavailable must be 'disallow' or 'allow'")
        for name in ("depth", "max_pages", "max_seconds", "concurrency_per_host"):
            if getattr(self, name) < 0:
                raise JobError(f"{name} must be >= 0")
        if not 0.0 <= self.spam_threshold <= 1.0:
            raise JobError("follow.spam_threshold must be within 0..1")
        return self

    def scrapy_settings(self) -> dict[str, Any]:
        """The Scrapy settings this job implies (applied at spider priority)."""
        settings: dict[str, Any] = {
            # link depth is enforced by the spider (sitemap hops don't count); Scrapy's own limit is off
            "DEPTH_LIMIT": 0,
            # the page limit is the spider's (it counts documents and holds exactly); Scrapy's counts any response
            "CLOSESPIDER_PAGECOUNT": 0,
            "SPAMCORPUS_MAX_PAGES": self.max_pages,
            "CLOSESPIDER_TIMEOUT": self.max_seconds,
            "ROBOTSTXT_OBEY": self.obey_robots,
            "SPAMCORPUS_ROBOTS_UNAVAILABLE": self.robots_unavailable,
            "AUTOTHROTTLE_ENABLED": self.autothrottle,
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrency_per_host,
            "DOWNLOAD_DELAY": self.download_delay,
            "DOWNLOAD_TIMEOUT": self.timeout,
            "DOWNLOAD_MAXSIZE": int(self.max_size_mib * 1024 * 1024),
            "SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES": self.allow_private_addresses,
        }
        if self.contact_url:
            settings["SPAMCORPUS_CONTACT_URL"] = self.contact_url
        return settings


def _read_lines(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise JobError(f"cannot read seeds file {path}: {exc.strerror}") from None
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def load_job(path: str | Path, **overrides: Any) -> CrawlJob:
    """Read a job TOML file; keyword overrides (None means 'not given') win over the file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise JobError(f"cannot read job file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise JobError(f"{path}: invalid TOML: {exc}") from None
    seeds = data.get("seeds", {})
    follow, limits = data.get("follow", {}), data.get("limits", {})
    polite, safety = data.get("politeness", {}), data.get("safety", {})
    urls = list(seeds.get("urls", []))
    if "file" in seeds:
        urls += _read_lines((path.parent / seeds["file"]).resolve())
    known = {
        "name": data.get("name", path.stem), "description": data.get("description", ""),
        "seeds": urls, "sitemaps": list(seeds.get("sitemaps", [])), "robots": list(seeds.get("robots", [])),
        "depth": follow.get("depth", 2), "allowed_hosts": list(follow.get("allowed_hosts", [])),
        "follow": follow.get("mode", "all"), "spam_threshold": follow.get("spam_threshold", 0.5),
        "max_pages": limits.get("pages", 0), "max_seconds": limits.get("seconds", 0),
        "obey_robots": polite.get("obey_robots", True),
        "robots_unavailable": polite.get("robots_unavailable", "disallow"),
        "autothrottle": polite.get("autothrottle", True),
        "concurrency_per_host": polite.get("concurrency_per_host", 4),
        "download_delay": polite.get("download_delay", 0.25), "timeout": polite.get("timeout", 30.0),
        "max_size_mib": polite.get("max_size_mib", 10.0), "contact_url": polite.get("contact_url"),
        "allow_private_addresses": safety.get("allow_private_addresses", False),
    }
    known.update({k: v for k, v in overrides.items() if v is not None})
    return CrawlJob(**known).validate()


def adhoc_job(name: str, seeds_file: str | Path, **overrides: Any) -> CrawlJob:
    """A job from a plain seeds file (one URL a line, # comments)."""
    job = CrawlJob(name=name, seeds=_read_lines(Path(seeds_file)))
    for key, value in overrides.items():
        if value is not None:
            setattr(job, key, value)
    return job.validate()
