"""A raw mail served as a page is titled by its Subject, decoded; any other text keeps its first line."""
from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.page.extract import extract
from corpus.page.message import MAX_HEADER_CHARS, MAX_SUBJECT_CHARS, message_subject

MAIL = """Return-Path: <list-owner@lists.example.org>
Received: from relay.example.net (relay.example.net [192.0.2.7])
\tby mx.example.org with ESMTP id 4F2A; Mon, 2 Nov 2026 08:01:05 +0100
From: "Quick Loans" <offers@fastcash-loans.example>
To: dev-list@lists.example.org
Subject: =?UTF-8?B?5YCf5qy+5b+r6YCf5Yiw6LSm?= -- low
 interest, WhatsApp +44 7700 900123
Message-ID: <abc123@fastcash-loans.example>

Need money fast? Loans approved in 10 minutes. WhatsApp +44 7700 900123.
"""


def test_a_mail_is_titled_by_its_decoded_folded_subject():
    assert message_subject(MAIL) == "借款快速到账 -- low interest, WhatsApp +44 7700 900123"
    ex = extract(MAIL, base_url="https://lists.example.org/raw/1", doc_format="text")
    assert ex.title == "借款快速到账 -- low interest, WhatsApp +44 7700 900123"
    assert ex.text.startswith("Return-Path:")  # the headers stay text: contacts read their lines


def test_an_mbox_message_and_a_subject_first_header():
    mbox = "From offers@fastcash.example Mon Nov  2 08:01:05 2026\nSubject: Cash today\n\nbody"
    assert message_subject(mbox) == "Cash today"
    assert message_subject("Subject: first\nFrom: a@b.example\n\nbody") == "first"


def test_other_texts_are_no_mail():
    assert message_subject("From the start, renew your data card in three steps.\nSubject: none\n") is None
    assert message_subject("Date: 2026-11-02\nno subject in this block\n\nbody") is None
    assert message_subject("import requests\nSubject: x\n") is None
    assert extract("Hello there\nSubject: not a header\n", base_url="https://a.example/t.txt",
                   doc_format="text").title == "Hello there"


def test_undecodable_and_oversized_headers():
    assert message_subject("Subject: =?no-such-charset?q?Cheap_SIM?=\n\n") == "Cheap SIM"  # read as ASCII
    big = "Received: x\n" + ("X-Filler: " + "y" * 70 + "\n") * (MAX_HEADER_CHARS // 80) + "Subject: far down\n\nb"
    assert message_subject(big) is None  # past the header cap: not read
    assert message_subject("Subject: after the body\n") == "after the body"
    assert message_subject("Received: x\n\nSubject: in the body\n") is None


def test_a_hostile_subject_is_cut_before_decoding():
    # decoding grows faster than linearly in a header's encoded words: only MAX_SUBJECT_CHARS are decoded (a loose
    # bound: the whole header took 0.1-0.4 s, not a speed claim)
    page = "Subject: " + "=?utf-8?q?a?= " * 4000 + "\n folded on\n\nbody"
    start = time.process_time()
    subject = message_subject(page)
    assert time.process_time() - start < 0.05
    assert subject and set(subject) == {"a"} and len(subject) < MAX_SUBJECT_CHARS


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("Subject:From =?utf-8bq?\n\t ;<>@\"\\x\u00e9\u6d41"), max_size=150))
def test_any_header_like_text_gives_a_subject_or_none(text):
    subject = message_subject("Received: x\n" + text)
    assert subject is None or (isinstance(subject, str) and "\n" not in subject)
