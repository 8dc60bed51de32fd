"""scrapy-redis's priority queue with leases: a pop moves the request into the worker's in-flight hash atomically."""
from __future__ import annotations

from scrapy_redis.queue import PriorityQueue

from crawler.distributed.keys import JsonCodec

# the lowest score first (score = -priority, as in scrapy-redis), moved into the in-flight hash in one step
POP_LEASE = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. ' ' .. r[1])
return r[1]
"""

# mark seen and queue in one step: a kill between scrapy-redis's SADD and ZADD would lose the URL for good
PUSH_NEW = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class LeasedPriorityQueue(PriorityQueue):
    """The shared frontier: a sorted set of JSON-encoded requests (pickle would let the Redis run code here)."""

    def __init__(self, server, spider, key, inflight_key: str, dupefilter_key: str) -> None:
        super().__init__(server, spider, key, serializer=JsonCodec)
        self.inflight_key = inflight_key
        self.dupefilter_key = dupefilter_key
        self._pop = server.register_script(POP_LEASE)
        self._push = server.register_script(PUSH_NEW)

    def push_new(self, request, fingerprint: str | None) -> bool:
        """Queue `request` unless its fingerprint was seen (None: queue it anyway, e.g. a retry)."""
        data = self._encode_request(request)
        added = self._push(keys=[self.dupefilter_key, self.key], args=[fingerprint or "", -request.priority, data])
        return bool(added)

    def pop_leased(self, lease: str):
        data = self._pop(keys=[self.key, self.inflight_key], args=[lease])
        return self._decode_request(data) if data else None
