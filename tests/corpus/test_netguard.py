"""Address policy: host parsing the way inet_aton and browsers do it, and the refusal of every spelling."""
from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv4Network, IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.netguard import (
    MalformedHost, address_refusal, classify_address, host_refusal, parse_host, parse_ipv4, url_refusal,
)

# The specification, written out independently of the module's tables (RFC 6890 and the IANA registry).
REFUSED_V4 = {
    "127.0.0.0/8": "loopback",
    "10.0.0.0/8": "private", "172.16.0.0/12": "private", "192.168.0.0/16": "private",
    "169.254.0.0/16": "link_local",
    "100.64.0.0/10": "cgnat",
    "0.0.0.0/8": "reserved", "192.0.0.0/24": "reserved", "192.0.2.0/24": "reserved",
    "192.88.99.0/24": "reserved", "198.18.0.0/15": "reserved", "198.51.100.0/24": "reserved",
    "203.0.113.0/24": "reserved", "224.0.0.0/4": "reserved", "240.0.0.0/4": "reserved",
}
REFUSED_V4_NETS = [(IPv4Network(n), r) for n, r in REFUSED_V4.items()]


def expected_v4(addr: IPv4Address) -> str | None:
    for net, reason in REFUSED_V4_NETS:
        if addr in net:
            return reason
    return None


