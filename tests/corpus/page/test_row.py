"""Page objects on saved fixtures: inputs/ (body + meta.json) -> output.json; rows fit the schema.

Regenerate expectations after a reviewed change with
    SPAMCORPUS_UPDATE_FIXTURES=1 .venv/bin/python -m pytest tests/corpus/page/test_row.py
and read the diff of every output.json before committing it.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from corpus.schema import rows_to_table, validate_row
from corpus.page.row import PageInput, PageRejected, build_row, extract_page

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "inputs" / "meta.json").is_file())
UPDATE = os.environ.get("SPAMCORPUS_UPDATE_FIXTURES") == "1"
EXCERPT = 160


def load_input(case: str) -> PageInput:
    inputs = FIXTURES / case / "inputs"
    meta = json.loads((inputs / "meta.json").read_text(encoding="utf-8"))
    return PageInput(url=meta["url"], final_url=meta.get("final_url", meta["url"]), status=meta["status"],
                     headers={k.lower(): v for k, v in meta["headers"].items()},
                     body=(inputs / meta["body"]).read_bytes(),
                     fetched_at=datetime(2026, 11, 1, tzinfo=timezone.utc), crawl_job="fixtures", run_id="test")


def observed(case: str) -> dict:
    ex = extract_page(load_input(case))
    return {
        "title": ex.title, "doc_format": ex.doc_format, "encoding": ex.encoding,
        "encoding_source": ex.encoding_source, "lang": ex.lang, "script": ex.script,
        "contacts": [c.as_row() for c in ex.contacts], "links": ex.links,
        "text_excerpt": ex.text[:EXCERPT], "text_sha256": hashlib.sha256(ex.text.encode()).hexdigest(),
        "boilerplate_excerpt": ex.boilerplate[:EXCERPT],
    }


def test_enough_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_fixture(case):
    got = observed(case)
    expected_file = FIXTURES / case / "output.json"
    if UPDATE:
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert got == expected


def test_scripts_styles_templates_do_not_leak():
    ex = extract_page(load_input("scripts_and_styles"))
    page = ex.title + ex.text + ex.boilerplate
    for leak in ("SCRIPT TEXT", "UA-0000", "template_handle", "noscript_handle", "script_only_handle", "888 000"):
        assert leak not in page
    assert [c.value for c in ex.contacts] == ["+16463962817"]


def test_footer_contact_is_found_outside_the_main_text():
    ex = extract_page(load_input("footer_only_contact"))
    assert "growfast_smm" not in ex.text and "growfast_smm" in ex.boilerplate
    assert {(c.kind, c.value, c.where) for c in ex.contacts} >= {("telegram", "growfast_smm", "boilerplate")}


@pytest.mark.parametrize("case", CASES)
def test_rows_fit_the_schema(case):
    row = build_row(load_input(case))
    validate_row(row)
    table = rows_to_table([row])
    assert table.num_rows == 1
    assert 0.0 <= row["spam_score"] <= 1.0
    assert row["text_sha256"] == hashlib.sha256(row["text"].encode()).hexdigest()


def test_spam_scores_above_benign():
    spam = build_row(load_input("zh_hans_spam_utf8"))["spam_score"]
    benign = build_row(load_input("contact_page_qq_email"))["spam_score"]
    assert spam > benign


def page(body: bytes, ctype: str) -> PageInput:
    return PageInput(url="https://a.example/x", final_url="https://a.example/x", status=200,
                     headers={"content-type": ctype}, body=body, fetched_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
                     crawl_job="t", run_id="r")


@pytest.mark.parametrize("body,ctype,reason", [
    (b"\x89PNG\r\n\x1a\n", "image/png", "unsupported_content_type"),
    (b"%PDF-1.7", "application/pdf", "unsupported_content_type"),
    (b"   \n ", "text/html", "empty_body"),
    (b"<html><head><script>x()</script></head><body>  </body></html>", "text/html", "empty_text"),
])
def test_rejections_carry_a_reason(body, ctype, reason):
    with pytest.raises(PageRejected) as err:
        extract_page(page(body, ctype))
    assert err.value.reason == reason


def test_a_site_declaring_its_own_address_is_not_promoting_it():
    head = ('<html><head><link rel="canonical" href="https://www.{site}/guide">'
            '<meta property="og:url" content="https://{site}/guide"></head>'
            "<body><p>How to water shade plants in a dry summer.</p></body></html>")
    at_home = PageInput(url="https://greencorner.org/guide", final_url="https://greencorner.org/guide", status=200,
                        headers={"content-type": "text/html"}, body=head.format(site="greencorner.org").encode(),
                        fetched_at=datetime(2026, 11, 1, tzinfo=timezone.utc), crawl_job="t", run_id="r")
    assert [c for c in extract_page(at_home).contacts if c.kind == "domain"] == []
    # the same page fetched from elsewhere (a copy pushed to a code host) names a site that is not the host's
    elsewhere = extract_page(page(head.format(site="greencorner.org").encode(), "text/html"))
    assert [(c.kind, c.value) for c in elsewhere.contacts] == [("domain", "greencorner.org")]
    # a declared address that is not a URL, or a reply-to that is not an address, gives nothing
    junk = ('<html><head><link rel="canonical" href="javascript:alert(1)"><meta name="reply-to" content="webmaster">'
            "</head><body><p>Text.</p></body></html>")
    assert extract_page(page(junk.encode(), "text/html")).contacts == []


def test_a_number_written_under_its_whatsapp_link_is_not_also_a_phone():
    md = ("# Loja de contas\n\n## Contato\n\n- [WhatsApp](https://wa.me/351912345678)\n- Número: +351 912 345 678\n"
          "- Outro atendimento: +351 213 456 789\n")
    found = [(c.kind, c.value) for c in extract_page(page(md.encode(), "text/markdown")).contacts]
    assert sorted(found) == [("phone", "+351213456789"), ("whatsapp", "+351912345678")]
    # without the link the written number is a phone, as before
    plain = md.replace("[WhatsApp](https://wa.me/351912345678)", "WhatsApp em breve")
    found = [(c.kind, c.value) for c in extract_page(page(plain.encode(), "text/markdown")).contacts]
    assert sorted(found) == [("phone", "+351213456789"), ("phone", "+351912345678")]


@pytest.mark.parametrize("url,final_url", [
    ("http://Shop.Example:80/a/../p?utm_source=x&b=2&a=1#top", "http://Shop.Example:80/a/../p?utm_source=x&b=2&a=1#top"),
    ("http://127.0.0.1:8000/old", "https://BÜCHER.example/neu/./seite?z=1&a=2"),
])
def test_row_ids_are_those_of_the_canonical_urls(url, final_url):
    from corpus.ids import canonicalize_url, doc_id, host_of

    page = load_input("zh_hans_spam_utf8")
    row = build_row(PageInput(url=url, final_url=final_url, status=200, headers=page.headers, body=page.body,
                              fetched_at=page.fetched_at, crawl_job="fixtures", run_id="test"))
    assert row["doc_id"] == doc_id(final_url)
    assert (row["url"], row["final_url"]) == (canonicalize_url(url), canonicalize_url(final_url))
    assert row["host"] == host_of(final_url)


# Pieces of what hostile pages are made of: markup, Markdown syntax, obfuscated contacts, bidi and zero-width
# characters, scripts, addresses a crawler must refuse; the generator glues them to random text.
_PIECES = ["<html>", "<title>", "</title>", '<meta property="og:url" content="', '<link rel=canonical href="', '">',
           '<a href="', "</a>", "<script>", "</script>", "<pre><code>", "</code></pre>", '<base href="', "<!--", "-->",
           "https://t.me/", "tg://resolve?domain=", "mailto:", "tel:+", "weixin://", "wa.me/", "javascript:",
           "http://169.254.169.254/", "http://[::1]/", "xn--", "[", "](", ")", "![", "```", "\n", "# ", "> ", "- ",
           "【Q-——", "——】", "《", "》", "●", "点", ".vip", "扣扣", "薇", "V信", "纸飞机", "@", "TG", "+86 138 0013 8000",
           "８８８", "\u200b", "\u202e", "\ufeff", "\x00", "e\u0301", "&#x", "&amp;", "%2F", "?utm_source=x&", "<?php",
           "import x\n", "流量卡续费", "casino", "Русский", "ไทย", "العربية"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=10)), max_size=50).map("".join),
       st.sampled_from(["text/html", "text/html; charset=gbk", "text/markdown", "text/plain; charset=shift_jis",
                        "text/x-markdown; charset=utf-16", "text/plain", ""]),
       st.sampled_from(["https://a.example/x", "https://a.example/README.md", "https://a.example/x.py"]),
       st.sampled_from(["utf-8", "gbk", "utf-16", "latin-1"]), st.binary(max_size=6))
def test_any_page_is_a_valid_row_or_a_reasoned_rejection(text, ctype, url, encoding, junk):
    body = junk + text.encode(encoding, "replace")
    try:
        row = build_row(PageInput(url=url, final_url=url, status=200, headers={"content-type": ctype}, body=body,
                                  fetched_at=datetime(2026, 11, 1, tzinfo=timezone.utc), crawl_job="t", run_id="r"))
    except PageRejected as rejected:
        assert rejected.reason in ("empty_body", "empty_text")
        return
    validate_row(row)
    assert rows_to_table([row]).num_rows == 1
    assert 0.0 <= row["spam_score"] <= 1.0
