"""The installed spamcorpus version (one place to read it)."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("spamcorpus")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