# --- tables ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host,address", [
    ("127.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0X7F000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"), ("0177.0.0.01", "127.0.0.1"), ("0x7f.0x0.0.1", "127.0.0.1"),
    ("127.0.0.1.", "127.0.0.1"), ("0", "0.0.0.0"), ("0x", "0.0.0.0"), ("1.256", "1.0.1.0"),
    ("169.254.43518", "169.254.169.254"), ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
    ("２１３０７０６４３３", "127.0.0.1"), ("１２７。０。０。１", "127.0.0.1"), ("%31%32%37.1", "127.0.0.1"),
    ("[::1]", "::1"), ("::1", "::1"), ("[::ffff:169.254.169.254]", "::ffff:a9fe:a9fe"),
    ("[FE80::1%25eth0]", "fe80::1"), (" 127.0.0.1\n", "127.0.0.1"),  # inet_aton ignores trailing space
])
def test_parse_host_reads_every_numeric_spelling(host, address):
    assert parse_host(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.com", "localhost", "1.2.3.a", "xn--fiq228c.com", "0x7f.example", "0x1g"])
def test_domain_names_are_not_addresses(host):
    assert parse_host(host) is None


@pytest.mark.parametrize("host", [
    "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.2.65536", "4294967296", "08.0.0.1", "1..2.3",
    "example.123", "127.0.0.1 x", "127.0.0.1\x00", "[::1", "[1::2::3]", "[::ffff:999.1.1.1]",
])
def test_numeric_looking_hosts_that_are_no_address_are_malformed(host):
    with pytest.raises(MalformedHost):
        parse_host(host)
    assert host_refusal(host) == "malformed"


@pytest.mark.parametrize("host,reason", [
    ("127.1", "loopback"), ("2130706433", "loopback"), ("0x7f000001", "loopback"), ("017700000001", "loopback"),
    ("[::1]", "loopback"), ("[::ffff:127.0.0.1]", "loopback"), ("0.0.0.0", "reserved"), ("[::]", "reserved"),
    ("10.1.2.3", "private"), ("172.31.255.255", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link_local"), ("[::ffff:169.254.169.254]", "link_local"), ("[fe80::1]", "link_local"),
    ("100.64.0.1", "cgnat"), ("100.127.255.255", "cgnat"),
    ("[fd00::1]", "ipv6_local"), ("[fc12:3456::1]", "ipv6_local"), ("[fec0::1]", "ipv6_local"),
    ("224.0.0.1", "reserved"), ("255.255.255.255", "reserved"), ("240.0.0.1", "reserved"),
    ("[ff02::1]", "reserved"), ("[2001:db8::1]", "reserved"), ("[100::1]", "reserved"),
    ("[64:ff9b::a9fe:a9fe]", "link_local"), ("[64:ff9b::10.0.0.1]", "private"),
    ("[2002:a9fe:a9fe::1]", "link_local"), ("[2002:7f00:1::]", "loopback"),
    ("[::ffff:0:10.0.0.1]", "private"), ("[::10.0.0.1]", "private"), ("[::8.8.8.8]", "reserved"),
    ("[64:ff9b:1:a9fe:a9:fe00::]", "link_local"),
    ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "reserved"),  # Teredo, public ends: still refused
    ("[2001:0:4136:e378:8000:63bf:80ff:fffe]", "loopback"),  # Teredo client 127.0.0.1 (obfuscated)
    ("[4000::1]", "reserved"),
])
def test_refused_hosts(host, reason):
    assert host_refusal(host) == reason


@pytest.mark.parametrize("host", [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0",
    "169.253.255.255", "192.167.255.255", "223.255.255.255", "134744072", "[2606:4700::1111]",
    "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "[2002:808:808::1]", "example.com",
])
def test_public_hosts_pass(host):
    assert host_refusal(host) is None
    assert host_refusal(host, allow_loopback=True) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.255.255.254", "127.1", "[::1]", "[::ffff:127.0.0.1]"])
def test_allow_loopback_lifts_loopback(host):
    assert host_refusal(host) == "loopback"
    assert host_refusal(host, allow_loopback=True) is None


@pytest.mark.parametrize("host,reason", [
    ("0.0.0.0", "reserved"), ("10.0.0.1", "private"), ("169.254.169.254", "link_local"),
    ("100.64.0.1", "cgnat"), ("[fd00::1]", "ipv6_local"), ("[fe80::1]", "link_local"),
    ("[::ffff:169.254.169.254]", "link_local"), ("1.2.3.4.5", "malformed"),
])
def test_allow_loopback_lifts_nothing_else(host, reason):
    assert host_refusal(host, allow_loopback=True) == reason


@pytest.mark.parametrize("url,reason", [
    ("http://127.1/", "loopback"), ("http://user:pw@0x7f000001:8080/x", "loopback"),
    ("https://[::ffff:169.254.169.254]/latest/", "link_local"), ("http://10.0.0.1/", "private"),
    ("file:///etc/passwd", "scheme"), ("ftp://example.com/", "scheme"), ("gopher://127.0.0.1/", "scheme"),
    ("http:///path", "malformed"), ("http://[::1/", "malformed"), ("http://example.com/", None),
    ("HTTPS://Example.COM:443/a", None),
])
def test_url_refusal(url, reason):
    assert url_refusal(url) == reason


def test_classify_address_accepts_strings_and_zone_ids():
    assert classify_address("fe80::1%eth0") == "link_local"
    assert classify_address(IPv6Address("fe80::1%2")) == "link_local"
    assert address_refusal("127.0.0.1", allow_loopback=True) is None
    assert address_refusal("::1", allow_loopback=True) is None


# --- properties: every address of a refused network, in every spelling, is refused --------------------
def v4_spellings(addr: IPv4Address) -> st.SearchStrategy[str]:
    """Textual forms of one IPv4 address that inet_aton, getaddrinfo or a browser read as that address."""
    n = int(addr)
    b = list(addr.packed)

    def radix(value: int, kind: str) -> str:
        return {"dec": str(value), "hex": hex(value), "HEX": "0X" + format(value, "X"),
                "oct": "0" + format(value, "o") if value else "0"}[kind]

    kinds = st.sampled_from(["dec", "hex", "HEX", "oct"])
    four = st.tuples(*[kinds] * 4).map(lambda k: ".".join(radix(b[i], k[i]) for i in range(4)))
    three = st.tuples(*[kinds] * 3).map(
        lambda k: ".".join([radix(b[0], k[0]), radix(b[1], k[1]), radix(b[2] << 8 | b[3], k[2])]))
    two = st.tuples(kinds, kinds).map(lambda k: f"{radix(b[0], k[0])}.{radix(n & 0xFFFFFF, k[1])}")
    one = kinds.map(lambda k: radix(n, k))
    plain = st.sampled_from([
        str(addr), f"{addr}.", f"[::ffff:{addr}]", f"[::ffff:{n >> 16:x}:{n & 0xFFFF:x}]",
        f"[64:ff9b::{addr}]", f"[2002:{n >> 16:x}:{n & 0xFFFF:x}::1]", f"[0:0:0:0:0:FFFF:{addr}]",
        str(addr).translate(str.maketrans("0123456789.", "０１２３４５６７８９。")),
        "".join(f"%{ord(c):02x}" for c in str(addr)),
    ])
    return st.one_of(four, three, two, one, plain)


refused_v4 = st.sampled_from(REFUSED_V4_NETS).flatmap(
    lambda nr: st.integers(int(nr[0].network_address), int(nr[0].broadcast_address)).map(
        lambda i: (IPv4Address(i), nr[1])))


@settings(max_examples=400, deadline=None)
@given(refused_v4.flatmap(lambda ar: st.tuples(st.just(ar), v4_spellings(ar[0]))))
def test_every_spelling_of_a_refused_ipv4_address_is_refused(case):
    (addr, reason), host = case
    assert parse_host(host) in (addr, IPv6Address(f"::ffff:{addr}")) or "[" in host
    assert host_refusal(host) == reason
    expected_with_loopback = None if reason == "loopback" else reason
    assert host_refusal(host, allow_loopback=True) == expected_with_loopback
    assert url_refusal(f"http://{host}:8080/path") == reason


public_v4 = st.integers(0, 2**32 - 1).map(IPv4Address).filter(lambda a: expected_v4(a) is None)


@settings(max_examples=300, deadline=None)
@given(public_v4.flatmap(lambda a: st.tuples(st.just(a), v4_spellings(a))))
def test_public_ipv4_addresses_pass_in_every_spelling(case):
    addr, host = case
    assert host_refusal(host) is None, (addr, host)


REFUSED_V6 = {"fc00::/7": "ipv6_local", "fe80::/10": "link_local", "ff00::/8": "reserved",
              "2001:db8::/32": "reserved", "fec0::/10": "ipv6_local"}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(REFUSED_V6.items())).flatmap(
    lambda nr: st.integers(0, 2 ** (128 - ipaddress.IPv6Network(nr[0]).prefixlen) - 1).map(
        lambda off: (ipaddress.IPv6Network(nr[0])[off], nr[1]))),
    st.sampled_from(["compressed", "exploded", "upper"]))
def test_refused_ipv6_networks_in_every_spelling(case, form):
    addr, reason = case
    text = {"compressed": addr.compressed, "exploded": addr.exploded, "upper": addr.exploded.upper()}[form]
    assert host_refusal(f"[{text}]") == reason
    assert host_refusal(text, allow_loopback=True) == reason


@settings(max_examples=200, deadline=None)
@given(st.integers(0x2000 << 112, (0x3FFF << 112) - 1).map(IPv6Address).filter(
    lambda a: not (a in ipaddress.IPv6Network("2001::/23") or a in ipaddress.IPv6Network("2001:db8::/32")
                   or a in ipaddress.IPv6Network("2002::/16"))))
def test_public_ipv6_addresses_pass(addr):
    assert host_refusal(f"[{addr}]") is None


@given(st.text(max_size=40))
def test_parse_host_never_raises_anything_but_malformed(host):
    try:
        parse_host(host)
    except MalformedHost:
        pass


def test_parse_ipv4_rejects_nothing_it_should_accept():
    assert parse_ipv4("255.255.255.255") == IPv4Address("255.255.255.255")
    assert parse_ipv4("4294967295") == IPv4Address("255.255.255.255")
    assert parse_ipv4("1.2.3") == IPv4Address("1.2.0.3")
