"""Campaigns of real operations: template lines, tokens, domains and short links join posts whose bodies differ; boilerplate does not."""
from __future__ import annotations

import random

import numpy as np
import pytest

from bench.campaigns_realworld import (benign_lookalikes, fixture_figures, fixture_rows, gambling_operation, group,
                                       pair_scores, prose, real_rows)
from corpus.campaigns import CampaignConfig, assign_campaigns, read_campaigns
from corpus.campaigns.grouping import key_edges
from corpus.campaigns.keys import contact_keys, rare_tokens, row_keys, site_of, template_lines
from corpus.contacts import is_placeholder
from corpus.store import CorpusStore
from tests.conftest import make_row

CFG = CampaignConfig()


@pytest.fixture(scope="module")
def real():
    from corpus.realworld import RealWorldError, load_realworld, rule_holdout

    try:
        docs = [d for d in load_realworld() if d.label != "borderline"]
    except RealWorldError as exc:
        pytest.skip(str(exc))
    dev = [d for d in docs if not rule_holdout(d)]  # the holdout is for the bench, run once
    rows = real_rows(dev)
    return dev, rows


def _dev_scores(real, config=None):
    docs, rows = real
    got, _run = group(rows, config)
    return pair_scores({r["doc_id"]: d.campaign for d, r in zip(docs, rows)}, got)


def test_real_development_part_precision_and_recall(real):
    s = _dev_scores(real)
    print(f"\nreal set, development part: {s}")
    assert s["precision"] >= 0.9
    # 5 of the 6 true pairs: the sixth (two AI-written warez READMEs of different accounts, download badges to
    # each account's own github.io page) shares no contact, domain, template line or token
    assert s["recall"] >= 0.83


@pytest.mark.xfail(strict=True, reason="one of the six development pairs shares no key (see the test above)")
def test_real_development_part_reaches_the_recall_floor(real):
    assert _dev_scores(real)["recall"] >= 0.9


def test_real_development_part_without_the_spam_gate(real):
    """The detector was trained on this set: with every row treated as spam the keys alone must stay precise."""
    s = _dev_scores(real, CampaignConfig(link_min_spam_score=0.0, key_min_spam_score=0.0))
    print(f"\nreal set, development part, gate-free: {s}")
    assert s["precision"] >= 0.9 and s["recall"] >= 0.83


def test_invented_operations_land_in_one_campaign_and_look_alikes_stay_apart():
    f = fixture_figures()
    print(f"\nfixtures: {f}")
    assert f["largest_share"] == {"gambling": 1.0, "gambling2": 1.0, "warez": 1.0}
    assert f["pairs"]["false_pairs"] == 0 and f["benign_joined"] == 0
    before = fixture_figures(CampaignConfig(op_keys=False))  # MinHash and contacts only: the operation falls apart
    assert before["largest_share"]["gambling"] < 0.5 and before["largest_share"]["warez"] < 0.5


def test_incremental_runs_equal_a_full_recompute(tmp_path):
    rows, _truth = fixture_rows()
    rows = rows[::2] + rows[1::2]  # operations arrive interleaved, over several runs
    store = CorpusStore(tmp_path)
    for lo in range(0, len(rows), 17):
        store.commit(rows[lo:lo + 17])
        assign_campaigns(tmp_path)
    incremental = read_campaigns(tmp_path).sort_by("doc_id")
    assign_campaigns(tmp_path, full=True)
    assert read_campaigns(tmp_path).sort_by("doc_id").equals(incremental)


def test_template_lines_mask_rotated_mirrors_and_skip_boilerplate():
    a = template_lines("t", "【官网 hy8866●vip】鸿运国际娱乐城 最新官方网址 注册即送彩金\n正文", CFG)
    b = template_lines("t", "【官网 hy9966●vip】鸿运国际娱乐城 最新官方网址 注册即送彩金\n别的正文", CFG)
    assert a and a[0][0] == b[0][0] and a[0][1] != b[0][1]  # same shape, different exact line
    boilerplate = "\n".join([
        "# mytool", "Build Status npm version License: MIT", "## Installation", "npm install mytool",
        "This project is licensed under the MIT License - see the LICENSE file for details.",
        "Questions? Open an issue at https://github.com/someone/mytool/issues",
        "import { ChakraProvider } from '@chakra-ui/react'", "Made with love by @someone", "Telegram: @someone"])
    lines = template_lines("mytool", boilerplate, CFG)
    assert [m for m, _e in lines if m] == []  # no shape: nothing that would join two authors
    assert [e for _m, e in lines] == ["made with love by @someone"]  # exact: this author's pages only


def test_rare_tokens_are_random_ids_not_technical_words():
    text = ("utf8 sha256 x86_64 h264 v2 win64 2024 d90429 088440d910mshXXXXXXXXXXXX "
            "da39a3ee5e6b4b0d3255bfef95601890afd80709 /m/033_l8 8cf37b1e13")
    assert rare_tokens("", text, CFG) == ["033_l8", "8cf37b1e13"]


