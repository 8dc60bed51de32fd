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
# candidates tried when nothing is declared: CJK first because undeclared CJK pages are the hazard
CANDIDATES = ("utf-8", "gb18030", "big5hkscs", "cp932", "cp949", "cp1251", "cp1252")
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
    return normalise_label(match.group(1).decode("ascii", "ignore")) if match else None


def _ratio(text: str) -> float:
    return text.count("\ufffd") / len(text) if text else 0.0


def _decode(body: bytes, encoding: str) -> str:
    return body.decode(encoding, errors="replace")


def _cjk_share(text: str) -> float:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3040" <= ch <= "\u30ff" or "\uac00" <= ch <= "\ud7af")
    letters = sum(1 for ch in text if ch.isalpha())
    return cjk / letters if letters else 0.0


def detect(body: bytes) -> str:
    """Best guess for undeclared bytes: the first candidate that decodes strictly, else the fewest errors."""
    sample = body[:DETECT_PREFIX]
    # cut the sample at a line break so a multibyte character is not split at the end
    cut = sample.rfind(b"\n")
    if len(body) > DETECT_PREFIX and cut > 0:
        sample = sample[:cut]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    strict = []
    for enc in CANDIDATES[1:]:
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        strict.append((enc, text))
    if strict:
        # several legacy codecs accept the same bytes; the plausible reading has the most real CJK text
        cjk = [(enc, _cjk_share(text)) for enc, text in strict if enc in ("gb18030", "big5hkscs", "cp932", "cp949")]
        best = max(cjk, key=lambda p: p[1], default=None)
        if best and best[1] > 0.2:
            return best[0]
        return strict[0][0]
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(sample).best()
        if match is not None:
            return normalise_label(match.encoding) or "utf-8"
    except Exception:  # the detector is a heuristic; never let it fail a page
        pass
    return "utf-8"


def decode_body(body: bytes, content_type: str | None) -> Decoded:
    """Decode `body`; never raises. Declared charsets that decode badly are overruled by detection."""
    for bom, enc in BOMS:
        if body.startswith(bom):
            text = _decode(body[len(bom):], enc)
            return Decoded(text, enc, "bom", _ratio(text))
    declared = [(charset_from_header(content_type), "header")]
    if b"<" in body[:4096]:
        declared.append((charset_from_meta(body), "meta"))
    for enc, source in declared:
        if enc:
            text = _decode(body, enc)
            ratio = _ratio(text)
            if ratio <= BAD_DECLARED:
                return Decoded(text, enc, source, ratio)
            break  # declared but wrong: fall through to detection
    if not body:
        return Decoded("", "utf-8", "default", 0.0)
    enc = detect(body)
    text = _decode(body, enc)
    return Decoded(text, enc, "detected", _ratio(text))
