"""Benchmark site: N boilerplate-heavy pages (zh/en, spam/benign, contacts in footers) written as static files."""
from __future__ import annotations

import json
import random
from html import escape
from pathlib import Path

GENERATOR_VERSION = 2  # bump when pages change, so a cached site is rebuilt

ZH_SPAM_TOPICS = {
    "telecom_sim": ["境外流量卡", "香港eSIM", "海外实名手机卡", "接码专用卡", "国际漫游上网卡"],
    "gambling": ["体育投注平台", "真人娱乐场", "彩票计划群", "百家乐技巧", "电竞竞猜"],
    "fake_documents": ["学历证书办理", "驾照代办", "护照加急", "资格证快速拿证", "毕业证补办"],
    "loans": ["无抵押贷款", "学生快速借款", "黑户也能下款", "当天放款", "信用卡代还"],
    "crypto_finance": ["USDT兑换", "虚拟币场外承兑", "数字钱包跑分", "比特币回收", "合约带单"],
}
ZH_STEPS = ["先确认{t}的适用地区和套餐内容。", "很多朋友第一次接触{t}，难免会有疑问。", "办理{t}的流程其实并不复杂。",
            "选择{t}时一定要找靠谱的渠道，避免上当。", "{t}支持多种支付方式，支付宝、微信都可以。",
            "我们提供{t}一对一指导，全程有专人跟进。", "不少用户反馈{t}稳定好用，续费也很方便。",
            "{t}的价格会根据套餐和时长有所不同。", "如果你在使用{t}过程中遇到问题，可以随时咨询客服。",
            "下面详细介绍{t}的几个关键步骤，照着做就行。", "相比传统方式，{t}更省时省心。",
            "注意：{t}名额有限，先到先得。"]
ZH_BENIGN = ["今天整理了一份家常菜的做法，步骤简单，新手也能上手。", "周末去郊外爬山，沿途的风景让人心情舒畅。",
             "这篇笔记记录了我学习数据库索引的一些体会。", "小区门口新开了一家面包店，味道还不错。",
             "关于孩子的阅读习惯，我有几点小小的建议。", "旅行前准备一个清单，可以避免遗漏重要物品。",
             "阳台种菜需要注意光照和浇水的频率。", "最近在读一本关于城市历史的书，很有启发。",
             "跑步的时候保持均匀呼吸，比速度更重要。", "家里的旧电脑重装系统以后，运行快了很多。"]
EN_SPAM_TOPICS = {
    "telecom_sim": ["travel eSIM", "verified SIM cards", "virtual numbers for SMS", "prepaid data cards"],
    "account_trade": ["aged social media accounts", "verified seller accounts", "bulk email accounts"],
    "support_scam": ["airline customer support", "wallet recovery service", "printer helpline"],
    "loans": ["instant payday loans", "no credit check loans", "same day cash advance"],
}
EN_STEPS = ["Getting {t} has never been easier than it is today.", "Many readers ask us how {t} actually works.",
            "Our team has helped thousands of customers with {t}.", "The whole process for {t} takes minutes.",
            "Prices for {t} depend on the plan and the duration you pick.", "Read the steps below to order {t}.",
            "We accept every payment method for {t}, including crypto.", "Stock of {t} is limited this week.",
            "Unlike other sellers, our {t} comes with lifetime support.", "Message us to receive {t} today."]
EN_BENIGN = ["Prune tomato plants early in the season to keep them healthy.", "This note explains how we "
             "profile a slow database query step by step.", "The river trail is flat and good for beginners.",
             "Soak the beans overnight and cook them slowly with garlic.", "Keep your bicycle chain clean and "
             "lightly oiled after rainy rides.", "Our library opens a new reading room next month.",
             "Version control makes it safe to try an idea and throw it away.", "Store seeds in a cool, dry place."]
NAV_ZH = ["首页", "新闻", "攻略", "问答", "专题", "下载", "关于我们", "联系我们", "热门标签", "网站地图"]
NAV_EN = ["Home", "News", "Guides", "Q&A", "Topics", "Downloads", "About", "Contact", "Tags", "Sitemap"]


def _handle(rng: random.Random) -> str:
    return rng.choice(["esim", "kefu", "vip", "card", "bet", "docs", "loan", "usdt"]) + str(rng.randint(100, 9999))


def _footer(rng: random.Random, zh: bool, spam: bool) -> str:
    if spam:
        handle, wx = _handle(rng), _handle(rng)
        phone = f"+852 {rng.randint(5000, 9999)} {rng.randint(1000, 9999)}"
        lines = ([f"业务咨询 Telegram：@{handle}", f"微信：{wx}", f"客服热线：{phone}", f"QQ：{rng.randint(10**7, 10**9)}"]
                 if zh else [f"Order on Telegram: @{handle}", f"WhatsApp: {phone}", f"Email: sales.{wx}@mail-shop.example"])
        links = f'<a href="https://t.me/{handle}">t.me/{handle}</a>'
    else:
        lines = (["本站内容仅供学习交流", f"联系邮箱：editor{rng.randint(1, 99)}@blog.example"] if zh
                 else ["All content is written by volunteers.", f"Contact: editor{rng.randint(1, 99)}@blog.example"])
        links = '<a href="/about.html">about</a>'
    year = rng.randint(2019, 2026)
    lines.append(f"© {year} {'版权所有' if zh else 'All rights reserved'}")
    return "<footer>" + "".join(f"<p>{escape(x)}</p>" for x in lines) + f"<p>{links}</p></footer>"


