"""A shared queue of archive files on Redis: ingest workers on several machines take one file at a time from it.

Keys live under `spamcorpus:<job>:ingest:` (beside a crawl's keys of the same job name, never among them). A file
taken from the queue is moved, in one Redis step, into the taker's in-flight list and stays there until its
ingest returned (its last shard and its `ingested` ledger line are committed by then), so a worker killed with
SIGKILL loses nothing: once its heartbeat expires, any live worker moves its in-flight files back into the queue.
A file ingested twice costs time, never rows: the corpus knows finished files by sha256 and committed doc_ids.
Paths are queued as absolute paths; every machine must see the files under the same path (a shared mount).
"""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from crawler.distributed.keys import PREFIX, connect

# queue files not queued before in this run of the job (a re-run of the seeding command queues nothing twice)
ADD = """
local n = 0
for i = 1, #ARGV do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then redis.call('RPUSH', KEYS[1], ARGV[i]); n = n + 1 end
end
redis.call('HSET', KEYS[3], 'state', 'running')
return n
"""
# a dead worker's in-flight files back to the queue's head, unless its heartbeat lives (ARGV[2] = "1": anyway)
REQUEUE = """
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local n = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') do n = n + 1 end
redis.call('SREM', KEYS[3], ARGV[1])
return n
"""
# the run is over when nothing is queued and no worker holds a file: forget what was queued, so a later run of
# the same job can queue the same paths again (the corpus still skips the files it finished)
FINISH = """
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('LLEN', ARGV[1] .. w) > 0 then return 0 end
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[4], 'state', 'finished')
return 1
"""


class IngestQueueError(RuntimeError):
    """No job to join: nothing was queued under the job's name within the wait."""


class FileQueue:
    """One worker's handle on the file queue of ingest job `job` (see the module doc).

    Iterating yields a path to ingest, or None when no file is free now but other workers still hold some (one of
    them may die and its files come back); it ends when the queue is empty and no worker holds a file. Report
    each path's end with `done(path)`; `close()` hands back what was taken and not done."""

    def __init__(self, url: str, job: str, *, worker: str | None = None, heartbeat: float = 2.0,
                 ttl: float = 15.0, join_wait: float = 60.0, server=None) -> None:
        self.server = server if server is not None else connect(url)
        self.job = job
        self.worker = worker or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.heartbeat_s = heartbeat
        self.ttl_ms = max(1000, int(ttl * 1000))
        self.join_wait = join_wait
        self._add = self.server.register_script(ADD)
        self._requeue = self.server.register_script(REQUEUE)
        self._finish = self.server.register_script(FINISH)
        self._stop = threading.Event()
        self._beats: threading.Thread | None = None

    # -- key names ---------------------------------------------------------------------------------
    def _k(self, *parts: str) -> str:
        return ":".join((PREFIX, self.job, "ingest", *parts))

    @property
    def pending_key(self) -> str:  # LIST of paths not taken
        return self._k("files")

    @property
    def queued_key(self) -> str:  # SET of every path queued in this run (so none is queued twice)
        return self._k("queued")

    @property
    def workers_key(self) -> str:  # SET of worker ids that may hold files
        return self._k("workers")

    @property
    def meta_key(self) -> str:  # HASH: state = running | finished (not `...:job`: that is a crawl's)
        return self._k("state")

    def inflight_key(self, worker: str) -> str:  # LIST of the paths a worker took and has not finished
        return self._k("inflight", worker)

    def heartbeat_key(self, worker: str) -> str:  # exists while the worker lives
        return self._k("worker", worker)

    # -- the seeding side --------------------------------------------------------------------------
    def add(self, paths: Iterable[str | os.PathLike[str]]) -> int:
        """Queue the files (as absolute paths); returns how many were new to this run of the job."""
        names = [str(Path(p).resolve()) for p in paths]
        if not names:
            return 0
        return int(self._add(keys=[self.pending_key, self.queued_key, self.meta_key], args=names))

    # -- the working side --------------------------------------------------------------------------
    def join(self) -> None:
        """Register and start heartbeats; wait up to `join_wait` s for a job that nothing was queued for yet."""
        deadline = time.monotonic() + self.join_wait
        while self.state() is None:
            if time.monotonic() >= deadline:
                raise IngestQueueError(f"no ingest job {self.job!r} on this Redis: nothing was queued within "
                                       f"{self.join_wait:.0f} s (start `spamcorpus ingest FILES --redis ...` first)")
            time.sleep(min(0.5, self.heartbeat_s))
        self._beat()
        self._beats = threading.Thread(target=self._beat_until_stopped, name="ingest-heartbeat", daemon=True)
        self._beats.start()

    def _beat(self) -> None:
        pipe = self.server.pipeline()
        pipe.set(self.heartbeat_key(self.worker), time.time(), px=self.ttl_ms)
        pipe.sadd(self.workers_key, self.worker)
        pipe.execute()

    def _beat_until_stopped(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            try:
                self._beat()
            except Exception:  # noqa: BLE001 (Redis away for a while: the client retries; a missed beat is no error)
                continue

    def __iter__(self) -> Iterator[str | None]:
        if self._beats is None:
            self.join()
        while True:
            self.reap()
            taken = self.server.lmove(self.pending_key, self.inflight_key(self.worker), "LEFT", "RIGHT")
            if taken is not None:
                yield taken.decode() if isinstance(taken, bytes) else taken
                continue
            if self._others_hold_files():
                yield None
                continue
            return

    def done(self, path: str) -> None:
        self.server.lrem(self.inflight_key(self.worker), 1, path)

    def _others_hold_files(self) -> bool:
        return any(self.server.llen(self.inflight_key(w)) for w in self.workers() if w != self.worker)

    def reap(self) -> int:
        """Put the files of workers whose heartbeat expired back in the queue; returns how many came back."""
        return sum(max(0, self._requeue_worker(w)) for w in self.workers() if w != self.worker)

    def _requeue_worker(self, worker: str, force: bool = False) -> int:
        keys = [self.inflight_key(worker), self.pending_key, self.workers_key, self.heartbeat_key(worker)]
        return int(self._requeue(keys=keys, args=[worker, "1" if force else "0"]))

    def close(self) -> bool:
        """Leave: files taken and not done go back to the queue; returns whether the whole run is over."""
        self._stop.set()
        if self._beats is not None:
            self._beats.join(timeout=5)
        self._requeue_worker(self.worker, force=True)
        self.server.delete(self.heartbeat_key(self.worker))
        keys = [self.pending_key, self.queued_key, self.workers_key, self.meta_key]
        return bool(self._finish(keys=keys, args=[self.inflight_key("")]))

    # -- what `status` shows -----------------------------------------------------------------------
    def workers(self) -> list[str]:
        return sorted(w.decode() if isinstance(w, bytes) else w for w in self.server.smembers(self.workers_key))

    def state(self) -> str | None:
        value = self.server.hget(self.meta_key, "state")
        return value.decode() if isinstance(value, bytes) else value

    @staticmethod
    def job_names(server) -> list[str]:
        """Ingest jobs with state on this Redis (SCAN, never KEYS)."""
        names = set()
        for key in server.scan_iter(match=f"{PREFIX}:*:ingest:state", count=1000):
            names.add((key.decode() if isinstance(key, bytes) else key).split(":")[1])
        return sorted(names)

    def status(self) -> dict:
        workers = self.workers()
        return {"state": self.state(), "queued": int(self.server.llen(self.pending_key)),
                "in_flight": sum(int(self.server.llen(self.inflight_key(w))) for w in workers),
                "workers_alive": sum(1 for w in workers if self.server.exists(self.heartbeat_key(w)))}
