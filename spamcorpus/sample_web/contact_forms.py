"""Contacts of the sample web: their normal form (the truth) and the many ways spam writes them."""
from __future__ import annotations

import random
from dataclasses import dataclass

# Normal forms follow corpus/contacts (kinds.plain_normal): telegram handle lowercase without @, whatsapp/phone E.164,
# email lowercase, qq digits; wechat and line ids are generated lowercase so their normal form is plain.
KINDS = ("telegram", "whatsapp", "phone", "wechat", "qq", "line", "email")


@dataclass(frozen=True, order=True)
class Contact:
    kind: str
    value: str  # normal form

    def as_pair(self) -> tuple[str, str]:
        return (self.kind, self.value)


@dataclass(frozen=True)
class Rendered:
    """One contact as it appears on a page: visible text (may be empty) and an href (may be empty)."""

    contact: Contact
    text: str
    href: str = ""
    form: str = ""  # which writing style produced it, for inspection and per-form recall
    spelled: bool = True  # False when the visible text does not spell the contact (`Chat now`, `LINE`)


_FW_OFFSET = 0xFEE0  # ASCII ! .. ~ -> full-width forms


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + _FW_OFFSET) if "!" <= c <= "~" else c for c in s)


def math_bold(s: str) -> str:
    out = []
    for c in s:
        if "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - ord("a")))
        elif "A" <= c <= "Z":
            out.append(chr(0x1D400 + ord(c) - ord("A")))
        elif "0" <= c <= "9":
            out.append(chr(0x1D7CE + ord(c) - ord("0")))
        else:
            out.append(c)
    return "".join(out)


def split_digits(digits: str, rng: random.Random) -> str:
    """`2847 1935`, `2847-1935` or `【2847】【1935】`: digit runs broken up to dodge filters."""
    mid = len(digits) // 2
    style = rng.randrange(3)
    if style == 0:
        return " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    if style == 1:
        return f"{digits[:mid]}-{digits[mid:]}"
    return f"【{digits[:mid]}】【{digits[mid:]}】"


def e164_spaced(e164: str, cc_len: int) -> str:
    """+85291234567 -> `+852 9123 4567` (how people type numbers)."""
    cc, rest = e164[1:1 + cc_len], e164[1 + cc_len:]
    groups = [rest[i:i + 4] for i in range(0, len(rest), 4)]
    return f"+{cc} " + " ".join(groups)


EMOJI = ("💪", "✈️", "👉", "🔥", "✅", "📲", "⭐")
TG_LABELS_ZH = ("TG", "飞机", "纸飞机", "电报", "Telegram")
WX_LABELS_ZH = ("微信", "VX", "薇信", "V信", "加微")
QQ_LABELS_ZH = ("QQ", "Q群", "扣扣", "QQ群")


# How sellers write a Telegram handle; "at" is the bare `@handle`, a contact only in context (articles.py)
TG_FORMS = ("at", "label_at", "label_colon", "tme", "tme_s_link", "emoji", "fullwidth", "bold", "dotted", "link_only")


def render_telegram(handle_shown: str, c: Contact, rng: random.Random, lang: str, form: str | None = None) -> Rendered:
    """`handle_shown` keeps the page's capitalisation (the normal form is lowercase)."""
    zh = lang.startswith("zh")
    form = form or rng.choice(TG_FORMS)
    label = rng.choice(TG_LABELS_ZH) if zh else rng.choice(("TG", "Telegram", "TG"))
    colon = "：" if zh else ": "
    h = handle_shown
    if form == "at":
        return Rendered(c, f"@{h}", form=form)
    if form == "label_at":
        return Rendered(c, f"{label} @{h}", form=form)
    if form == "label_colon":
        return Rendered(c, f"{label}{colon}{h}", form=form)
    if form == "tme":
        return Rendered(c, f"t.me/{h}", form=form)
    if form == "tme_s_link":
        return Rendered(c, f"TG{rng.choice(EMOJI)}+ @{h}", href=f"https://t.me/s/{h}", form=form)
    if form == "emoji":
        return Rendered(c, f"{label}{rng.choice(EMOJI)} @{h}", form=form)
    if form == "fullwidth":
        return Rendered(c, fullwidth(f"TG:@{h}"), form=form)
    if form == "bold":
        return Rendered(c, f"{label}{colon}@{math_bold(h)}", form=form)
    if form == "dotted":
        return Rendered(c, f"t●me/{h}", form=form)
    if form == "link_only":
        anchor = rng.choice(("点击咨询", "在线客服", "联系我们", "立即下单")) if zh else rng.choice(
            ("Contact us", "Chat now", "Order here", "Get support"))
        return Rendered(c, anchor, href=f"https://t.me/{h}", form=form, spelled=False)
    raise ValueError(form)


