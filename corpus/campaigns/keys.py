"""Operation keys of a row: masked header/footer template lines, rare tokens, promoted domains, call-to-action urls."""
from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

import xxhash

from corpus.campaigns.config import CampaignConfig
from corpus.campaigns.normalize import (_TLDS, EMAIL, HANDLE, LINE, PLACEHOLDERS, TOKEN, URL, normalize_text,
                                        normalize_title_lines)

# Real operations repeat a header/footer over unrelated bodies (a tech-news paragraph under a gambling
# header), so whole-text MinHash never joins them. Their template lines, promoted site, links and tracking
# tokens do. Each rule looks at the row alone; how often a key was seen decides in grouping.key_edges.

_MARKS = frozenset(URL + EMAIL + HANDLE + TOKEN)  # a template line carries a contact, link or id
_MARK_RE = re.compile(f"[{URL}{EMAIL}{HANDLE}{TOKEN}]")
# (brackets alone are no mark: Chinese titles and sidebars are full of 【心得】)
_HOST = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})", re.IGNORECASE)
_DATE_DOMAIN = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\.")  # "2025-03-28. By ..." read as a domain: not a site
_REPEAT = re.compile(r"(.)\1{3}")        # xxxx, 0000: redacted or filler, not an id
_HEX = re.compile(r"[0-9a-f]+")
_DIGEST_LENGTHS = (32, 40, 64)            # md5/sha1/sha256: pinned dependencies and lockfiles share them
_PATH_ID = re.compile(r"[A-Za-z0-9]{4,}")
# source lines (imports, declarations) repeat across unrelated projects; sales copy sits in their strings
_CODE_LINE = re.compile(r"\s*(?:import|from|export|const|let|var|require|#include|using|package|use)\b")
_MAX_LINE = 160  # a header or footer line is short; a longer line is a paragraph (its ids still become tokens)
# `888yx●vip`, `abc 点 com`: a dot spelled out before a top-level domain; such a line is masked again with the
# dot restored, so that rotated mirror domains mask alike (rare: the signer's pass does not look for it)
_DOT_WORD = re.compile(rf"([a-z0-9])\s*[●•·点]\s*(?=(?:{_TLDS})(?![a-z0-9]))", re.IGNORECASE)
_DROP = str.maketrans("", "", PLACEHOLDERS + " ")


def key_hash(key: str) -> int:
    return xxhash.xxh3_64_intdigest(key.encode("utf-8"))


def _weight(masked: str) -> int:
    """Letters of a masked line besides its placeholders; a CJK character carries about as much as two Latin ones."""
    content = masked.translate(_DROP)
    return len(content) + (len(content.encode()) - len(content)) // 2  # CJK: 3 UTF-8 bytes, +1 each


def template_lines(title: str | None, text: str | None, config: CampaignConfig,
                   lined: str | None = None) -> list[tuple[str, str]]:
    """Title and the first/last non-empty lines that carry a contact, link or id, as (masked, exact) pairs:
    masked (normalize_text), so that rotated handles and mirror domains give the same line (a template's
    shape; "" when too short to be one operation's wording), and exact (lowercase, single spaces), which only
    a copy with the same contact or site matches.
    `lined`: normalize_title_lines of the row, when the signer has computed it already."""
    raw = [title or "", *(text or "").splitlines()]
    norm = (lined if lined is not None else normalize_title_lines(title, text, config)).split(LINE)
    if len(norm) != len(raw):  # never expected: LINE survives every mask; stay correct anyway
        norm = normalize_title_lines(title, text, config).split(LINE)
    picked, i = [0], 1
    while i < len(raw) and len(picked) <= config.template_head:  # walk in from both ends: pages can be long
        if raw[i].strip():
            picked.append(i)
        i += 1
    tail, j = [], len(raw) - 1
    while j >= i and len(tail) < config.template_tail:
        if raw[j].strip():
            tail.append(j)
        j -= 1
    picked += tail[::-1]
    out: list[tuple[str, str]] = []
    for i in picked:
        line = raw[i]
        if len(line) > _MAX_LINE or _CODE_LINE.match(line):
            continue
        masked = norm[i].strip()
        if "●" in line or "点" in line or "•" in line or "·" in line:
            dotted = _DOT_WORD.sub(r"\1.", line)
            masked = normalize_text(dotted, config) if dotted != line else masked
        if not _MARK_RE.search(masked):
            continue
        hosts = _HOST.findall(line) if URL in masked and not _MARKS.difference(URL).intersection(masked) else []
        if hosts and all(_generic(h.lower().removeprefix("www."), config.generic_domains) for h in hosts):
            continue  # a link to a code host, registry or docs site is chrome ("open an issue at github.com/…")
        weight = _weight(masked)
        if weight >= config.template_exact_min_chars and all(masked != m for m, _e in out):
            # the shape only counts when long enough to be one operation's wording
            out.append((masked if weight >= config.template_min_chars else "", " ".join(line.lower().split())))
    return out


