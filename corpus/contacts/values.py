"""A contact value's normal form whether written as text or as a link: links go through the link rules first."""
from __future__ import annotations

import re
from functools import lru_cache

from corpus.contacts.kinds import plain_normal
from corpus.contacts.links import classify_url
from corpus.contacts.normalise import normalize_text

LINK_LIKE = re.compile(r"(?:https?://|whatsapp:|tg:|(?:www\.)?(?:wa\.me|t\.me|qm\.qq\.com)/)", re.IGNORECASE)
TG_URL = re.compile(r"https?://|tg:|(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/|[a-z0-9_]+\.t\.me(?![a-z0-9.-])",
                    re.IGNORECASE)


def normalize_value(kind: str, raw: str, region: str | tuple[str, ...] | None = None) -> str | None:
    """Normal form of a raw contact of `kind` (as written or as linked), or None if it is not valid syntax.

    `region` reads a phone number written without its country code: one country (`"CN"`), or candidates
    (`("BR", "PT")`) of which exactly one must make it valid.
    """
    return normal(kind, normalize_text(raw).strip(), region)


@lru_cache(maxsize=1 << 15)  # pure; the same handles and numbers recur across a campaign's pages
def normal(kind: str, raw: str, region: str | tuple[str, ...] | None = None) -> str | None:
    """normalize_value for text that is already normalised."""
    link = TG_URL.match(raw) if kind == "telegram" else (
        LINK_LIKE.match(raw) if kind in ("phone", "whatsapp", "qq") else None)
    if link:  # `t.me/x`, `wa.me/…`, a QQ share link: the same rules as links on the page
        got = classify_url(raw)
        return got[1] if got and got[0] == kind else None
    return plain_normal(kind, raw, region)