def render_wechat(c: Contact, rng: random.Random, lang: str) -> Rendered:
    form = rng.choice(("label", "emoji", "fullwidth"))
    label = rng.choice(WX_LABELS_ZH) if lang.startswith("zh") else "WeChat"
    if form == "label":
        return Rendered(c, f"{label}：{c.value}" if lang.startswith("zh") else f"{label}: {c.value}", form=form)
    if form == "emoji":
        return Rendered(c, f"{label}{rng.choice(EMOJI)}{c.value}", form=form)
    return Rendered(c, f"{label}：{fullwidth(c.value)}", form=form)


def render_qq(c: Contact, rng: random.Random, lang: str) -> Rendered:
    form = rng.choice(("label", "split", "fullwidth"))
    label = rng.choice(QQ_LABELS_ZH)
    if form == "label":
        return Rendered(c, f"{label}：{c.value}", form=form)
    if form == "split":
        return Rendered(c, f"{label} {split_digits(c.value, rng)}", form=form)
    return Rendered(c, f"{label}：{fullwidth(c.value)}", form=form)


def render_whatsapp(c: Contact, rng: random.Random, lang: str, cc_len: int) -> Rendered:
    form = rng.choice(("wa_link", "label_plus", "wa_text"))
    if form == "wa_link":
        anchor = "WhatsApp 咨询" if lang.startswith("zh") else "Message us on WhatsApp"
        return Rendered(c, anchor, href=f"https://wa.me/{c.value[1:]}", form=form, spelled=False)
    if form == "label_plus":
        return Rendered(c, f"WhatsApp{rng.choice(('：', ': ', ' 📲 '))}{e164_spaced(c.value, cc_len)}", form=form)
    return Rendered(c, f"wa.me/{c.value[1:]}", form=form)


def render_phone(c: Contact, rng: random.Random, lang: str, cc_len: int) -> Rendered:
    zh = lang.startswith("zh")
    form = rng.choice(("plain", "bracket", "fullwidth"))
    label = rng.choice(("客服热线：", "24小时热线：", "服务电话：")) if zh else rng.choice(
        ("Call toll-free: ", "Helpline: ", "Support line: "))
    if form == "plain":
        return Rendered(c, label + e164_spaced(c.value, cc_len), form=form)
    if form == "bracket":
        if c.value.startswith("+1"):
            n = c.value[2:]
            return Rendered(c, f"{label}+1 ({n[:3]}) {n[3:6]}-{n[6:]}", form=form)
        return Rendered(c, label + e164_spaced(c.value, cc_len).replace(" ", "-", 1), form=form)
    return Rendered(c, label + fullwidth(c.value), form=form)


def render_line(c: Contact, rng: random.Random, lang: str) -> Rendered:
    form = rng.choice(("label", "lai", "link"))
    if form == "label":
        return Rendered(c, f"LINE ID：{c.value}" if lang.startswith("zh") else f"LINE ID: {c.value}", form=form)
    if form == "lai":
        return Rendered(c, f"加賴：{c.value}" if lang.startswith("zh") else f"LINE: {c.value}", form=form)
    return Rendered(c, "LINE", href=f"https://line.me/ti/p/~{c.value}", form=form, spelled=False)


def render_email(c: Contact, rng: random.Random, lang: str) -> Rendered:
    user, _, domain = c.value.partition("@")
    form = rng.choice(("plain", "mailto", "dotted", "fullwidth_at", "at_words"))
    if form == "plain":
        return Rendered(c, c.value, form=form)
    if form == "mailto":
        return Rendered(c, c.value, href=f"mailto:{c.value}", form=form)
    if form == "dotted":
        return Rendered(c, f"{user}@{domain.replace('.', '●')}", form=form)
    if form == "fullwidth_at":
        return Rendered(c, f"{user}＠{domain}", form=form)
    return Rendered(c, f"{user} (at) {domain.replace('.', ' (dot) ')}", form=form)


def render(c: Contact, rng: random.Random, lang: str, *, shown: str | None = None, cc_len: int = 3,
           form: str | None = None) -> Rendered:
    """Render contact `c` in a random (seeded) style suitable for `lang`."""
    if c.kind == "telegram":
        return render_telegram(shown or c.value, c, rng, lang, form)
    if c.kind == "wechat":
        return render_wechat(c, rng, lang)
    if c.kind == "qq":
        return render_qq(c, rng, lang)
    if c.kind == "whatsapp":
        return render_whatsapp(c, rng, lang, cc_len)
    if c.kind == "phone":
        return render_phone(c, rng, lang, cc_len)
    if c.kind == "line":
        return render_line(c, rng, lang)
    if c.kind == "email":
        return render_email(c, rng, lang)
    raise ValueError(f"unknown contact kind {c.kind!r}")
