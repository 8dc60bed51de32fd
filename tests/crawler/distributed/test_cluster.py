"""Leases, atomic queue operations, the re-queue of dead workers and the request codec, on a real Redis."""
from __future__ import annotations

from datetime import timezone

import hypothesis.strategies as st
import pytest
import scrapy
from hypothesis import given

from crawler.distributed.cluster import Cluster, LeaseBook
from crawler.distributed.keys import JobKeys, JsonCodec, connect, redact
from crawler.distributed.queue import LeasedPriorityQueue


class _Spider(scrapy.Spider):
    name = "t"

    def parse(self, response):
        pass


def _cluster(url: str, worker: str, ttl: float = 5.0) -> Cluster:
    return Cluster(connect(url, patience=2), JobKeys("job"), worker, role="worker", ttl=ttl)


def _queue(cluster: Cluster) -> LeasedPriorityQueue:
    keys = cluster.keys
    return LeasedPriorityQueue(cluster.server, _Spider(), keys.queue, inflight_key=keys.inflight(cluster.worker),
                               dupefilter_key=keys.dupefilter)


def test_a_pop_leases_and_a_dead_workers_leases_come_back_once(redis_server):
    alive, dead = _cluster(redis_server.url, "alive"), _cluster(redis_server.url, "dead", ttl=1.0)
    queue = _queue(dead)
    assert queue.push_new(scrapy.Request("http://a.example/1", priority=1), "fp1")
    assert queue.push_new(scrapy.Request("http://a.example/2"), "fp2")
    assert not queue.push_new(scrapy.Request("http://a.example/1"), "fp1"), "seen before"
    dead.heartbeat()
    first = queue.pop_leased("1")
    assert first.url == "http://a.example/1" and first.priority == 1  # the higher priority first
    assert dead.queued() == 1 and dead.in_flight() == 1
    assert alive.reap() == 0, "a worker with a live heartbeat keeps its leases"
    dead.server.delete(dead.keys.heartbeat("dead"))  # as if its TTL ran out (SIGKILL)
    assert alive.reap() == 1
    assert alive.reap() == 0, "a second reaper finds nothing: no request is queued twice"
    assert alive.queued() == 2 and alive.in_flight() == 0
    urls = sorted(_queue(alive).pop_leased(str(i)).url for i in range(2))
    assert urls == ["http://a.example/1", "http://a.example/2"]


def test_leave_acks_what_finished_and_requeues_the_rest(redis_server):
    worker = _cluster(redis_server.url, "w")
    worker.heartbeat()
    queue = _queue(worker)
    for n in range(3):
        queue.push_new(scrapy.Request(f"http://a.example/{n}"), f"fp{n}")
    leases = [worker.leases.new() for _ in range(3)]
    for lease in leases:
        queue.pop_leased(lease)
    worker.leases.complete(leases[0])  # finished without a row
    worker.leases.row_yielded(leases[1])
    worker.leases.complete(leases[1])  # its row is still in the pipelines: not finished
    assert worker.leases.take_now() == [leases[0]]
    worker.leases.ack_now.append(leases[0])
    assert worker.leave() == 2
    assert worker.queued() == 2 and worker.in_flight() == 0
    assert not worker.server.sismember(worker.keys.workers, "w")


def test_lease_book_acks_rows_only_after_their_commit():
    book = LeaseBook()
    a, b, c = book.new(), book.new(), book.new()
    book.row_yielded(a)
    book.complete(a)
    assert book.take_now() == [] and book.take_at_commit() == []
    book.row_done(a, buffered=True)
    assert book.take_now() == [] and book.take_at_commit() == [a]
    book.row_yielded(b)
    book.row_done(b, buffered=False)  # dropped with a counted reason
    book.complete(b)
    assert book.take_now() == [b]
    book.keep(c)  # over the page limit: goes back to the queue
    book.complete(c)
    assert book.take_now() == [] and book.take_at_commit() == []


scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53), st.text(), st.binary(),
                    st.floats(allow_nan=False, allow_infinity=False), st.datetimes(timezones=st.just(timezone.utc)))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(), st.binary()), inner, max_size=4)), max_leaves=12)


@given(values)
def test_codec_round_trips_json_with_bytes_and_times(value):
    decoded = JsonCodec.loads(JsonCodec.dumps({"v": value}))["v"]
    assert decoded == _lists(value)


def _lists(value):
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value


def test_codec_refuses_objects_and_requests_round_trip():
    with pytest.raises(TypeError):
        JsonCodec.dumps({"meta": {"x": object()}})
    spider = _Spider()
    request = scrapy.Request("http://a.example/p?q=1", method="POST", body=b"\x00\xff", headers={"X-A": "b"},
                             meta={"spamcorpus_depth": 2, "redirect_urls": ["http://a.example/"]}, priority=-2,
                             callback=spider.parse)
    from scrapy.utils.request import request_from_dict

    back = request_from_dict(JsonCodec.loads(JsonCodec.dumps(request.to_dict(spider=spider))), spider=spider)
    assert (back.url, back.method, back.body, back.priority) == (request.url, "POST", b"\x00\xff", -2)
    assert back.headers.get("X-A") == b"b" and back.meta == request.meta and back.callback == spider.parse


def test_redact_hides_the_password_only():
    assert redact("redis://:s3cret@redis.example:6379/0") == "redis://:***@redis.example:6379/0"
    assert redact("rediss://user:s3cret@h:1/2") == "rediss://user:***@h:1/2"
    assert redact("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
