"""Shingles (characters for CJK/Thai, words elsewhere), vectorised shingle hashing, MinHash signatures and LSH band keys."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import rensa
import xxhash

from corpus.campaigns.config import CampaignConfig
from corpus.campaigns.normalize import flatten_lines, normalize_title_lines

EMPTY = np.uint32(0xFFFFFFFF)  # rensa's digest of an empty set; never indexed
_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd: the polynomial stays a bijection per position
_CHAR_SALT, _WORD_SALT, _UNIGRAM_SALT = (np.uint64(s) for s in (0x243F6A8885A308D3, 0x13198A2E03707344,
                                                                0xA4093822299F31D0))
# scripts written without spaces between words (CJK, kana, Thai, Lao, Myanmar, Khmer): shingled by character
_NO_SPACE_RANGES = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF),
                    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place on a uint64 array (numpy wraps on overflow, which is what we want)."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _ngrams(flat: np.ndarray, lengths: np.ndarray, k: int, salt: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every k-gram inside each document of a flat uint64 array (no k-gram crosses a document
    boundary); a document shorter than k contributes its items as unigrams. Returns (hashes, counts)."""
    counts = np.where(lengths >= k, lengths - k + 1, lengths).astype(np.int64)
    if flat.size == 0:
        return np.empty(0, np.uint64), counts
    width = flat.size - k + 1
    if width > 0:
        h = flat[:width].copy()
        for j in range(1, k):
            h *= _MUL
            h += flat[j:j + width]
        h ^= salt
        # a window starting in the last k-1 positions before a document's end crosses into the next one
        bad = (np.cumsum(lengths)[:, None] - np.arange(1, k)[None, :]).ravel()
        ok = np.ones(width, bool)
        ok[bad[(bad >= 0) & (bad < width)]] = False
        grams = _mix(h[ok])
    else:
        grams = np.empty(0, np.uint64)
    short = lengths < k
    if not short.any():
        return grams, counts
    # rare: stitch unigrams of short documents in, in document order
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    pieces, gpos = [], 0
    for i, n in enumerate(lengths):
        if short[i]:
            pieces.append(_mix(flat[starts[i]:starts[i] + n] ^ _UNIGRAM_SALT))
        else:
            pieces.append(grams[gpos:gpos + counts[i]])
            gpos += counts[i]
    return np.concatenate(pieces) if pieces else grams, counts


@functools.lru_cache(maxsize=1)
def _no_space_blocks() -> np.ndarray:
    # every range is 16-aligned, so one lookup on cp >> 4 classifies a character
    table = np.zeros(0x110000 >> 4, bool)
    for lo, hi in _NO_SPACE_RANGES:
        table[lo >> 4:(hi >> 4) + 1] = True
    return table


def _per_doc_sums(flags: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    sums = np.zeros(bounds.size - 1, np.int64)
    nonempty = bounds[1:] > bounds[:-1]
    if nonempty.any():
        sums[nonempty] = np.add.reduceat(flags.astype(np.int64), bounds[:-1][nonempty])
    return sums


def _no_space_share(cps: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Per document: share of its non-space characters in scripts written without spaces."""
    hits = _per_doc_sums(_no_space_blocks()[cps >> 4], bounds)
    letters = np.diff(bounds) - _per_doc_sums(cps == 32, bounds)
    return hits / np.maximum(letters, 1)


def _word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """xxh3 of every word (texts are normalised: single spaces), all texts in one C-level map: ~50 ns
    a word, 10x less than a generator expression."""
    counts = np.fromiter((t.count(" ") + 1 for t in texts), np.int64, len(texts))
    words = " ".join(texts).encode("utf-8").split(b" ")
    return np.fromiter(map(xxhash.xxh3_64_intdigest, words), np.uint64, len(words)), counts


def _digest(flat: np.ndarray, counts: np.ndarray, config: CampaignConfig) -> np.ndarray:
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        np.ascontiguousarray(flat, np.uint64), offsets, config.num_perm, config.seed)
    return np.array(matrix.to_rows(), dtype=np.uint32).reshape(counts.size, config.num_perm)


def signatures_of_normalized(normalized: list[str], config: CampaignConfig) -> tuple[np.ndarray, np.ndarray]:
    """(n, num_perm) uint32 MinHash signatures and the indexed mask (long enough to group). Character
    n-grams for documents mostly in CJK/Thai script, word n-grams otherwise. A document's signature
    depends on its own text only (checked in the tests), so any batching gives the same rows."""
    n = len(normalized)
    sig = np.full((n, config.num_perm), EMPTY, np.uint32)
    lengths = np.fromiter((len(t) for t in normalized), np.int64, n)
    indexed = lengths >= max(config.min_chars, 1)
    if not indexed.any():
        return sig, indexed
    cps = np.frombuffer("".join(normalized).encode("utf-32-le"), "<u4")
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    by_char = indexed & (_no_space_share(cps, bounds) >= config.cjk_share)
    char_docs = np.flatnonzero(by_char)
    if char_docs.size:
        flat = (cps if by_char.all() else cps[np.repeat(by_char, lengths)]).astype(np.uint64)
        grams, counts = _ngrams(flat, lengths[char_docs], config.char_ngram, _CHAR_SALT)
        sig[char_docs] = _digest(grams, counts, config)
    word_docs = np.flatnonzero(indexed & ~by_char)
    if word_docs.size:
        flat, counts = _word_hashes([normalized[i] for i in word_docs])
        grams, counts = _ngrams(flat, counts, config.word_ngram, _WORD_SALT)
        sig[word_docs] = _digest(grams, counts, config)
    return sig, indexed


@dataclass
class SignedBatch:
    signatures: np.ndarray  # (n, num_perm) uint32
    indexed: np.ndarray     # (n,) bool: long enough to be MinHash-grouped
    lines: list[str]        # normalised title and text lines (normalize.LINE between them), for keys.py


CHUNK_CHARS = 2_000_000  # per vectorised pass: ~16 MB of shingle hashes, whatever the page sizes


def sign_texts(titles: list[str | None], texts: list[str | None], config: CampaignConfig) -> SignedBatch:
    """Normalise title + text of each row and sign them, in chunks of at most CHUNK_CHARS characters
    (a batch of huge pages must not turn into gigabytes of uint64 shingles)."""
    sigs, masks, chunk, size, lines = [], [], [], 0, []
    for title, text in zip(titles, texts):
        lines.append(normalize_title_lines(title, text, config))
        chunk.append(flatten_lines(lines[-1]))
        size += len(chunk[-1])
        if size >= CHUNK_CHARS:
            sig, indexed = signatures_of_normalized(chunk, config)
            sigs.append(sig)
            masks.append(indexed)
            chunk, size = [], 0
    if chunk or not sigs:
        sig, indexed = signatures_of_normalized(chunk, config)
        sigs.append(sig)
        masks.append(indexed)
    return SignedBatch(np.concatenate(sigs), np.concatenate(masks), lines)


def band_keys(signatures: np.ndarray, config: CampaignConfig) -> np.ndarray:
    """(n, bands) uint64 LSH bucket keys: each band's `rows` minimums folded into one 64-bit hash."""
    n = signatures.shape[0]
    parts = signatures.reshape(n, config.bands, config.rows).astype(np.uint64)
    keys = parts[:, :, 0].copy()
    for j in range(1, config.rows):
        keys *= _MUL
        keys += parts[:, :, j]
    return _mix(keys)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Share of equal MinHash values, row by row."""
    return (sig_a == sig_b).mean(axis=-1)
