"""The named spam signals: each a small function from a laid-out document to a strength in 0..1."""
from __future__ import annotations

from functools import lru_cache

import bisect
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from urllib.parse import urlsplit

from corpus.contacts.hosts import MESSAGING_HOSTS, SHORTENERS
from corpus.contacts.kinds import count_placeholders
from corpus.signals.layout import HEAD, MIDDLE, TAIL, Part, edge_size
from corpus.signals.mentions import Mention, digits_of

# How much a contact of each kind says "seller": companies publish e-mail and phone, sellers a messenger handle.
KIND_WEIGHT = {"telegram": 1.0, "wechat": 1.0, "whatsapp": 0.9, "qq": 0.8, "line": 0.8, "phone": 0.4,
               "email": 0.25, "url": 0.4, "domain": 0.3}
# Title, head and tail are where spam puts its pitch around a borrowed tutorial; boilerplate (sidebars listing
# other posts, site-wide footers) says little about what this page is.
REGION_WEIGHT = {"title": 2.5, HEAD: 1.5, TAIL: 1.5, MIDDLE: 1.0, "boilerplate": 0.2}
# Official accounts and documentation links that every bot README carries.
_OFFICIAL_PATHS = ("/botfather", "/telegram", "/durov", "/bots", "/tdlib", "/s/telegram", "/contest")
_PLACEHOLDER_TEMPLATE = re.compile(
    r"\{[^{}\n]{0,4}(?:变量|變量|关键词|關鍵詞|关键字|標題|标题|品牌|城市|地区|地區|keyword|kw|spin|brand|city)"
    r"[^{}\n]{0,6}\}|\{[\u4e00-\u9fff]{1,6}\d{1,3}\}|%(?:keyword|kw|brand|city|title)\w*%|"
    r"\[(?:关键词|關鍵詞|keyword|kw)\d*\]|\{[^{}|\n]{1,40}(?:\|[^{}|\n]{1,40}){2,}\}", re.I)
_TOKEN_LINE = re.compile(r"\n[ \t]*([A-Za-z0-9]{8,40})[ \t]*(?=\n|$)")  # matched in "\n" + text
_BRACKETS = re.compile(r"【[^】\n]{1,80}】|〖[^〗\n]{1,80}〗|\[\[[^\]\n]{1,80}\]\]|『[^』\n]{1,80}』")
_LIST_SEPARATORS = re.compile(r"[,，、|/]")
_FREEMAIL = ("gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "protonmail.com", "proton.me", "qq.com",
             "163.com", "126.com", "yandex.ru", "mail.ru", "gmx.com", "aol.com", "icloud.com", "tutanota.com")


@dataclass
class Doc:
    """Everything the signals read: the parts, contact mentions, lexicon sums and links."""

    parts: dict[str, Part]
    mentions: list[Mention]
    links: list[str]
    sums: Counter = field(default_factory=Counter)         # category -> position-weighted lexicon weight
    term_counts: Counter = field(default_factory=Counter)  # family term -> occurrences
    top_family: str = "other"                              # family with the largest lexicon sum

    def __post_init__(self) -> None:
        self.seller_mentions = [m for m in self.mentions if not m.in_code]


def saturate(x: float, scale: float) -> float:
    return 1.0 - math.exp(-max(x, 0.0) / scale)


def lexicon_sums(doc: Doc) -> None:
    """Position-weighted sums per category. A term counts at most four times (stuffing has its own signal),
    title and head first. Hits are counted per region with Counter, not one by one: dense pages have hundreds."""
    used: Counter = Counter()
    sums, term_counts = doc.sums, doc.term_counts
    for name, part in doc.parts.items():
        if name == "text":
            length, starts = len(part.raw), part.free_starts
            edge = edge_size(length)
            a = bisect.bisect_left(starts, edge)
            b = max(a, bisect.bisect_left(starts, length - edge))
            groups = ((REGION_WEIGHT[HEAD], part.free[:a]), (REGION_WEIGHT[TAIL], part.free[b:]),
                      (REGION_WEIGHT[MIDDLE], part.free[a:b]))
        else:
            groups = ((REGION_WEIGHT["title" if name == "title" else "boilerplate"], part.free),)
        info = part.info
        for weight, hits in groups:
            for idx, n in Counter(map(itemgetter(0), hits)).items():
                term = info[idx]
                if term.family:
                    term_counts[term.term] += n
                n = min(n, 4 - used[term.term])
                if n <= 0:
                    continue
                used[term.term] += n
                for cat, w in term.categories:
                    sums[cat] += weight * w * n


