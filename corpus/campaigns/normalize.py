"""Text normaliser for near-duplicate grouping: NFKC, Traditional to Simplified, masked variable parts."""
from __future__ import annotations

import functools
import re
import sys
import unicodedata

from corpus.campaigns.config import CampaignConfig
from corpus.textfold import char_class, halfwidth_ascii

# Placeholders from the Private Use Area: one character each, so character shingles stay aligned,
# no masking pattern matches them again (idempotence), and no real text contains them by accident.
URL, EMAIL, HANDLE, NUMBER, TOKEN = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
PLACEHOLDERS = URL + EMAIL + HANDLE + NUMBER + TOKEN
LINE = "\ue005"  # a line break kept through normalisation (keys.py reads header/footer lines from it)

_TLDS = ("com|net|org|info|biz|me|io|co|cc|tv|xyz|top|vip|club|site|online|shop|store|app|link|live|pro|"
         "ru|cn|hk|tw|mo|uk|us|de|jp|kr|in|sg|my|ph|vn|th|id|ly|gl|gg|ai|so|to|ws|la|su|win|bet|fun|icu")
_URL_END = r"[^\s<>\"'，。、；！？）】」]"
_SCHEME_URL_RE = re.compile(rf"(?:https?://|ftp://|www\.){_URL_END}+")
_TLD_HINT_RE = re.compile(rf"\.(?:{_TLDS})(?![a-z0-9-])")  # cheap test: a literal '.' leads the pattern
# starts only where a dotted run begins (not after a '.'): one attempt per run keeps hostile input like
# "a.a.a.a...." linear (starting after every dot made it quadratic: 50 s for 64 KB)
_DOMAIN_RE = re.compile(rf"(?<![a-z0-9.-])(?:[a-z0-9-]+\.)+(?:{_TLDS})(?![a-z0-9-])(?:/{_URL_END}*)?")
# e-mails and random tokens are found from their rare anchor ('@' + domain, a digit) and widened to the
# left by hand: a pattern that may start at any letter costs ~15 ns a character in CPython's engine,
# three times the whole anchored search
_EMAIL_DOMAIN_RE = re.compile(r"@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
_DIGIT_RUN_RE = re.compile(r"\d[a-z0-9]*")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_HANDLE_RE = re.compile(r"@[a-z0-9_][a-z0-9_.]{1,31}")
# messenger ids written after their name ("微信：abc_12", "wechat: ab-cd"). The separator is anything
# that later becomes a space, so masking before punctuation removal gives what masking after would;
# the id is the whole run of id characters (possessive: no backtracking into a shorter id), masked if
# at least 4 long. An English keyword needs a colon ("telegram channel" is prose, "telegram: chan" an
# id). One regex per script, so the cheap tests (no Han, no ':') skip them on most text.
_SEP = r"(?:[^\w\ue000-\uf8ff]|_)*"
_ID = r"([a-z0-9][a-z0-9_-]*+)"
_CJK_KEYWORD_ID_RE = re.compile(rf"(微信号?|v信|薇信|威信|飞机号?|纸飞机|电报|扣扣)({_SEP}){_ID}")
_ASCII_KEYWORD_ID_RE = re.compile(
    rf"(?<![a-z0-9])(wechat|weixin|vx|wx|qq|line id|telegram|tg|whatsapp|skype|kakao|viber)"
    rf"((?:[^\w\ue000-\uf8ff:]|_)*:{_SEP}){_ID}"
)
# phone numbers and grouped figures become one placeholder, however they are spaced
_NUMBER_RE = re.compile(r"\d(?:[\d ]*\d)?")
# ASCII punctuation, symbols and non-space controls -> space: what the general class does to ASCII
_ASCII_SPACE = str.maketrans({c: " " for c in map(chr, range(128))
                              if not c.isalnum() and not c.isspace()})
_ASCII_SPACE_BYTES = bytes(32 if c < 128 and not chr(c).isalnum() and not chr(c).isspace() else c
                           for c in range(256))
_HAN_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


@functools.lru_cache(maxsize=1)
def _strip_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Punctuation, symbols and controls become a space (`_` too); format characters (zero-width
    joiners and spaces that spammers insert to break matching) are deleted. Combining marks stay:
    Thai needs them. The class is BMP-only plus the emoji blocks: CPython's regex engine tests a BMP
    class in O(1) but walks a list of ranges once astral characters are in it (10x slower)."""
    to_space, to_delete = [], []
    for cp in range(0x10000):
        if 0xE000 <= cp <= 0xF8FF:
            continue  # Private Use Area: our placeholders live here
        cat = unicodedata.category(chr(cp))
        if cat == "Cf":
            to_delete.append(cp)
        elif cat[0] in "PS" or (cat == "Cc" and not chr(cp).isspace()):
            to_space.append(cp)
    space = re.compile(f"(?:[{char_class(to_space)}]|[\U0001F000-\U0001FBFF])+")
    delete = re.compile(f"[{char_class(to_delete)}\U000E0000-\U000E007F]+")
    return space, delete


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _nfkc_lower(text: str, ascii_only: bool | None = None) -> str:
    if text.isascii() if ascii_only is None else ascii_only:
        return text.lower()
    # Chinese text is full of full-width punctuation, which sends NFKC down its slow path (~190 us for
    # 2.5k characters); mapping the full-width ASCII block first (what NFKC does to it) leaves the quick
    # check to answer "already normalised" for most pages.
    text = halfwidth_ascii(text)
    for _ in range(3):  # lowercasing can un-normalise a few sequences; settles in one more pass
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        lowered = text.lower()
        if lowered == text:
            break
        text = lowered
    return text


def normalize_text(text: str, config: CampaignConfig | None = None) -> str:
    """NFKC + lowercase + Traditional->Simplified, mask URLs, e-mails, handles, messenger ids, random
    tokens and numbers, drop punctuation and symbols, collapse whitespace. Idempotent.

    Cheap substring tests guard the costly patterns: most pages have no '@' and few domains, and
    each regex pass over 2 KB costs 10-40 us in CPython."""
    return _normalize(text, config or CampaignConfig(), None)


def _normalize(text: str, cfg: CampaignConfig, ascii_lines: bool | None) -> str:
    """normalize_text; `ascii_lines` (not None) says the text is ASCII apart from its LINE separators, which
    every ASCII fast path leaves alone (str.isascii cannot tell, and scanning for it costs a copy)."""
    space, delete = _strip_patterns()
    lined = ascii_lines is not None
    ascii_only = ascii_lines if lined else text.isascii()  # no format characters, no Han: skip two passes
    if not ascii_only:  # before NFKC: a deleted joiner must not leave an uncomposed letter + accent behind
        text = delete.sub("", text)
    text = _nfkc_lower(text, ascii_only)
    if not lined:  # NFKC may have made it ASCII (full-width letters); either path gives the same text
        ascii_only = text.isascii()
    if not ascii_only and _HAN_RE.search(text):  # OpenCC: ~20 us per 2 KB of Chinese, a no-op on others
        text = _t2s().convert(text)
        if not unicodedata.is_normalized("NFKC", text):
            text = _nfkc_lower(text)
    if cfg.mask_urls and ("://" in text or "www." in text):
        text = _SCHEME_URL_RE.sub(URL, text)
    if "@" in text:  # e-mails before bare domains, or "help@acme.com" would keep "help"
        if cfg.mask_emails:
            text = _mask_emails(text)
        if cfg.mask_handles:
            text = _HANDLE_RE.sub(HANDLE, text)
    if cfg.mask_urls and _TLD_HINT_RE.search(text):
        text = _DOMAIN_RE.sub(URL, text)
    if cfg.mask_handles:
        if not ascii_only:
            text = _CJK_KEYWORD_ID_RE.sub(_keyword_id, text)
        if ":" in text:
            text = _ASCII_KEYWORD_ID_RE.sub(_keyword_id, text)
    # the same characters become spaces either way; translate is 10x faster on ASCII
    if ascii_only:  # bytes.translate keeps its speed with LINE (3 UTF-8 bytes >= 0x80, left alone)
        text = text.encode().translate(_ASCII_SPACE_BYTES).decode() if lined else text.translate(_ASCII_SPACE)
    else:
        text = space.sub(" ", text)
    text = " ".join(text.split())
    if any(d in text for d in "0123456789"):  # tokens and numbers both need a digit
        if cfg.mask_tokens:
            text = _mask_tokens(text)
        if cfg.mask_numbers:
            text = _NUMBER_RE.sub(NUMBER, text)
    return text


def _mask_emails(text: str) -> str:
    """local@domain.tld -> EMAIL (what `[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)+` matches)."""
    out, last = [], 0
    for m in _EMAIL_DOMAIN_RE.finditer(text):
        start = m.start()
        while start > last and text[start - 1] in _EMAIL_LOCAL:
            start -= 1
        if start < m.start():  # no local part, no e-mail (a handle like @shop.vip stays a handle)
            out += (text[last:start], EMAIL)
            last = m.end()
    return "".join(out) + text[last:] if out else text


def _mask_tokens(text: str) -> str:
    """A whole run of ASCII letters and digits, 5 or more long, mixing both -> TOKEN (order numbers,
    promo codes, handles written without @)."""
    out, last = [], 0
    for m in _DIGIT_RUN_RE.finditer(text):  # one match per run: from its first digit to its end
        start, end = m.start(), m.end()
        while start > last and text[start - 1] in _ALNUM:
            start -= 1
        if end - start >= 5 and not text[start:end].isdigit():
            out += (text[last:start], TOKEN)
            last = end
    return "".join(out) + text[last:] if out else text


def _keyword_id(match: re.Match[str]) -> str:
    keyword, _sep, ident = match.groups()
    return f"{keyword} {HANDLE}" if len(ident) >= 4 else match.group()


def normalize_title_lines(title: str | None, text: str | None, config: CampaignConfig | None = None) -> str:
    """normalize_text of the title and each line of the text, lines separated by LINE (title first)."""
    title, text = title or "", text or ""
    return _normalize(f" {LINE} ".join([title, *text.splitlines()]), config or CampaignConfig(),
                      title.isascii() and text.isascii())


def flatten_lines(lined: str) -> str:
    """The lines joined by single spaces (normalize_text leaves single spaces around every LINE)."""
    return lined.replace(" " + LINE, "").replace(LINE + " ", "").replace(LINE, "")


def normalize_title_text(title: str | None, text: str | None, config: CampaignConfig | None = None) -> str:
    """The string a row is shingled from: its title (spam puts the handle there) and its main text."""
    return flatten_lines(normalize_title_lines(title, text, config))


if __name__ == "__main__":  # pragma: no cover - a quick look at what the normaliser does
    print(normalize_text(sys.stdin.read()))
