"""Detector transfer: candidates trained on the whole real-world set, scored side by side on text the set does not hold.

Two labelled sets that no candidate trains on:
- the sample web's articles (the crawl tests' synthetic web, each page extracted as the crawler extracts it);
- the project's hand-written set (bench/devset/*.jsonl, contacts and links read as `spamcorpus evaluate` reads them).
Both are the project's own writing, so their figures say how far a model's judgement carries beyond the real set,
not how accurate it is on the web. Candidates, each fitted
on all 223 scored real documents in this run: the shipped regression (train_model, as `spamcorpus train` builds
it), the boosted-trees candidate (corpus/detector/stack.py), the mean of the two, and the plain char n-gram baseline of
the release card.
Every probability is cut at 0.5. Writes bench/results/detector_transfer.json.

    .venv/bin/python bench/detector_transfer.py
"""
from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def sample_web_examples() -> list:
    from urllib.parse import urlsplit

    from corpus.detector.features import DocumentView
    from corpus.detector.train import Example
    from corpus.page.row import PageInput, extract_page
    from spamcorpus.sample_web import generate

    web, out = generate(), []
    for truth in web.pages():
        if truth.kind != "article":
            continue
        parts = urlsplit(truth.url)
        resource = web.lookup(parts.hostname, parts.path)
        page = extract_page(PageInput(url=truth.url, final_url=truth.url, status=200,
                                      headers={"content-type": resource.content_type or ""}, body=resource.body,
                                      fetched_at=datetime.now(timezone.utc), crawl_job="transfer", run_id="transfer"))
        view = DocumentView(page.title, page.text, page.boilerplate, list(page.contacts), list(page.links), page.lang,
                            page.doc_format)
        out.append(Example(truth.url, view, bool(truth.spam), group=truth.url))
    return out


def devset_examples() -> list:
    from corpus.detector.features import DocumentView
    from corpus.detector.train import Example
    from corpus.evaluate import document_contacts
    from corpus.labelled_sets import load_labelled

    docs, _ = load_labelled(sorted((HERE / "devset").glob("*.jsonl")))
    return [Example(doc.id, DocumentView(doc.title, doc.text, "", document_contacts(doc), list(doc.links), doc.lang),
                    doc.spam, group=doc.id, hard_negative=doc.hard_negative and not doc.spam) for doc in docs]


def candidates(real: list) -> dict:
    """name -> f(examples) -> probability, each fitted on `real`."""
    from corpus.detector.stack import NGRAMS, dense_matrix, fit_stack, stack_decision
    from corpus.detector.train import Design, train_model
    from corpus.release.baseline import baseline_text, plain_ngram_classifier

    model = train_model(real)
    stack = fit_stack(real, design=Design(real, NGRAMS))
    vec, plain = plain_ngram_classifier()
    plain.fit(vec.fit_transform([baseline_text(ex.view.title, ex.view.text) for ex in real]), [ex.spam for ex in real])
    def trees(exs):
        return 1 / (1 + np.exp(-stack_decision(stack, Design(exs, NGRAMS), dense_matrix(exs), np.arange(len(exs)))))

    def shipped(exs):
        return np.array([model.probability(model.decision(ex.view)[0]) for ex in exs])

    return {
        "plain char_wb 1-3-gram TF-IDF + LR (release baseline)": lambda exs: plain.predict_proba(
            vec.transform([baseline_text(ex.view.title, ex.view.text) for ex in exs]))[:, 1],
        "boosted trees over out-of-fold n-gram log-odds + dense (not shipped)": trees,
        "mean of the detector's and the boosted trees' probabilities (not shipped)": lambda exs: (
            shipped(exs) + trees(exs)) / 2,
        f"detector: n-grams + dense (shipped kind, {model.version})": shipped,
    }


def scores(prob: np.ndarray, examples: list) -> dict:
    from corpus.detector.crossval import metrics
    from corpus.intervals import wilson

    y = np.array([ex.spam for ex in examples])
    hard = np.array([ex.hard_negative for ex in examples])
    pred = prob >= 0.5
    m = metrics(pred, y, hard)
    return {"documents": len(examples), "spam": int(y.sum()), "precision": round(m["precision"], 4),
            "recall": round(m["recall"], 4), "f1": round(m["f1"], 4), "false_positives": m["fp"],
            "benign": int((~y).sum()), "false_positive_share_95": wilson(m["fp"], int((~y).sum())),
            "hard_negatives_flagged": f"{int((pred & hard).sum())}/{int(hard.sum())}"}


def main() -> dict:
    from corpus.detector.data import realworld_examples
    from corpus.realworld import REALWORLD_SHA256

    start = time.time()
    real, _ = realworld_examples()
    sets = {"sample web articles": sample_web_examples(), "hand-written set (bench/devset)": devset_examples()}
    table = {}
    for name, predict in candidates(real).items():
        table[name] = {set_name: scores(predict(exs), exs) for set_name, exs in sets.items()}
        print(name)
        for set_name, s in table[name].items():
            print(f"  {set_name:<34} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
                  f"false positives {s['false_positives']}/{s['benign']} (95 % Wilson "
                  f"{s['false_positive_share_95'][0]:.0%}-{s['false_positive_share_95'][1]:.0%})  "
                  f"hard negatives {s['hard_negatives_flagged']}")
    result = {"benchmark": "detector_transfer", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "trained_on": {"realworld_sha256": REALWORLD_SHA256, "documents": len(real)},
              "candidates": table, "seconds": round(time.time() - start, 1)}
    out = HERE / "results" / "detector_transfer.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