# Mail trace headers (and their folded continuation lines): relays stamp their own ids there (Google's `SMTP id
# 3f1490d57ef6-…` is one server prefix on every mail it relays), so two unrelated spam mails that passed the same
# relay share them. They are the transport's ids, not the operation's. (corpus.contacts.scan's _MAIL_HEADER is the
# wider list of routing headers whose addresses are not contacts; From/To/Reply-To stay here: an operation's
# sender and reply addresses are its own.)
_TRACE_HINTS = ("Received:", "Message-I", "DKIM-Signature:", "Smtp-Source:", "ARC-", "Authentication-Results:")
_MAIL_TRACE = re.compile(
    r"^(?:x-)?(?:received|received-spf|message-id|(?:x-google-)?dkim-signature|x-google-smtp-source|"
    r"x-gm-[a-z-]+|arc-[a-z-]+|authentication-results|x-beenthere|x-original-[a-z-]+|list-[a-z-]+|"
    r"mailing-list|delivered-to):[^\n]*(?:\n[ \t][^\n]*)*", re.IGNORECASE | re.MULTILINE)


def without_mail_trace(text: str) -> str:
    """`text` without mail trace headers; unchanged (and cheap) for a text that is not a mail."""
    if not any(hint in text for hint in _TRACE_HINTS):
        return text
    return _MAIL_TRACE.sub("", text)


@functools.lru_cache(maxsize=4)
def _runs(min_len: int) -> re.Pattern[str]:
    return re.compile(rf"[A-Za-z0-9_]{{{max(min_len, 1)},}}")


def rare_tokens(title: str | None, text: str | None, config: CampaignConfig) -> list[str]:
    """Random-looking ASCII ids (letters, digits, `_`; several letter/digit switches), first `max_tokens`:
    tracking codes and markers an operation pastes into every post (`8cf37b1e13`, `/m/033_l8`); a mail's trace
    headers are left out."""
    out: list[str] = []
    body = without_mail_trace(text or "")
    for tok in _runs(config.token_min_len).findall(f"{title or ''}\n{body}"):  # whole runs, found in C
        if tok.isalpha():  # most words, rejected in C too
            continue
        tok = tok.lower()
        if tok in out or _REPEAT.search(tok):
            continue
        bare = tok.replace("_", "")
        if bare.isdigit() or bare.isalpha():
            continue
        switches = sum(a.isdigit() != b.isdigit() for a, b in zip(bare, bare[1:]))
        if switches < config.token_min_switches or (len(bare) in _DIGEST_LENGTHS and _HEX.fullmatch(bare)):
            continue
        out.append(tok)
        if len(out) >= config.max_tokens:
            break
    return out


def _generic(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def contact_keys(contacts: list[dict] | None, config: CampaignConfig, is_placeholder, own_host: str = "") -> list[str]:
    """`domain:` and `url:` keys: a promoted registrable domain that is neither a generic site nor the page's
    own (navigation), and a short link or invite whose path is the seller's id (`bit.ly/bewildcard`, not
    `wa.me/$`). Links to ordinary sites join through their domain: a link to a forum thread is no contact."""
    keys: list[str] = []
    own_host = own_host.removeprefix("www.")
    for c in contacts or []:
        kind, value = c.get("kind"), c.get("value")
        if not kind or not value or kind not in config.key_contact_kinds or is_placeholder(kind, value):
            continue
        if f"{kind}:{value}" in config.ignore_values:
            continue
        if kind == "url":
            parts = urlsplit(value)
            host = (parts.hostname or "").removeprefix("www.")
            if not host or not _PATH_ID.search(parts.path + "?" + parts.query):
                continue
            if not _generic(host, config.id_path_hosts):  # other sites join through their `domain`
                continue
        else:
            domain = value.lower().removeprefix("www.")
            if _generic(domain, config.generic_domains) or _DATE_DOMAIN.match(domain):
                continue
            if own_host and (own_host == domain or own_host.endswith("." + domain)):
                continue
        key = f"{kind}:{value}"
        if key not in keys:
            keys.append(key)
    return keys


def site_of(url: str | None, config: CampaignConfig, parts=None) -> str:
    """Who published the page: its host, or host/account on a code host (throwaway accounts are the sites)."""
    parts = parts or urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.")
    if host in config.code_hosts:
        owner = parts.path.strip("/").split("/", 1)[0].lower()
        return f"{host}/{owner}"
    return host


def row_keys(title: str | None, text: str | None, contacts: list[dict] | None, spam_score: float | None,
             config: CampaignConfig, is_placeholder, url: str | None = None,
             lined: str | None = None, parts=None) -> tuple[list[str], str | None]:
    """Every operation key of a row ("line:…", "exact:…", "token:…", "domain:…", "url:…") and why it has none.

    Identifiers (a domain, a short link, a token, an exact line) join through one spam row (grouping.key_edges).
    A masked line is only a shape: "Follow me on Twitter @x" ends many benign READMEs, so a masked line is a key
    of rows that look like spam only, as contacts are (one detector miss must not glue benign pages to it)."""
    if not config.op_keys:
        return [], None
    parts = parts or urlsplit(url or "")
    found = contact_keys(contacts, config, is_placeholder, (parts.hostname or "").lower())
    if len(found) > config.link_max_contacts:  # a directory or a backlink list, not one operation's site
        found, why = [], "too_many_domains"
    else:
        why = None
    spam = (spam_score or 0.0) >= config.key_min_spam_score
    for masked, exact in template_lines(title, text, config, lined):
        found += ["line:" + masked, "exact:" + exact] if spam and masked else ["exact:" + exact]
    found += ["token:" + tok for tok in rare_tokens(title, text, config)]
    return list(dict.fromkeys(found)), why  # each key once per row (grouping.key_edges counts rows)
