"""Distributed crawl on Redis: one shared frontier, dupefilter, leases and politeness state for many workers."""
