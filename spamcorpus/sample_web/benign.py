"""Benign look-alikes: tutorials, bot READMEs, contact pages, anti-spam notes, scam news, product pages."""
from __future__ import annotations

import random

from spamcorpus.sample_web.articles import Article
from spamcorpus.sample_web.contact_forms import Contact, Rendered

CARRIERS_ZH = ("本地运营商", "虚拟运营商", "你所在地区的运营商")
DEVICES = ("iPhone 15", "iPhone 13", "Pixel 8", "Galaxy S23", "iPad Air", "Xperia 10")
PROJECTS = ("echo-bot", "rss-notify-bot", "weather-bot", "group-guard", "todo-bot", "pingbot", "feedwatch",
            "quiz-bot", "translate-bot", "reminder-bot", "poll-helper", "status-bot")
CLUBS = ("开源软件协会", "无线电爱好者社", "摄影协会", "机器人社团", "Linux 用户组", "数学建模社")


def topup_tutorial(rng: random.Random, lang: str) -> Article:
    if lang == "en":
        title = f"How to top up a prepaid SIM: {rng.choice(('a plain guide', 'official channels only', 'without an agent'))}"
        art = Article(title, title, "en")
        art.blocks += [
            ("p", ["Prepaid plans expire when the balance runs out or when the validity period ends. Topping up is simple and never requires a third party: every carrier offers at least one official channel."]),
            ("h2", "Official channels"),
            ("ol", ["The carrier's own app: sign in with the number and choose an amount.",
                    "The carrier's website: look for a Recharge or Top-up link in the account menu.",
                    "Vouchers from supermarkets and convenience stores: scratch the code and follow the printed instructions."]),
            ("h2", "Things to avoid"),
            ("p", ["Be wary of people on social media who offer to renew your number for a fee. They need your number and sometimes your PUK code, and there is no way to get your money back. If you are abroad, most carriers accept international cards in their app."]),
            ("p", [f"Tip: set a calendar reminder {rng.choice((3, 5, 7))} days before the expiry date."]),
        ]
        return art
    title = f"预付费手机卡怎么充值？{rng.choice(('官方渠道汇总', '不用找代充', '新手必看'))}"
    art = Article(title, title, lang)
    art.blocks += [
        ("p", [f"预付费卡余额用完或者有效期到了就会停机。充值其实很简单，{rng.choice(CARRIERS_ZH)}都提供官方渠道，完全不需要找第三方代充。"]),
        ("h2", "官方充值渠道"),
        ("ol", ["运营商官方APP：用本机号码登录，选择充值金额并支付。", "运营商官网：在账户菜单中找到“充值缴费”。",
                "营业厅和便利店：购买充值卡，按卡背面的说明操作。"]),
        ("h2", "需要警惕的情况"),
        ("p", ["网上有人以“代充”“保号”为名收取费用，要求提供号码甚至PUK码，一旦付款很难追回。出境期间可以使用运营商APP绑定国际信用卡充值。"]),
        ("p", [f"小提示：在到期前{rng.choice((3, 5, 7))}天设置一个日历提醒。"]),
    ]
    return art


def esim_guide(rng: random.Random, lang: str) -> Article:
    device = rng.choice(DEVICES)
    if lang == "en":
        title = f"Setting up an eSIM on the {device}"
        art = Article(title, title, "en")
        art.blocks += [
            ("p", [f"An eSIM is a SIM profile downloaded to the phone instead of a plastic card. The {device} supports several profiles, so you can keep your home number and add a travel plan."]),
            ("h2", "Before you start"),
            ("ul", ["A Wi-Fi connection.", "The QR code or activation code from your carrier.", "A phone that is not carrier-locked."]),
            ("h2", "Steps"),
            ("ol", ["Open Settings and go to Mobile Data (or Connections).", "Choose Add eSIM and scan the QR code.",
                    "Label the new line, for example 'Travel'.", "Pick which line is used for data and which for calls."]),
            ("p", ["If the profile fails to install, restart the phone and try again; QR codes can usually be scanned only once, so contact your carrier through its official app if the code was already used."]),
        ]
        return art
    title = f"{device} 设置 eSIM 的完整步骤"
    art = Article(title, title, lang)
    art.blocks += [
        ("p", [f"eSIM 是写入手机芯片的电子SIM卡，不需要插实体卡。{device} 可以同时保存多个 eSIM 配置，出行时添加一个当地流量方案即可，原号码照常使用。"]),
        ("h2", "准备工作"),
        ("ul", ["稳定的无线网络。", "运营商提供的二维码或激活码。", "没有网络锁的手机。"]),
        ("h2", "设置步骤"),
        ("ol", ["打开“设置”，进入“蜂窝网络”或“移动数据”。", "点击“添加 eSIM”，扫描二维码。", "为新线路命名，例如“出行”。",
                "选择默认的上网线路和通话线路。"]),
        ("p", ["如果安装失败，重启手机后再试。二维码通常只能使用一次，已使用过的请通过运营商官方APP重新申请。"]),
    ]
    return art


