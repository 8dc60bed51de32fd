"""Where one project's annotation files live, and how they are written: atomically, under a per-project lock."""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import pyarrow as pa

from corpus import durable

DEFAULT_ROOT = Path("datasets/annotations")
LOCK = ".lock"
SALT = ".annotator_salt"   # in the annotations root, owner-only: pseudonyms are stable across projects
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def project_dir(root: str | os.PathLike[str], project: str) -> Path:
    """datasets/annotations/<project>/; names that are not file-system safe get a slug plus a hash."""
    if _SAFE.fullmatch(project) and project not in (".", ".."):
        name = project
    else:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", project).strip("._-")[:60] or "project"
        name = f"{slug}-{hashlib.sha256(project.encode()).hexdigest()[:8]}"
    return Path(root) / name


def write_table(path: Path, table: pa.Table) -> None:
    """Readers see the old file or the new one, never a torn one."""
    durable.write_table(path, table)


def write_json(path: Path, payload: Any) -> None:
    durable.write_json(path, payload)


def read_json(path: Path, default: Any = None) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def project_lock(pdir: Path):
    """One push/pull/propagate at a time per project folder (across processes)."""
    return durable.exclusive_lock(pdir / LOCK)


def annotator_salt(root: str | os.PathLike[str]) -> bytes:
    """The local secret behind annotator pseudonyms: created once, readable by the owner only."""
    path = Path(root) / SALT
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f"{SALT}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic create-if-absent: a concurrent first run keeps one salt
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    os.chmod(path, 0o600)
    salt = path.read_text().strip()
    if len(salt) < 32:
        raise RuntimeError(f"{path} is truncated; delete it only if no pseudonyms need to stay stable")
    return bytes.fromhex(salt)
