"""A site's source file served as a page: how to tell one from prose, and the title of the page it builds."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# A source file's first line (shebang, coding line, PHP open tag, imports and exports, package and namespace lines):
# its `# comment` lines are not Markdown headings, and HTML inside its strings is text, not markup to strip. Each
# keyword needs the syntax that follows it in code: a post whose first line is "let me explain…" is prose.
_IDENT = r"[A-Za-z_$][\w$]*"
CODE_HEAD = re.compile(
    r"\s*(?:#!|#\s*-\*-|<\?php\b|#include\s*[<\"]|['\"]use (?:strict|client|server)['\"]"
    rf"|import\s+(?:type\s+(?:{_IDENT}|[*{{])|{_IDENT}\s*(?:,|from\b|as\b|;|$)|{_IDENT}(?:\.{_IDENT})+|[*{{]|['\"])"
    r"|from\s+[\w.]+\s+import\s"
    r"|export\s+(?:default|const|let|var|function|class|async|type|interface|enum|\{|\*)"
    rf"|(?:const|let|var)\s+(?:{_IDENT}\s*[=;:,]|[{{\[])"
    rf"|package\s+[\w.]+\s*;?\s*$|namespace\s+[\w\\.]+\s*[;{{]?\s*$|using\s+(?:namespace\s+)?[\w.]+\s*;"
    rf"|require(?:_once)?\s*\(|require(?:_once)?\s+['\"]|def\s+{_IDENT}\s*\(|function\s*(?:{_IDENT})?\s*\("
    rf"|class\s+{_IDENT}\s*(?:[:({{]|extends\b|implements\b|$)|(?:public|private)\s+(?:static\s+|final\s+|abstract\s+)*"
    rf"(?:class|interface|enum|void|function|{_IDENT}\s+{_IDENT}\s*[=(;]))", re.M)
SOURCE_SUFFIXES = (".py", ".php", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".java", ".kt", ".rb", ".rs",
                   ".c", ".h", ".cc", ".cpp", ".cs", ".sh", ".pl", ".lua", ".swift", ".vue", ".svelte")
SOURCE_SNIFF_CHARS, SOURCE_SNIFF_LINES = 4096, 30


def is_source(text: str, url: str) -> bool:
    """A source file by its name, or by a line of code among its first lines (a license comment may come first)."""
    if url and urlsplit(url).path.lower().endswith(SOURCE_SUFFIXES):
        return True
    lines = [line for line in text[:SOURCE_SNIFF_CHARS].splitlines() if line.strip()][:SOURCE_SNIFF_LINES]
    return any(CODE_HEAD.match(line) for line in lines)


# The title is read from the file's opening only (it sits in a layout's head or a metadata object near the top),
# and every pattern below is bounded so the scan stays linear on hostile text.
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
# Template code, not words: PHP/ASP/ERB `<?`, `<%`, Blade/Jinja/Handlebars `{{` and `{%`, JS and Razor `${`/`@{`.
TEMPLATE_CODE = re.compile(r"<\?|<%|\{\{|\{%|\$\{|@\{")
_ESCAPE = re.compile(r"\\(.)")
_LETTER = re.compile(r"[^\W\d_]")
# An i18n key (`nav.home.title`) or a path names a string, it is not one.
_KEY_LIKE = re.compile(r"[\w-]+(?:[./:][\w-]+)+")


def source_title(text: str) -> str:
    """The title a source file gives its page (`<title>`, `document.title`, a `title` key, else an `<h1>`), or ""
    when it names none in a string literal."""
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
    if not _LETTER.search(value) or _KEY_LIKE.fullmatch(value) or TEMPLATE_CODE.search(value):
        return ""
    return value