def bot_readme(rng: random.Random, lang: str) -> Article:
    name = rng.choice(PROJECTS)
    title = f"{name}"
    art = Article(title, title, "en")
    # @BotFather (Telegram's own bot) and @your_bot (a placeholder) look like handles but contact no one:
    # the truth names them as non-contacts, so an extractor that reports them loses precision
    father = art.mention(Rendered(Contact("telegram", "botfather"), "@BotFather"), "placeholder")
    example = art.mention(Rendered(Contact("telegram", "your_bot"), "@your_bot"), "placeholder")
    art.blocks += [
        ("p", [f"{name} is a small Telegram bot written in Python. It is meant as a starting point: fork it, change the handlers, deploy."]),
        ("h2", "Setup"),
        ("ol", [["Talk to ", father, " and create a bot; copy the token it gives you."],
                "Copy .env.example to .env and paste the token as BOT_TOKEN.",
                ["Set BOT_USERNAME to your bot's handle, for example ", example, "."]]),
        ("code", "pip install -r requirements.txt\npython -m bot"),
        ("h2", "Configuration"),
        ("ul", ["BOT_TOKEN: the token from BotFather (keep it secret, never commit it).",
                "ALLOWED_CHATS: comma-separated chat ids that may use the bot.",
                f"POLL_INTERVAL: seconds between update polls, default {rng.choice((1, 2, 5))}."]),
        ("h2", "License"),
        ("p", [rng.choice(("MIT", "Apache-2.0", "BSD-3-Clause"))]),
    ]
    return art


def contact_page(rng: random.Random, lang: str, qq: str, email: str) -> Article:
    club = rng.choice(CLUBS)
    title = f"联系我们 - {club}"
    art = Article(title, title, "zh-Hans")
    art.blocks += [
        ("p", [f"欢迎对{club}感兴趣的同学加入。我们每周四晚上在活动室组织分享，平时的讨论主要在QQ群里进行。"]),
        ("h2", "加入方式"),
        ("ul", [["新生交流群：", art.add(Rendered(Contact("qq", qq), f"QQ群 {qq}"), "text")],
                ["事务联系邮箱：", art.add(Rendered(Contact("email", email), email), "text")]]),
        ("p", ["入群请备注“年级+专业”。社团不收取任何费用，也不会以任何名义要求转账，如遇冒充请向我们举报。"]),
    ]
    return art


def antispam_rules(rng: random.Random, lang: str, quoted: list[Rendered]) -> Article:
    """A moderators' note listing seen seller handles bare, one per line, with no Telegram cue: by the contact
    policy these are not contacts (nothing offers them), and the truth says so (non_contacts)."""
    title = rng.choice(("Spam filter rules for our forum (updated)", "Blocklist notes: Telegram seller spam",
                        "How we filter SIM-card spam in comments"))
    art = Article(title, title, "en")
    art.blocks += [
        ("p", ["Our comment section receives dozens of posts a day advertising SIM cards, 'renewal services' and loans. They all follow the same pattern: a how-to article, then a contact handle in the title and footer. These are the rules we use."]),
        ("h2", "Rules"),
        ("code", "reject if title matches /\\[(TG|飞机).{0,4}@[a-z0-9_]{5,}\\]/i\nreject if body has > 2 links to messenger domains\nhold for review if text contains full-width letters mixed with ASCII"),
        ("h2", "Handles seen this month"),
        ("ul", [[art.mention(r, "bare_handle_without_cue")] for r in quoted]),
        ("p", ["We publish these so other moderators can reuse them. Please do not contact the accounts above."]),
    ]
    return art


