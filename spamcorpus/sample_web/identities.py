"""Seller identities of the sample web: telegram handles, WeChat/QQ/LINE ids, numbers and e-mails, seeded."""
from __future__ import annotations

import random

from spamcorpus.sample_web.contact_forms import Contact

STEMS = {
    "telecom_sim": ("esim", "simcard", "hkcard", "tmcard", "ukcard", "numbers"),
    "gambling": ("hgvip", "betking", "win888", "hg_kefu", "jinsha"),
    "fake_documents": ("banzheng", "docs_pro", "zhengjian", "diploma"),
    "crypto_finance": ("usdt_otc", "ushang", "coinmgr", "btc_desk"),
    "loans": ("daikuan", "kuaidai", "loan_fast", "xiakuan"),
    "support_scam": ("kefu", "helpdesk", "support"),
    "account_trade": ("haoshang", "oldacc", "tgacc", "accstore"),
    "hacking_data": ("chaxun", "hackteam", "data_hunter", "sgk_bot"),
}
MAIL_DOMAINS = ("gmail.com", "outlook.com", "proton.me", "163.com", "qq.com", "yahoo.com")
# (country code, national number pattern as a function of rng) for WhatsApp and fake hotlines
MOBILE = {
    "852": lambda r: r.choice("5694") + "".join(r.choice("0123456789") for _ in range(7)),
    "63": lambda r: "9" + r.choice("1234567") + "".join(r.choice("0123456789") for _ in range(8)),
    "60": lambda r: "1" + r.choice("2346789") + "".join(r.choice("0123456789") for _ in range(7)),
    "855": lambda r: r.choice(("12", "17", "77", "89")) + "".join(r.choice("0123456789") for _ in range(6)),
    "86": lambda r: "1" + r.choice(("38", "39", "58", "59", "86", "88")) + "".join(r.choice("0123456789") for _ in range(8)),
}
TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")


def _digits(r: random.Random, n: int) -> str:
    return r.choice("123456789") + "".join(r.choice("0123456789") for _ in range(n - 1))


def telegram_handle(r: random.Random, family: str) -> tuple[str, str]:
    """(as shown on the page, normal form). Some sellers capitalise; the normal form is lowercase."""
    stem = r.choice(STEMS[family])
    shown = f"{stem}{r.randint(10, 9999)}"
    if r.random() < 0.3:
        shown = shown[0].upper() + shown[1:]
    if len(shown) < 5:
        shown += "_hk"
    return shown, shown.lower()


def make_contact(r: random.Random, kind: str, family: str) -> tuple[Contact, int]:
    """A fresh contact of `kind` and the country-code length used to print it (phones only)."""
    stem = r.choice(STEMS[family]).replace("_", "")
    if kind == "wechat":
        return Contact("wechat", f"{r.choice(('vx', 'wx', ''))}{stem}{r.randint(100, 99999)}"), 0
    if kind == "qq":
        return Contact("qq", _digits(r, r.choice((8, 9, 10)))), 0
    if kind == "line":
        return Contact("line", f"{stem}{r.randint(10, 999)}"), 0
    if kind == "email":
        return Contact("email", f"{stem}{r.randint(1, 999)}@{r.choice(MAIL_DOMAINS)}"), 0
    if kind == "whatsapp":
        cc = r.choice(("852", "63", "60", "855"))
        return Contact("whatsapp", f"+{cc}{MOBILE[cc](r)}"), len(cc)
    if kind == "phone":
        if family == "support_scam" and r.random() < 0.5:
            # not 555-01xx: extractors rightly drop those reserved fictional numbers as documentation examples
            return Contact("phone", f"+1{r.choice(TOLL_FREE)}{r.randint(200, 999)}{r.randint(0, 9999):04d}"), 1
        cc = r.choice(("852", "86"))
        return Contact("phone", f"+{cc}{MOBILE[cc](r)}"), len(cc)
    raise ValueError(f"no generator for contact kind {kind!r}")
