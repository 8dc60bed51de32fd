"""Language of a document (ISO 639-1 or `und`) and, for Chinese, its script (Hans or Hant)."""
from __future__ import annotations

import re
import threading

from corpus.lang_code import latin_letters, longest_lines, prose

SCAN_CHARS = 16000     # characters of a code page read: the sales copy of a site source may sit below its imports
PROSE_CHARS = 2000     # characters of a prose page read (its language shows early; its length must not cost)
LANGID_CHARS = 300     # characters handed to py3langid (its cost grows with length: ~0.2 ms per 1000 chars)
MIN_LETTERS = 20       # fewer letters of natural Latin-script words than this is too little evidence: und
MIN_CJK = 4            # Han/kana/hangul characters are dense: a short Chinese title is enough
MIN_SCRIPT = 8         # letters of another script (Cyrillic, Arabic, Devanagari...) that, alone, decide the script
CJK_WEIGHT = 3         # one Han/kana/hangul character says about as much as three Latin letters
SCRIPT_SHARE = 0.5     # a script other than Latin with this share of the Latin letters is the page's script
# py3langid's probability of its first choice: below MIN_PROBABILITY it is guessing (as on gibberish), unless that
# choice is MIN_LEAD times its second. Short real texts score low: Indonesian ads 0.48 (Malay 0.38 beside it), an
# English title 0.16 (then Norwegian 0.05); the project's own dev set loses five of them to `und` at 0.5.
MIN_PROBABILITY = 0.3
MIN_LEAD = 2

