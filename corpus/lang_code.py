"""The natural-language part of a page that may be code: prose, comments, string literals and markup text."""
from __future__ import annotations

import re

# A line shaped like code (statement ends, braces, imports, assignments, calls, tags, comments). A page where many
# lines are is read through its literals, comments and markup text only: its identifiers and keywords are English
# whatever the audience of the site, so they would outvote the Indonesian or Spanish copy in its strings.
_CODE_LINE = re.compile(
    r"^[ \t]*(?:(?:import|export|from|const|let|var|function|def|class|return|namespace|use|require|public|private"
    r"|protected|static|async|elif|else|try|catch|except|switch|case|print|echo)\b|\$\w|@\w|<\??/?[A-Za-z!]"
    r"|[}\])]|//|/\*|[\w.]+ ?[-+]?= ?\S|[\w.]+\()"
    r"|^[ \t]*(?:for|if|while|with)\b[^\n]*:[ \t]*$|^[^\n]*(?:[;{(\[,]|=>|\*/|/>|>|\):)[ \t]*$", re.M)
CODE_SHARE = 0.3  # a page whose lines are code this often is code (prose rarely ends lines with ; { ( [ , >)

# Everything in code that may carry natural language. Each alternative starts with a literal character, so the
# regex engine skips other positions by a character-set test; string bodies are unrolled loops (no backtracking).
# Markup text (`>…<`) may not hold `;` or `=`: between the `>` and `<` of generics and comparisons lies code.
_FRAGMENT = re.compile(r"""
    /\*(.*?)(?:\*/|\Z)
  | (?<![:\w])//([^\n]*)
  | <!--(.*?)(?:-->|\Z)
  | (?<![\w&])\#(?![\w-]*[;{])([^\n]*)
  | \"\"\"(.*?)(?:\"\"\"|\Z)
  | '''(.*?)(?:'''|\Z)
  | "([^"\\\n]*(?:\\.[^"\\\n]*)*)"
  | '([^'\\\n]*(?:\\.[^'\\\n]*)*)'
  | `([^`\\]*(?:\\.[^`\\]*)*)`
  | (?<![-=])>((?:[^<>{};=]|&\#?\w+;|\{\{?[^{}<>;]*\}\}?)*)<
""", re.S | re.X)
_FENCE = re.compile(r"^ {0,3}(```|~~~)[^\n]*\n(.*?)(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_TAG = re.compile(r"</?[A-Za-z!?][^<>\n]*>")

# What says nothing about the language: URLs, handles, entities, and ASCII tokens shaped like code (identifiers
# with _ . / : = @ or digits in them, numbers, camelCase, kebab-case class names, file names, e-mail addresses).
_NOISE = re.compile(
    r"https?://[!-~]+|[@#][\w.-]+|&#?\w+;"
    r"|(?<!\S)[!-~]*?(?:[0-9_/\\=$<>{}|~^@#\[\]]|[a-z][A-Z]|[A-Za-z][.:][A-Za-z]"
    r"|[a-z]-[a-z])[!-~]*(?!\S)")
# Natural words of a Latin-script line: whitespace-delimited runs of letters, with their punctuation.
_LATIN_WORD = re.compile(r"(?<!\S)[\"'(¿¡«“]*[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+(?:['’-][A-Za-z\u00c0-\u024f\u1e00-\u1eff]+)?"
                         r"[.,;:!?\"')»”]*(?!\S)")
_TWO_WORDS = re.compile(r"[^\W\d_]{2,}[ \t,.:;!?'\"-]+[^\W\d_]{2,}|[^\W\d_\x00-\u024f\u1e00-\u1eff]")


def is_code(text: str) -> bool:
    lines = text.count("\n") + 1
    return lines >= 3 and len(_CODE_LINE.findall(text)) >= CODE_SHARE * lines


def fragments(code: str) -> str:
    """Literals, comments and markup text of code, one per line."""
    return "\n".join(map("".join, _FRAGMENT.findall(code)))  # one group of each match is non-empty


def prose(text: str) -> str:
    """`text` with code reduced to what it says in words: fenced blocks and code pages to their fragments."""
    if "```" in text or "~~~" in text:
        text = _FENCE.sub(lambda m: fragments(m.group(2)), text)
    if is_code(text):
        text = fragments(text)
    return _TAG.sub(" ", text)


def latin_letters(text: str) -> int:
    """Letters of the natural Latin-script words of `text` (code tokens do not count)."""
    return sum(map(len, _LATIN_WORD.findall(text)))  # punctuation counted too: one or two per word, both sides


def longest_lines(text: str, budget: int) -> str:
    """The longest natural lines of `text`, cleaned of code tokens, up to `budget` characters: long prose runs (a
    description, a paragraph) say more about the language than the short labels of menus and buttons."""
    out, size = [], 0
    for line in sorted(text.splitlines(), key=len, reverse=True):
        if len(line) < 4:
            break
        line = " ".join(_NOISE.sub(" ", line).split())
        if _TWO_WORDS.search(line):
            out.append(line)
            size += len(line) + 1
            if size >= budget:
                break
    return " ".join(out)[:budget]
