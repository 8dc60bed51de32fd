"""One worker's view of a distributed job: registration, heartbeats, leases of popped requests, re-queue of the dead.

A request popped from the shared queue is leased: its encoded form stays in the worker's in-flight hash until
the row it made is committed to the corpus, or it ended without a row (a counted drop, a redirect or retry that
is queued again). A worker whose heartbeat expired (SIGKILL, crash, lost machine) has its in-flight hash moved
back into the queue by any live worker, atomically, so a page is never lost and never queued twice by two reapers.
"""
from __future__ import annotations

import os
import socket
import time
from collections import defaultdict

from crawler.distributed.keys import JobKeys

LEASE = "spamcorpus_lease"  # request meta: the lease id of a popped request (handed on to its redirect or retry)

# move a worker's in-flight requests back into the queue, unless its heartbeat lives (ARGV[2] = "1": anyway)
REQUEUE = """
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local all = redis.call('HGETALL', KEYS[1])
for i = 2, #all, 2 do
  local v = all[i]
  local sp = string.find(v, ' ', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(v, 1, sp - 1), string.sub(v, sp + 1))
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return #all / 2
"""


class LeaseBook:
    """Local state of this worker's leases: which finished, which still wait for their rows to be committed."""

    def __init__(self) -> None:
        self._next = 0
        self.pending_rows: dict[str, int] = defaultdict(int)  # rows yielded, not yet through the pipelines
        self.with_rows: set[str] = set()  # leases with a row in the store's buffer
        self.completed: set[str] = set()  # callback or errback finished
        self.kept: set[str] = set()  # never acked here: re-queued when the worker closes
        self.ack_now: list[str] = []  # finished without a row: ack at the next heartbeat
        self.ack_at_commit: list[str] = []  # their rows are buffered: ack once the next commit succeeded

    def new(self) -> str:
        self._next += 1
        return str(self._next)

    def row_yielded(self, lease: str) -> None:
        self.pending_rows[lease] += 1

    def row_done(self, lease: str, buffered: bool) -> None:
        self.pending_rows[lease] -= 1
        if buffered:
            self.with_rows.add(lease)
        self._maybe_ready(lease)

    def complete(self, lease: str) -> None:
        self.completed.add(lease)
        self._maybe_ready(lease)

    def keep(self, lease: str) -> None:
        self.kept.add(lease)

    def _maybe_ready(self, lease: str) -> None:
        if lease not in self.completed or self.pending_rows.get(lease, 0) > 0 or lease in self.kept:
            return
        self.completed.discard(lease)
        self.pending_rows.pop(lease, None)
        if lease in self.with_rows:
            self.with_rows.discard(lease)
            self.ack_at_commit.append(lease)
        else:
            self.ack_now.append(lease)

    def take_now(self) -> list[str]:
        taken, self.ack_now = self.ack_now, []
        return taken

    def take_at_commit(self) -> list[str]:
        taken, self.ack_at_commit = self.ack_at_commit, []
        return taken


class Cluster:
    """A worker of job `keys.job` on the Redis at `server`: the state every distributed component shares."""

    def __init__(self, server, keys: JobKeys, worker: str, *, role: str, ttl: float) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.role = role  # "crawl" starts (or resumes) the job and queues its seeds; "worker" joins it
        self.ttl_ms = max(1000, int(ttl * 1000))
        self.leases = LeaseBook()
        self.commit_hook = None  # the store pipeline's commit, run when the worker is idle
        self.closed = False  # left the job: no more heartbeats or pops
        self.slot_waiters = 0  # requests of this worker waiting for a host slot (politeness.py)
        self.max_slot_waiters = 0  # 0: no limit
        self._requeue = server.register_script(REQUEUE)
        self.info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}

    # -- membership --------------------------------------------------------------------------------
    def heartbeat(self, **fields) -> None:
        if self.closed:
            return
        pipe = self.server.pipeline()
        pipe.hset(self.keys.heartbeat(self.worker), mapping={**self.info, **fields, "updated": time.time()})
        pipe.pexpire(self.keys.heartbeat(self.worker), self.ttl_ms)
        pipe.sadd(self.keys.workers, self.worker)
        pipe.execute()

    def leave(self) -> int:
        """Ack what finished, put every other leased request back in the queue, and deregister."""
        self.closed = True
        self.ack(self.leases.take_now())
        moved = self._requeue_worker(self.worker, force=True)
        self.server.delete(self.keys.heartbeat(self.worker))
        return max(moved, 0)

    def _requeue_worker(self, worker: str, *, force: bool = False) -> int:
        keys = [self.keys.inflight(worker), self.keys.queue, self.keys.workers, self.keys.heartbeat(worker)]
        return int(self._requeue(keys=keys, args=[worker, "1" if force else "0"]))

    def reap(self) -> int:
        """Re-queue the leases of workers whose heartbeat expired; returns how many requests came back."""
        moved = 0
        for raw in self.server.smembers(self.keys.workers):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if worker != self.worker and not self.server.exists(self.keys.heartbeat(worker)):
                moved += max(self._requeue_worker(worker), 0)
        return moved

    def alive(self) -> list[str]:
        workers = [w.decode() if isinstance(w, bytes) else w for w in self.server.smembers(self.keys.workers)]
        return sorted(w for w in workers if self.server.exists(self.keys.heartbeat(w)))

    # -- leases ------------------------------------------------------------------------------------
    def ack(self, leases: list[str]) -> None:
        if leases:
            self.server.hdel(self.keys.inflight(self.worker), *leases)

    def in_flight(self) -> int:
        """Leased requests of every registered worker, dead ones included (they come back to the queue)."""
        workers = self.server.smembers(self.keys.workers)
        pipe = self.server.pipeline()
        for raw in workers:
            pipe.hlen(self.keys.inflight(raw.decode() if isinstance(raw, bytes) else raw))
        return sum(pipe.execute()) if workers else 0

    def queued(self) -> int:
        return int(self.server.zcard(self.keys.queue))

    def done(self) -> bool:
        """Nothing queued and nothing leased anywhere: the job ran its course."""
        return self.queued() == 0 and self.in_flight() == 0

    # -- the job -----------------------------------------------------------------------------------
    def start_job(self) -> bool:
        """The `crawl` role opens the job: a fresh run when nothing is queued or leased (the dupefilter of a
        finished run is dropped: the corpus says what is done), else a resume; the page count starts over
        unless other workers are running the job now. Returns whether the run is fresh."""
        self.reap()
        fresh = self.done()
        pipe = self.server.pipeline()
        if fresh:
            pipe.delete(self.keys.dupefilter)
        if fresh or not [w for w in self.alive() if w != self.worker]:
            pipe.delete(self.keys.pages)
        # "starting" until the seeds are queued: a worker must not take the empty queue for a finished job
        pipe.hset(self.keys.meta, mapping={"state": "starting", "started": time.time(), "started_by": self.worker})
        pipe.execute()
        return fresh

    def seeded(self) -> None:
        self.server.hset(self.keys.meta, "state", "running")

    def job_state(self) -> str | None:
        state = self.server.hget(self.keys.meta, "state")
        return state.decode() if isinstance(state, bytes) else state

    def finish_job(self) -> None:
        self.server.hset(self.keys.meta, mapping={"state": "finished", "finished": time.time()})

    def claim_page(self) -> int:
        return int(self.server.incr(self.keys.pages))

    def pages_claimed(self) -> int:
        return int(self.server.get(self.keys.pages) or 0)
