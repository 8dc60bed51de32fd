"""Label resolution: one verdict and family per document from human, adjudicated, propagated and detector labels."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyarrow as pa

from corpus.labels import FAMILIES, VERDICTS
from corpus.agreement import krippendorff_alpha_nominal, pairwise_agreement

TIE_POLICIES = ("borderline", "queue")

# The policy, as the dataset card prints it: (case, outcome). Keep in step with resolve_labels below.
POLICY_TABLE: tuple[tuple[str, str], ...] = (
    ("cancelled (skipped) annotation, or no verdict chosen", "ignored, counted"),
    ("same annotator labelled a document more than once", "their latest annotation counts"),
    ("an adjudicator (listed annotator or adjudication project) labelled the document",
     "the latest adjudication wins: `adjudicated`"),
    ("a strict majority (more than half) of the human annotators chose one verdict",
     "that verdict: `human`"),
    ("no strict majority (ties, three-way splits)",
     "tie policy `borderline`: verdict `borderline`, `human`, and listed in the adjudication queue; "
     "tie policy `queue`: left out of the release and listed in the queue"),
    ("verdict `spam`: family", "majority of the families chosen by the annotators who said spam; a tie goes "
     "to the detector's guess if it is among the tied families, else to the first in the family list, "
     "and the document is listed in the queue"),
    ("no human label, a label propagated from the campaign's annotated representative",
     "that label: `propagated` (never mixed with human votes); conflicting propagations: left out, queued"),
    ("no human or propagated label", "detector verdict (score >= threshold is spam, family = detector "
     "guess): `silver`, left out unless the release asks for silver rows"),
)


class Label(NamedTuple):
    verdict: str
    family: str | None
    source: str                 # corpus.labels.LABEL_SOURCES
    n_annotators: int
    agreement: float | None     # share of the annotators whose verdict equals `verdict`


@dataclass(frozen=True)
class LabelPolicy:
    tie: str = "borderline"
    adjudicators: frozenset[str] = frozenset()
    adjudication_projects: frozenset[str] = frozenset()
    include_silver: bool = False
    silver_threshold: float = 0.5
    silver_threshold_source: str = ""  # what the threshold is when not a number chosen by hand (the card says it)

    def __post_init__(self) -> None:
        if self.tie not in TIE_POLICIES:
            raise ValueError(f"tie policy must be one of {TIE_POLICIES}, got {self.tie!r}")


@dataclass
class Resolution:
    labels: dict[str, Label] = field(default_factory=dict)
    queue: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)   # annotations and documents dropped, by reason
    agreement: dict[str, Any] = field(default_factory=dict)


class _Vote(NamedTuple):
    annotator: str
    verdict: str
    family: str | None
    updated: Any
    annotation_id: int


def _clean_votes(annotations: pa.Table, known: set[str], policy: LabelPolicy, counts: Counter[str]
                 ) -> tuple[dict[str, list[_Vote]], dict[str, list[_Vote]]]:
    """Valid votes per document, split into ordinary and adjudication votes, one per annotator (latest)."""
    latest: dict[tuple[str, str, bool], _Vote] = {}
    for a in annotations.to_pylist():
        if a["was_cancelled"]:
            counts["annotation_cancelled"] += 1
            continue
        if a["verdict"] is None:
            counts["annotation_without_verdict"] += 1
            continue
        if a["verdict"] not in VERDICTS:
            counts["annotation_invalid_verdict"] += 1
            continue
        if a["doc_id"] not in known:
            counts["annotation_unknown_document"] += 1
            continue
        family = a["family"]
        if family is not None and a["verdict"] != "spam":
            counts["annotation_family_ignored_not_spam"] += 1
            family = None
        elif family is not None and family not in FAMILIES:
            counts["annotation_invalid_family"] += 1
            family = None
        adjudication = a["annotator"] in policy.adjudicators or a["project"] in policy.adjudication_projects
        vote = _Vote(a["annotator"], a["verdict"], family, a["updated_at"], a["annotation_id"])
        key = (a["doc_id"], a["annotator"], adjudication)
        old = latest.get(key)
        if old is not None:
            counts["annotation_superseded"] += 1
            if (old.updated, old.annotation_id) > (vote.updated, vote.annotation_id):
                continue
        latest[key] = vote
    ordinary: dict[str, list[_Vote]] = defaultdict(list)
    adjudicated: dict[str, list[_Vote]] = defaultdict(list)
    for (doc, _annotator, adjudication), vote in sorted(latest.items(), key=lambda kv: kv[0]):
        (adjudicated if adjudication else ordinary)[doc].append(vote)
    return ordinary, adjudicated


def _family(votes: list[_Vote], guess: str | None) -> tuple[str | None, bool]:
    """Majority family among spam votes; returns (family, tied)."""
    counts = Counter(v.family for v in votes if v.verdict == "spam" and v.family is not None)
    if not counts:
        return None, False
    top = max(counts.values())
    tied = sorted((f for f, n in counts.items() if n == top), key=FAMILIES.index)
    if len(tied) == 1:
        return tied[0], False
    return (guess if guess in tied else tied[0]), True


def _human_label(doc: str, votes: list[_Vote], adj: list[_Vote], guess: str | None, policy: LabelPolicy,
                 res: Resolution) -> Label | None:
    people = {v.annotator for v in votes} | {v.annotator for v in adj}
    all_votes = votes + adj
    tally = Counter(v.verdict for v in votes)
    if adj:
        final = max(adj, key=lambda v: (v.updated, v.annotation_id))
        verdict, source = final.verdict, "adjudicated"
        family = final.family if verdict == "spam" else None
        if verdict == "spam" and family is None:
            family, _ = _family(votes, guess)
    else:
        verdict, top = tally.most_common(1)[0]
        if top * 2 <= len(votes):
            res.queue.append({"doc_id": doc, "reason": "no_majority", "votes": dict(sorted(tally.items()))})
            if policy.tie == "queue":
                res.counts["document_awaiting_adjudication"] += 1
                return None
            verdict = "borderline"
        source = "human"
        family = None
        if verdict == "spam":
            family, tied = _family(votes, guess)
            if tied:
                res.queue.append({"doc_id": doc, "reason": "family_tie", "votes": dict(sorted(
                    Counter(v.family for v in votes if v.family).items()))})
    agreeing = sum(1 for v in all_votes if v.verdict == verdict)
    return Label(verdict, family, source, len(people), round(agreeing / len(all_votes), 6))


def _propagated_labels(propagated: pa.Table, known: set[str], res: Resolution) -> dict[str, Label]:
    options: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for p in propagated.to_pylist():
        if p["doc_id"] not in known:
            res.counts["propagated_unknown_document"] += 1
        elif p["verdict"] not in VERDICTS:
            res.counts["propagated_invalid_verdict"] += 1
        else:
            family = p["family"] if p["verdict"] == "spam" and p["family"] in FAMILIES else None
            options[p["doc_id"]].add((p["verdict"], family))
    out = {}
    for doc, choices in sorted(options.items()):
        if len(choices) == 1:
            verdict, family = next(iter(choices))
            out[doc] = Label(verdict, family, "propagated", 0, None)
        else:
            res.counts["document_propagation_conflict"] += 1
            res.queue.append({"doc_id": doc, "reason": "propagation_conflict",
                              "votes": dict(Counter(f"{v}/{f}" if f else v for v, f in sorted(choices, key=str)))})
    return out


def resolve_labels(corpus: pa.Table, annotations: pa.Table, propagated: pa.Table,
                   policy: LabelPolicy = LabelPolicy()) -> Resolution:
    """Resolve every corpus document's label; `corpus` needs doc_id, spam_score and family_guess."""
    res = Resolution()
    docs = corpus.select(["doc_id", "spam_score", "family_guess"]).to_pylist()
    known = {d["doc_id"] for d in docs}
    ordinary, adjudicated = _clean_votes(annotations, known, policy, res.counts)
    propagated_labels = _propagated_labels(propagated, known, res)
    conflicts = {q["doc_id"] for q in res.queue if q["reason"] == "propagation_conflict"}
    human_docs = set(ordinary) | set(adjudicated)
    for d in sorted(docs, key=lambda d: d["doc_id"]):
        doc = d["doc_id"]
        if doc in human_docs:
            label = _human_label(doc, ordinary.get(doc, []), adjudicated.get(doc, []), d["family_guess"],
                                 policy, res)
        elif doc in propagated_labels:
            label = propagated_labels[doc]
        elif doc in conflicts:      # humans must settle it; the detector does not get the last word
            label = None
        elif policy.include_silver:
            spam = float(d["spam_score"]) >= policy.silver_threshold
            family = (d["family_guess"] if d["family_guess"] in FAMILIES else "other") if spam else None
            label = Label("spam" if spam else "benign", family, "silver", 0, None)
        else:
            res.counts["document_unlabelled_silver_excluded"] += 1
            label = None
        if label is not None:
            res.labels[doc] = label
    res.queue.sort(key=lambda q: (q["doc_id"], q["reason"]))
    res.agreement = agreement_figures(ordinary)
    return res


