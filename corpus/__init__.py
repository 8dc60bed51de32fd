"""spamcorpus core: document schema, ids, Parquet store, contacts, signals, campaigns, CLI."""
