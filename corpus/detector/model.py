"""The learned detector's parameters: one deterministic file, loaded once, scoring a document in well under a millisecond."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from corpus.detector.features import FAMILY_BITS, HASH_BITS, REGIONS, DocumentView, hashed_ngrams
from corpus.detector.vector import DENSE_NAMES, dense_vector

FORMAT = "spamcorpus-detector/3"
SHIPPED = Path(__file__).resolve().parent / "detector.bin"
# A feature is named in spam_signals when it moves the log-odds at least this much.
REPORT_AT = 0.25


class ModelError(ValueError):
    """A model file that cannot be read or does not fit this code."""


@dataclass
class DetectorModel:
    version: str
    dense_names: list[str]
    dense_weights: np.ndarray     # float32, one per dense feature
    buckets: np.ndarray           # int32, hashed n-gram buckets seen in training (sorted)
    bucket_weights: np.ndarray    # float32, weight of a bucket's tf-idf value
    bucket_idf: np.ndarray        # float32, its inverse document frequency in training
    default_idf: float            # idf of a bucket no training document had
    bias: float
    platt: tuple[float, float]    # calibration: p = sigmoid(a * z + b)
    families: list[str]           # family classes of the family model
    family_weights: np.ndarray    # float32 (len(families), len(dense_names))
    family_ngram_weights: np.ndarray  # float32 (len(families), 2**FAMILY_BITS): folded n-gram tf-idf
    family_bias: np.ndarray       # float32 (len(families),)
    meta: dict

    def __post_init__(self) -> None:
        # One dense table (idf, weight) per bucket makes scoring one gather of 8 bytes per n-gram; 2 MiB.
        self._pairs = np.zeros((1 << HASH_BITS, 2), dtype=np.float32)
        self._pairs[:, 0] = self.default_idf
        self._pairs[self.buckets, 0] = self.bucket_idf
        self._pairs[self.buckets, 1] = self.bucket_weights
        self._idf, self._table = self._pairs[:, 0], self._pairs[:, 1]  # views, for readers of one column

    # -- scoring --------------------------------------------------------------------------------------------------
    def decision(self, view: DocumentView, dense: np.ndarray | None = None
                 ) -> tuple[float, np.ndarray, dict, np.ndarray]:
        """Raw log-odds, the dense vector, the n-gram contribution of each region, and the folded n-grams the
        family model reads."""
        if dense is None:
            dense = dense_vector(view)
        buckets, counts = hashed_ngrams(view)
        buckets = buckets.astype(np.intp)  # numpy converts any other index type on every gather
        # train.tfidf_rows on this one page (sublinear tf times idf, L2-normalised), computed per occurrence: an
        # occurrence of a bucket seen n times carries 1/n of the bucket's value, so sums over occurrences are sums
        # over distinct buckets. A bincount over the 2**18 buckets costs a fifth of the sort np.unique would.
        occurs = np.take(np.bincount(buckets, minlength=1 << HASH_BITS), buckets).astype(np.float32)
        pairs = np.take(self._pairs, buckets, axis=0)
        value = (1.0 + np.log(occurs)) * pairs[:, 0]
        x = value / occurs
        x /= math.sqrt(float(value @ x)) or 1.0
        share = pairs[:, 1] * x
        folded = np.bincount(buckets & ((1 << FAMILY_BITS) - 1), weights=x, minlength=1 << FAMILY_BITS)
        ends = np.cumsum(counts)
        # the head and tail are short, so "all" is what they leave
        by_region = {f"ngrams:{name}": float(share[end - size:end].sum())
                     for name, size, end in zip(REGIONS[1:], counts[1:], ends[1:]) if size}
        total = float(share.sum())
        if counts and counts[0]:
            by_region = {f"ngrams:{REGIONS[0]}": total - sum(by_region.values()), **by_region}
        z = self.bias + float(dense @ self.dense_weights) + total
        return z, dense, by_region, folded

    def probability(self, z: float) -> float:
        a, b = self.platt
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, a * z + b))))

    def family(self, dense: np.ndarray, folded: np.ndarray) -> str:
        """The lexicon's family where its terms are clear, else the learned guess: with ~100 real spam posts over
        13 families the lexicon is right more often (grouped CV on the real set: bench/detector_cv.py)."""
        from corpus.signals.score import guess_family_from_sums

        lexicon = guess_family_from_sums(family_sums(dense))
        if lexicon != "other" or not self.families:
            return lexicon
        return self.learned_family(dense, folded)

    def learned_family(self, dense: np.ndarray, folded: np.ndarray) -> str:
        logits = self.family_weights @ dense + self.family_ngram_weights @ folded + self.family_bias
        return self.families[int(np.argmax(logits))]

    def explain(self, dense: np.ndarray, by_region: dict) -> list[tuple[str, float]]:
        """(feature, log-odds contribution) pairs, strongest first."""
        contributions = {name: float(w * x) for name, w, x in zip(self.dense_names, self.dense_weights, dense) if x}
        contributions.update(by_region)
        return sorted(((n, c) for n, c in contributions.items() if c), key=lambda p: (-abs(p[1]), p[0]))

    # -- file -----------------------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        header = {"format": FORMAT, "version": self.version, "hash_bits": HASH_BITS, "dense_names": self.dense_names,
                  "bias": self.bias, "default_idf": self.default_idf, "platt": list(self.platt),
                  "families": self.families, "meta": self.meta, "arrays": {}}
        arrays = {"dense_weights": self.dense_weights.astype("<f4"), "buckets": self.buckets.astype("<i4"),
                  "bucket_weights": self.bucket_weights.astype("<f4"), "bucket_idf": self.bucket_idf.astype("<f4"),
                  "family_weights": self.family_weights.astype("<f4"),
                  "family_ngram_weights": self.family_ngram_weights.astype("<f4"),
                  "family_bias": self.family_bias.astype("<f4")}
        body, offset = io.BytesIO(), 0
        for name, arr in arrays.items():
            raw = arr.tobytes()
            header["arrays"][name] = [offset, len(raw), list(arr.shape)]
            body.write(raw)
            offset += len(raw)
        head = json.dumps(header, sort_keys=True, ensure_ascii=False).encode()
        out = io.BytesIO()
        # mtime=0 and no file name: the same model is the same bytes
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="", compresslevel=9) as gz:
            gz.write(len(head).to_bytes(8, "little") + head + body.getvalue())
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "DetectorModel":
        try:
            raw = gzip.decompress(data)
            size = int.from_bytes(raw[:8], "little")
            header = json.loads(raw[8:8 + size])
        except (OSError, EOFError, ValueError) as exc:
            raise ModelError(f"not a detector model file ({exc})") from None
        if (header.get("format") != FORMAT or header.get("hash_bits") != HASH_BITS
                or header.get("dense_names") != DENSE_NAMES):
            raise ModelError(f"model {header.get('version')} was built for other features than this code reads: "
                             "retrain it with `spamcorpus train`")
        body = raw[8 + size:]
        try:
            arrays = {}
            for name, (offset, length, shape) in header["arrays"].items():
                dtype = "<i4" if name == "buckets" else "<f4"
                arrays[name] = np.frombuffer(body[offset:offset + length], dtype=dtype).reshape(shape).copy()
            return cls(version=header["version"], dense_names=header["dense_names"], bias=float(header["bias"]),
                       default_idf=float(header["default_idf"]), platt=tuple(header["platt"]),
                       families=header["families"], meta=header["meta"], **arrays)
        except (KeyError, TypeError, ValueError) as exc:  # a torn or hand-edited file of the right format
            raise ModelError(f"model {header.get('version')} is damaged ({type(exc).__name__}: {exc}): "
                             "rebuild it with `spamcorpus train`") from None

    def save(self, path: str | Path) -> None:
        from corpus.durable import write_atomic
        data = self.to_bytes()
        write_atomic(Path(path), lambda fh: fh.write(data))

    @classmethod
    def load(cls, path: str | Path) -> "DetectorModel":
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ModelError(f"{path}: cannot read the model ({exc.strerror})") from None
        return cls.from_bytes(data)


_FAMILY_COLUMNS = [i for i, name in enumerate(DENSE_NAMES) if name.startswith("lexicon:family:")]
_FAMILY_NAMES = [DENSE_NAMES[i][len("lexicon:family:"):] for i in _FAMILY_COLUMNS]


def family_sums(dense: np.ndarray) -> dict[str, float]:
    """Family lexicon sums back from the dense vector (stored as log1p(sum) / 3)."""
    return dict(zip(_FAMILY_NAMES, np.expm1(np.asarray(dense)[_FAMILY_COLUMNS] * 3).tolist()))


def model_digest(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> DetectorModel:
    """The model at `path`, or the one shipped in the package; cached (one load per process)."""
    return DetectorModel.load(path or SHIPPED)
