"""A release built from a real crawl of the sample web: its platform accounts give leak-free splits near the targets."""
from __future__ import annotations

import shutil
from collections import Counter, defaultdict

import pytest

from corpus.campaigns import assign_campaigns
from corpus.release.build import ReleaseConfig, build_release
from corpus.release.resolve import LabelPolicy
from corpus.release.splits import (HANDLE_KINDS, SHARED_PLATFORMS, SPLIT_NAMES, SplitConfig, connected_groups,
                                   group_keys, read_platforms, site_of)
from corpus.release.stats import hub_sites
from corpus.release.table import read_release_table
from corpus.release.verify import verify_release
from spamcorpus.sample_web import PLATFORMS_FILE
from tests.crawler.conftest import CRAWL_GROUP

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(CRAWL_GROUP)]
TARGETS = {"train": 0.8, "validation": 0.1, "test": 0.1}


def _keys(row: dict, site: str) -> list[str]:
    return group_keys(row["campaign_id"], row["contacts"], site, HANDLE_KINDS)


def test_release_of_the_crawl_has_real_leak_free_splits(full_crawl, sample_server, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(full_crawl.corpus, corpus)  # the shared crawl stays ungrouped for the other tests
    assign_campaigns(corpus)
    config = ReleaseConfig(name="sample-web", version="0.1.0", policy=LabelPolicy(include_silver=True),
                           splits=SplitConfig(shared_platforms=read_platforms(PLATFORMS_FILE)))
    result = build_release(corpus, None, tmp_path / "releases", config)  # no annotations: silver labels only
    web = sample_server.web
    n = result.rows
    assert n == len(web.pages())  # silver labels: every crawled document is released
    shares = {s: result.splits.get(s, 0) / n for s in SPLIT_NAMES}
    print(f"\nrelease of the sample web: {n} documents, " + ", ".join(
        f"{s} {result.splits.get(s, 0)} ({shares[s]:.3f})" for s in SPLIT_NAMES)
          + f"; {result.stats['grouping']['groups']} groups, largest {result.stats['grouping']['largest_group']}")
    for split, target in TARGETS.items():
        assert result.splits.get(split, 0) > 0 and abs(shares[split] - target) <= 0.08, (split, shares)
    report = verify_release(result.path)
    assert report.ok and report.rows == n, report.problems

    rows = read_release_table(result.path, ["doc_id", "url", "host", "site", "campaign_id", "contacts",
                                            "verdict"]).to_pylist()
    # the release's sites are the accounts (or posts) the generator put the pages under
    truth = web.by_doc_id()
    assert all(r["site"] == truth[r["doc_id"]].site for r in rows)
    splits_of: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for key in _keys(r, r["site"]):
            splits_of[key].add(r["split"])
    crossing = {k.replace("\x00", ":"): v for k, v in splits_of.items() if len(v) > 1}
    assert not crossing, list(crossing.items())[:5]
    assert any(k.startswith("handle") for k in splits_of) and any("/u/" in k for k in splits_of)
    # a split to evaluate on holds both classes: the small operations of a family go to other splits than the
    # big ones, as they would in a corpus of many sellers
    verdicts = {s: Counter(r["verdict"] for r in rows if r["split"] == s) for s in SPLIT_NAMES}
    assert all(v["spam"] and v["benign"] for v in verdicts.values()), verdicts

    # without the platform file every host is one site, and the whole crawl welds into (nearly) one group
    by_host = [{**r, "site": site_of(r["url"], r["host"], SHARED_PLATFORMS)} for r in rows]
    welded = connected_groups([_keys(r, r["site"]) for r in by_host])
    assert Counter(welded).most_common(1)[0][1] >= 0.9 * n
    # and the build's warning then names the platform hosts that weld it
    hubs = hub_sites(by_host, welded)
    assert hubs and all(site.startswith("127.0.0.") and campaigns >= 3 for site, campaigns in hubs), hubs
