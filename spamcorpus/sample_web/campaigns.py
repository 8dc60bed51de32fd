"""Spam campaigns and benign pages of the sample web as posts (article + where it lives), before rendering."""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from spamcorpus.sample_web import benign
from spamcorpus.sample_web.articles import Article, build_spam, hant_wording
from spamcorpus.sample_web.contact_forms import Contact, Rendered, render
from spamcorpus.sample_web.identities import make_contact, telegram_handle
from spamcorpus.sample_web.text_en import EN
from spamcorpus.sample_web.text_ops import OPS_ZH
from spamcorpus.sample_web.text_ops_en import OPS_EN
from spamcorpus.sample_web.text_zh import ZH
from spamcorpus.sample_web.text_zh2 import ZH2
from spamcorpus.sample_web.text_zh3 import ZH3

# sentence banks by language group (Traditional campaigns are written in Simplified and converted)
VOCAB = {"zh": {**ZH, **ZH2, **ZH3, **OPS_ZH}, "en": {**EN, **OPS_EN}}
# host roles; the site maps them to 127.0.0.2..7. The first four are shared platforms where posts go up under
# accounts (accounts.py): a blog platform, a forum, a paste service (with sitemaps) and a code host (raw Markdown)
BLOG, FORUM, PASTE, CODE, BROKEN, SPECIAL = "blog", "forum", "paste", "code", "broken", "special"


@dataclass(frozen=True)
class CampaignSpec:
    id: str
    family: str
    lang: str                 # zh-Hans, zh-Hant or en
    skeletons: tuple[str, ...]
    count: int                # pages at the default scale
    role: str                 # host role the campaign posts to
    handles: str              # handle group: campaigns sharing a group share seller handles
    extras: tuple[str, ...]   # secondary contact kinds
    primary: str = "telegram"
    markdown: bool = False
    converter: str = ""       # OpenCC config for zh-Hant: s2t or s2twp
    bank: str = ""            # sentence bank in VOCAB; default: the family's bank of the campaign's language


def bank_of(spec: CampaignSpec) -> dict:
    """The campaign's own sentence bank: no two campaigns of one language group share one (tested)."""
    return VOCAB["en" if spec.lang == "en" else "zh"][spec.bank or spec.family]


CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec("c01-esim-renewal", "telecom_sim", "zh-Hans", ("howto", "listicle", "faq"), 45, BLOG, "sim-a", ("wechat",)),
    CampaignSpec("c02-esim-hant", "telecom_sim", "zh-Hant", ("howto", "story"), 25, FORUM, "sim-b", ("line",), converter="s2twp",
                 bank="telecom_sim_tw"),
    CampaignSpec("c03-esim-en", "telecom_sim", "en", ("howto", "listicle"), 20, PASTE, "sim-a", ("whatsapp",)),
    CampaignSpec("c04-casino", "gambling", "zh-Hans", ("listicle", "story", "howto"), 35, BLOG, "bet", ("qq",)),
    CampaignSpec("c05-documents", "fake_documents", "zh-Hans", ("howto", "faq"), 25, FORUM, "docs", ("wechat", "qq")),
    CampaignSpec("c06-usdt", "crypto_finance", "zh-Hans", ("howto", "listicle"), 20, PASTE, "otc", ("email",)),
    CampaignSpec("c07-crypto-en", "crypto_finance", "en", ("howto", "faq"), 20, CODE, "otc-en", ("email", "whatsapp"), markdown=True),
    CampaignSpec("c08-loans", "loans", "zh-Hans", ("howto", "faq", "story"), 25, BLOG, "loan", ("wechat",)),
    CampaignSpec("c09-loans-hant", "loans", "zh-Hant", ("howto",), 15, SPECIAL, "loan", ("line",), converter="s2t", bank="loans_tw"),
    CampaignSpec("c10-support-en", "support_scam", "en", ("howto", "faq"), 25, PASTE, "support", (), primary="phone"),
    CampaignSpec("c11-support-zh", "support_scam", "zh-Hans", ("howto",), 10, FORUM, "support-zh", ("wechat",), primary="phone"),
    CampaignSpec("c12-accounts", "account_trade", "zh-Hans", ("howto", "listicle"), 25, CODE, "acct", ("wechat",), markdown=True),
    CampaignSpec("c13-accounts-en", "account_trade", "en", ("listicle", "faq"), 15, BLOG, "acct", ("email",)),
    CampaignSpec("c14-data", "hacking_data", "zh-Hans", ("howto", "faq"), 20, FORUM, "data", ("qq",)),
    CampaignSpec("c15-data-hant", "hacking_data", "zh-Hant", ("faq", "story"), 10, PASTE, "data-b", (), converter="s2twp",
                 bank="hacking_data_tw"),
    # small operations: a family is many sellers, and a release needs several independent groups per family and
    # language to stratify its splits (a family sold by one operation can only go whole to one split)
    CampaignSpec("c16-iot-cards", "telecom_sim", "zh-Hans", ("howto", "faq"), 8, FORUM, "iot", ("wechat",), bank="iot_cards"),
    CampaignSpec("c17-lottery", "gambling", "zh-Hans", ("listicle", "howto"), 8, PASTE, "lotto", ("qq",), bank="lottery"),
    CampaignSpec("c18-loan-apps", "loans", "zh-Hans", ("howto", "listicle"), 8, CODE, "kouzi", ("qq",), markdown=True,
                 bank="loan_apps"),
    CampaignSpec("c19-licences", "fake_documents", "zh-Hans", ("faq", "howto"), 8, BLOG, "docs-b", ("wechat",), bank="licences"),
    CampaignSpec("c20-refund-en", "support_scam", "en", ("howto", "faq"), 8, PASTE, "refund", (), primary="phone", bank="refund"),
    CampaignSpec("c21-recovery-en", "crypto_finance", "en", ("story", "howto"), 8, CODE, "recover", ("email",), markdown=True,
                 bank="recovery"),
)
DEFAULT_SPAM = sum(c.count for c in CAMPAIGNS)


@lru_cache(maxsize=1)
def expected_groups() -> dict[str, str]:
    """Campaign id -> the campaign grouping should find its posts in. Campaigns whose sellers share Telegram
    handles (one `handles` group: sim-a = c01+c03, loan = c08+c09, acct = c12+c13) are one operation seen
    through its contacts, and grouping joins them by the shared handle although their texts differ: their
    ids are joined with '+' ("c01-esim-renewal+c03-esim-en"). Every other campaign is expected alone."""
    members: dict[str, list[str]] = {}
    for spec in CAMPAIGNS:
        if spec.primary == "telegram":  # phone campaigns never show their group's handles
            members.setdefault(spec.handles, []).append(spec.id)
    joined = {cid: "+".join(ids) for ids in members.values() for cid in ids}
    return {spec.id: joined.get(spec.id, spec.id) for spec in CAMPAIGNS}


# where the primary contact goes, cycled per campaign with an offset so every campaign uses every place
PLACEMENTS = ("title", "text", "title", "footer", "link", "title", "text")


@dataclass
class Post:
    article: Article
    role: str
    spam: bool
    family: str | None
    campaign: str | None = None
    template: str | None = None
    kind: str = "article"        # spam: article; benign: the builder (topup, esim, readme, ...)
    markdown: bool = False
    category: str = ""           # listing bucket on its host
    date: str = ""
    account: str = ""            # who posted it on its platform (accounts.assign_accounts); "" where none shows

    @property
    def group(self) -> str | None:
        """The campaign grouping should put this post in (see expected_groups); None for benign posts."""
        return expected_groups()[self.campaign] if self.campaign else None


