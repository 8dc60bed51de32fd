"""Campaign grouping of a real crawl of the sample web, scored against the generator's campaigns pair by pair."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from itertools import combinations

import pytest
from click.testing import CliRunner

from corpus.campaigns import read_campaigns
from corpus.ids import doc_id
from tests.crawler.conftest import CRAWL_GROUP

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]


def pair_scores(truth: dict[str, str | None], predicted: dict[str, str]) -> tuple[float, float, Counter]:
    """Pair precision and recall of `predicted` (doc -> campaign id) against `truth` (doc -> expected campaign,
    None for a benign page). Pairs with at least one spam page count; two benign pages grouped together are left
    out (benign templates are near-duplicates too, and the truth says nothing about them). Also: the wrong pairs,
    by the truth campaigns involved."""
    tp = fp = fn = 0
    wrong: Counter = Counter()
    for a, b in combinations(sorted(truth), 2):
        ta, tb = truth[a], truth[b]
        if ta is None and tb is None:
            continue
        same_truth, same_predicted = ta is not None and ta == tb, predicted[a] == predicted[b]
        tp += same_truth and same_predicted
        fp += same_predicted and not same_truth
        fn += same_truth and not same_predicted
        if same_truth != same_predicted:
            wrong[("merged" if same_predicted else "split", *sorted((str(ta), str(tb))))] += 1
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), wrong


def test_pair_scores_count_what_they_say():
    truth = {"a": "c1", "b": "c1", "c": "c2", "d": None}
    assert pair_scores(truth, {"a": "x", "b": "x", "c": "y", "d": "z"})[:2] == (1.0, 1.0)
    precision, recall, wrong = pair_scores(truth, {"a": "x", "b": "y", "c": "y", "d": "y"})
    # predicted pairs b-c, b-d, c-d: all wrong; the true pair a-b is missed
    assert (precision, recall) == (0.0, 0.0) and wrong[("split", "c1", "c1")] == 1
    assert pair_scores(truth, {"a": "x", "b": "x", "c": "x", "d": "w"})[:2] == (1 / 3, 1.0)


def test_campaigns_of_the_crawl_match_the_truth(full_crawl, sample_server, tmp_path):
    """`spamcorpus campaigns` on the crawl finds the generator's campaigns: campaigns whose sellers share a handle
    count as one (PageTruth.campaign_group), every other campaign stands alone."""
    from spamcorpus.cli import main

    corpus = tmp_path / "corpus"
    shutil.copytree(full_crawl.corpus, corpus)  # the shared crawl stays ungrouped for the other tests
    result = CliRunner().invoke(main, ["campaigns", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["run"]["rows"] == len(sample_server.web.pages())
    predicted = {r["doc_id"]: r["campaign_id"] for r in read_campaigns(corpus).to_pylist()}
    # articles only: a listing page mixes the posts of several campaigns and has no campaign of its own
    truth = {doc_id(t.url): t.campaign_group for t in sample_server.web.pages() if t.kind == "article"}
    assert set(truth) <= set(predicted)
    precision, recall, wrong = pair_scores(truth, predicted)
    found = Counter(predicted[d] for d, g in truth.items() if g is not None)
    print(f"\ncampaign pairs over {len(truth)} articles: precision {precision:.3f} recall {recall:.3f}; "
          f"{len(set(truth.values()) - {None})} expected campaigns, spam in {len(found)} predicted; "
          f"wrong pairs: {wrong.most_common(4)}")
    assert precision >= 0.95 and recall >= 0.95, wrong.most_common(6)