# runs, not single characters: counting a few runs is much cheaper than thousands of one-character matches
# Letters of every script but Latin: whatever is not Latin, punctuation, symbols, emoji and their variation
# selectors, private use or BOM (a class of ranges only is ~4x faster than one built on \w).
_NON_LATIN = re.compile(r"[^\x00-\u036f\u1e00-\u1eff\u2000-\u2bff\u3000-\u303f\ue000-\uf8ff\ufe00-\ufe0f\ufe30-\ufe4f"
                        r"\ufeff\uff00-\uff65\ufff0-\uffff\U0001f000-\U0001faff\U000e0000-\U0010ffff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
_THAI = re.compile(r"[\u0e00-\u0e7f]+")
_LETTER = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")

_lock = threading.Lock()
_identifier = None
_converters: dict[str, object] = {}


def _langid():
    global _identifier
    with _lock:
        if _identifier is None:
            import numpy as np
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            # ISO 639-1 languages only: the model also knows `zxx` and three-letter languages (`pcm` Nigerian
            # Pidgin takes short English titles), which the corpus cannot tag
            identifier.set_languages([c for c in identifier.nb_classes if len(c) == 2])
            # the subset is a strided view; a contiguous copy scores ~30 % faster
            identifier.nb_ptc = np.ascontiguousarray(identifier.nb_ptc)
            _identifier = identifier
        return _identifier


def load_models() -> None:
    """Load the language model and the script converters now (each is otherwise loaded by the first page that
    needs it): a worker forked after this starts warm instead of paying ~0.7 s CPU on some early page."""
    _langid()
    _opencc("t2s")
    _opencc("s2t")


def _opencc(config: str):
    with _lock:
        if config not in _converters:
            import opencc

            _converters[config] = opencc.OpenCC(config)
        return _converters[config]


def chinese_script(han: str) -> str:
    """`Hant` if more characters exist only in Traditional than only in Simplified, else `Hans`."""
    han = han[:200]
    to_simplified = _opencc("t2s").convert(han)
    to_traditional = _opencc("s2t").convert(han)
    if len(to_simplified) != len(han) or len(to_traditional) != len(han):
        return "Hans"  # OpenCC changed lengths (phrase table); not expected for single characters
    traditional_only = sum(a != b for a, b in zip(han, to_simplified))
    simplified_only = sum(a != b for a, b in zip(han, to_traditional))
    return "Hant" if traditional_only > simplified_only else "Hans"


def _count(pattern: re.Pattern, text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def detect_language(text: str) -> tuple[str, str]:
    """(ISO 639-1 code or `und`, ISO 15924 script `Hans`/`Hant` for Chinese else ``).

    Code is read through its string literals, comments and markup text (corpus.lang_code). A script other than
    Latin decides by its share of the letters, so that English identifiers and UI labels do not outvote the copy.
    A Markdown page whose prose is too short to tell has its fenced blocks read as text: what a README puts in them
    is often words (a command's help, a chat transcript), and words in any language beat `und`.
    """
    found = _detect(text)
    if found[0] == "und" and text and ("```" in text or "~~~" in text):
        found = _detect(_FENCE_LINE.sub("", text[:SCAN_CHARS]))
    return found


def page_language(text: str, title: str = "", source: str = "") -> tuple[str, str]:
    """The language of a page: of its text (or, with no text, its title); failing that, of its source's comments,
    strings and markup text, as a page whose visible words are drawn by its scripts still says them there."""
    found = detect_language(text or title)
    if found[0] == "und" and source:
        found = detect_language(source)
    return found


_FENCE_LINE = re.compile(r"^ {0,3}(?:```|~~~)[^\n]*$", re.M)


def _detect(text: str) -> tuple[str, str]:
    sample = prose((text or "")[:SCAN_CHARS], PROSE_CHARS)
    runs = _NON_LATIN.findall(sample)
    if sum(map(len, runs)) >= MIN_CJK:
        found = _by_script(sample, runs)
        if found:
            return found
    snippet = longest_lines(sample, LANGID_CHARS)
    if _count(_LETTER, snippet) < MIN_LETTERS:
        return "und", ""
    return _classify(snippet, "")


def _by_script(sample: str, runs: list[str]) -> tuple[str, str] | None:
    """The language when a script other than Latin holds enough of the page's letters, else None."""
    non_latin = "".join(runs)
    han = "".join(_HAN.findall(non_latin))
    kana = hangul = thai = other = 0
    if len(han) < len(non_latin):  # a page of Han only (most Chinese pages) needs no other scan
        rest = _HAN.sub("", non_latin) if han else non_latin
        kana = _count(_KANA, rest)
        hangul = _count(_HANGUL, rest)
        thai = _count(_THAI, rest)
        other = len(rest) - kana - hangul - thai
    cjk = len(han) + kana + hangul
    # Latin letters: bounded by what is not another script, then counted fast, then as words only if it matters
    strongest = max(CJK_WEIGHT * cjk, thai, other)
    latin = len(sample) - len(non_latin)
    if strongest < SCRIPT_SHARE * latin:
        latin = _count(_LATIN, sample)
        if strongest < SCRIPT_SHARE * latin:
            latin = latin_letters(sample)  # code tokens and identifiers in strings are not words
    if cjk >= MIN_CJK and CJK_WEIGHT * cjk >= SCRIPT_SHARE * latin:
        # CJK scripts decide by themselves; mixed zh/en spam (Han with brand names in Latin) stays zh
        if hangul > max(len(han), kana):
            return "ko", ""
        if kana >= 0.1 * cjk:
            return "ja", ""
        if hangul < len(han):
            return "zh", chinese_script(han)
    if thai >= MIN_CJK and thai >= SCRIPT_SHARE * latin:
        return "th", ""
    if other >= max(MIN_SCRIPT, SCRIPT_SHARE * latin):
        # that script's text alone: py3langid then chooses among its languages (ru/uk/bg, ar/fa/ur, hi/mr/ne)
        return _classify(" ".join(runs)[:LANGID_CHARS], han)
    return None


def _classify(sample: str, han: str) -> tuple[str, str]:
    identifier = _langid()
    lang, probability = identifier.classify(sample)
    if probability < MIN_PROBABILITY:
        (lang, probability), (_, second) = identifier.rank(sample)[:2]  # rare: short or mixed texts only
        if probability < MIN_LEAD * second:
            return "und", ""
    if lang == "zh":
        return "zh", chinese_script(han) if han else "Hans"
    return lang, ""


def language_tag(lang: str, script: str = "") -> str:
    """BCP 47-style tag of a detected language (`zh-Hant`, `en`); contact extraction maps it to countries."""
    return f"{lang}-{script}" if script and lang != "und" else lang
