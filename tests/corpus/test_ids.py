"""URL canonicalisation and doc_id: examples and properties."""
import string

import pytest
from hypothesis import given, strategies as st

from corpus.ids import InvalidURL, canonicalize_url, doc_id, host_of


@pytest.mark.parametrize("a,b", [
    ("HTTP://Example.COM:80/a/./b/../c?utm_source=x&b=2&a=1#frag", "http://example.com/a/c?a=1&b=2"),
    ("https://example.com:443", "https://example.com/"),
    ("https://example.com/%7Euser/", "https://example.com/~user/"),
    ("http://t.me/s/esim1088?fbclid=abc", "http://t.me/s/esim1088"),
    ("http://127.0.0.2:8080/x.md", "http://127.0.0.2:8080/x.md"),
    ("http://bücher.example/p", "http://xn--bcher-kva.example/p"),
])
def test_canonical_examples(a, b):
    assert canonicalize_url(a) == b


@pytest.mark.parametrize("bad", ["ftp://x/", "javascript:alert(1)", "mailto:a@b.c", "http://", "", "http://[::1"])
def test_invalid_urls_raise_typed_error(bad):
    with pytest.raises(InvalidURL):
        canonicalize_url(bad)


def test_doc_id_is_sha256_of_canonical_form():
    assert doc_id("http://EXAMPLE.com/a#x") == doc_id("http://example.com/a")
    assert doc_id("http://example.com/a") != doc_id("http://example.com/b")
    assert len(doc_id("http://example.com/")) == 64
    assert host_of("http://User@Example.COM:8080/x") == "example.com"


segment = st.text(alphabet=string.ascii_letters + string.digits + "-._~%!$&'()*+,;=:@ 中文", max_size=12)
urls = st.builds(
    lambda scheme, host, port, segs, q, frag: f"{scheme}://{host}{port}/" + "/".join(segs) + q + frag,
    st.sampled_from(["http", "https", "HTTP"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}", fullmatch=True),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(segment, max_size=4),
    st.sampled_from(["", "?b=2&a=1", "?utm_medium=x", "?q=%E4%B8%AD"]),
    st.sampled_from(["", "#top", "#"]),
)


@given(urls)
def test_canonicalisation_is_idempotent(url):
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once


@given(urls)
def test_fragment_and_tracking_never_change_doc_id(url):
    # leading and trailing spaces are not part of a URL (WHATWG strips them), so compare stripped forms
    base = url.split("#", 1)[0].strip()
    sep = "&" if "?" in base else "?"
    assert doc_id(base + sep + "utm_campaign=spam") == doc_id(base)
    assert doc_id(base + "#frag") == doc_id(base)


@given(st.text(max_size=60))
def test_arbitrary_strings_raise_only_invalid_url(s):
    try:
        canonicalize_url(s)
    except InvalidURL:
        pass
