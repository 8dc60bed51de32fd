"""The typed schema of crawl job files (pydantic v2) and of `--set NAME=VALUE` Scrapy settings.

A job file is checked whole before any request: unknown keys and tables are errors with a "did you mean" hint,
every value is type- and range-checked (strict: `depth = 1.5`, `obey_robots = "yes"`, `urls = "http://..."` are
refused, never coerced), and every problem found is reported, one line each, naming the file, the dotted key
(`politeness.timeout`) and what is allowed there.
"""
from __future__ import annotations

import difflib
import json
import math
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import annotated_types
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

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


class JobValues(BaseModel):
    """CrawlJob's fields, flat, with the same types: checks jobs built in code or with overrides."""

    model_config = _STRICT
    name: JobName
    seeds: URLList = Field(default_factory=list)
    sitemaps: URLList = Field(default_factory=list)
    robots: URLList = Field(default_factory=list)
    depth: Depth = 2
    allowed_hosts: HostList = Field(default_factory=list)
    follow: FollowMode = "all"
    spam_threshold: Fraction = 0.5
    max_pages: Count = 0
    max_seconds: Seconds = 0
    obey_robots: bool = True
    robots_unavailable: RobotsUnavailable = "disallow"
    autothrottle: bool = True
    concurrency_per_host: Concurrency = 4
    download_delay: Delay = 0.25
    timeout: Timeout = 30.0
    max_size_mib: SizeMiB = 10.0
    contact_url: ContactURL = None
    allow_private_addresses: bool = False
    description: str = ""


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
}


# --- describing what a key allows --------------------------------------------------------------------------
def _range(metadata: list[Any]) -> str:
    lo = hi = None
    lo_op = hi_op = ""
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            lo, lo_op = m.ge, ">="
        elif isinstance(m, annotated_types.Gt):
            lo, lo_op = m.gt, ">"
        elif isinstance(m, annotated_types.Le):
            hi, hi_op = m.le, "<="
        elif isinstance(m, annotated_types.Lt):
            hi, hi_op = m.lt, "<"

    def num(x):
        return f"{x:g}" if isinstance(x, float) else str(x)
    if lo is not None and hi is not None and lo_op == ">=" and hi_op == "<=":
        return f" within {num(lo)}..{num(hi)}"
    parts = [f"{op} {num(v)}" for op, v in ((lo_op, lo), (hi_op, hi)) if v is not None]
    return (" " + " and ".join(parts)) if parts else ""


