"""A raw mail message served as a page (a list archive's raw view): its Subject is its title."""
from __future__ import annotations

import re
from email.parser import HeaderParser
from email.policy import default

MAX_HEADER_CHARS = 64_000
# Only the Subject goes through the mail parser, cut to this: decoding grows faster than linearly in the words of
# one header (4,000 encoded words took 0.1-0.4 s).
MAX_SUBJECT_CHARS = 2_000
# A message starts with a header a mail system writes, or with an mbox "From " line.
_OPENING = re.compile(r"(?:From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) |(?:Return-Path|Received|Delivered-To|X-[\w-]+|"
                      r"ARC-[\w-]+|DKIM-Signature|Authentication-Results|Message-ID|MIME-Version|Date|From|To|"
                      r"Subject):[ \t])", re.I)
_SUBJECT = re.compile(r"^subject:[ \t]*(.*(?:\n[ \t].*)*)", re.I | re.M)


def message_subject(text: str) -> str | None:
    """The decoded Subject of a text that opens with a mail header block; None for any other text."""
    if not _OPENING.match(text):
        return None
    end = text.find("\n\n", 0, MAX_HEADER_CHARS)
    head = text[:end if end >= 0 else MAX_HEADER_CHARS].replace("\r\n", "\n")
    found = _SUBJECT.search(head)
    if found is None:
        return None
    value = found.group(1)
    if len(value) > MAX_SUBJECT_CHARS:  # cut between words: half an encoded word would stay raw
        value = value[:MAX_SUBJECT_CHARS].rsplit(maxsplit=1)[0]
    try:  # hostile headers: the parser records defects instead of raising, but a decoder may still raise
        subject = HeaderParser(policy=default).parsestr(f"Subject: {value}\n\n").get("subject")
    except (ValueError, TypeError, LookupError, IndexError, AttributeError):
        return None
    return " ".join(str(subject).split()) if subject is not None else None
