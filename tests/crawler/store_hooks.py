"""Store pipelines for crawl tests (named in ITEM_PIPELINES by `--set`): the real pipeline, with its writer
step slowed down or failing, and a record of where and when each commit ran."""
from __future__ import annotations

import json
import os
import threading
import time

from corpus.store import StoreError
from crawler.pipelines.store import ParquetStorePipeline

RECORD = "SPAMCORPUS_TEST_STORE_RECORD"  # environment: a JSON-lines file of commits
DELAY = 1.5  # seconds each SlowStore commit takes


def _record(**entry) -> None:
    with open(os.environ[RECORD], "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


class SlowStore(ParquetStorePipeline):
    """Each commit first sleeps DELAY seconds, as on a slow disk."""

    def _write(self, rows, exchanges):
        started = time.monotonic()
        time.sleep(DELAY)
        result = super()._write(rows, exchanges)
        thread = threading.current_thread()
        _record(start=started, end=time.monotonic(), rows=len(rows), thread=thread.name,
                main=thread is threading.main_thread())
        return result


class FailingStore(ParquetStorePipeline):
    """The first commit succeeds; every later one fails as a full disk would."""

    commits = 0

    def _write(self, rows, exchanges):
        self.commits += 1
        if self.commits > 1:
            _record(failed=len(rows), exchanges=len(exchanges))
            raise StoreError("no space left on device (test)")
        result = super()._write(rows, exchanges)
        _record(rows=result.written)
        return result


def pipelines(store: str) -> str:
    """`--set ITEM_PIPELINES=...` with the project's pipelines and `store` (a class here) instead of the store."""
    from crawler.settings import ITEM_PIPELINES

    chosen = {k: v for k, v in ITEM_PIPELINES.items() if not k.endswith("ParquetStorePipeline")}
    chosen[f"tests.crawler.store_hooks.{store}"] = ITEM_PIPELINES["crawler.pipelines.store.ParquetStorePipeline"]
    return "ITEM_PIPELINES=" + json.dumps(chosen)
