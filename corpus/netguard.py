"""Address policy against SSRF: parse hosts the way inet_aton and browsers do, and say which addresses to refuse."""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import unquote, urlsplit

IPAddress = IPv4Address | IPv6Address

# Refusal reasons; each becomes the stat `spamcorpus/drops/ssrf_<reason>`.
LOOPBACK, PRIVATE, LINK_LOCAL, CGNAT = "loopback", "private", "link_local", "cgnat"
IPV6_LOCAL, RESERVED, MALFORMED, DNS = "ipv6_local", "reserved", "malformed", "dns"
SCHEME = "scheme"  # file:, ftp:, s3:... : only http(s) goes out
REASONS = (LOOPBACK, PRIVATE, LINK_LOCAL, CGNAT, IPV6_LOCAL, RESERVED, MALFORMED, DNS, SCHEME)
WEB_SCHEMES = frozenset({"http", "https"})


class MalformedHost(ValueError):
    """A host that looks numeric (ends in a number) but is no valid address: refused, never looked up."""


def _v4(cidr: str) -> IPv4Network:
    return IPv4Network(cidr)


# IANA IPv4 special-purpose registry, plus multicast and class E. Order matters only for overlaps (none).
IPV4_REFUSED: tuple[tuple[IPv4Network, str], ...] = (
    (_v4("0.0.0.0/8"), RESERVED),        # "this network"; 0.0.0.0 reaches the local host on Linux
    (_v4("10.0.0.0/8"), PRIVATE),
    (_v4("100.64.0.0/10"), CGNAT),
    (_v4("127.0.0.0/8"), LOOPBACK),
    (_v4("169.254.0.0/16"), LINK_LOCAL),  # cloud metadata lives at 169.254.169.254
    (_v4("172.16.0.0/12"), PRIVATE),
    (_v4("192.0.0.0/24"), RESERVED),      # IETF protocol assignments
    (_v4("192.0.2.0/24"), RESERVED),      # documentation
    (_v4("192.88.99.0/24"), RESERVED),    # deprecated 6to4 relay anycast
    (_v4("192.168.0.0/16"), PRIVATE),
    (_v4("198.18.0.0/15"), RESERVED),     # benchmarking
    (_v4("198.51.100.0/24"), RESERVED),   # documentation
    (_v4("203.0.113.0/24"), RESERVED),    # documentation
    (_v4("224.0.0.0/4"), RESERVED),       # multicast
    (_v4("240.0.0.0/4"), RESERVED),       # class E and the broadcast address 255.255.255.255
)

_MAPPED = IPv6Network("::ffff:0:0/96")        # IPv4-mapped: the kernel connects to the IPv4 address
_TRANSLATED = IPv6Network("::ffff:0:0:0/96")  # SIIT IPv4-translated
_COMPAT = IPv6Network("::/96")                # deprecated IPv4-compatible
_NAT64 = IPv6Network("64:ff9b::/96")          # well-known NAT64 prefix (RFC 6052)
_NAT64_LOCAL = IPv6Network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215)
_TEREDO = IPv6Network("2001::/32")
_6TO4 = IPv6Network("2002::/16")
_GLOBAL_UNICAST = IPv6Network("2000::/3")

IPV6_REFUSED: tuple[tuple[IPv6Network, str], ...] = (
    (IPv6Network("100::/64"), RESERVED),        # discard-only
    (IPv6Network("2001::/23"), RESERVED),       # IETF protocol assignments (Teredo is handled first)
    (IPv6Network("2001:db8::/32"), RESERVED),   # documentation
    (IPv6Network("3fff::/20"), RESERVED),       # documentation
    (IPv6Network("5f00::/16"), RESERVED),       # SRv6 SIDs
    (IPv6Network("fc00::/7"), IPV6_LOCAL),      # unique-local
    (IPv6Network("fec0::/10"), IPV6_LOCAL),     # deprecated site-local
    (IPv6Network("fe80::/10"), LINK_LOCAL),
    (IPv6Network("ff00::/8"), RESERVED),        # multicast
)

_DOTS = re.compile("[\u3002\uff0e\uff61]")  # ideographic and full-width full stops act as dots in browsers
_HEX = re.compile(r"0[xX][0-9a-fA-F]*")
_DIGITS = re.compile(r"[0-9]+")


def _ipv4_number(part: str) -> int:
    """One dotted part, as inet_aton and the WHATWG URL standard read it: 0x.. hex, 0.. octal, else decimal."""
    if _HEX.fullmatch(part):
        return int(part[2:] or "0", 16)
    if not _DIGITS.fullmatch(part):
        raise MalformedHost(f"not a number: {part!r}")
    if len(part) > 1 and part.startswith("0"):
        try:
            return int(part[1:], 8)
        except ValueError:
            raise MalformedHost(f"bad octal number: {part!r}") from None
    return int(part)


def _ends_in_number(parts: list[str]) -> bool:
    last = parts[-1]
    return bool(_DIGITS.fullmatch(last) or _HEX.fullmatch(last))


