"""Markdown reduced to the words a reader sees: links to their labels, no tags, escapes decoded outside code."""
from __future__ import annotations

import html
import re
from html.entities import html5

# Markdown: images before links, labels may hold one level of brackets: [[TG @x](https://t.me/x)]
_MD_LABEL = r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
_MD_TARGET = r"\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
_MD_IMAGE = re.compile(r"!" + _MD_LABEL + _MD_TARGET)
_MD_LINK = re.compile(_MD_LABEL + _MD_TARGET)
_MD_REF_LINK = re.compile(_MD_LABEL + r"\[([^\]\n]*)\]")
_MD_REF_DEF = re.compile(r"^ {0,3}\[([^\]\n]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto|tg|tel):[^\s<>]+)>", re.I)
_HIDDEN_BLOCKS = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)", re.I | re.S)
# Each pass unwraps one level of links inside link labels; real posts nest two or three (`[a [TG](t.me/x)](u)`).
# Unbounded, a hostile page of N nested labels takes N passes over itself: 250 KB of `[[[…](b)](b)` cost 75 s.
MAX_LINK_NESTING = 8
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_IMG = re.compile(r"<img[\s/>]", re.I)
_ALT = re.compile(r"\salt\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
# Decoded as a Markdown renderer decodes them (CommonMark): `\_` is `_`, `&#64;` is `@`. Left raw they hide contacts:
# HTML-to-Markdown converters escape every underscore, so `@esim\_1088` would be no handle at all.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`[^`\n]*`)")  # one backtick each side; an unclosed one is text


def reduce_markdown(markdown: str) -> str:
    """The Markdown with image and link syntax reduced to label text (links come from markdown_links), tags and
    hidden blocks removed, escapes decoded."""
    text = _MD_REF_DEF.sub("", _HIDDEN_BLOCKS.sub("", markdown))
    text = _MD_IMAGE.sub(lambda m: m.group(1), text)
    for _ in range(MAX_LINK_NESTING):  # labels may contain links: reduce from the inside out
        previous, text = text, _MD_LINK.sub(lambda m: m.group(1), text)
        if text == previous:
            break
    text = _MD_REF_LINK.sub(lambda m: m.group(1), text)
    text = _MD_AUTOLINK.sub(lambda m: m.group(1), text)
    return decode_escapes(_HTML_TAG.sub(_tag_text, text))


def _tag_text(m: re.Match) -> str:
    """A tag's visible words: an image's alt text (as in HTML extraction and `![alt](src)`), else nothing."""
    tag = m.group()
    alt = _ALT.search(tag) if _IMG.match(tag) else None
    return " ".join((alt.group(1) or alt.group(2) or "").split()) if alt else ""


def decode_escapes(text: str) -> str:
    """Backslash escapes and character references decoded, except inside fenced blocks and `code spans`, whose
    characters are literal."""
    if ("\\" not in text and "&" not in text) or not _ESCAPED.search(text):  # most pages: no line walk
        return text
    out, fence = [], ""
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not line[opened.end():].strip():
                fence = ""
            out.append(line)
        elif opened and not (opened.group(1)[0] == "`" and "`" in line[opened.end():]):
            fence = opened.group(1)
            out.append(line)
        else:
            parts = _CODE_SPAN.split(line)  # odd items are code spans
            out.append("".join(part if i % 2 else _ESCAPED.sub(_decoded, part) for i, part in enumerate(parts)))
    return "\n".join(out)


def _decoded(m: re.Match) -> str:
    if m.group(1) is not None:
        return m.group(1)
    ref = m.group()
    # a name only as a whole (html.unescape would read `&notareference;` as `&not` + text)
    return html.unescape(ref) if ref[1] == "#" else html5.get(ref[1:], ref)
