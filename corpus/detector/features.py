"""What the learned detector reads: hashed character n-grams by region, plus dense contact, signal and shape features."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from corpus.textfold import FULLWIDTH_ASCII, FULLWIDTH_OFFSET

# 2**HASH_BITS buckets for the character n-grams of all regions together; 2**18 keeps collisions rare on a
# corpus of this size while the shipped weights stay small (only buckets seen in training are stored).
HASH_BITS = 18
# The family model reads the n-grams folded to 2**FAMILY_BITS columns (bucket mod 4,096): per-family weights over
# all 2**18 buckets would be ~13 MB for 13 families.
FAMILY_BITS = 12
NGRAM_ORDERS = (1, 2, 3, 4)
# Spam puts its pitch and its contact at the ends of a page, around borrowed text: the head and the tail get
# their own n-gram spaces, so a gambling header over random tech news is not averaged away by the body.
EDGE_CHARS = 400
ALL_CHARS = 12_000  # a long page is read at its start and end (what the crawler keeps dense and cheap)
# Boilerplate (navigation, sidebars, site footers) is left to the signals: the real set is mostly raw files with
# none, so n-grams learned from its few HTML pages read "any site chrome" as spam (68 % of the sample web's benign
# articles flagged with them, 14 % without, at the same cross-validated F1 on the real set).
# The page's link targets (scheme left out) are a fourth region: a Markdown page's text keeps only the anchors, while
# the slugs and hosts it links (`/best-online-pokies-australia/`, `kx777.vip`, `github.com/…/releases`) say
# what it sells. Grouped CV on the real set: bench/detector_cv.py.
REGIONS = ("all", "head", "tail", "links")
LINK_CHARS = 4000  # the first links of a page: a link farm says what it is in its first few dozen
_MULT = np.uint32(0x9E3779B1)  # 32-bit arithmetic: half the memory traffic of 64-bit, ample for 2**18 buckets
_MIX = np.uint32(0x85EBCA6B)

CONTACT_KINDS = ("telegram", "whatsapp", "phone", "wechat", "qq", "line", "email", "url", "domain")
WHERE = ("title", "text", "boilerplate", "link")


@dataclass
class DocumentView:
    """One document as the detector sees it (the crawler's extraction of a page, or a labelled document)."""

    title: str = ""
    text: str = ""
    boilerplate: str = ""
    contacts: list = field(default_factory=list)  # corpus.contacts.Contact or {kind, value, where} dicts
    links: list = field(default_factory=list)
    lang: str = "und"
    doc_format: str = ""


def fold(text: str) -> str:
    """Lowercase, full-width ASCII folded, every digit a 0, every kind of space a plain space: handles and numbers vary from
    post to post of one operation, their shape does not. (The string form of what `_folded` does to code points.)"""
    return _folded(text).tobytes().decode("utf-32-le")


def _folded(text: str) -> np.ndarray:
    cps = np.frombuffer(text.lower().encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    wide = (cps >= FULLWIDTH_ASCII[0]) & (cps <= FULLWIDTH_ASCII[1])
    if wide.any():
        cps[wide] -= FULLWIDTH_OFFSET
        cps[wide & (cps >= 65) & (cps <= 90)] += 32  # full-width capitals only become ASCII capitals here
    cps[(cps >= 48) & (cps <= 57)] = 48
    cps[(cps == 9) | (cps == 10) | (cps == 13) | (cps == 0x3000) | (cps == 0xA0)] = 32
    return cps


def _rolling(cps: np.ndarray) -> dict[int, np.ndarray]:
    """Unfinished 32-bit hash of the n-gram starting at each position, per order: each order extends the last by
    one code point, so all orders cost one pass each over the text."""
    out = {}
    h = np.zeros(len(cps), dtype=np.uint32)
    for n in range(1, max(NGRAM_ORDERS) + 1):
        if len(cps) < n:
            break
        h = (h[: len(cps) - n + 1] ^ cps[n - 1:]) * _MULT
        if n in NGRAM_ORDERS:
            out[n] = h
    return out


# Each region's salt per n-gram order, mixed into the hash before the final avalanche (regions x orders).
_SALTS = np.array([[((salt + 1) * 0x27D4EB2F + n * 0x165667B1) & 0xFFFFFFFF for n in NGRAM_ORDERS]
                   for salt in range(len(REGIONS))], dtype=np.uint32)


def regions(view: DocumentView) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Folded code points of title and text (a long text by its start and end) and each region's span of n-gram
    start positions: all, head (title and the text's first EDGE_CHARS), tail (its last EDGE_CHARS)."""
    text = view.text or ""
    if len(text) > ALL_CHARS:
        text = text[: ALL_CHARS * 3 // 4] + "\n" + text[-ALL_CHARS // 4:]
    title = _folded((view.title or "") + "\n")
    cps = np.concatenate([title, _folded(text)])
    return cps, {"all": (0, len(cps)), "head": (0, min(len(cps), len(title) + EDGE_CHARS)),
                 "tail": (max(len(title), len(cps) - EDGE_CHARS), len(cps))}


def link_points(view: DocumentView) -> np.ndarray:
    """Folded code points of the page's link targets without their scheme, one per line (at most LINK_CHARS)."""
    if not view.links:
        return _EMPTY
    text = "\n".join(url.partition("://")[2] or url for url in view.links)
    return _folded(text[:LINK_CHARS])


_EMPTY = np.zeros(0, dtype=np.uint32)


def hashed_ngrams(view: DocumentView) -> tuple[np.ndarray, list[int]]:
    """Bucket (uint32) of every n-gram, region after region (each region's orders in turn), and how many each region
    has. All regions and orders go through one vectorised avalanche: a dozen small numpy calls per order and region
    cost more than the arithmetic."""
    cps, spans = regions(view)
    rolling = list(_rolling(cps).values())  # never empty: the title's newline is always there
    pieces = [h[lo:min(hi, len(h))] for lo, hi in spans.values() for h in rolling]
    linked = _rolling(link_points(view))  # its own array: no n-gram runs from the text into the links
    pieces += [linked.get(n, _EMPTY) for n in NGRAM_ORDERS[:len(rolling)]]
    sizes = [len(p) for p in pieces]
    counts = [sum(sizes[i:i + len(rolling)]) for i in range(0, len(sizes), len(rolling))]
    g = np.concatenate(pieces) ^ np.repeat(_SALTS[:, :len(rolling)].ravel(), sizes)
    g ^= g >> np.uint32(15)
    g *= _MIX
    g ^= g >> np.uint32(13)
    g >>= np.uint32(32 - HASH_BITS)
    return g, counts


def smooth_idf(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """ln((1 + n) / (1 + df)) + 1, as scikit-learn's smooth idf: an n-gram no training document had gets the
    largest weight, so it still counts in the page's norm though it has no learned weight."""
    return np.log((1.0 + documents) / (1.0 + document_frequency)) + 1.0


def _contact_parts(contact) -> tuple[str, str, str]:
    if isinstance(contact, dict):
        return contact.get("kind", ""), contact.get("value", ""), contact.get("where", "")
    return contact.kind, contact.value, contact.where


def dense_names() -> list[str]:
    names = [f"contacts:{k}" for k in CONTACT_KINDS] + [f"contacts_where:{w}" for w in WHERE]
    names += ["contacts:kinds", "contact_in_head", "contact_in_tail", "links:log", "text:log_chars",
              "text:cjk_share", "text:code_share"]
    return names


_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF))  # kana, Han, hangul
_CODE_CHARS = np.zeros(128, dtype=bool)
_CODE_CHARS[[ord(c) for c in "{};=<>()[]$"]] = True


def _shares(sample: str) -> tuple[int, int]:
    """How many CJK and how many code-punctuation characters `sample` has (counted on code points: a regex findall
    builds a string per character)."""
    cps = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cjk = sum(int(np.count_nonzero((cps >= lo) & (cps <= hi))) for lo, hi in _CJK_RANGES)
    ascii_ = cps[cps < 128]
    return cjk, int(np.count_nonzero(_CODE_CHARS[ascii_]))


def dense_features(view: DocumentView) -> np.ndarray:
    """Counts of contacts by kind and place, where the text puts them, and the page's shape; each in 0..~3."""
    kinds = dict.fromkeys(CONTACT_KINDS, 0)
    where = dict.fromkeys(WHERE, 0)
    text = view.text or ""
    head, tail = text[:EDGE_CHARS], text[-EDGE_CHARS:]
    in_head = in_tail = 0
    for contact in view.contacts:
        kind, value, place = _contact_parts(contact)
        if kind in kinds:
            kinds[kind] += 1
        if place in where:
            where[place] += 1
        if place == "title" or (value and value in head.lower()):
            in_head = 1
        if value and value in tail.lower():
            in_tail = 1
    sample = text[:4000]
    cjk, code = _shares(sample)
    values = [math.log1p(v) for v in kinds.values()] + [math.log1p(v) for v in where.values()]
    values += [math.log1p(sum(1 for v in kinds.values() if v)), in_head, in_tail, math.log1p(len(view.links)) / 3,
               math.log1p(len(text)) / 10, cjk / max(len(sample), 1),
               min(1.0, 5 * code / max(len(sample), 1))]
    return np.asarray(values, dtype=np.float32)
