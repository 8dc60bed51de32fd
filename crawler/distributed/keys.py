"""Redis connection, the key names of one distributed job, and a JSON codec for requests (never pickle)."""
from __future__ import annotations

import base64
import json
from datetime import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PREFIX = "spamcorpus"


@dataclass(frozen=True)
class JobKeys:
    """Every Redis key of one job lives under `spamcorpus:<job>:` (job names have no `:`)."""

    job: str

    def _k(self, *parts: str) -> str:
        return ":".join((PREFIX, self.job, *parts))

    @property
    def queue(self) -> str:  # ZSET: encoded request -> -priority (the shared frontier)
        return self._k("requests")

    @property
    def dupefilter(self) -> str:  # SET of request fingerprints ever queued in this run of the job
        return self._k("dupefilter")

    @property
    def workers(self) -> str:  # SET of worker ids that may hold leases
        return self._k("workers")

    @property
    def meta(self) -> str:  # HASH: the job's state (started, state, run of the crawl that started it)
        return self._k("job")

    @property
    def pages(self) -> str:  # counter of documents claimed against the job's page limit
        return self._k("pages")

    def heartbeat(self, worker: str) -> str:  # HASH with a TTL: the worker is alive while it exists
        return self._k("worker", worker)

    def inflight(self, worker: str) -> str:  # HASH lease id -> "score data" of requests a worker popped
        return self._k("inflight", worker)

    def host_active(self, netloc: str) -> str:  # ZSET of download tokens on a host, scored by expiry (ms)
        return self._k("host", netloc, "active")

    def host_next(self, netloc: str) -> str:  # earliest time (ms) of the host's next download
        return self._k("host", netloc, "next")

    def robots(self, netloc: str) -> str:  # the robots.txt body in force for a host
        return self._k("robots", netloc)

    def robots_lock(self, netloc: str) -> str:  # one worker fetches a host's robots.txt, the others wait
        return self._k("robots", netloc, "lock")


def connect(url: str, *, patience: float = 60.0):
    """A Redis client that rides out a restart: commands are retried with backoff for about `patience` s."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError
    from redis.retry import Retry

    cap = 1.0
    retries = 0 if patience <= 0 else int(patience / cap) + 5
    return redis.Redis.from_url(
        url, socket_timeout=30, socket_connect_timeout=5, health_check_interval=10,
        retry=Retry(ExponentialBackoff(cap=cap, base=0.05), retries),
        retry_on_error=[ConnectionError, TimeoutError, BusyLoadingError],
    )


def later(seconds: float):
    """A Deferred that fires after `seconds` (the reactor is imported here: at module level it would install
    Twisted's default reactor before Scrapy installs the asyncio one)."""
    from twisted.internet import reactor, task

    return task.deferLater(reactor, seconds)


async def pause(seconds: float) -> None:
    """Wait without blocking the reactor."""
    from scrapy.utils.defer import maybe_deferred_to_future

    await maybe_deferred_to_future(later(seconds))


def redact(url: str) -> str:
    """The URL without its password (for logs and messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


# --- request codec: JSON with tagged bytes; a shared Redis must not be able to run code in workers ---
def _pack(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):  # the WARC recorder's fetch time rides along a redirect's copied meta
        return {"$t": value.isoformat()}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and not {"$b", "$d", "$t"} & value.keys():
            return {k: _pack(v) for k, v in value.items()}
        return {"$d": [[_pack(k), _pack(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_pack(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(f"cannot queue a request whose data holds a {type(value).__name__}")


def _unpack(value: Any) -> Any:
    if isinstance(value, dict):
        if "$b" in value and len(value) == 1:
            return base64.b64decode(value["$b"])
        if "$d" in value and len(value) == 1:
            return {_unpack(k): _unpack(v) for k, v in value["$d"]}
        if "$t" in value and len(value) == 1:
            return datetime.fromisoformat(value["$t"])
        return {k: _unpack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unpack(v) for v in value]
    return value


class JsonCodec:
    """scrapy-redis serializer interface (`dumps`/`loads`) over Request.to_dict()."""

    @staticmethod
    def dumps(obj: dict) -> str:
        return json.dumps(_pack(obj), separators=(",", ":"), ensure_ascii=False, allow_nan=False)

    @staticmethod
    def loads(data: str | bytes) -> dict:
        return _unpack(json.loads(data))
