"""Crawl jobs: a TOML file (or ad hoc options) turned into validated spider parameters and Scrapy settings.

The file's schema (tables, keys, types, ranges) lives in crawler.job_schema; every problem is reported at once,
one line each, as `FILE: KEY: what is wrong`, before any request is made.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crawler.job_messages import format_errors
from crawler.job_schema import FIELD_KEYS, FOLLOW_MODES, JobError, JobFile, JobValues, read_seed_lines
from crawler.settings import user_agent

__all__ = ["FOLLOW_MODES", "CrawlJob", "JobError", "adhoc_job", "job_from_data", "load_job"]


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
    redis: str | None = None  # redis://HOST:PORT/DB: workers share the frontier there (crawler/distributed/)
    description: str = ""

    def validate(self, source: str | None = None, overridden: frozenset[str] | set[str] = frozenset()) -> "CrawlJob":
        """Check every field's type and range (the job file's rules); JobError lists all problems.

        `source` names where the job came from in the messages; `overridden` fields are labelled as overrides."""
        source = source or f"job {self.name!r}"
        keys = {k: (f"{v} (override)" if k in overridden else v) for k, v in FIELD_KEYS.items()}
        try:
            checked = JobValues.model_validate(dataclasses.asdict(self))
        except ValidationError as exc:
            raise JobError(format_errors(exc, JobValues, source, keys)) from None
        if not (checked.seeds or checked.sitemaps or checked.robots):
            raise JobError(f"{source}: no seeds: give [seeds] urls, file, sitemaps or robots "
                           '(e.g. urls = ["http://..."])')
        # lists as given, floats as floats (a TOML `timeout = 10` is 10.0 like the default)
        for name in ("spam_threshold", "download_delay", "timeout", "max_size_mib"):
            setattr(self, name, float(getattr(self, name)))
        return self

    def scrapy_settings(self) -> dict[str, Any]:
        """The Scrapy settings this job implies (applied at spider priority)."""
        settings: dict[str, Any] = {
            # Scrapy's DepthMiddleware; the spider's sitemap hops reset depth to 0. Scrapy reads 0 as "no limit":
            # a depth-0 job follows no link at all (crawler.spiders.frontier.follows)
            "DEPTH_LIMIT": self.depth,
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
            # at least one byte: Scrapy reads 0 as "no limit", which would lift the decompression-bomb guard
            "DOWNLOAD_MAXSIZE": max(1, int(self.max_size_mib * 1024 * 1024)),
            "SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES": self.allow_private_addresses,
        }
        if self.contact_url:
            settings["SPAMCORPUS_CONTACT_URL"] = self.contact_url
            settings["USER_AGENT"] = user_agent(self.contact_url)
        return settings


def _read_lines(path: Path) -> list[str]:
    """A seeds file's URLs (one a line, # comments); JobError names the file and line of every problem."""
    urls, problems = read_seed_lines(Path(path))
    if problems:
        raise JobError(problems)
    return urls


def _apply(job_fields: dict[str, Any], overrides: dict[str, Any]) -> set[str]:
    unknown = set(overrides) - {f.name for f in dataclasses.fields(CrawlJob)}
    if unknown:
        raise TypeError(f"unknown CrawlJob override(s): {', '.join(sorted(unknown))}")
    given = {k: v for k, v in overrides.items() if v is not None}
    job_fields.update(given)
    return set(given)


def job_from_data(data: Any, *, source: str, base_dir: Path | None = None, default_name: str = "",
                  **overrides: Any) -> CrawlJob:
    """A job from parsed TOML data (a dict of tables); keyword overrides (None: not given) win over it.

    A seeds `file` is read relative to `base_dir`. JobError lists every problem found, one a line."""
    if not isinstance(data, dict):
        raise JobError(f"{source}: a job file is a TOML document of keys and tables, got {type(data).__name__}")
    problems: list[str] = []
    try:
        model: JobFile | None = JobFile.model_validate(data)
    except ValidationError as exc:
        problems += format_errors(exc, JobFile, source)
        model = None
    # the seeds file is read even when other keys are wrong, so its problems are reported too
    seeds_table = data.get("seeds")
    file_name = seeds_table.get("file") if isinstance(seeds_table, dict) else None
    file_urls: list[str] = []
    if isinstance(file_name, str):
        file_path = (base_dir or Path.cwd()) / file_name
        try:
            file_path = file_path.resolve()
        except (OSError, ValueError, RuntimeError):
            pass
        file_urls, file_problems = read_seed_lines(file_path, prefix=f"{source}: seeds.file: ")
        problems += file_problems
    if problems or model is None:
        raise JobError(problems)
    fields = {
        "name": model.name if model.name is not None else default_name,
        "description": model.description,
        "seeds": [*model.seeds.urls, *file_urls], "sitemaps": list(model.seeds.sitemaps),
        "robots": list(model.seeds.robots),
        "depth": model.follow.depth, "allowed_hosts": list(model.follow.allowed_hosts),
        "follow": model.follow.mode, "spam_threshold": model.follow.spam_threshold,
        "max_pages": model.limits.pages, "max_seconds": model.limits.seconds,
        "obey_robots": model.politeness.obey_robots, "robots_unavailable": model.politeness.robots_unavailable,
        "autothrottle": model.politeness.autothrottle,
        "concurrency_per_host": model.politeness.concurrency_per_host,
        "download_delay": model.politeness.download_delay, "timeout": model.politeness.timeout,
        "max_size_mib": model.politeness.max_size_mib, "contact_url": model.politeness.contact_url,
        "allow_private_addresses": model.safety.allow_private_addresses,
        "redis": model.distributed.redis,
    }
    overridden = _apply(fields, overrides)
    if model.name is None and "name" not in overridden:
        source = f"{source} (name taken from the file name)"
    return CrawlJob(**fields).validate(source, overridden)


def load_job(path: str | Path, **overrides: Any) -> CrawlJob:
    """Read a job TOML file; keyword overrides (None means 'not given') win over the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JobError(f"cannot read job file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JobError(f"{path}: not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} "
                       f"(byte offset {exc.start}); TOML files are UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JobError(f"{path}: invalid TOML: {exc}") from None
    return job_from_data(data, source=str(path), base_dir=path.parent, default_name=path.stem, **overrides)


def adhoc_job(name: str, seeds_file: str | Path, **overrides: Any) -> CrawlJob:
    """A job from a plain seeds file (one URL a line, # comments)."""
    fields: dict[str, Any] = {"name": name, "seeds": _read_lines(Path(seeds_file))}
    overridden = _apply(fields, overrides)
    return CrawlJob(**fields).validate(f"ad hoc job {name!r} (seeds file {seeds_file})", overridden)
