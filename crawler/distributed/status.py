"""What a distributed job is doing, read from Redis: queue length, leases, workers alive and their pages/s."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from crawler.distributed.keys import PREFIX, JobKeys


@dataclass
class WorkerStatus:
    worker: str
    host: str
    pid: int
    role: str
    pages: int
    rows: int
    pages_per_s: float
    seen_s_ago: float
    in_flight: int


@dataclass
class JobStatus:
    job: str
    state: str
    queued: int
    seen: int  # requests ever queued in this run (the dupefilter's size)
    pages_claimed: int
    workers: list[WorkerStatus] = field(default_factory=list)
    dead_in_flight: int = 0  # leases of workers whose heartbeat expired, not yet re-queued

    @property
    def pages_per_s(self) -> float:
        return round(sum(w.pages_per_s for w in self.workers), 2)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def job_names(server) -> list[str]:
    """Jobs with state on this Redis (SCAN, never KEYS: a busy server is not blocked)."""
    names = {_text(k).split(":")[1] for k in server.scan_iter(match=f"{PREFIX}:*:job", count=1000)}
    return sorted(names)


def job_status(server, job: str) -> JobStatus:
    keys = JobKeys(job)
    meta = {_text(k): _text(v) for k, v in server.hgetall(keys.meta).items()}
    status = JobStatus(job=job, state=meta.get("state", "unknown"), queued=int(server.zcard(keys.queue)),
                       seen=int(server.scard(keys.dupefilter)), pages_claimed=int(server.get(keys.pages) or 0))
    now = time.time()
    for worker in sorted(_text(w) for w in server.smembers(keys.workers)):
        in_flight = int(server.hlen(keys.inflight(worker)))
        info = {_text(k): _text(v) for k, v in server.hgetall(keys.heartbeat(worker)).items()}
        if not info:
            status.dead_in_flight += in_flight
            continue
        status.workers.append(WorkerStatus(
            worker=worker, host=info.get("host", "?"), pid=int(info.get("pid", 0)), role=info.get("role", "?"),
            pages=int(info.get("pages", 0)), rows=int(info.get("rows", 0)),
            pages_per_s=float(info.get("pages_per_s", 0.0)),
            seen_s_ago=round(max(0.0, now - float(info.get("updated", now))), 1), in_flight=in_flight))
    return status
