"""The typed schema of crawl job files (pydantic v2); `--set` values are crawler/setting_overrides.py's.

A job file is checked whole before any request: unknown keys and tables are errors with a "did you mean" hint,
every value is type- and range-checked (strict: `depth = 1.5`, `obey_robots = "yes"`, `urls = "http://..."` are
refused, never coerced), and every problem found is reported, one line each, naming the file, the dotted key
(`politeness.timeout`) and what is allowed there.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from corpus.ids import canonicalize_url
from corpus.store import JOB_NAME

FOLLOW_MODES = ("all", "spam_only", "none")
ROBOTS_UNAVAILABLE = ("disallow", "allow")
MAX_SEEDS_FILE_BYTES = 64 * 1024 * 1024
ONE_DAY = 86400.0


class JobError(ValueError):
    """A crawl job (file, seeds file, option or --set value) that cannot run as written.

    `problems` holds one line per problem; str() joins them with newlines."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# --- field validators ------------------------------------------------------------------------------------
def _check_name(value: str) -> str:
    if not JOB_NAME.fullmatch(value):
        raise ValueError(f"{value!r} must match {JOB_NAME.pattern} (it names the corpus partition)")
    return value


def _check_url(value: str) -> str:
    try:
        canonicalize_url(value)
    except ValueError as exc:  # InvalidURL, or an IDNA error of a strange host
        raise ValueError(f"bad seed: {exc}") from None
    return value


