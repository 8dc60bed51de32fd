"""Spam article skeletons (how-to, listicle, FAQ, story) filled from a family's vocabulary and a page's contacts."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from spamcorpus.sample_web.contact_forms import TG_FORMS, Contact, Rendered, render

# A paragraph is a list of segments: plain text, or ("a", text, href) for a link.
Segment = str | tuple[str, str, str]
_AN = re.compile(r"(^|\s)a ([AEIOUaeiou])")


@dataclass
class Article:
    title: str                       # plain <title> text, contact included when the title carries one
    short_title: str                 # title without the contact tail, for listings and sidebars
    lang: str                        # zh-Hans, zh-Hant or en
    blocks: list[tuple] = field(default_factory=list)         # ("h2"|"h3"|"p"|"ol"|"ul"|"hr"|"quote"|"code", ...)
    title_link: tuple[str, str] | None = None                # (text, href) shown as a link inside the h1
    footer: list[list[Segment]] = field(default_factory=list)  # page-specific boilerplate below the article
    contacts: list[tuple[Contact, str]] = field(default_factory=list)  # (contact, where)
    forms: list[tuple[Contact, str]] = field(default_factory=list)     # (contact, writing style), per use
    non_contacts: list[tuple[Contact, str]] = field(default_factory=list)  # (handle-like mention, why it is none)

    def add(self, rendered: Rendered, where: str) -> Segment:
        """Record a rendered contact placed in `where` (title, text, boilerplate); return its segment."""
        self.forms.append((rendered.contact, rendered.form or "plain"))
        if rendered.text and rendered.spelled:
            self.contacts.append((rendered.contact, where))
        if rendered.href:
            self.contacts.append((rendered.contact, "link"))
            return ("a", rendered.text, rendered.href)
        return rendered.text

    def mention(self, rendered: Rendered, why: str) -> Segment:
        """Place a handle-like mention the contact policy does not count (a quoted list, a placeholder): the truth
        names it with `why`, so a reader sees it was left out on purpose."""
        self.non_contacts.append((rendered.contact, why))
        return ("a", rendered.text, rendered.href) if rendered.href else rendered.text


# The contact policy (corpus/contacts, context.py): a bare `@handle` is a Telegram contact only next to a Telegram
# cue, after a Simplified Chinese call to action (联系, 咨询 ...) or an English group/channel word, or when the page
# links the same handle through t.me. Spam pages write the bare form only there; elsewhere a label goes with it
# (`TG @x`), as real sellers do. Traditional calls to action (請洽, 私訊) are no cue: those pages always label.
BARE_CALLS = {"zh-Hans": ("联系", "咨询", "客服", "私聊", "进群", "加群"), "en": ("group", "channel")}


def bare_handle_offered(before: str, lang: str, linked: bool) -> bool:
    """May `@handle` stand alone after the text `before` on a page finally written in `lang`?"""
    return linked or any(w in before[-30:].lower() for w in BARE_CALLS.get(lang, ()))


ZH_HEAD = {
    "concept": "{product}的基本概念", "ways": "{product}{action}的几种常见方式", "tips": "注意事项",
    "summary": "总结", "why": "为什么选择{brand}", "compare": "渠道对比", "faq": "常见问题", "steps": "操作步骤",
}
EN_HEAD = {
    "concept": "What is a {product}?", "ways": "Ways to {action} your {product}", "tips": "Things to watch",
    "summary": "Summary", "why": "Why {brand}", "compare": "The options compared", "faq": "FAQ",
    "steps": "Step by step",
}
ZH_TITLES = {
    "howto": "{product}怎么{action}？{hook}",
    "listicle": "{year}年{product}{action}渠道推荐：{n}个方法对比",
    "faq": "关于{product}{action}的{n}个常见问题（{year}最新）",
    "story": "亲测有效：我是如何{action}{product}的（{hook}）",
}
EN_TITLES = {
    "howto": "How to {action} a {product}: {hook}",
    "listicle": "{n} Ways to {action} {product} in {year} (Compared)",
    "faq": "{product}: {n} Questions Answered ({year})",
    "story": "How I Managed to {action} My {product} ({hook})",
}
SKELETONS = tuple(ZH_TITLES)


class _Filler(dict):
    def __missing__(self, key: str) -> str:  # an unknown placeholder is a bug in the vocabulary
        raise KeyError(f"placeholder {{{key}}} has no value")


def build_spam(vocab: dict, skeleton: str, lang: str, rng: random.Random, *, primary: Contact, shown: str,
               extras: list[Contact], placement: str, title_form: str | None, cc_len: dict[str, int],
               final_lang: str | None = None) -> Article:
    """One spam article from a campaign's sentence bank `vocab` (its own "titles" and "heads" when it has them).
    `placement`: where the primary contact goes (title, text, footer, link); `final_lang`: the language the page
    ends up in (zh-Hant pages are written in zh-Hans and converted), which decides where a bare handle may stand."""
    zh = lang.startswith("zh")
    fill = _Filler(
        product=rng.choice(vocab["products"]), brand=rng.choice(vocab["brands"]),
        action=rng.choice(vocab["actions"]), region=rng.choice(vocab["regions"]),
        year=str(rng.choice((2025, 2026))), price=str(rng.choice((15, 30, 49, 98, 199, 300, 500))),
        days=str(rng.choice((3, 7, 15, 30, 90, 180))), n=str(rng.randint(3, 8)),
    )
    fill["hook"] = rng.choice(vocab["hooks"]).format_map(fill)
    if zh:
        f = lambda s: s.format_map(fill)  # noqa: E731
    else:  # "a account" -> "an account" after the products are filled in
        f = lambda s: _AN.sub(r"\1an \2", s.format_map(fill))  # noqa: E731
    head = vocab.get("heads") or (ZH_HEAD if zh else EN_HEAD)
    short = f((vocab.get("titles") or (ZH_TITLES if zh else EN_TITLES))[skeleton])
    art = Article(title=short, short_title=short, lang=lang)
    contact_lang = "zh" if zh else "en"

    def rendered(c: Contact, form: str | None = None) -> Rendered:
        return render(c, rng, contact_lang, shown=shown if c == primary else None,
                      cc_len=cc_len.get(c.value, 3), form=form)

    def primary_form(before: str | None) -> str | None:
        """A Telegram handle's writing style; the bare form only where the policy reads it (BARE_CALLS)."""
        if primary.kind != "telegram":
            return None
        form = rng.choice(TG_FORMS)
        if form == "at" and (before is None or not bare_handle_offered(before, final_lang or lang, linked)):
            form = "label_at" if before is not None else "tme_s_link"  # a footer line alone: the seed post's habit
        return form

    linked = False  # the page links the primary handle through t.me (its title does)
    if placement == "title":
        r = rendered(primary, title_form or "tme_s_link")
        linked = r.href.startswith("https://t.me/")
        seg = art.add(r, "title")
        tail = r.text
        art.title = f"{short}[{tail}]" if zh else f"{short} [{tail}]"
        if isinstance(seg, tuple):
            art.title_link = (seg[1], seg[2])
    blocks = art.blocks
    blocks.append(("p", [f(rng.choice(vocab["intro"]))]))
    steps = rng.sample(vocab["steps"], k=min(len(vocab["steps"]), rng.randint(4, 6)))
    tips = rng.sample(vocab["tips"], k=min(len(vocab["tips"]), rng.randint(3, 5)))
    faq = rng.sample(vocab["faq"], k=min(len(vocab["faq"]), rng.randint(2, 4)))
    concept = vocab["concept"][:]
    rng.shuffle(concept)
    if skeleton == "howto":
        blocks += [("h2", f(head["concept"]))] + [("p", [f(p)]) for p in concept] + [("hr",), ("h2", f(head["ways"]))]
        for i, (h, s) in enumerate(steps, 1):
            blocks += [("h3", f"{i}. {f(h)}"), ("p", [f(s)])]
        blocks += [("hr",), ("h2", f(head["tips"])), ("ol", [f(t) for t in tips])]
    elif skeleton == "listicle":
        blocks += [("h2", f(head["why"])), ("p", [f(concept[0])]), ("h2", f(head["compare"]))]
        blocks.append(("ul", [f"{f(h)}：{f(s)}" if zh else f"{f(h)}: {f(s)}" for h, s in steps]))
        blocks.append(("h2", f(head["faq"])))
        for q, a in faq:
            blocks += [("h3", f(q)), ("p", [f(a)])]
    elif skeleton == "faq":
        for q, a in faq:
            blocks += [("h3", f(q)), ("p", [f(a)])]
        blocks += [("h2", f(head["steps"])), ("ol", [f(h) + ("：" if zh else ": ") + f(s) for h, s in steps]),
                   ("ul", [f(t) for t in tips])]
    elif skeleton == "story":
        ordinal = ("第一步，", "第二步，", "第三步，", "第四步，", "第五步，", "最后，") if zh else (
            "First, ", "Next, ", "Then, ", "After that, ", "Finally, ", "And last, ")
        blocks += [("p", [f(p)]) for p in concept]
        for i, (h, s) in enumerate(steps):
            blocks.append(("p", [ordinal[min(i, len(ordinal) - 1)] + f(s)]))
        blocks.append(("quote", f(tips[0])))
    else:
        raise ValueError(f"unknown skeleton {skeleton!r}")
    blocks += [("h2", f(head["summary"])), ("p", [f(rng.choice(vocab["closing"]))])]

    # calls to action: the primary contact in the body unless it lives in the footer or a bare link only
    cta = rng.choice(vocab["cta"])
    before, _, after = cta.partition("{contact}")
    if placement in ("title", "text"):
        seg = art.add(rendered(primary, primary_form(f(before))), "text")
        blocks.append(("p", [f(before), seg, f(after)]))
    elif placement == "link":
        seg = art.add(rendered(primary, "link_only"), "link")
        blocks.append(("p", [f(before.rstrip("：: ")) + ("：" if zh else ": "), seg]))
    for extra in extras:
        seg = art.add(rendered(extra), "text")
        blocks.append(("p", [("也可以添加 " if zh else "Also available at "), seg]))
    if placement in ("title", "footer"):
        # the seed post's habit: the handle again after the article, on a line of its own
        r = rendered(primary, "tme_s_link" if placement == "title" else primary_form(None))
        art.footer.append([art.add(r, "boilerplate")])
    return art


def hant_wording(text: str) -> str:
    """Taiwan/Hong Kong sellers reword, not only re-script: applied to Simplified text before conversion."""
    for a, b in HANT_WORDS:
        text = text.replace(a, b)
    return text


HANT_WORDS = (("充值", "储值"), ("联系", "联络"), ("激活", "开通"), ("短信", "简讯"), ("套餐", "方案"),
              ("账号", "帐号"), ("支持", "支援"), ("质量", "品质"), ("朋友们", "大家"), ("靠谱", "可靠"))
