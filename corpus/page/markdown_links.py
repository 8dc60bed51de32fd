"""Markdown -> HTML whose <a href> elements are exactly the page's real links (markdown-it-py, no regexes over raw text)."""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

# GFM-style bare URLs ("extended autolinks"), ASCII only: a CJK character ends a URL, as spam writes them
BARE_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+", re.I)
# a bare URL glued to a word, a quote or an operator is a value inside code (location='http://..'), not a link
_GLUED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'\"`=:/.@&?%+-\\")
# a URL after one of these on the same line may be its payload ([x](javascript:go('http://..')) stays text)
HOSTILE_SCHEME = re.compile(r"(?:java|vb)script\s*:|data\s*:", re.I)
# inline HTML whose content is never a link target: raw text for a browser, or not rendered at all
_OPAQUE = ("script", "style", "template", "noscript", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])", re.S)
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
# markdown-it-py renders ~200-300 KB of ordinary Markdown per second (adversarial bracket soup ~25 KB/s): links
# are read from the first MAX_CHARS only, so that a huge README costs seconds, not the whole page to the page timeout
MAX_CHARS = 1_000_000
BARE_ATTR = "data-spamcorpus-bare"  # marks bare URLs and <autolinks>: their text is the URL, not an anchor


def strip_bare(url: str) -> str:
    """A bare URL without the punctuation that ends its sentence, with a scheme."""
    url = url.rstrip(".,;:!?*_~'\"")
    return url if url.lower().startswith("http") else "http://" + url


def _bare_spans(text: str) -> list[tuple[int, int, str]]:
    hostile = [m.start() for m in HOSTILE_SCHEME.finditer(text)]
    spans = []
    for m in BARE_URL.finditer(text):
        start = m.start()
        if start and text[start - 1] in _GLUED:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        if any(line_start <= h < start for h in hostile):
            continue
        url = strip_bare(m.group())
        end = start + len(m.group().rstrip(".,;:!?*_~'\""))
        spans.append((start, end, url))
    return spans


def _linkify(children: list[Token]) -> list[Token]:
    """Text tokens outside links and opaque inline HTML, with their bare URLs turned into link tokens."""
    out: list[Token] = []
    in_link, opaque = 0, None
    for tok in children:
        if tok.type == "link_open":
            in_link += 1
            if tok.markup == "autolink":  # <https://...>: its text is the URL itself, not an anchor
                tok.attrSet(BARE_ATTR, "")
        elif tok.type == "link_close":
            in_link = max(0, in_link - 1)
        elif tok.type == "html_inline":
            close, open_ = _CLOSE_TAG.match(tok.content), _OPEN_TAG.match(tok.content)
            name = (close or open_).group(1).lower() if close or open_ else ""
            if opaque is not None:
                opaque = None if close and name == opaque else opaque
            elif open_ and name in _OPAQUE and not tok.content.rstrip().endswith("/>"):
                opaque = name
            elif name == "a":
                in_link = in_link + 1 if open_ else max(0, in_link - 1)
        elif tok.type == "text" and not in_link and opaque is None:
            spans = _bare_spans(tok.content)
            if spans:
                out += _split(tok, spans)
                continue
        out.append(tok)
    return out


def _split(tok: Token, spans: list[tuple[int, int, str]]) -> list[Token]:
    pieces, pos = [], 0
    for start, end, url in spans:
        if start > pos:
            pieces.append(_text(tok, tok.content[pos:start]))
        link = Token("link_open", "a", 1, attrs={"href": url, BARE_ATTR: ""}, level=tok.level)
        pieces += [link, _text(tok, tok.content[start:end]), Token("link_close", "a", -1, level=tok.level)]
        pos = end
    if pos < len(tok.content):
        pieces.append(_text(tok, tok.content[pos:]))
    return pieces


def _text(like: Token, content: str) -> Token:
    return Token("text", "", 0, content=content, level=like.level)


def _bare_urls_rule(state) -> None:
    for block in state.tokens:
        if block.type == "inline" and block.children:
            block.children = _linkify(block.children)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # CommonMark with raw HTML passed through (it is parsed, never run), plus GFM tables and strikethrough.
    # markdown-it's own link validation already refuses javascript:, vbscript:, file: and data: destinations.
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.push("spamcorpus_bare_urls", _bare_urls_rule)
    return md


def markdown_html(markdown: str) -> str:
    """The Markdown (its first MAX_CHARS) rendered to HTML: its links, autolinks, reference links, bare URLs and
    inline <a href> become <a href> elements; <script>/<style> blocks stay raw text for the HTML parser."""
    if len(markdown) > MAX_CHARS:
        cut = markdown.rfind("\n", 0, MAX_CHARS)
        markdown = markdown[:cut if cut > 0 else MAX_CHARS]
    return _parser().render(markdown)
