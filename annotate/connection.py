"""Which Label Studio to talk to: LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY if set, else the local studio."""
from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from annotate import studio
from annotate.errors import StudioNotConfigured

URL_VAR, KEY_VAR = "LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY"


@dataclass(frozen=True)
class Connection:
    url: str
    api_key: str
    source: str    # "environment" or "local studio"

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        return f"Connection(url={self.url!r}, source={self.source!r})"


def resolve(data_dir: Path = studio.DEFAULT_DATA_DIR, environ: dict[str, str] | None = None) -> Connection:
    env = os.environ if environ is None else environ
    url, key = env.get(URL_VAR), env.get(KEY_VAR)
    if url or key:
        if not (url and key):
            missing = KEY_VAR if url else URL_VAR
            raise StudioNotConfigured(f"{missing} is not set (set both {URL_VAR} and {KEY_VAR}, or neither "
                                      "to use the local studio)")
        return Connection(url.rstrip("/"), key, "environment")
    state = studio.status(data_dir)
    creds = studio.load_credentials(data_dir)
    if not state.running or creds is None:
        raise StudioNotConfigured(f"no Label Studio: run `spamcorpus studio start` (data in {data_dir}) "
                                  f"or set {URL_VAR} and {KEY_VAR}")
    return Connection(state.url, creds.token, "local studio")


def connect(data_dir: Path = studio.DEFAULT_DATA_DIR, timeout: float = 300.0):
    """A checked client (the server answered and accepted the key)."""
    from annotate.client import StudioClient
    conn = resolve(data_dir)
    return StudioClient.connect(conn.url, conn.api_key, timeout=timeout)


def env_lines(data_dir: Path = studio.DEFAULT_DATA_DIR) -> list[str]:
    """`export` lines for the local studio, for shells, scripts and the SDK."""
    conn = resolve(data_dir, environ={})
    return [f"export {URL_VAR}={shlex.quote(conn.url)}", f"export {KEY_VAR}={shlex.quote(conn.api_key)}"]