def family_strengths(doc: Doc) -> dict[str, float]:
    return {cat[7:]: total for cat, total in doc.sums.items() if cat.startswith("family:")}


# --- contact signals -------------------------------------------------------------------------------------------

def kind_weight(doc: Doc, m: Mention) -> float:
    """How seller-like a contact is: free-mail addresses are, company ones not; phones are for support scams."""
    if m.kind == "email" and m.value.endswith(_FREEMAIL):
        return 0.4
    if m.kind == "phone" and doc.top_family == "support_scam":
        return 0.9
    return KIND_WEIGHT.get(m.kind, 0.3)


def _max_kind(doc: Doc, where: tuple[str, ...]) -> float:
    return max((kind_weight(doc, m) for m in doc.seller_mentions if m.where in where), default=0.0)


def contact_in_title(doc: Doc) -> float:
    return _max_kind(doc, ("title",))


def contact_at_edge(doc: Doc) -> float:
    return _max_kind(doc, (HEAD, TAIL))


def contact_in_boilerplate(doc: Doc) -> float:
    return _max_kind(doc, ("boilerplate",))


def contact_in_body(doc: Doc) -> float:
    return _max_kind(doc, (MIDDLE,))


def seller_contact(doc: Doc) -> float:
    """The strongest seller-like contact, weighted by where it sits."""
    place = {"title": 1.0, HEAD: 0.9, TAIL: 0.9, "boilerplate": 0.7, MIDDLE: 0.6, "link": 0.6}
    return max((kind_weight(doc, m) * place[m.where] for m in doc.seller_mentions), default=0.0)


def handle_repeated(doc: Doc) -> float:
    """The same handle or number over and over (title, intro, footer, every section)."""
    handles = {m.value for m in doc.seller_mentions
               if m.kind not in ("email", "url", "phone", "whatsapp") and len(m.value) >= 4}
    counts = [sum(p.norm.count(v) for p in doc.parts.values()) for v in handles]
    numbers = {digits_of(m.value)[-8:] for m in doc.seller_mentions if m.kind in ("phone", "whatsapp")}
    if numbers:
        digits = [digits_of(p.norm) for p in doc.parts.values()]
        counts += [sum(d.count(n) for d in digits) for n in numbers if len(n) == 8]
    return min(1.0, max(0, max(counts, default=0) - 2) / 3)


def contact_density(doc: Doc) -> float:
    """Several distinct messenger handles or numbers in one document."""
    distinct = {(m.kind, m.value) for m in doc.seller_mentions if KIND_WEIGHT.get(m.kind, 0) >= 0.8}
    kinds = {k for k, _ in distinct}
    return min(1.0, max(len(distinct) - 1, len(kinds) - 1, 0) / 2)


def cta_near_contact(doc: Doc, window: int = 40) -> float:
    """A call to action or messenger cue right next to a contact ("加V", "DM on TG", "联系飞机")."""
    best = 0.0
    for m in doc.seller_mentions:
        part = doc.parts.get(m.part)
        if part is None or m.pos < 0:
            continue
        lo = bisect.bisect_left(part.cue_starts, m.pos - window - 30)
        hi = bisect.bisect_right(part.cue_starts, m.pos + len(m.value) + window)
        if any(h[2] >= m.pos - window for h in part.cues[lo:hi]):
            best = max(best, kind_weight(doc, m))
    return best


def contacts_in_code(doc: Doc) -> float:
    """Contacts quoted inside code or patterns (rule lists, test fixtures): examples, not offers."""
    inside = sum(1 for m in doc.mentions if m.in_code)
    return 0.0 if not inside else inside / len([m for m in doc.mentions if m.pos >= 0] or [1])


def decorated_contact(doc: Doc) -> float:
    """An emoji or pictograph right before a contact (TG💪+ @x, ✈️ @x, 📞 ...)."""
    for m in doc.seller_mentions[:20]:
        part = doc.parts.get(m.part)
        if part is None or m.pos < 0:
            continue
        before = part.raw[max(0, m.pos - 8):m.pos]
        if any(unicodedata.category(ch) == "So" for ch in before):
            return 1.0
    return 0.0


# --- links ------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def _host_path(url: str) -> tuple[str, str] | None:
    # cached: a site's navigation links repeat on every page of the crawl
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return (parts.hostname or "").lower().removeprefix("www."), parts.path.lower().rstrip("/")


