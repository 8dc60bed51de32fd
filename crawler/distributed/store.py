"""Item pipeline: the Parquet store's pipeline that acks a page's lease only once its row is committed."""
from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.distributed.cluster import LEASE
from crawler.pipelines.store import ParquetStorePipeline


class LeasedStorePipeline(ParquetStorePipeline):
    """Buffers and commits like ParquetStorePipeline; after each commit that succeeded, the leases whose rows it
    wrote are acked. A worker killed before a commit leaves those leases in Redis, and they are queued again."""

    def __init__(self, crawler) -> None:
        cluster = getattr(crawler.spider, "cluster", None)
        if cluster is None:
            raise NotConfigured("LeasedStorePipeline runs under the distributed spider")
        super().__init__(crawler)
        self.cluster = cluster
        cluster.commit_hook = self.commit_soon
        crawler.signals.connect(self._scraped, signal=signals.item_scraped)
        crawler.signals.connect(self._dropped, signal=signals.item_dropped)
        crawler.signals.connect(self._dropped, signal=signals.item_error)

    def _scraped(self, item, response, spider) -> None:
        lease = response.meta.get(LEASE) if response is not None else None
        if lease is not None:
            self.cluster.leases.row_done(lease, buffered=True)

    def _dropped(self, item, response, spider, **kwargs) -> None:
        lease = response.meta.get(LEASE) if response is not None else None
        if lease is not None:  # the drop is counted by its reason: the page is done
            self.cluster.leases.row_done(lease, buffered=False)

    def commit_soon(self) -> None:
        if self.in_flight is None and not self.buffer:
            # every row is durable: a lease that finished after its rows' commit is acked now (else an idle
            # worker would hold it for ever and the job would never end)
            self.cluster.ack(self.cluster.leases.take_at_commit() + self.cluster.leases.take_now())
            return
        super().commit_soon()

    def _before_commit(self) -> list[str]:
        # leases ready now have their rows in the buffer that this commit writes
        return self.cluster.leases.take_at_commit()

    def _after_commit(self, ready: list[str]) -> None:
        # only a durable commit acks: after a failed one the leases stay in Redis and the pages are fetched again
        self.cluster.ack(ready + self.cluster.leases.take_now())
