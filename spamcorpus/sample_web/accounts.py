"""Accounts on the sample web's shared platforms: throwaway seller accounts per campaign, benign authors, seeded."""
from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

# The sample web's platforms in the format of `spamcorpus release --shared-platforms FILE`
PLATFORMS_FILE = Path(__file__).resolve().with_name("platforms.txt")

# Spam accounts are named after what they sell, as throwaway accounts are; no name is a seller's contact handle
# (those are stem+digits without a separator, identities.STEMS): an account name is never a contact.
SPAM_WORDS = {
    "telecom_sim": ("esim", "simka", "liuliangka", "haoma", "roaming", "datacard"),
    "gambling": ("yule", "qipai", "vipclub", "lucky", "casino"),
    "fake_documents": ("banzheng", "zhengshu", "xueli", "certs"),
    "crypto_finance": ("usdt", "otc", "coinpay", "chainbiz"),
    "loans": ("daikuan", "jiekuan", "credit", "xinyong"),
    "support_scam": ("helpdesk", "service", "callcenter", "fixit"),
    "account_trade": ("zhanghao", "oldacct", "accmarket", "haohang"),
    "hacking_data": ("chaxun", "shuju", "osint", "leakbase"),
}
SPAM_TAILS = ("guide", "notes", "shop", "hub", "center", "zhinan", "daily", "pro", "tips", "studio", "kb", "wiki")
BENIGN_NAMES = ("lin", "mochi", "kaito", "xiaoyu", "nora", "tomo", "jiahui", "ravi", "sora", "wen", "liang", "mei",
                "kenji", "ines", "owen", "yuki", "hana", "chen", "aziz", "lea", "pablo", "dara", "ming", "iris")
BENIGN_TAILS = ("-dev", "_notes", "", "-hk", "-tw", "-writes", "lab", "-codes", "_blog", "-sh")
# path segments a platform uses itself (its listings): no account may be named like one
RESERVED = frozenset({"u", "t", "p", "explore", "category", "page", "private", "wp-admin", "robots.txt",
                      "sitemap.xml", "index.html"})
POSTS_PER_ACCOUNT = 7  # a throwaway account posts a batch, then the campaign moves on to a fresh one


def account_count(posts: int) -> int:
    """How many accounts a campaign of `posts` posts uses: several (at least two when it has two posts)."""
    return max(1, min(posts, max(2, round(posts / POSTS_PER_ACCOUNT))))


def _name(r: random.Random, words: tuple[str, ...], tails: tuple[str, ...], spam: bool) -> str:
    if spam:
        name = f"{r.choice(words)}-{r.choice(tails)}"
        return name + (f"-{r.randint(10, 9999)}" if r.random() < 0.6 else "")
    name = f"{r.choice(words)}{r.choice(tails)}"
    return name + (str(r.randint(1, 99)) if r.random() < 0.4 else "")


def new_accounts(r: random.Random, n: int, taken: set[str], family: str | None) -> list[str]:
    """`n` fresh account names (lowercase: platforms match account paths case-insensitively), none in `taken`."""
    words, tails = (SPAM_WORDS[family], SPAM_TAILS) if family else (BENIGN_NAMES, BENIGN_TAILS)
    out: list[str] = []
    while len(out) < n:
        name = _name(r, words, tails, family is not None)
        if name not in taken and name not in RESERVED:
            taken.add(name)
            out.append(name)
    return out


def assign_accounts(seed: int, posts: list) -> None:
    """Give every post its `account`: each spam campaign posts through its own accounts (batches of consecutive
    posts), each benign kind of page (builder, language, host) through its own authors. No account posts for two
    campaigns, or for a campaign and benign pages: accounts are single-purpose, as in the data."""
    batches: dict[tuple, list] = defaultdict(list)
    for p in posts:
        batches[("spam", p.campaign) if p.spam else ("benign", p.template, p.article.lang, p.role)].append(p)
    taken: set[str] = set()
    for key, members in batches.items():  # insertion order: the posts' order, so seeded and stable
        r = random.Random(f"{seed}:accounts:{':'.join(map(str, key))}")
        n = account_count(len(members)) if key[0] == "spam" else max(1, round(len(members) / 3))
        names = new_accounts(r, n, taken, members[0].family if key[0] == "spam" else None)
        for i, p in enumerate(members):
            p.account = names[i * len(names) // len(members)]
