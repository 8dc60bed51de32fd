"""Label Studio side tests."""
