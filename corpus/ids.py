"""URL canonicalisation and stable document ids (doc_id = sha256 of the canonical URL)."""
from __future__ import annotations

import hashlib
import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query keys that identify a visit, not a document: dropping them stops one post from becoming many rows.
TRACKING_KEYS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
     "spm", "from", "share_source", "share_medium", "ref_src", "si"}
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


class InvalidURL(ValueError):
    """A URL that cannot name a crawlable document (no http(s) scheme or no host)."""


def _requote(part: str, safe: str) -> str:
    # unquote then quote normalises %7e vs ~ and %2f case, but keep %25 and reserved escapes intact
    return quote(unquote(part, errors="surrogateescape"), safe=safe, errors="surrogateescape")


def _norm_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise InvalidURL("URL has no host")
    if host.startswith("[") or ":" in host:
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def canonicalize_url(url: str) -> str:
    """Return the canonical form of an http(s) URL used for doc_id and dedup.

    Lowercase scheme and host (IDNA), default port removed, dot segments resolved, percent-escapes
    normalised, fragment and tracking parameters dropped, remaining query keys sorted.
    """
    if not isinstance(url, str):
        raise InvalidURL(f"not a string: {url!r}")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"unparsable URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    host = _norm_host(parts.hostname or "")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    trailing = path.endswith("/")
    path = posixpath.normpath(_requote(path, _SAFE_PATH))
    path = "/" if path in (".", "/", "//") else path.replace("//", "/")
    if trailing and not path.endswith("/"):
        path += "/"
    if not path.startswith("/"):
        path = "/" + path
    query_pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_KEYS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    query = urlencode(sorted(query_pairs), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def doc_id(url: str) -> str:
    """Stable id of the document at `url`: hex sha256 of its canonical form."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()


def host_of(url: str) -> str:
    """Lowercased host (IDNA) of a URL, without port."""
    return urlsplit(canonicalize_url(url)).hostname or ""