def parse_ipv4(host: str) -> IPv4Address | None:
    """The IPv4 address a host names in any inet_aton form (127.1, 2130706433, 0x7f.0.0.1, 017700000001).

    None for a host that does not end in a number (a domain name); MalformedHost for one that does
    but is no valid address (browsers reject those URLs; getaddrinfo would send them to DNS).
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot is allowed, as in "127.0.0.1."
    if not parts or not _ends_in_number(parts):
        return None
    if len(parts) > 4 or any(p == "" for p in parts):
        raise MalformedHost(f"not an IPv4 address: {host!r}")
    numbers = [_ipv4_number(p) for p in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise MalformedHost(f"IPv4 part out of range: {host!r}")
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return IPv4Address(value)


def parse_host(host: str) -> IPAddress | None:
    """The address a URL host names, or None if it is a domain name; MalformedHost if it cannot be either.

    Accepts hosts with or without IPv6 brackets, percent-escapes, full-width digits and dots, zone ids.
    """
    if not isinstance(host, str):
        raise MalformedHost(f"host is not a string: {host!r}")
    text = unquote(host).strip()
    if not text.isascii():
        # browsers map full-width digits and dots (UTS 46) before parsing an address
        text = _DOTS.sub(".", unicodedata.normalize("NFKC", text))
    text = text.lower()
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise MalformedHost(f"host contains whitespace or control characters: {host!r}")
    if text.startswith("[") or ":" in text:
        inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
        inner = inner.split("%", 1)[0]  # a zone id (fe80::1%eth0) does not change the class
        try:
            return IPv6Address(inner)
        except ValueError:
            raise MalformedHost(f"not an IPv6 address: {host!r}") from None
    return parse_ipv4(text)


def _nat64_local_embedded(addr: IPv6Address) -> IPv4Address:
    # RFC 6052 /48 layout: IPv4 bits sit in bytes 6-7 and 9-10, around the reserved "u" octet (byte 8)
    b = addr.packed
    return IPv4Address(bytes([b[6], b[7], b[9], b[10]]))


def _classify_v4(addr: IPv4Address) -> str | None:
    for network, reason in IPV4_REFUSED:
        if addr in network:
            return reason
    return None


def _classify_v6(addr: IPv6Address) -> str | None:
    if addr == IPv6Address("::1"):
        return LOOPBACK
    if addr == IPv6Address("::"):
        return RESERVED
    if addr in _MAPPED:
        return _classify_v4(addr.ipv4_mapped)
    if addr in _NAT64:
        return _classify_v4(IPv4Address(addr.packed[-4:]))
    if addr in _6TO4:
        return _classify_v4(IPv4Address(addr.packed[2:6]))
    # forms that are no ordinary route to a public host: refused, with the embedded reason when it has one
    if addr in _TRANSLATED or addr in _COMPAT:
        return _classify_v4(IPv4Address(addr.packed[-4:])) or RESERVED
    if addr in _NAT64_LOCAL:
        return _classify_v4(_nat64_local_embedded(addr)) or RESERVED
    if addr in _TEREDO:
        server, client = addr.teredo
        return _classify_v4(client) or _classify_v4(server) or RESERVED
    for network, reason in IPV6_REFUSED:
        if addr in network:
            return reason
    if addr not in _GLOBAL_UNICAST:
        return RESERVED  # everything outside 2000::/3 is unassigned or special
    return None


def classify_address(addr: IPAddress | str) -> str | None:
    """The refusal reason for an address (loopback, private, link_local, cgnat, ipv6_local, reserved) or None."""
    if isinstance(addr, str):
        addr = ipaddress.ip_address(addr.split("%", 1)[0])
    if isinstance(addr, IPv4Address):
        return _classify_v4(addr)
    if addr.scope_id:
        addr = IPv6Address(str(addr).split("%", 1)[0])
    return _classify_v6(addr)


def address_refusal(addr: IPAddress | str, *, allow_loopback: bool = False) -> str | None:
    """classify_address, with loopback (and only loopback) lifted when allow_loopback is set."""
    reason = classify_address(addr)
    if reason == LOOPBACK and allow_loopback:
        return None
    return reason


def host_refusal(host: str, *, allow_loopback: bool = False) -> str | None:
    """The refusal reason for a URL host before any lookup: an address literal in a refused network, or a
    malformed numeric host. None for a permitted literal or a domain name (checked after DNS instead)."""
    try:
        addr = parse_host(host)
    except MalformedHost:
        return MALFORMED
    if addr is None:
        return None
    return address_refusal(addr, allow_loopback=allow_loopback)


def url_host(url: str) -> str:
    """The host of a URL as urllib reads it (userinfo and port removed, IPv6 brackets stripped)."""
    try:
        parts = urlsplit(url)
        return parts.hostname or ""
    except ValueError as exc:
        raise MalformedHost(f"unparsable URL {url!r}: {exc}") from None


def url_refusal(url: str, *, allow_loopback: bool = False, schemes: frozenset[str] = WEB_SCHEMES) -> str | None:
    """host_refusal for the host of a URL; a scheme outside `schemes` or a URL with no parsable host is refused."""
    try:
        if urlsplit(url).scheme.lower() not in schemes:
            return SCHEME
        host = url_host(url)
    except (MalformedHost, ValueError):
        return MALFORMED
    if not host:
        return MALFORMED
    return host_refusal(host, allow_loopback=allow_loopback)
