"""Decode a response body: BOM, header charset, meta charset, then detection; record how and how well."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# WHATWG-style label mapping where a superset decodes strictly more real pages without harm
SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "cp950": "big5hkscs",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
}
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
DETECT_PREFIX = 64 * 1024
BAD_DECLARED = 0.01  # a declared charset producing >1% replacement characters is a lie: detect instead


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    source: str  # bom, header, meta, detected or default
    replacement_ratio: float


def normalise_label(label: str | None) -> str | None:
    """Python codec name for a charset label, mapped to its superset; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return SUPERSETS.get(label, SUPERSETS.get(name, name))


def charset_from_header(content_type: str | None) -> str | None:
    match = _HEADER.search(content_type or "")
    return normalise_label(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    match = _META.search(body[:4096])
    if not match:
        return None
    label = normalise_label(match.group(1).decode("ascii", "ignore"))
    # a meta tag readable as ASCII cannot be UTF-16/32; browsers (WHATWG) read such pages as UTF-8
    return "utf-8" if label and label.startswith(("utf-16", "utf-32")) else label


def _ratio(text: str) -> float:
    return text.count("\ufffd") / len(text) if text else 0.0


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _bad_ratio(text: str) -> float:
    """Replacement plus private-use characters: GB18030 reads Big5 bytes without errors, but into the PUA."""
    return (text.count("\ufffd") + len(_PRIVATE_USE.findall(text))) / len(text) if text else 0.0


def _decode(body: bytes, encoding: str) -> str:
    return body.decode(encoding, errors="replace")


# The most frequent Chinese characters (Simplified; Traditional forms are added through OpenCC), Korean syllables
# and all hiragana: real CJK text is made of them, a page decoded with the wrong CJK codec mostly is not.
COMMON_HANS = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好"
    "都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法"
    "此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再"
    "平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车"
    "白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题"
    "建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保"
    "达办运武半候七必城父强步完革深区即求品士转量空众技轻程告江语英基派满式李息写识极令黄德收钱党未持音卡网价格客服务费")
COMMON_HANGUL = ("이다는의에하고을가한지서로기리도를사으있수어나대해인그자아시들것일정만라게주보요니면같적전되내우않제부관생"
                 "습니까세상말위장방여러원동시간및용선경우성화경과여유합")
_common_cache: dict[str, frozenset[str]] = {}
CJK_CODECS = ("gb18030", "big5hkscs", "cp932", "cp949")


def _common_chars() -> frozenset[str]:
    if "all" not in _common_cache:
        try:
            import opencc

            hant = opencc.OpenCC("s2t").convert(COMMON_HANS)
        except Exception:  # OpenCC is a dependency, but detection must work without it
            hant = ""
        hiragana = "".join(chr(c) for c in range(0x3041, 0x3097))
        _common_cache["all"] = frozenset(COMMON_HANS + hant + COMMON_HANGUL + hiragana)
    return _common_cache["all"]


def _plausibility(text: str) -> float:
    """Share of the non-ASCII letters of `text` that are common CJK characters (0 if there are none)."""
    common = _common_chars()
    letters = [ch for ch in text[:8192] if ord(ch) > 0x2E7F and ch.isalpha()]
    return sum(ch in common for ch in letters) / len(letters) if len(letters) >= 2 else 0.0


def _valid_utf8(body: bytes) -> bool:
    try:
        body[:DETECT_PREFIX].decode("utf-8")
    except UnicodeDecodeError as exc:  # a multibyte character cut at the end of the prefix is still UTF-8
        return exc.start >= min(len(body), DETECT_PREFIX) - 3 and exc.reason == "unexpected end of data"
    return True


def detect(body: bytes) -> str:
    """Best guess for undeclared bytes: UTF-8 if valid, the CJK codec whose reading is made of common
    characters, else charset_normalizer's guess for single-byte pages, else cp1252."""
    sample = body[:DETECT_PREFIX]
    # cut the sample at a line break so a multibyte character is not split at the end
    cut = sample.rfind(b"\n")
    if len(body) > DETECT_PREFIX and cut > 0:
        sample = sample[:cut]
    if _valid_utf8(sample):
        return "utf-8"
    as_utf8 = sample.decode("utf-8", errors="replace")
    errors = as_utf8.count("\ufffd")
    if sum(1 for ch in as_utf8 if "\u0800" <= ch != "\ufffd") >= errors:  # 3-byte sequences rarely occur by chance
        return "utf-8"  # mostly well-formed multibyte characters: damaged UTF-8, not another codec
    scored = []
    for enc in CJK_CODECS:
        text = sample.decode(enc, errors="replace")
        errors = text.count("\ufffd")
        if errors <= max(1, len(text) // 1000):
            scored.append((_plausibility(text) - errors / 10, enc))
    best = max(scored, default=None)
    if best and best[0] >= 0.3:
        return best[1]
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(sample).best()
        if match is not None:
            return normalise_label(match.encoding) or "cp1252"
    except Exception:  # the detector is a heuristic; never let it fail a page
        pass
    return "cp1252"


def decode_body(body: bytes, content_type: str | None) -> Decoded:
    """Decode `body`; never raises. Declared charsets that decode badly are overruled by detection."""
    for bom, enc in BOMS:
        if body.startswith(bom):
            text = _decode(body[len(bom):], enc)
            return Decoded(text, enc, "bom", _ratio(text))
    declared = [(charset_from_header(content_type), "header")]
    if b"<" in body[:4096]:
        declared.append((charset_from_meta(body), "meta"))
    if body[:DETECT_PREFIX].isascii():
        declared = [(enc, source) for enc, source in declared if enc]  # any ASCII-compatible codec will do
    elif _valid_utf8(body):
        # non-ASCII bytes that form valid UTF-8 are UTF-8 whatever the page says: a legacy codec would
        # decode them as mojibake without a single replacement character (é -> Ã©)
        declared = [(enc, source) for enc, source in declared if enc == "utf-8"] or [("utf-8", "detected")]
    for enc, source in declared:
        if enc:
            text = _decode(body, enc)
            if _bad_ratio(text) <= BAD_DECLARED:
                return Decoded(text, enc, source, _ratio(text))
            # declared but wrong: try the next declaration, then detection
    if not body:
        return Decoded("", "utf-8", "default", 0.0)
    enc = detect(body)
    text = _decode(body, enc)
    return Decoded(text, enc, "detected", _ratio(text))