@lru_cache(maxsize=4)
def converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_hant(art: Article, config: str) -> Article:
    conv = converter(config)

    def c(text: str) -> str:
        return conv.convert(hant_wording(text))

    def segs(value):
        if isinstance(value, str):
            return c(value)
        return [(s[0], c(s[1]), s[2]) if isinstance(s, tuple) else c(s) for s in value]

    blocks = []
    for b in art.blocks:
        if b[0] in ("h2", "h3", "quote"):
            blocks.append((b[0], c(b[1])))
        elif b[0] == "p":
            blocks.append(("p", segs(b[1])))
        elif b[0] in ("ol", "ul"):
            blocks.append((b[0], [segs(item) for item in b[1]]))
        else:
            blocks.append(b)
    title_link = (c(art.title_link[0]), art.title_link[1]) if art.title_link else None
    return Article(title=c(art.title), short_title=c(art.short_title), lang="zh-Hant", blocks=blocks,
                   title_link=title_link, footer=[segs(s) for s in art.footer], contacts=list(art.contacts),
                   forms=list(art.forms), non_contacts=list(art.non_contacts))


def scaled_counts(total: int) -> list[int]:
    """Campaign sizes for `total` spam pages, proportional to the defaults (largest remainder)."""
    raw = [c.count * total / DEFAULT_SPAM for c in CAMPAIGNS]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def handle_groups(seed: int) -> dict[str, list[tuple[str, str]]]:
    """Telegram handles per group: 1-3 sellers each (shown form, normal form)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for spec in CAMPAIGNS:
        if spec.handles not in groups:
            r = random.Random(f"{seed}:handles:{spec.handles}")
            groups[spec.handles] = [telegram_handle(r, spec.family) for _ in range(r.randint(1, 3))]
    return groups


def spam_posts(seed: int, total: int = DEFAULT_SPAM) -> list[Post]:
    groups = handle_groups(seed)
    posts = []
    for spec, count in zip(CAMPAIGNS, scaled_counts(total)):
        r = random.Random(f"{seed}:{spec.id}")
        sellers = groups[spec.handles]
        extras = [make_contact(r, kind, spec.family) for kind in spec.extras]
        hotlines = [make_contact(r, "phone", spec.family) for _ in range(2)] if spec.primary == "phone" else []
        offset = r.randrange(len(PLACEMENTS))
        vocab = bank_of(spec)
        for i in range(count):
            skeleton = spec.skeletons[i % len(spec.skeletons)]
            # sellers rotate across skeletons, not with them: each handle appears under every template
            turn = i // len(spec.skeletons)
            if hotlines:
                primary, cc = hotlines[turn % len(hotlines)]
                shown = primary.value
            else:
                shown, normal = sellers[turn % len(sellers)]
                primary, cc = Contact("telegram", normal), 0
            cc_len = {primary.value: cc, **{c.value: n for c, n in extras}}
            page_extras = [c for c, _ in extras if r.random() < 0.6]
            placement = PLACEMENTS[(i + offset) % len(PLACEMENTS)]
            art = build_spam(vocab, skeleton, "zh-Hans" if spec.lang == "zh-Hant" else spec.lang, r,
                             primary=primary, shown=shown, extras=page_extras, placement=placement,
                             title_form=None, cc_len=cc_len, final_lang=spec.lang)
            if spec.lang == "zh-Hant":
                art = to_hant(art, spec.converter)
            posts.append(Post(art, spec.role, True, spec.family, spec.id, f"{spec.id}/{skeleton}",
                              markdown=spec.markdown, category=spec.family, date=_date(r)))
    return posts


def _date(r: random.Random) -> str:
    return f"{r.choice((2025, 2026))}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"


# benign mix at the default scale: (builder, lang, role, count)
BENIGN = (
    ("topup", "zh-Hans", BLOG, 6), ("esim", "zh-Hans", BLOG, 6),
    ("contact", "zh-Hans", FORUM, 10), ("quote", "zh-Hans", FORUM, 6), ("news", "zh-Hans", FORUM, 8),
    ("product", "zh-Hans", FORUM, 5),
    ("esim", "en", PASTE, 6), ("topup", "en", PASTE, 5), ("news", "en", PASTE, 5),
    ("product", "en", PASTE, 5), ("rules", "en", PASTE, 4),
    ("readme", "en", CODE, 12), ("rules", "en", CODE, 4),
    ("news", "zh-Hant", SPECIAL, 4), ("esim", "zh-Hant", SPECIAL, 3),
)
DEFAULT_BENIGN = sum(n for *_, n in BENIGN)
WARNED_CAMPAIGN = "c14-data"  # the sellers the forum's anti-scam threads quote
OUTSIDE = ("https://en.wikipedia.org/wiki/Spamdexing", "https://github.com/python-telegram-bot/python-telegram-bot",
           "https://www.w3.org/TR/robots/")


def benign_posts(seed: int, spam: list[Post], total: int = DEFAULT_BENIGN) -> list[Post]:
    """Benign look-alikes; anti-spam pages quote real handles of the spam campaigns."""
    r = random.Random(f"{seed}:benign")
    seen: dict[Contact, None] = {}
    for p in spam:
        for c, _ in p.article.contacts:
            if c.kind == "telegram":
                seen.setdefault(c)
    quotable = list(seen) or [Contact("telegram", "esim1088")]
    # the forum's anti-scam threads all warn about the data sellers who flood that forum (WARNED_CAMPAIGN). A quoted
    # handle ties a thread to its seller's campaign in a release's split groups, and the threads, one template,
    # form one campaign: quoting sellers of several campaigns would weld those campaigns into one split group.
    warned_handles = {c for p in spam if p.campaign == WARNED_CAMPAIGN for c, _ in p.article.contacts if c.kind == "telegram"}
    warned = [c for c in quotable if c in warned_handles] or quotable
    posts = []
    scale = total / DEFAULT_BENIGN
    for builder, lang, role, count in BENIGN:
        n = max(1, round(count * scale)) if total else 0
        for _ in range(n):
            base = "zh-Hans" if lang == "zh-Hant" else lang
            links: list[tuple[str, str]] = []
            if builder == "topup":
                art = benign.topup_tutorial(r, base)
            elif builder == "esim":
                art = benign.esim_guide(r, base)
            elif builder == "readme":
                art = benign.bot_readme(r, base)
                links.append(("python-telegram-bot", OUTSIDE[1]))
            elif builder == "contact":
                qq, _ = make_contact(r, "qq", "telecom_sim")
                art = benign.contact_page(r, base, qq.value, f"club{r.randint(10, 999)}@163.com")
            elif builder == "quote":
                c = r.choice(warned)
                art = benign.spam_quote_post(r, base, render(c, r, "zh", form="label_colon"))
                links.append(("Spamdexing", OUTSIDE[0]))
            elif builder == "rules":
                picks = r.sample(quotable, k=min(3, len(quotable)))
                art = benign.antispam_rules(r, base, [Rendered(c, f"@{c.value}") for c in picks])
                links.append(("robots", OUTSIDE[2]))
            elif builder == "news":
                art = benign.scam_news(r, base)
            elif builder == "product":
                art = benign.product_page(r, base, f"service{r.randint(1, 99)}@{r.choice(('163.com', 'outlook.com'))}")
            else:
                raise ValueError(builder)
            if lang == "zh-Hant":
                art = to_hant(art, "s2twp" if r.random() < 0.5 else "s2t")
            for text, href in links:  # references to public sites: off-site, never fetched
                art.blocks.append(("p", [("a", text, href)]))
            posts.append(Post(art, role, False, None, template=f"benign/{builder}", kind=builder,
                              markdown=(role == CODE), category="guides", date=_date(r)))
    return posts
