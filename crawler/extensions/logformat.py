"""Log formatter that names rows by URL instead of dumping them: rows carry whole crawled pages."""
from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter


def _name(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("final_url") or item.get("url") or "?")
    return type(item).__name__


class RowLogFormatter(LogFormatter):
    """Scrapy's formatter logs each scraped or dropped item in full; a row holds the raw body (hostile input,
    possibly megabytes, possibly secrets a page leaked), so only its URL goes to the log."""

    def scraped(self, item, response, spider):
        result = super().scraped(item, response, spider)
        result["msg"] = "Scraped %(row)s"
        result["args"] = {"row": _name(item)}
        return result

    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped %(row)s: %(exception)s"
        result["args"] = {"row": _name(item), "exception": exception}
        return result

    def item_error(self, item, exception, response, spider):
        result = super().item_error(item, exception, response, spider)
        result["msg"] = "Error processing %(row)s"
        result["args"] = {"row": _name(item)}
        return result
