"""One host list: every messenger and shortener host the signals name is a contact link and never a promoted site."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from corpus.contacts import hosts
from corpus.contacts.domains import domain_normal
from corpus.contacts.kinds import count_placeholders, is_placeholder
from corpus.contacts.links import classify_url
from corpus.signals import explain, features


def test_signals_read_the_contacts_host_lists():
    assert features.MESSAGING_HOSTS is hosts.MESSAGING_HOSTS and features.SHORTENERS is hosts.SHORTENERS


@pytest.mark.parametrize("host", sorted(hosts.MESSAGING_HOSTS | hosts.SHORTENERS))
def test_every_listed_host_makes_a_contact_link(host):
    path = {"wa.me": "/971501234567", "api.whatsapp.com": "/send?phone=971501234567"}.get(host, "/abc_12345")
    urls = [f"https://{host}{path}"] + ([f"https://www.{host}{path}"] if host.count(".") == 1 else [])
    for url in urls:
        assert classify_url(url) is not None, url


@pytest.mark.parametrize("host", sorted(hosts.SHORTENERS))
def test_a_shortener_is_never_a_promoted_site(host):
    assert domain_normal(f"https://{host}/x1y2z3") is None


def test_messaging_link_signal_fires_on_listed_hosts_only():
    spam = explain("", "join us", links=["https://t.me/hy8866kefu", "https://signal.group/abc"])
    assert spam["messaging_link"] == 1.0
    assert explain("", "docs", links=["https://t.me/botfather", "https://example.org/t.me"])["messaging_link"] == 0.0


@pytest.mark.parametrize(("text", "count"), [
    ("set @your_channel and user@example.com", 2), ("call 555-0142 for a demo", 1), ("<your_token> here", 1),
    ("客服 @hy8866kefu 或 bob.chen@gmail.com", 0), ("@media screen and (max-width: 600px)", 0),
])
def test_placeholder_signal_uses_the_extractors_rules(text, count):
    assert count_placeholders(text.lower()) == count
    assert is_placeholder("telegram", "your_channel") and not is_placeholder("telegram", "hy8866kefu")



_STAND_IN_PIECES = st.sampled_from(["@your_channel", "user@example.com", "555-0142", "5550199", "<your_token>",
                                    "<bot>", "xxxxx", "123456789", "your-handle", "Your_Bot", " ", "\n", "@", "x"])


@given(st.lists(st.one_of(st.text(max_size=12), _STAND_IN_PIECES), max_size=12))
def test_the_substring_shortcut_counts_what_the_full_scan_does(pieces):
    # count_placeholders skips the regex scan when none of its branches' literals is in the text; "" is in every
    # text, so with it as the only literal the scan always runs
    from unittest import mock

    from corpus.contacts import kinds

    low = "".join(pieces).lower()
    with mock.patch.object(kinds, "_STAND_IN_NEEDS", ("",)):
        scanned = count_placeholders(low)
    assert count_placeholders(low) == scanned
