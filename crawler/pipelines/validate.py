"""Item pipeline: rows that do not fit the corpus schema are dropped with a reason and counted."""
from __future__ import annotations

from scrapy.exceptions import DropItem

from corpus.schema import SchemaError, validate_row


class ValidateRowPipeline:
    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        try:
            validate_row(item)
        except SchemaError as exc:
            self.stats.inc_value("spamcorpus/drops/invalid_row")
            raise DropItem(f"invalid_row: {exc}") from None
        return item
