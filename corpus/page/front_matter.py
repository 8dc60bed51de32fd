"""The header a Markdown file may open with (`---`/`+++` front matter, a `Title:` metadata block): its title."""
from __future__ import annotations

import re

# Read by hand, not by a YAML library: the block is hostile input (aliases can expand a few lines into gigabytes),
# and only a few top-level scalars are wanted.
MAX_LINES = 300
MAX_CHARS = 16_000
# The page's title, in this order: static-site generators' `title`, VuePress's home-page `heroText`, the `name`
# of a skill or package card.
TITLE_KEYS = ("title", "herotext", "name")
_FENCES = {"---": ("---", "..."), "+++": ("+++",)}
# Unambiguous, so linear on any line: a key's words are separated by single spaces.
_KEY = re.compile(r"([A-Za-z_][\w.-]*(?: [\w.-]+)*)[ \t]*[:=](?:[ \t]+(.*))?$")
_COMMENT = re.compile(r"[ \t]#")  # a trailing YAML comment
_TABLE = re.compile(r"\[[\w.-]+\]\s*$")  # a TOML table header: `[params]`
_ESCAPES = {'\\"': '"', "\\\\": "\\", "\\n": " ", "\\t": " "}


def split_front_matter(markdown: str) -> tuple[str | None, str]:
    """(its title, "" if it names none; the rest of the file) when the file opens with a fenced block whose first
    entry is a `key:` (YAML) or `key =` (TOML) line and that closes within MAX_LINES and MAX_CHARS; else
    (None, markdown). A file that merely opens with a thematic break (`---` over prose) has no front matter."""
    start = 1 if markdown.startswith("\ufeff") else 0
    if markdown[start:start + 3] not in _FENCES:  # most files: no copy, no split
        return None, markdown
    lines = markdown[start:start + MAX_CHARS].split("\n")
    closers = _FENCES.get(lines[0].rstrip())
    if closers is None or len(lines) < 2:
        return None, markdown
    cut = start + MAX_CHARS < len(markdown)  # the last line may be cut short
    for i in range(1, min(len(lines), MAX_LINES + 2)):
        if lines[i].rstrip() in closers and not (cut and i == len(lines) - 1):
            block = [ln.rstrip("\r") for ln in lines[1:i]]
            if not _opens_with_key(block):
                return None, markdown
            return _title(block), markdown[start + sum(len(ln) + 1 for ln in lines[:i + 1]):]
    return None, markdown


def _opens_with_key(lines: list[str]) -> bool:
    entries = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return not entries or bool(_KEY.match(entries[0]) or _TABLE.match(entries[0]))


def _title(lines: list[str]) -> str:
    """The first TITLE_KEYS key that holds a top-level string: plain, quoted, or a `|` / `>` block below it."""
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        if line.startswith("["):
            break  # a TOML table: its keys are not the page's
        if line[:1].isspace():
            continue  # nested: `hero:\n  name: …` is not the page's name
        m = _KEY.match(line)
        if not m or (key := m.group(1).lower()) not in TITLE_KEYS or key in found:
            continue
        value = (m.group(2) or "").strip()
        if value[:1] in ("|", ">"):
            block = []
            for nxt in lines[i + 1:]:
                if nxt.strip() and not nxt[:1].isspace():
                    break
                block.append(nxt.strip())
            value = " ".join(b for b in block if b)
        found[key] = _unquote(value)
    return next((found[k] for k in TITLE_KEYS if found.get(k)), "")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        if value[0] == "'":
            return inner.replace("''", "'")
        return re.sub(r"\\[\"\\nt]", lambda m: _ESCAPES[m.group()], inner)
    if value[:1] in "[{&*!":  # a list, a map, an alias or a tag is not a title
        return ""
    comment = _COMMENT.search(value)  # `\s+#` would backtrack over every run of blanks: quadratic
    return (value[:comment.start()] if comment else value).strip()


_META_LINE = re.compile(r"[ \t]*([A-Za-z][\w-]*(?: [\w-]+)*)[ \t]*:[ \t]*(.*)$")
MAX_META_LINES = 30


def metadata_title(text: str) -> str | None:
    """The `Title:` of a Pelican or MultiMarkdown metadata block (`Key: value` lines over a blank line, indented or
    not, at the top of the file); None when the file opens otherwise or names no title."""
    pos = 1 if text.startswith("\ufeff") else 0
    title = None
    for i in range(MAX_META_LINES + 1):  # line by line: most files fail on the first, and none is copied whole
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if not line.strip():
            return title if i else None
        if i == MAX_META_LINES or not (m := _META_LINE.match(line)):
            return None
        if title is None and m.group(1).lower() == "title":
            title = m.group(2).strip()
        if end < 0:
            return title
        pos = end + 1
    return None
