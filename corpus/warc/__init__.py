"""WARC files (ISO 28500): the crawl's exchanges written gzip-per-record, any WARC/ARC file read back (warcio)."""
