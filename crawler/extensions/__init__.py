"""crawler/extensions."""
