"""Which files an ingest reads: archives named or found in directories, each checked to be a WARC or ARC file."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from corpus.warc.reader import NotAnArchive, sniff

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


class IngestInputError(ValueError):
    """A path that is not an archive (or a directory holding none): the user's input, named."""


def archive_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The archives to ingest, in a stable order: files as named, directories searched for *.warc[.gz]/*.arc[.gz].

    Every file is sniffed first, so a file that is not an archive is refused before anything is ingested."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES)
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not inside:
                raise IngestInputError(f"{path}: no WARC or ARC files (*.warc, *.warc.gz, *.arc, *.arc.gz) in it")
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise IngestInputError(f"{path}: no such file or directory")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    for path in unique:
        try:
            sniff(path)
        except NotAnArchive as exc:
            raise IngestInputError(str(exc)) from None
        except OSError as exc:
            raise IngestInputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return unique
