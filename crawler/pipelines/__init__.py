"""crawler/pipelines."""