def describe_type(annotation: Any, metadata: list[Any] | None = None) -> str:
    """What a value of this type looks like in a TOML file, e.g. "an integer >= 0"."""
    metadata = list(metadata or [])
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *extra = typing.get_args(annotation)
        for m in extra:
            if getattr(m, "description", None):
                return m.description
        extra_meta = [x for m in extra for x in (getattr(m, "metadata", None) or [m])]
        return describe_type(base, metadata + extra_meta)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return describe_type(args[0], metadata) if len(args) == 1 else " or ".join(describe_type(a) for a in args)
    if origin is Literal:
        return "one of " + ", ".join(json.dumps(v) for v in typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return f"a list of {_plural(describe_type(item))}"
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "an integer" + _range(metadata)
    if annotation is float:
        return "a number" + _range(metadata)
    if annotation is str:
        return "a string"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a table"
    return "a value"


def _plural(text: str) -> str:
    for article in ("a ", "an "):
        if text.startswith(article):
            words = text[len(article):].split(" ", 1)
            return words[0] + "s" + (" " + words[1] if len(words) > 1 else "")
    return text


def _field_at(model: type[BaseModel], loc: tuple) -> tuple[Any, list[Any], str | None] | None:
    """The (annotation, metadata, description) of the field at `loc` (list indices step into the item type)."""
    annotation: Any = model
    metadata: list[Any] = []
    description = None
    for part in loc:
        while typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
        if typing.get_origin(annotation) in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
        if isinstance(part, int):
            if typing.get_origin(annotation) is not list:
                return None
            annotation, metadata, description = typing.get_args(annotation)[0], [], None
            continue
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if not is_model or part not in annotation.model_fields:
            return None
        info = annotation.model_fields[part]
        annotation, metadata, description = info.annotation, list(info.metadata), info.description
    return annotation, metadata, description


def allowed_at(model: type[BaseModel], loc: tuple) -> str:
    found = _field_at(model, loc)
    if found is None:
        return "a valid value"
    annotation, metadata, description = found
    return description or describe_type(annotation, metadata)


def shown(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it, shortened."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "a table {" + ", ".join(str(k) for k in list(value)[:5]) + ("..." if len(value) > 5 else "") + "}"
    elif isinstance(value, (datetime, date, time)):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- unknown keys ------------------------------------------------------------------------------------------
def _tables(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    return {name: info.annotation for name, info in model.model_fields.items()
            if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)}


def _unknown(model: type[BaseModel], loc: tuple, value: Any) -> str:
    parent = _field_at(model, loc[:-1])
    parent_model = parent[0] if parent else model
    key = str(loc[-1])
    where = f"[{dotted(loc[:-1])}]" if loc[:-1] else "at the top level"
    fields = list(parent_model.model_fields) if isinstance(parent_model, type) else []
    tables = [n for n in fields if n in _tables(parent_model)]
    keys = [n for n in fields if n not in tables]
    elsewhere = {k: t for t, sub in _tables(model).items() for k in sub.model_fields if (t,) != loc[:-1]}
    if isinstance(value, dict):
        label = f"unknown table [{dotted(loc)}]"
        close = difflib.get_close_matches(key, tables, n=1)
        hint = f"did you mean [{dotted(loc[:-1] + (close[0],))}]?" if close else ""
    else:
        label = f"unknown key `{key}` {'in ' if loc[:-1] else ''}{where}"
        close = difflib.get_close_matches(key, keys, n=1)
        hint = f"did you mean `{close[0]}`?" if close else ""
        if not hint and key in elsewhere:
            hint = f"`{key}` belongs in [{elsewhere[key]}]"  # e.g. `depth = 3` above [follow]
        if not hint:
            close = difflib.get_close_matches(key, list(elsewhere), n=1)
            hint = f"did you mean `{close[0]}` in [{elsewhere[close[0]]}]?" if close else ""
    if not hint:
        allowed = [f"`{k}`" for k in keys] + [f"[{t}]" for t in tables]
        hint = "allowed: " + ", ".join(allowed) if allowed else "no keys are allowed here"
    return f"{label} ({hint})"


def format_errors(exc: ValidationError, model: type[BaseModel], source: str,
                  key_names: dict[str, str] | None = None) -> list[str]:
    """One line per pydantic error: `SOURCE: KEY: what is wrong`."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        value = err.get("input")
        kind = err["type"]
        if kind == "extra_forbidden":
            lines.append(f"{source}: {_unknown(model, loc, value)}")
            continue
        key = dotted(loc)
        if key_names and loc and isinstance(loc[0], str) and loc[0] in key_names:
            key = key_names[loc[0]] + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
        if kind == "value_error":
            message = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{source}: {key}: {message}")
            continue
        if kind in ("model_type", "model_attributes_type", "dict_type"):
            example = ' (e.g. a line [seeds], then urls = ["http://..."] below it)' if key == "seeds" else ""
            lines.append(f"{source}: {key}: expected a table{example}, got {shown(value)}")
            continue
        allowed = allowed_at(model, loc)
        if isinstance(loc[-1], int) and kind.endswith("_type"):
            allowed = f"{allowed} (each entry of {dotted(loc[:-1])})"
        lines.append(f"{source}: {key}: expected {allowed}, got {shown(value)}")
    return lines


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


# --- `--set NAME=VALUE` ------------------------------------------------------------------------------------
# Settings that reopen a remote console or lift the SSRF guard: never from the command line.
REFUSED_PREFIXES = {
    "TELNETCONSOLE_": "the telnet console would let anyone on this machine run Python in the crawler",
    "REMOTE_CONTROL_": "Scrapy's remote control runs Python sent over HTTP",
}
REFUSED_SETTINGS = {
    "SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES": "it lifts the SSRF guard; use --allow-private-addresses (loopback only) "
                                          "or the job's [safety] table",
    "SPAMCORPUS_ALLOWED_SCHEMES": "it widens what the SSRF guard lets out",
    "DOWNLOADER_MIDDLEWARES": "the SSRF guard (crawler.middlewares.ssrf.SSRFGuardMiddleware) is one of them",
    "DOWNLOADER_MIDDLEWARES_BASE": "the SSRF guard sits among the downloader middlewares",
    "SPIDER_MIDDLEWARES": "the crawl's checks rely on the project's spider middlewares",
    "SPIDER_MIDDLEWARES_BASE": "the crawl's checks rely on the project's spider middlewares",
    "TWISTED_DNS_RESOLVER": "the SSRF guard checks every DNS answer in crawler.resolver.GuardedResolver",
    "DNS_RESOLVER": "the SSRF guard checks every DNS answer in crawler.resolver.GuardedResolver",
    "DOWNLOAD_HANDLERS": "the SSRF guard needs Twisted's HTTP handlers, which resolve names through it",
    "DOWNLOAD_HANDLERS_BASE": "the SSRF guard needs Twisted's HTTP handlers, which resolve names through it",
    "TWISTED_REACTOR_ENABLED": "the SSRF guard checks DNS answers through the Twisted reactor",
    "SPAMCORPUS_CORPUS_DIR": "use --out",
    "SPAMCORPUS_JOB_NAME": "use --job (or the job file's name)",
    "SPAMCORPUS_RUN_ID": "each run makes its own",
}
# Scrapy settings whose default is an int but which Scrapy reads as a number (getfloat)
FLOAT_SETTINGS = {
    "AUTOTHROTTLE_MAX_DELAY", "AUTOTHROTTLE_START_DELAY", "CLOSESPIDER_TIMEOUT", "CLOSESPIDER_TIMEOUT_NO_ITEM",
    "DNS_TIMEOUT", "DOWNLOAD_DELAY", "DOWNLOAD_DELAY_JITTER", "DOWNLOAD_TIMEOUT", "LOGSTATS_INTERVAL",
    "SPAMCORPUS_COMMIT_SECONDS", "SPAMCORPUS_PAGE_TIMEOUT", "SPAMCORPUS_PROGRESS_INTERVAL",
    "SPAMCORPUS_RUNSTATS_INTERVAL",
}
# (low, high, why): values outside make the crawl hang, drop everything or lift a limit
SETTING_RANGES: dict[str, tuple[float | None, float | None, str]] = {
    "CONCURRENT_REQUESTS": (1, None, "0 would never send a request"),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (1, None, "0 would never send a request"),
    "CONCURRENT_REQUESTS_PER_IP": (0, None, ""),
    "CONCURRENT_ITEMS": (1, None, ""),
    "DOWNLOAD_DELAY": (0, ONE_DAY, ""),
    "DOWNLOAD_TIMEOUT": (0.001, ONE_DAY, "0 or less times every request out"),
    "DOWNLOAD_MAXSIZE": (1, None, "0 would lift the decompression-bomb limit"),
    "DOWNLOAD_WARNSIZE": (0, None, ""),
    "DNS_TIMEOUT": (0.001, ONE_DAY, ""),
    "RETRY_TIMES": (0, 100, ""),
    "REDIRECT_MAX_TIMES": (0, 100, ""),
    "CLOSESPIDER_TIMEOUT": (0, None, ""),
    "AUTOTHROTTLE_START_DELAY": (0, ONE_DAY, ""),
    "AUTOTHROTTLE_MAX_DELAY": (0, ONE_DAY, ""),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": (0.001, None, ""),
    "SPAMCORPUS_SHARD_ROWS": (1, None, ""),
    "SPAMCORPUS_COMMIT_SECONDS": (0, None, ""),
    "SPAMCORPUS_PAGE_TIMEOUT": (0.001, None, ""),
    "SPAMCORPUS_PROGRESS_INTERVAL": (0.01, None, ""),
    "SPAMCORPUS_RUNSTATS_INTERVAL": (0, None, ""),
    "SPAMCORPUS_ZSTD_LEVEL": (1, 22, ""),
    "SPAMCORPUS_MAX_LINKS_PER_PAGE": (0, None, ""),
    "SPAMCORPUS_MAX_PAGES": (0, None, ""),
}
SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "LOG_LEVEL": ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"),
    "SPAMCORPUS_ROBOTS_UNAVAILABLE": ROBOTS_UNAVAILABLE,
}
# spamcorpus settings read by the crawl but not listed in crawler/settings.py, with their default's type
EXTRA_SPAMCORPUS_SETTINGS: dict[str, Any] = {"SPAMCORPUS_GC_FREEZE": True, "SPAMCORPUS_MAX_PAGES": 0}
_SPECIAL = {"SPAMCORPUS_PAGE_WORKERS"}  # "auto" or an integer >= 0


@dataclass
class SettingOverrides:
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def known_settings() -> dict[str, Any]:
    """Every setting name Scrapy or spamcorpus knows, with its default here (project value over Scrapy's)."""
    import warnings

    from scrapy.settings import default_settings

    import crawler.settings as project

    known: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated names warn when read
        for module in (default_settings, project):
            for name in dir(module):
                if name.isupper() and not name.startswith("_"):
                    known[name] = getattr(module, name)
    known.update(EXTRA_SPAMCORPUS_SETTINGS)
    return known


_BOOL = TypeAdapter(bool)
_INT = TypeAdapter(int)
_FLOAT = TypeAdapter(Annotated[float, Field(allow_inf_nan=False)])


def _setting_value(name: str, raw: str, default: Any) -> Any:
    """The typed value of `--set NAME=raw`, by the type of the setting's default; ValueError says what it wants."""
    if name in _SPECIAL:
        if raw.strip().lower() == "auto":
            return "auto"
        try:
            value = _INT.validate_python(raw.strip())
        except ValidationError:
            raise ValueError(f'expected "auto" or an integer >= 0, got {raw!r}') from None
        if value < 0:
            raise ValueError(f'expected "auto" or an integer >= 0, got {raw!r}')
        return value
    if name in SETTING_CHOICES:
        choices = SETTING_CHOICES[name]
        match = next((c for c in choices if c.lower() == raw.strip().lower()), None)
        if match is None:
            raise ValueError(f"expected one of {', '.join(choices)}, got {raw!r}")
        return match
    if isinstance(default, bool):
        try:
            return _BOOL.validate_python(raw.strip())
        except ValidationError:
            raise ValueError(f"expected true or false, got {raw!r}") from None
    value: Any
    if isinstance(default, (int, float)):
        as_float = isinstance(default, float) or name in FLOAT_SETTINGS
        try:
            value = (_FLOAT if as_float else _INT).validate_python(raw.strip())
        except ValidationError:
            raise ValueError(f"expected {'a number' if as_float else 'an integer'}, got {raw!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {raw!r}")
        if name in SETTING_RANGES:
            low, high, why = SETTING_RANGES[name]
            if (low is not None and value < low) or (high is not None and value > high):
                span = (f"within {low:g}..{high:g}" if low is not None and high is not None
                        else f">= {low:g}" if low is not None else f"<= {high:g}")
                kind = "a number" if as_float else "an integer"
                raise ValueError(f"expected {kind} {span}, got {raw!r}" + (f" ({why})" if why else ""))
        return value
    if isinstance(default, dict):
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise ValueError(f'expected a JSON object, e.g. {{"key": 1}}, got {raw!r}')
        return value
    if isinstance(default, (list, tuple)):
        if raw.lstrip().startswith("["):
            try:
                value = json.loads(raw)
            except ValueError:
                raise ValueError(f"expected a JSON list or comma-separated values, got {raw!r}") from None
            if not isinstance(value, list):
                raise ValueError(f"expected a JSON list or comma-separated values, got {raw!r}")
            return value
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw  # a string setting, or one whose default (None) says nothing about its type


_SETTING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_setting_overrides(items: list[str] | tuple[str, ...]) -> SettingOverrides:
    """`--set NAME=VALUE` options as typed Scrapy settings; JobError lists every refused or malformed one.

    Values are checked against the type of the setting's default (Scrapy's or the project's); settings that
    reopen remote consoles or lift the SSRF guard are refused; unknown names pass with a warning, except
    unknown SPAMCORPUS_* names (a typo there would be silently ignored), which are errors."""
    known = known_settings()
    out = SettingOverrides()
    problems: list[str] = []
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(f"--set expects NAME=VALUE, got {item!r}")
            continue
        label = f"--set {name}"
        if not _SETTING_NAME.fullmatch(name):
            problems.append(f"{label}: not a setting name (letters, digits and _)")
            continue
        upper = name.upper()
        refused = REFUSED_SETTINGS.get(upper) or next(
            (why for prefix, why in REFUSED_PREFIXES.items() if upper.startswith(prefix)), None)
        if refused:
            problems.append(f"{label}: refused on the command line: {refused}")
            continue
        if name not in known:
            close = difflib.get_close_matches(upper, list(known), n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if close else ""
            if upper.startswith("SPAMCORPUS_"):
                problems.append(f"{label}: unknown spamcorpus setting{hint}")
                continue
            out.warnings.append(f"{label}: not a setting Scrapy or spamcorpus knows{hint}; passed on as the "
                                f"string {raw!r}")
            out.settings[name] = raw
            continue
        try:
            out.settings[name] = _setting_value(name, raw, known[name])
        except ValueError as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        raise JobError(problems)
    return out