def agreement_figures(ordinary: dict[str, list[_Vote]]) -> dict[str, Any]:
    """Agreement among ordinary annotators on documents that two or more of them labelled."""
    verdict_units = [[v.verdict for v in votes] for _doc, votes in sorted(ordinary.items())]
    family_units = [[v.family for v in votes if v.verdict == "spam" and v.family]
                    for _doc, votes in sorted(ordinary.items())]
    spam_units = [["spam" if v.verdict == "spam" else "not_spam" for v in votes]
                  for _doc, votes in sorted(ordinary.items())]
    per_doc = Counter(len(votes) for votes in ordinary.values())

    def rnd(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    return {
        "annotated_documents": len(ordinary),
        "annotators": len({v.annotator for votes in ordinary.values() for v in votes}),
        "documents_by_annotator_count": {str(k): per_doc[k] for k in sorted(per_doc)},
        "multiply_annotated_documents": sum(1 for u in verdict_units if len(u) >= 2),
        "verdict_alpha": rnd(krippendorff_alpha_nominal(verdict_units)),
        "verdict_pairwise": rnd(pairwise_agreement(verdict_units)),
        "spam_vs_not_alpha": rnd(krippendorff_alpha_nominal(spam_units)),
        "family_alpha": rnd(krippendorff_alpha_nominal(family_units)),
        "family_pairwise": rnd(pairwise_agreement(family_units)),
        "family_units": sum(1 for u in family_units if len(u) >= 2),
    }


class SilverThresholdError(ValueError):
    """`--silver-threshold precision` cannot be used with this model or this corpus."""


def model_silver_threshold(corpus_rows_versions: set[str] | None = None) -> tuple[float, str]:
    """The shipped detector's precision-first cut (spamcorpus train chose it) and a sentence saying what it is.
    Given the corpus's detector versions, refuses rows scored by another model: its cut would not fit their scores."""
    from corpus.detector.model import load_model

    model = load_model()
    chosen = model.meta.get("precision_cut") or {}
    if "cut" not in chosen:
        raise SilverThresholdError(f"the shipped model {model.version} has no precision cut: retrain it with "
                                   "`spamcorpus train`")
    others = sorted((corpus_rows_versions or set()) - {model.version})
    if others:
        raise SilverThresholdError(f"--silver-threshold precision is the cut of {model.version}, but rows carry "
                                   f"{', '.join(others)}: run `spamcorpus rescore` first, or give a number")
    return float(chosen["cut"]), (f"the precision-first cut of detector {model.version} (the best F1 among cuts "
                                  f"flagging at most {chosen['hard_fp_ceiling']:.0%} of hard negatives on its "
                                  "cross-validated scores)")