def _relayed_mail(seed: int, pitch: str) -> str:
    """A spam mail as a list archive keeps it: the relay's trace headers (one server prefix on every mail it
    relays, folded continuation lines), then the operation's own text."""
    rng = random.Random(seed)
    ids = ["".join(rng.choice("0123456789abcdef") for _ in range(11)) for _ in range(3)]
    return (f"Received: by mail-yb1-xb4{seed}.google.com with SMTP id 3f1490d57ef6-{ids[0]}sf1267.1\n"
            f"        for <lists+dev@lfdr.de>; Tue, 27 Aug 2024\n"
            f"X-Received: by 2002:a05:6902:724:b0:e16 with SMTP id 3f1490d57ef6-{ids[1]}mr129.20;\n"
            f"X-Google-Smtp-Source: AGHT+IFEq{ids[2]}Kz9mZ\n"
            f"Message-ID: <CAF{ids[2]}q7x@mail.gmail.com>\n"
            f"Subject: {pitch}\n\n{pitch}\n{prose(rng, 4)}")


def test_mail_trace_ids_are_not_operation_tokens_and_join_no_two_operations():
    # two operations' mails relayed by the same server share its SMTP id prefix, and nothing else
    drugs, notes = _relayed_mail(1, "Order pills, ref code a7k29x41q"), _relayed_mail(2, "Fake notes, batch 88zq3w1")
    assert "3f1490d57ef6" not in rare_tokens("", drugs, CFG)
    assert "a7k29x41q" in rare_tokens("", drugs, CFG)  # the operation's own code still counts
    keys = [set(row_keys("", t, [], 0.9, CFG, is_placeholder, f"https://lists.example.org/{i}")[0])
            for i, t in enumerate((drugs, notes))]
    assert not keys[0] & keys[1]


def test_contact_keys_skip_generic_own_and_placeholder_sites():
    contacts = [{"kind": k, "value": v, "where": "text"} for k, v in [
        ("domain", "hy8866.vip"), ("domain", "npmjs.com"), ("domain", "docs.github.com"), ("domain", "2025-03-28.by"),
        ("domain", "example.com"), ("domain", "myblog.net"), ("url", "https://bit.ly/bewildcard"),
        ("url", "https://wa.me/$"), ("url", "https://forum.example.org/t/1406"), ("telegram", "seller")]]
    assert contact_keys(contacts, CFG, is_placeholder, "www.myblog.net") == [
        "domain:hy8866.vip", "url:https://bit.ly/bewildcard"]


def test_sites_are_accounts_on_code_hosts():
    assert site_of("https://github.com/Qx7k2m/notes/blob/main/a.md", CFG) == "github.com/qx7k2m"
    assert site_of("https://raw.githubusercontent.com/qx7k2m/x/main/a.md", CFG) == "raw.githubusercontent.com/qx7k2m"
    assert site_of("https://www.blog.example/p/1", CFG) == "blog.example"


def test_masked_lines_key_spam_rows_only():
    text = "Star this repo if you find it useful! Follow me on Twitter @someone for updates and release notes"
    spam, _ = row_keys("t", text, [], 0.9, CFG, is_placeholder)
    benign, _ = row_keys("t", text, [], 0.1, CFG, is_placeholder)
    assert any(k.startswith("line:") for k in spam) and not any(k.startswith("line:") for k in benign)
    assert [k for k in benign if k.startswith("exact:")] == [k for k in spam if k.startswith("exact:")]


def _edges(pos, sites, spam, new_start=0, max_sites=0, share=0.0):
    n = len(pos)
    return key_edges(np.asarray(pos, np.int64), np.full(n, 7, np.uint64), np.asarray(sites, np.uint64),
                     np.asarray(spam, bool), new_start, max_sites, share).tolist()


def test_key_edges_need_a_spam_anchor_and_respect_the_caps():
    assert _edges([0, 1, 2], [1, 2, 3], [False, False, False]) == []  # benign pages never join each other
    assert _edges([0, 1, 2], [1, 2, 3], [False, True, False]) == [[0, 1], [2, 1]]  # earlier benign joins later spam
    assert _edges([0, 1, 2, 3], [1, 2, 3, 4], [True] * 4, max_sites=2) == [[1, 0]]  # third site: stops joining
    assert _edges([0, 1, 2, 3], [1, 1, 1, 2], [True] * 4, max_sites=2) == [[1, 0], [2, 0], [3, 0]]  # same site
    # one false positive among benign pages that share a line: the key is mostly benign, nothing joins
    assert _edges([0, 1, 2, 3], [1, 2, 3, 4], [False, False, True, False], share=0.5) == []
    # incremental: only edges whose later end is new
    assert _edges([0, 1, 2], [1, 2, 3], [True] * 3, new_start=2) == [[2, 0]]


def test_a_key_on_too_many_sites_stops_joining(tmp_path):
    rows = [make_row(f"https://github.com/acct{i}/r/blob/main/README.md",
                     f"{prose(random.Random(i), 6)}\nref q7x9z2k4", score=0.9,
                     title=f"page {i}") for i in range(8)]
    CorpusStore(tmp_path).commit(rows)
    assign_campaigns(tmp_path, CampaignConfig(key_max_sites=5))
    t = read_campaigns(tmp_path)
    sizes = sorted(t.column("campaign_size").to_pylist(), reverse=True)
    assert sizes[:5] == [5] * 5 and sizes[5:] == [1, 1, 1]


def test_benign_lookalikes_with_a_detector_false_positive_stay_apart():
    rows = benign_lookalikes() + gambling_operation(6)
    got, _run = group(rows)
    benign = {r["doc_id"] for r in rows[:24]}
    assert len({got[d] for d in benign}) == len(benign)
