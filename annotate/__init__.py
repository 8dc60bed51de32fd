"""Label Studio side: local server lifecycle, push, pull, agreement."""
