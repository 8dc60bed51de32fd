"""crawler/sample_web."""