def check_redis_url(value: str | None) -> str | None:
    """The URL if it names a Redis (redis://, rediss:// or unix://), else ValueError saying what is wrong."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError as exc:
        raise ValueError(f"bad Redis URL: {exc}") from None
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError("a Redis URL is redis://HOST:PORT/DB, rediss://HOST:PORT/DB (TLS) or unix:///PATH?db=N")
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError("a Redis URL names its host: redis://HOST:PORT/DB")
    db = parts.path.strip("/")
    if parts.scheme != "unix" and db and not db.isdigit():
        raise ValueError(f"the database of a Redis URL is a number (redis://HOST:PORT/0), not {db!r}")
    return value


def _check_host(value: str) -> str:
    if not value.strip() or any(c.isspace() for c in value) or "/" in value:
        raise ValueError(f"{value!r} is not a host name: give hosts such as \"a.example\" or \"*\" "
                         "(no scheme, path or spaces)")
    return value


def _check_contact(value: str | None) -> str | None:
    if value is None:
        return None
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"{value!r} must be a URL without spaces or control characters (it goes into the "
                         "User-Agent header)")
    try:
        canonicalize_url(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an http(s) URL: {exc}") from None
    return value


# Shared value types: the job file's tables and the flat CrawlJob check use the same ones.
JobName = Annotated[str, AfterValidator(_check_name),
                    Field(description=f"a job name matching {JOB_NAME.pattern} (it names the corpus partition)")]
SeedURL = Annotated[str, AfterValidator(_check_url)]
URLList = Annotated[list[SeedURL], Field(description='a list of URLs, e.g. urls = ["http://..."]')]
HostName = Annotated[str, AfterValidator(_check_host)]
HostList = Annotated[list[HostName], Field(description='a list of host names, e.g. ["a.example"] (or ["*"])')]
Depth = Annotated[int, Field(ge=0)]
Count = Annotated[int, Field(ge=0, description="an integer >= 0 (0 = no limit)")]
Seconds = Annotated[int, Field(ge=0, le=10**9, description="an integer number of seconds >= 0 (0 = no limit)")]
Concurrency = Annotated[int, Field(ge=1, le=1000)]
Delay = Annotated[float, Field(ge=0, le=ONE_DAY)]
Timeout = Annotated[float, Field(gt=0, le=ONE_DAY)]
SizeMiB = Annotated[float, Field(gt=0, le=1024 * 1024)]
Fraction = Annotated[float, Field(ge=0, le=1)]
FollowMode = Literal["all", "spam_only", "none"]
RobotsUnavailable = Literal["disallow", "allow"]
ContactURL = Annotated[Union[str, None], AfterValidator(_check_contact)]
RedisURL = Annotated[Union[str, None], AfterValidator(check_redis_url),
                     Field(description="a Redis URL: redis://HOST:PORT/DB (rediss:// for TLS)")]
SeedsFile = Annotated[str, Field(description="a path to a seeds file (one URL a line), relative to the job file")]

_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class SeedsTable(BaseModel):
    model_config = _STRICT
    urls: URLList = Field(default_factory=list)
    file: SeedsFile | None = None
    sitemaps: URLList = Field(default_factory=list)
    robots: URLList = Field(default_factory=list)


class FollowTable(BaseModel):
    model_config = _STRICT
    depth: Depth = 2
    allowed_hosts: HostList = Field(default_factory=list)
    mode: FollowMode = "all"
    spam_threshold: Fraction = 0.5


class LimitsTable(BaseModel):
    model_config = _STRICT
    pages: Count = 0
    seconds: Seconds = 0


class PolitenessTable(BaseModel):
    model_config = _STRICT
    obey_robots: bool = True
    robots_unavailable: RobotsUnavailable = "disallow"
    autothrottle: bool = True
    concurrency_per_host: Concurrency = 4
    download_delay: Delay = 0.25
    timeout: Timeout = 30.0
    max_size_mib: SizeMiB = 10.0
    contact_url: ContactURL = None


class SafetyTable(BaseModel):
    model_config = _STRICT
    allow_private_addresses: bool = False


class DistributedTable(BaseModel):
    model_config = _STRICT
    redis: RedisURL = None  # shared frontier of workers on several machines (crawler/distributed/)


class JobFile(BaseModel):
    """A job TOML file, table by table."""

    model_config = _STRICT
    name: JobName | None = None  # default: the file's stem
    description: str = ""
    seeds: SeedsTable = Field(default_factory=SeedsTable)
    follow: FollowTable = Field(default_factory=FollowTable)
    limits: LimitsTable = Field(default_factory=LimitsTable)
    politeness: PolitenessTable = Field(default_factory=PolitenessTable)
    safety: SafetyTable = Field(default_factory=SafetyTable)
    distributed: DistributedTable = Field(default_factory=DistributedTable)


# CrawlJob field -> where it lives in a job file (errors name the file's key)
FIELD_KEYS: dict[str, str] = {
    "name": "name", "description": "description",
    "seeds": "seeds.urls", "sitemaps": "seeds.sitemaps", "robots": "seeds.robots",
    "depth": "follow.depth", "allowed_hosts": "follow.allowed_hosts", "follow": "follow.mode",
    "spam_threshold": "follow.spam_threshold",
    "max_pages": "limits.pages", "max_seconds": "limits.seconds",
    "obey_robots": "politeness.obey_robots", "robots_unavailable": "politeness.robots_unavailable",
    "autothrottle": "politeness.autothrottle", "concurrency_per_host": "politeness.concurrency_per_host",
    "download_delay": "politeness.download_delay", "timeout": "politeness.timeout",
    "max_size_mib": "politeness.max_size_mib", "contact_url": "politeness.contact_url",
    "allow_private_addresses": "safety.allow_private_addresses",
    "redis": "distributed.redis",
}


def _job_values() -> type[BaseModel]:
    """CrawlJob's fields, flat, each with its job-file key's type, range and default (one source: the tables above):
    checks jobs built in code or with overrides as strictly as a file."""
    fields: dict[str, Any] = {}
    for name, key in FIELD_KEYS.items():
        table, _, leaf = key.rpartition(".")
        model = JobFile.model_fields[table].annotation if table else JobFile
        info = model.model_fields[leaf]
        fields[name] = (info.annotation, info)
    fields["name"] = (JobName, ...)  # a file may leave it out (the file's stem); a job may not
    return create_model("JobValues", __config__=_STRICT, **fields)


JobValues = _job_values()


# --- seeds files -------------------------------------------------------------------------------------------
def read_seed_lines(path: Path, *, prefix: str = "") -> tuple[list[str], list[str]]:
    """(URLs, problems) of a seeds file: one URL a line, blank lines and # comments skipped.

    Problems name the file and line: unreadable, not UTF-8 (with the byte offset), bad URLs."""
    try:
        if not path.is_file():
            reason = "no such file" if not path.exists() else "not a regular file"
            return [], [f"{prefix}cannot read seeds file {path}: {reason}"]
        size = path.stat().st_size
        if size > MAX_SEEDS_FILE_BYTES:
            return [], [f"{prefix}seeds file {path} is {size} bytes; at most {MAX_SEEDS_FILE_BYTES} are read"]
        data = path.read_bytes()
    except (OSError, ValueError) as exc:
        return [], [f"{prefix}cannot read seeds file {path}: {getattr(exc, 'strerror', None) or exc}"]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data[:start].count(b"\n") + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        return [], [f"{prefix}seeds file {path}: not UTF-8 text: byte 0x{data[start]:02x} at line {line}, "
                    f"column {column} (byte offset {start}); save the file as UTF-8"]
    urls, problems = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            canonicalize_url(line)
        except ValueError as exc:
            problems.append(f"{prefix}seeds file {path}, line {number}: bad seed: {exc}")
            continue
        urls.append(line)
    return urls, problems