def spam_quote_post(rng: random.Random, lang: str, quoted: Rendered) -> Article:
    title = rng.choice(("为什么搜索“eSIM续费”全是广告？", "拆解一篇SEO垃圾文章", "这些“教程”其实是广告"))
    art = Article(title, title, "zh-Hans")
    art.blocks += [
        ("p", ["最近搜索各种“怎么续费”“怎么激活”的问题，前几页几乎都是同一种文章：开头讲概念，中间列步骤，结尾留一个联系方式。它们由模板批量生成，只替换品牌和账号。"]),
        ("h2", "典型样本"),
        ("quote", "以上就是续费的全部内容，如果你觉得自己操作麻烦，也可以交给专业的人来做。"),
        ("p", ["文末的联系方式一般是这样写的：", art.add(quoted, "text"), "。为了躲避过滤，常见全角字母、数学粗体字母和插入表情符号等写法。"]),
        ("h2", "如何识别"),
        ("ul", ["标题或文末带有即时通讯账号。", "大段内容与标题无关或高度重复。", "同一账号出现在几十个不同网站上。"]),
        ("p", ["遇到这类文章请不要联系，更不要付款。"]),
    ]
    return art


def scam_news(rng: random.Random, lang: str) -> Article:
    n = rng.randint(12, 80)
    if lang == "en":
        title = rng.choice((f"Police break up ring that sold {n},000 SIM cards to fraudsters",
                            "Fake support numbers: how search ads lure victims",
                            f"{n} arrested over 'loan processing fee' scam"))
        art = Article(title, title, "en")
        art.blocks += [
            ("p", [f"Investigators said the group advertised its services through hundreds of copy-paste articles that all ended with the same messaging handle. Victims were asked to pay upfront fees; {n} people have been charged."]),
            ("p", ["Officials reminded the public that carriers and banks never ask for fees through messaging apps, and that genuine customer service numbers are printed on official websites and cards."]),
            ("p", ["The case is one of several this year involving SIM cards registered abroad and resold for account registration."]),
        ]
        return art
    title = rng.choice((f"警方打掉一个贩卖手机卡的团伙，涉案{n}万张", "假冒客服电话骗局频发，警方提醒",
                        f"{n}人因“贷款手续费”诈骗被刑拘"))
    art = Article(title, title, lang)
    art.blocks += [
        ("p", [f"据警方通报，该团伙通过大量模板化的“教程”文章招揽客户，文章结尾均留有同一个即时通讯账号。受害人被要求先支付手续费，目前已有{n}人被依法采取刑事强制措施。"]),
        ("p", ["警方提醒，运营商和银行不会通过即时通讯软件收取任何费用，官方客服电话请以官网和卡面公布的为准。"]),
        ("p", ["今年以来，境外注册的手机卡被转卖用于批量注册账号的案件屡见不鲜。"]),
    ]
    return art


def product_page(rng: random.Random, lang: str, email: str) -> Article:
    model = f"{rng.choice(('X', 'M', 'Pro'))}{rng.randint(2, 9)}"
    if lang == "en":
        title = f"Pocket Wi-Fi router {model}: specifications"
        art = Article(title, title, "en")
        art.blocks += [
            ("p", [f"The {model} shares one mobile connection with up to {rng.choice((8, 10, 16))} devices. Insert any nano SIM or use the built-in eSIM."]),
            ("ul", ["Network: 4G LTE Cat 6", f"Battery: {rng.choice((3000, 4000, 5000))} mAh", "Weight: 120 g", "Warranty: 2 years"]),
            ("p", ["Questions about an order? Write to ", art.add(Rendered(Contact("email", email), email, href=f"mailto:{email}"), "text"), "."]),
        ]
        return art
    title = f"随身WiFi {model} 产品参数"
    art = Article(title, title, "zh-Hans")
    art.blocks += [
        ("p", [f"{model} 可将一张手机卡的网络共享给最多{rng.choice((8, 10, 16))}台设备，支持插卡和内置 eSIM 两种方式。"]),
        ("ul", ["网络：4G 全网通", f"电池：{rng.choice((3000, 4000, 5000))} mAh", "重量：120 克", "保修：两年"]),
        ("p", ["售后问题请发邮件至 ", art.add(Rendered(Contact("email", email), email), "text"), "，工作日内回复。"]),
    ]
    return art
