"""The natural-language part of a page that may be code: prose, comments, string literals and markup text."""
from __future__ import annotations

import re

# Signs of a code line: a statement or block end at the end of a line; a keyword, tag, brace, comment, assignment
# or call at its start. A page with many of these is read through its literals, comments and markup text only: its
# identifiers and keywords are English whatever the audience of the site, and would outvote the Indonesian or
# Spanish copy in its strings. Both patterns begin with a character set, which the regex engine scans for fast.
_CODE_END = re.compile(r"[;{(\[>,][ \t]*$", re.M)
_CODE_START = re.compile(
    r"\n[ \t]*(?:(?:import|export|from|const|let|var|function|def|class|return|namespace|use|require|public|private"
    r"|protected|static|async|elif|else|try|catch|except|switch|case|print|echo|for|if|while)\b|[<}\])$@]|//|/\*"
    r"|[A-Za-z_][\w.]*+(?: ?[-+]?= ?\S|\())")  # possessive: a CJK line is not rescanned char by char
CODE_PROBE = 2000  # characters looked at to tell code from prose
CODE_SIGNS = 0.5   # signs per line from which a page is code (prose: under 0.25; site source: 0.5 to 2)

# Everything in code that may carry natural language. Each alternative starts with a literal character (a check
# on the character before comes after it), so the regex engine skips other positions by a character-set test;
# string bodies are unrolled loops. Markup text (`>…<`) may not hold `;` or `=`: between the `>` and `<` of
# generics and comparisons lies code.
_FRAGMENT = re.compile(r"""
    /\*(.*?)(?:\*/|\Z)
  | //(?<![:\w]//)([^\n]*)
  | <!--(.*?)(?:-->|\Z)
  | \#(?<![\w&]\#)(?![\w-]*[;{])([^\n]*)
  | \"\"\"(.*?)(?:\"\"\"|\Z)
  | '''(.*?)(?:'''|\Z)
  | "([^"\\\n]*(?:\\.[^"\\\n]*)*)"
  | '([^'\\\n]*(?:\\.[^'\\\n]*)*)'
  | `([^`\\]*(?:\\.[^`\\]*)*)`
  | >(?<![-=]>)([^<>{};=]*(?:(?:&\#?\w+;|\{\{?[^{}<>;]*\}\}?)[^<>{};=]*)*)<
""", re.S | re.X)
_FENCE = re.compile(r"^ {0,3}(```|~~~)[^\n]*\n(.*?)(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_TAG = re.compile(r"</?[A-Za-z!?][^<>\n]*>")

# Punctuation around a word; a word of ASCII letters between them is natural, any other ASCII token (identifiers
# with _ . / : = @ or digits in them, numbers, URLs, e-mail addresses, camelCase, kebab-case class names) is code.
_PUNCT = "\"'()[]«»“”‘’¿¡.,;:!?*…"
_GLUED = re.compile(r"https?://[!-~]+|[@#][\w.-]+")  # a handle or URL glued to CJK text: 微信@abc
# Natural words of a Latin-script line: whitespace-delimited runs of letters, with their punctuation (the check on
# the character before comes after the first character, for the same fast scan as above).
_LATIN_WORD = re.compile(r"[\"'(¿¡«“A-Za-z\u00c0-\u024f\u1e00-\u1eff](?<!\S.)[A-Za-z\u00c0-\u024f\u1e00-\u1eff'’-]*"
                         r"[.,;:!?\"')»”]*(?!\S)")
# A natural line: two words of two letters or more, or a letter of a script other than Latin. Words are taken from
# their first letter and whole (possessive), so that a long run of letters is scanned once, not once per letter.
_TWO_WORDS = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}+[ \t,.:;!?'\"-]+[^\W\d_]{2}|[^\W\d_\x00-\u024f\u1e00-\u1eff]")


def is_code(text: str) -> bool:
    probe = text[:CODE_PROBE]
    lines = probe.count("\n") + 1
    signs = len(_CODE_END.findall(probe)) + len(_CODE_START.findall("\n" + probe))  # the first line starts too
    return lines >= 3 and signs >= CODE_SIGNS * lines


def fragments(code: str) -> str:
    """Literals, comments and markup text of code, one per line."""
    return "\n".join(map("".join, _FRAGMENT.findall(code)))  # one group of each match is non-empty


def prose(text: str, prose_chars: int) -> str:
    """`text` with code reduced to what it says in words: fenced blocks and code pages to their fragments. Prose
    is cut to `prose_chars`; code is read whole, because the copy of a site source may sit far below its imports."""
    if "\r" in text:  # Windows line ends: the line patterns end at \n
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "```" in text or "~~~" in text:
        text = _FENCE.sub(lambda m: fragments(m.group(2)), text)
    text = fragments(text) if is_code(text) else text[:prose_chars]
    return _TAG.sub(" ", text)


def latin_letters(text: str) -> int:
    """Letters of the natural Latin-script words of `text` (code tokens do not count)."""
    return sum(map(len, _LATIN_WORD.findall(text)))  # punctuation counted too: one or two per word, both sides


def clean(line: str) -> str:
    """`line` without its code tokens. A loop over str methods: half the time of one regex over the line."""
    out = []
    for token in line.split():
        if token.isascii():
            word = token.strip(_PUNCT)
            if not (word.replace("'", "").isalpha() and (word.islower() or word.isupper() or word.istitle())):
                continue
        elif "@" in token or "//" in token or "#" in token:
            token = _GLUED.sub(" ", token)
        out.append(token)
    return " ".join(out)


def longest_lines(text: str, budget: int) -> str:
    """The longest natural lines of `text`, cleaned of code tokens, up to `budget` characters: long prose runs (a
    description, a paragraph) say more about the language than the short labels of menus and buttons."""
    out, size = [], 0
    for line in sorted(text.splitlines(), key=len, reverse=True):
        if len(line) < 4:
            break
        line = clean(line[:2 * budget])  # a minified line costs no more than a short one
        if _TWO_WORDS.search(line):
            out.append(line)
            size += len(line) + 1
            if size >= budget:
                break
    return " ".join(out)[:budget]
