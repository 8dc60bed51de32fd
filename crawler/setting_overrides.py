"""`--set NAME=VALUE` on the crawl command: typed by the setting's default, ranges checked, consoles and guards refused."""
from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from crawler.job_schema import ONE_DAY, ROBOTS_UNAVAILABLE, JobError

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
    "SPAMCORPUS_STORE_BUFFER_BYTES": (1, None, ""),
    "SPAMCORPUS_SITEMAP_MAX_BYTES": (1, None, ""),
    "SPAMCORPUS_PAGE_RETRIES_AFTER_CRASH": (0, None, ""),
    "SPAMCORPUS_PAGE_BATCH": (1, None, ""),
}
SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "LOG_LEVEL": ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"),
    "SPAMCORPUS_ROBOTS_UNAVAILABLE": ROBOTS_UNAVAILABLE,
}
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
