"""Language of a document (ISO 639-1 or `und`) and, for Chinese, its script (Hans or Hant)."""
from __future__ import annotations

import re
import threading

SAMPLE_CHARS = 800     # characters looked at for scripts; bounded so that long pages cost the same
LANGID_CHARS = 300     # characters handed to py3langid (its cost grows with length: ~0.2 ms per 1000 chars)
MIN_LETTERS = 20       # fewer Latin/Cyrillic/... letters than this is too little evidence: und
MIN_CJK = 4            # Han/kana/hangul characters are dense: a short Chinese title is enough
MIN_PROBABILITY = 0.5  # below this py3langid is guessing

# runs, not single characters: counting a few runs is much cheaper than thousands of one-character matches
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
_THAI = re.compile(r"[\u0e00-\u0e7f]+")
_LETTER = re.compile(r"[^\W\d_]+")
# URLs, handles (and e-mail domains) and Markdown/HTML debris say nothing about the language and pull towards
# `en`; every alternative starts with a literal so the scan stays linear on long runs without spaces
_NOISE = re.compile(r"https?://\S+|[@#][\w.-]+|[\[\]()<>*_`#|=~-]+")

_lock = threading.Lock()
_identifier = None
_converters: dict[str, object] = {}


def _langid():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


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
    """(ISO 639-1 code or `und`, ISO 15924 script `Hans`/`Hant` for Chinese else ``)."""
    sample = _NOISE.sub(" ", (text or "")[:SAMPLE_CHARS])
    han = "".join(_HAN.findall(sample))
    kana = _count(_KANA, sample)
    hangul = _count(_HANGUL, sample)
    letters = _count(_LETTER, sample)
    cjk = len(han) + kana + hangul
    if cjk >= MIN_CJK and cjk >= 0.3 * letters:
        # CJK scripts decide by themselves; mixed zh/en spam (Han with brand names in Latin) stays zh
        if hangul > max(len(han), kana):
            return "ko", ""
        if kana >= 0.1 * cjk:
            return "ja", ""
        if hangul < len(han):
            return "zh", chinese_script(han)
    thai = _count(_THAI, sample)
    if thai >= MIN_CJK and thai >= 0.5 * letters:
        return "th", ""
    if letters < MIN_LETTERS:
        return "und", ""
    lang, probability = _langid().classify(" ".join(sample.split())[:LANGID_CHARS])
    if probability < MIN_PROBABILITY or len(lang) != 2:  # py3langid also knows `zxx` (no language content)
        return "und", ""
    if lang == "zh":
        return "zh", chinese_script(han) if han else "Hans"
    return lang, ""


def language_tag(lang: str, script: str = "") -> str:
    """BCP 47-style tag of a detected language (`zh-Hant`, `en`); contact extraction maps it to countries."""
    return f"{lang}-{script}" if script and lang != "und" else lang
