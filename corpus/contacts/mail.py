"""E-mail addresses in text, and which of those on a mail's routing header lines are the sender's offer."""
from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.contacts.promote import brand_matches
from corpus.contacts.values import normal

_EMAIL_LEFT = re.compile(r"[a-z0-9][a-z0-9._%+-]{0,63}$")
_EMAIL_RIGHT = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
                          r"\.[a-z]{2,24}(?![a-z0-9-])")
# Header lines of a message (a mail archive page): the addresses there route the message, they do not offer one.
_MAIL_HEADER = re.compile(r"(?:from|to|cc|bcc|sender|x-[a-z-]+|return-path|message-id|in-reply-to|references|"
                          r"delivered-to|received|list-[a-z-]+|mailing-list|envelope-to|resent-[a-z]+):[ \t]")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")


def read_emails(low: str, add, held: list) -> None:
    """Every address in `low`; those on a mail's routing header lines go to `held` (see scan)."""
    at = low.find("@")
    while at >= 0:
        left = _EMAIL_LEFT.search(low, max(0, at - 64), at)
        cut = bool(left) and ".." in left.group()
        if cut:  # `Email....sales@shop.com`: the address starts after the dots
            left = _EMAIL_LEFT.search(low, left.start() + left.group().rindex("..") + 2, at)
        right = _EMAIL_RIGHT.match(low, at + 1)
        ssh = right and re.match(r":[^\s]", low[right.end():right.end() + 2])  # git@host:path is an SSH remote
        header = left and _in_mail_header(low, left.start())
        if left and right and (cut or not (left.start() and low[left.start() - 1] in _LOCAL_CHARS)) and not ssh:
            value = normal("email", low[left.start():right.end()])
            if header:
                held.append((left.start(), right.end(), value))
            else:
                add(left.start(), right.end(), "email", value)
        at = low.find("@", at + 1)


def _in_mail_header(low: str, pos: int) -> bool:
    """The line at `pos` is a routing header, or a folded continuation (leading space or tab) of one: a spam
    filter's report quotes the sender's address on such lines (`X-Spam-Report: … [iu7307906[at]gmail.com]`)."""
    start = low.rfind("\n", 0, pos) + 1
    for _ in range(64):  # a header folded over more lines than this is not one
        if not start or low[start:start + 1] not in (" ", "\t"):
            break
        start = low.rfind("\n", 0, start - 1) + 1
    return bool(_MAIL_HEADER.match(low, start))


def header_addresses_of_sites(held: Iterable[tuple[int, int, str | None]], promoted: Iterable[str]
                              ) -> list[tuple[int, int, str]]:
    """The header addresses (from read_emails' `held`) that spell a site the mail promotes: the operation's own
    (`From: Best Pharmacure <bestpharmacure@gmail.com>` over links to bestpharmacure.com). Any other sender only
    routes the message."""
    promoted = list(promoted)
    return [(a, b, value) for a, b, value in held if value and promoted and brand_matches(promoted, [value])]
