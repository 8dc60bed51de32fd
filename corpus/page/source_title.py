"""A source file's page title as its site shows it: `<title>`, `document.title`, a `title` key, else an `<h1>`."""
from __future__ import annotations

import html
import re

# Read from the file's opening only: a title sits in a layout's head or a metadata object near the top, and every
# pattern below is bounded so the scan stays linear on hostile text.
MAX_SCAN_CHARS = 200_000
MAX_VALUE = 300
# Strongest first: the document's own <title> (JSX, a template string, a PHP view), then a script that sets it,
# then a `title` key, prop or variable with a string literal (Next.js `metadata`, a Helmet/SEO prop, a site config,
# PHP's `$page_title = '…'`), and last the first `<h1>` of plain text, as an HTML page without a <title> is
# titled by its first h1.
_TITLE_ELEMENT = re.compile(r"<title(?:\s[^<>]{0,200})?>(?P<value>[^<]{1,%d})</title>" % MAX_VALUE, re.I)
_DOCUMENT_TITLE = re.compile(
    r"document\.title\s{0,20}=\s{0,20}([\"'`])(?P<value>(?:(?!\1)[^\\\n]|\\.){1,%d})\1" % MAX_VALUE)
_TITLE_KEY = re.compile(
    r"(?<![\w.-])[\"']?(?:title|page_title|pageTitle|siteTitle|site_title)[\"']?\s{0,20}[:=]\s{0,20}\{?\s{0,20}"
    r"(?:default\s{0,20}:\s{0,20})?([\"'`])(?P<value>(?:(?!\1)[^\\\n]|\\.){1,%d})\1" % MAX_VALUE)
_HEADING = re.compile(r"<h1(?:\s[^<>]{0,200})?>(?P<value>[^<{}]{1,%d})</h1>" % MAX_VALUE, re.I)
_ESCAPE = re.compile(r"\\(.)")
_LETTER = re.compile(r"[^\W\d_]")
# An i18n key (`nav.home.title`) or a path names a string, it is not one.
_KEY_LIKE = re.compile(r"[\w-]+(?:[./:][\w-]+)+")


def source_title(text: str) -> str:
    """The title a source file gives its page, or "" when it names none in a string literal."""
    head = text[:MAX_SCAN_CHARS]
    for pattern, decode in _FORMS:
        for m in pattern.finditer(head):
            value = _readable(decode(m.group("value")))
            if value:
                return value
    return ""


def _string_literal(value: str) -> str:
    return _ESCAPE.sub(r"\1", value)


_FORMS = ((_TITLE_ELEMENT, html.unescape), (_DOCUMENT_TITLE, _string_literal), (_TITLE_KEY, _string_literal),
          (_HEADING, html.unescape))


def _readable(value: str) -> str:
    value = " ".join(value.split())
    if not _LETTER.search(value) or _KEY_LIKE.fullmatch(value) or value.startswith(("${", "{{")):
        return ""
    return value