def _chrome_links(rng: random.Random, n_pages: int, count: int, zh: bool) -> str:
    items = []
    for _ in range(count):
        target = rng.randrange(n_pages)
        label = rng.choice(NAV_ZH if zh else NAV_EN) + (f" {rng.randint(1, 999)}" if rng.random() < 0.7 else "")
        items.append(f'<li><a href="/p/{target}.html">{escape(label)}</a></li>')
    return "<ul>" + "".join(items) + "</ul>"


def _paragraphs(rng: random.Random, zh: bool, spam: bool, topic: str, target_bytes: int) -> list[str]:
    pool = (ZH_STEPS if spam else ZH_BENIGN) if zh else (EN_STEPS if spam else EN_BENIGN)
    paras, size = [], 0
    while size < target_bytes:
        sentences = [rng.choice(pool).format(t=topic) for _ in range(rng.randint(3, 6))]
        para = ("" if zh else " ").join(sentences)
        paras.append(f"<p>{escape(para)}</p>")
        size += len(paras[-1].encode("utf-8"))
        if rng.random() < 0.25:
            paras.append(f"<h2>{escape(rng.choice(pool).format(t=topic)[:24])}</h2>")
    return paras


def page_html(index: int, n_pages: int, seed: int = 7) -> str:
    """Page `index` of an n-page site; the same arguments always give the same bytes."""
    rng = random.Random(seed * 1_000_003 + index)
    zh = rng.random() < 0.6
    spam = rng.random() < 0.55
    if spam:
        topics = ZH_SPAM_TOPICS if zh else EN_SPAM_TOPICS
        topic = rng.choice(topics[rng.choice(sorted(topics))])
    else:
        topic = ""
    first = rng.choice((ZH_STEPS if spam else ZH_BENIGN) if zh else (EN_STEPS if spam else EN_BENIGN))
    title = (first.format(t=topic) if spam else first)[:40]
    if spam:
        title += f" [TG @{_handle(rng)}]" if rng.random() < 0.5 else ""
    target = rng.randint(1900, 5400)  # article bytes; the chrome adds ~2.5-4 KB, so pages land at 4-10 KB
    body = "\n".join(_paragraphs(rng, zh, spam, topic, target))
    nav = _chrome_links(rng, n_pages, rng.randint(10, 18), zh)
    sidebar = _chrome_links(rng, n_pages, rng.randint(12, 24), zh)
    related = _chrome_links(rng, n_pages, rng.randint(4, 8), zh)
    lang = "zh-CN" if zh else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="stylesheet" href="/static/site.css"></head><body>'
            f'<header><div class="logo"><a href="/">{"资讯站" if zh else "Daily Notes"}</a></div>'
            f'<nav>{nav}</nav></header>'
            f'<div class="wrap"><main><article><h1>{escape(title)}</h1>'
            f'<div class="meta">{"发布时间" if zh else "Published"} 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}'
            f'</div>\n{body}\n</article><section class="related"><h3>{"相关文章" if zh else "Related"}</h3>'
            f'{related}</section></main><aside><h3>{"热门推荐" if zh else "Popular"}</h3>{sidebar}</aside></div>'
            f'{_footer(rng, zh, spam)}</body></html>')


def build_site(root: str | Path, pages: int, seed: int = 7) -> list[str]:
    """Write pages 0..pages-1 under root/p/ (plus robots.txt); reuse an identical earlier build.

    Returns the URL paths, in a fixed shuffled order (so consecutive requests hit varied pages)."""
    root = Path(root)
    stamp = root / "site.json"
    spec = {"pages": pages, "seed": seed, "version": GENERATOR_VERSION}
    paths = [f"/p/{i}.html" for i in range(pages)]
    random.Random(seed).shuffle(paths)
    if stamp.exists() and json.loads(stamp.read_text()) == spec:
        return paths
    (root / "p").mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # nginx workers may run as another user
    (root / "p").chmod(0o755)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for i in range(pages):
        (root / "p" / f"{i}.html").write_text(page_html(i, pages, seed), encoding="utf-8")
    stamp.write_text(json.dumps(spec))
    return paths


def size_stats(root: str | Path, sample: int = 500) -> dict[str, float]:
    files = sorted((Path(root) / "p").glob("*.html"))[:sample]
    sizes = sorted(f.stat().st_size for f in files)
    return {"min_kb": sizes[0] / 1024, "median_kb": sizes[len(sizes) // 2] / 1024, "max_kb": sizes[-1] / 1024}