def _hosts(links) -> list[tuple[str, str]]:
    return [hp for hp in map(_host_path, links) if hp is not None]


def messaging_link(doc: Doc) -> float:
    hits = [(h, p) for h, p in _hosts(doc.links) if h in MESSAGING_HOSTS and p and p not in _OFFICIAL_PATHS]
    return min(1.0, len(hits) / 2)


def shortener_link(doc: Doc) -> float:
    return min(1.0, sum(1 for h, _ in _hosts(doc.links) if h in SHORTENERS) / 2)


# --- lexicon signals ----------------------------------------------------------------------------------------------

def family_lexicon(doc: Doc) -> float:
    return saturate(max(family_strengths(doc).values(), default=0.0), 5.0)


def call_to_action(doc: Doc) -> float:
    return saturate(doc.sums["cta"], 3.0)


def selling_terms(doc: Doc) -> float:
    return saturate(doc.sums["selling"], 4.0)


def anti_spam_framing(doc: Doc) -> float:
    return saturate(doc.sums["anti_spam"], 3.0)


def developer_context(doc: Doc) -> float:
    text = doc.parts["text"]
    fences = text.raw.count("```") // 2 + text.raw.count("~~~") // 2
    return saturate(doc.sums["developer"] + 3 * fences + 0.02 * sum(e - s for s, e in text.code) ** 0.5, 4.0)


def commerce_with_contact(doc: Doc) -> float:
    """The core of a spam post: a spam family's goods and a handle to buy them from (a bakery's WhatsApp is not)."""
    return seller_contact(doc) * family_lexicon(doc)


def keyword_stuffing(doc: Doc) -> float:
    """One brand term repeated far beyond prose, or lines that are lists of keywords."""
    text = doc.parts["text"]
    kb = max(len(text.raw), 500) / 1000
    top = max(doc.term_counts.values(), default=0)
    repeated = max(0.0, min(1.0, (top / kb - 4) / 6)) if top >= 6 else 0.0
    lists, pos = 0, 0
    for line in text.norm.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if len(line) < 20 or line.count(",") + line.count("，") + line.count("、") + line.count("|") < 5:
            continue
        items = _LIST_SEPARATORS.split(line)
        if len(line) / len(items) > 15 or text.in_code(start):
            continue
        starts = text.free_starts
        lists += bisect.bisect_left(starts, pos) - bisect.bisect_left(starts, start) >= 4
    return max(repeated, min(1.0, lists / 2))


# --- template markers ---------------------------------------------------------------------------------------------

def template_placeholder(doc: Doc) -> float:
    """Unfilled template slots ({变量2}, {keyword}, spintax {a|b|c}) outside code."""
    n = 0
    for part in doc.parts.values():
        n += sum(1 for m in _PLACEHOLDER_TEMPLATE.finditer(part.raw) if not part.in_code(m.start()))
    return min(1.0, n / 2)


def random_token_line(doc: Doc) -> float:
    """Lines that are a single random-looking token (anti-duplicate salt), outside code."""
    text = doc.parts["text"]
    n = 0
    for m in _TOKEN_LINE.finditer("\n" + text.raw):
        tok = m.group(1)
        classes = sum((any(c.islower() for c in tok), any(c.isupper() for c in tok), any(c.isdigit() for c in tok)))
        hexlike = all(c in "0123456789abcdefABCDEF" for c in tok)
        if classes >= 2 and not hexlike and not text.in_code(m.start(1) - 1) and sum(c.isdigit() for c in tok) >= 2:
            n += 1
    return min(1.0, n / 2)


def bracket_header(doc: Doc) -> float:
    """A 【...】 / [[...]] header with a contact, call to action or spam term in it, at the head or tail."""
    for name, part in doc.parts.items():
        for m in _BRACKETS.finditer(part.raw):
            if name == "text" and part.region(m.start()) == MIDDLE:
                continue
            lo, hi = (bisect.bisect_left(part.free_starts, x) for x in m.span())
            if any(c in ("cta", "messenger", "selling") for h in part.free[lo:hi] for c, _ in part.info[h[0]].categories) or any(x.part == name and m.start() <= x.pos < m.end() for x in doc.mentions):
                return 1.0
    return 0.0


def placeholder_contacts(doc: Doc) -> float:
    """Documentation placeholders (@your_channel, 555-01xx, user@example.com): a template for readers, not an offer."""
    n = sum(count_placeholders(p.norm) for p in doc.parts.values())
    return min(1.0, n / 2)
