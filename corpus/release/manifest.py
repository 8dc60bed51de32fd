"""The release manifest: BagIt-style `manifest-sha256.txt` (`<sha256>  <path>` per line) over every file.

The lines follow BagIt (RFC 8493 section 2.1.3), which `sha256sum -c` also reads, but the release is not a
full bag: the manifest covers every file (the card and Croissant too), and Hugging Face wants README.md at
the top rather than tag files beside a `data/` payload, so there is no `bagit.txt` claiming a bag.
"""
from __future__ import annotations

import os
from pathlib import Path

from corpus.durable import sha256_file

MANIFEST = "manifest-sha256.txt"


def release_files(root: Path) -> list[str]:
    """Every regular file under root except the manifest, as sorted POSIX paths relative to root."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            rel = Path(dirpath, name).relative_to(root).as_posix()
            if rel != MANIFEST:
                out.append(rel)
    return sorted(out)


def write_manifest(root: Path) -> str:
    """Write the manifest over every file (sorted by path, LF line ends); returns its own sha256."""
    lines = [f"{sha256_file(root / rel)}  {rel}\n" for rel in release_files(root)]
    path = root / MANIFEST
    with open(path, "wb") as fh:
        fh.write("".join(lines).encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())
    return sha256_file(path)


def read_manifest(root: Path) -> tuple[dict[str, str], list[str]]:
    """path -> sha256 from the manifest, and the malformed lines."""
    entries, bad = {}, []
    for lineno, line in enumerate((root / MANIFEST).read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not rel:
            bad.append(f"line {lineno}: {line[:80]!r}")
        elif rel in entries or rel.startswith("/") or ".." in Path(rel).parts:
            bad.append(f"line {lineno}: bad or repeated path {rel!r}")
        else:
            entries[rel] = digest
    return entries, bad


def check_manifest(root: Path) -> list[str]:
    """Problems with the files against the manifest (empty list: every file present, listed and intact)."""
    if not (root / MANIFEST).is_file():
        return [f"no {MANIFEST}"]
    entries, problems = read_manifest(root)
    present = set(release_files(root))
    for rel, digest in sorted(entries.items()):
        if rel not in present:
            problems.append(f"missing file: {rel}")
        elif sha256_file(root / rel) != digest:
            problems.append(f"checksum mismatch: {rel}")
    problems += [f"file not in manifest: {rel}" for rel in sorted(present - set(entries))]
    return problems
