"""`spamcorpus ingest`: the crawl's page pipeline over WARC/ARC files, in parallel, resumable per file."""
