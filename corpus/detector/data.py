"""Training examples: the real-world set and pulled Label Studio annotations, each seen through the crawler's extraction."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from corpus.detector.features import DocumentView
from corpus.detector.train import Example


class TrainingDataError(ValueError):
    """Labelled data that cannot be used: missing files, no corpus rows for the annotations, one class only."""


def view_of(extracted) -> DocumentView:
    """A corpus.page.row.ExtractedPage as the detector sees it."""
    return DocumentView(extracted.title, extracted.text, extracted.boilerplate, list(extracted.contacts),
                        list(extracted.links), extracted.lang, extracted.doc_format)


def realworld_examples(path: str | None = None) -> tuple[list[Example], int]:
    """Examples of the pinned real-world set (borderline left out) and how many borderline documents there were."""
    from corpus.realworld import extract_document, load_realworld

    examples, borderline = [], 0
    for doc in load_realworld(path):
        if doc.label == "borderline":
            borderline += 1
            continue
        examples.append(Example(id=doc.id, view=view_of(extract_document(doc)), spam=doc.spam,
                                family=doc.family if doc.spam else None, group=doc.group, lang=doc.language,
                                hard_negative=bool(doc.hard_negative), source="realworld"))
    return examples, borderline


def _verdicts(annotation_dirs: list[Path], drops: Counter) -> dict[str, tuple[str, str | None]]:
    """doc_id -> (verdict, family) by majority of the pulled human annotations; skipped, borderline and tied
    documents are left out and counted in `drops`."""
    import pyarrow.parquet as pq

    from corpus.annotations import ANNOTATIONS_FILE

    votes: dict[str, Counter] = {}
    families: dict[str, Counter] = {}
    for folder in annotation_dirs:
        files = [folder] if folder.is_file() else sorted(folder.rglob(ANNOTATIONS_FILE))
        if not files:
            raise TrainingDataError(f"{folder}: no {ANNOTATIONS_FILE} (run `spamcorpus pull` first)")
        for file in files:
            table = pq.read_table(file, columns=["doc_id", "verdict", "family", "was_cancelled"])
            for row in table.to_pylist():
                if row["was_cancelled"] or row["verdict"] not in ("spam", "benign"):
                    drops["skipped" if row["was_cancelled"] else f"verdict_{row['verdict'] or 'none'}"] += 1
                    continue
                votes.setdefault(row["doc_id"], Counter())[row["verdict"]] += 1
                if row["verdict"] == "spam" and row["family"]:
                    families.setdefault(row["doc_id"], Counter())[row["family"]] += 1
    out = {}
    for doc_id, counter in votes.items():
        (top, n), *rest = counter.most_common()
        if rest and rest[0][1] == n:
            drops["tied_verdicts"] += 1  # annotators split evenly: no label to learn from
            continue
        fam = families.get(doc_id, Counter()).most_common(1)
        out[doc_id] = (top, fam[0][0] if top == "spam" and fam else ("other" if top == "spam" else None))
    return out


def annotation_examples(annotation_dirs: list[str | Path], corpus_dir: str | Path) -> tuple[list[Example], Counter]:
    """Examples of annotated corpus rows (the row's stored body re-extracted, the annotators' majority label), and
    the annotations or documents left out, by reason."""
    import pyarrow.compute as pc

    from corpus.store import open_corpus
    from corpus.page.row import PageInput, PageRejected, extract_page

    drops: Counter = Counter()
    labels = _verdicts([Path(d) for d in annotation_dirs], drops)
    if not labels:
        return [], drops
    corpus = open_corpus(corpus_dir)
    columns = ["doc_id", "url", "final_url", "status", "content_type", "body", "fetched_at", "campaign_id"]
    dataset = corpus.dataset()
    names = [c for c in columns if c in dataset.schema.names]
    # through the store: a damaged shard raises CorruptShard naming it, not a bare Arrow error
    table = corpus.read(columns=names, filter=pc.field("doc_id").isin(sorted(labels)))
    examples = []
    for row in table.to_pylist():
        verdict, family = labels[row["doc_id"]]
        page = PageInput(url=row["url"], final_url=row["final_url"], status=row["status"],
                         headers={"content-type": row.get("content_type") or ""}, body=row["body"] or b"",
                         fetched_at=row["fetched_at"], crawl_job="train", run_id="train")
        try:
            extracted = extract_page(page)
        except PageRejected as exc:  # a stored body that no longer extracts teaches nothing
            drops[f"extraction_{exc.reason}"] += 1
            continue
        examples.append(Example(id=row["doc_id"], view=view_of(extracted), spam=verdict == "spam", family=family,
                                group="campaign:" + (row.get("campaign_id") or row["doc_id"]), lang=extracted.lang,
                                source="annotations"))
    drops["not_in_corpus"] += len(labels) - len(table)
    return examples, +drops
