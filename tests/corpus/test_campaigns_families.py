"""Hand-written spam template families (our own text, in the style of real SEO-spam posts) and the campaigns they must form.

Each family is a template with rotated brands, handles, numbers, spun phrases and paragraph order;
some copies are converted to Traditional Chinese. Pair precision/recall of the grouping against the
generator's truth is measured here and printed (`pytest -s`)."""
from __future__ import annotations

import itertools
import random
import re

import opencc
import pytest

from corpus.campaigns import CampaignConfig, assign_campaigns, read_campaigns
from corpus.store import CorpusStore
from tests.conftest import make_row

SPIN = re.compile(r"\[\[([^\]]+)\]\]")

SIM_TITLE = "{brand}如何注册WhatsApp？[[三|五|十]]分钟搞定的完整教程【飞机 @{handle}】"
SIM_PARAS = [
    "现在越来越多的人需要用到海外社交软件，而注册时最大的难题就是没有一个可以接收验证码的境外手机号。{brand}正好解决了这个问题，"
    "它可以长期保号，接收短信也[[非常|特别|十分]]稳定。下面我们就来一步一步介绍用{brand}注册的方法。",
    "第一步：准备工作。在开始之前，请确认你的{brand}已经激活，并且账户里至少有{price}元的余额。很多朋友拿到卡以后没有及时充值，"
    "结果验证码一直收不到，白白浪费了时间。另外建议准备一部没有登录过其他账号的手机，这样可以降低被风控的概率。",
    "第二步：下载并安装应用。打开应用商店，搜索应用名称并下载官方版本。不要从来路不明的网站下载安装包，以免手机中毒或者账号被盗。"
    "安装完成以后先不要急着注册，先把手机的语言和地区设置好。",
    "第三步：填写手机号码。在注册页面选择对应的国家区号，然后输入{brand}的号码。点击获取验证码以后，一般在{n}秒之内就能收到短信。"
    "如果超过两分钟还没有收到，可以尝试切换网络或者重启手机后再试一次。",
    "第四步：完善个人资料。验证成功后，按照提示设置头像和昵称。刚注册的新号不要马上大量添加好友或者群发消息，"
    "最好先正常使用几天，让账号有一个养号的过程，这样账号会[[更加|更|越来越]]稳定。",
    "常见问题：很多人问{brand}会不会被回收？只要每个月保持最低消费，号码就可以一直使用。还有人问一张卡能注册几个账号？"
    "一般建议一张卡只注册一个，这样最安全。",
    "总结：总的来说，使用{brand}注册海外社交账号并不难，关键是选择靠谱的渠道，按照正确的步骤操作。如果你在注册过程中遇到任何问题，"
    "都可以随时联系我们的客服，我们会第一时间为你解答。",
]
SIM_FOOTER = "需要{brand}的朋友请联系：飞机 @{handle} 微信：{wechat}"

BET_TITLE = "{brand}官方网址是多少？最新登录入口与注册送{price}元教程"
BET_PARAS = [
    "很多玩家在搜索{brand}的时候经常会遇到打不开或者跳转到假网站的情况。为了让大家少走弯路，本文整理了{brand}最新的官方入口"
    "以及注册领取优惠的详细流程，建议收藏以免找不到。",
    "一、为什么官网经常打不开。由于网络线路的原因，部分地区访问会出现延迟或者无法连接。遇到这种情况不要着急，可以更换备用线路，"
    "或者使用手机端的专属APP登录，体验会更加流畅。",
    "二、如何注册新账户。进入首页后点击右上角的注册按钮，填写用户名、密码以及真实姓名。注意真实姓名必须和银行卡上的姓名一致，"
    "否则后面提款的时候会审核不通过。",
    "三、新人优惠怎么领取。首次充值满{price}元即可获得同等金额的彩金，流水要求只需要{n}倍。彩金会在充值成功后自动到账，"
    "如果没有到账可以联系在线客服处理。",
    "四、提款需要多久。正常情况下提款在五分钟之内到账，高峰时段可能会稍有延迟。平台支持多种提款方式，包括银行卡、USDT以及电子钱包，"
    "大家可以根据自己的习惯选择。",
    "五、注意事项。请认准唯一官方网址，不要相信私聊发给你的链接，更不要把账号密码告诉任何人。平台不会以任何理由要求你转账到个人账户。",
]
BET_FOOTER = "官方客服：飞机 @{handle}，[[24小时|全天|7x24小时]]在线 {url}"

DOC_TITLE = "{city}办证流程详解：各类证件加急办理，当天出证"
DOC_PARAS = [
    "最近不少朋友私信询问{city}的证件办理问题，有的是毕业证丢失需要补办，有的是工作急需学历证明。今天就把我们这几年总结的经验分享出来。",
    "我们可以办理的证件包括学历证书、资格证书、驾驶证以及各类职业证书，全部采用原版纸张印制，细节和正品完全一致，普通人根本看不出区别。",
    "办理流程很简单：先把需要的证件类型和个人信息发给客服，确认样板无误后支付定金，最快{n}小时就可以制作完成并安排快递。",
    "很多人担心能不能查到，我们提供的证件都可以在网上查询，如果查不到全额退款。价格根据证件类型不同在{price}元到两千元之间。",
    "为了保护客户隐私，所有资料在交易完成后都会彻底删除，请放心咨询。",
]
DOC_FOOTER = "咨询请加：飞机 @{handle}"

SUPPORT_TITLE = "{brand} Customer Service Number: How to Reach a Live Agent Fast"
SUPPORT_PARAS = [
    "Getting through to {brand} support can feel impossible when you are stuck in an automated phone menu. In this guide we explain "
    "the quickest ways to talk to a real person, what information to prepare before you call, and how to solve the most common "
    "account problems without waiting on hold for hours.",
    "Before you call, write down your account email, the last four digits of the card you used, and a short description of the "
    "problem. Agents can verify you [[much|a lot|far]] faster when you have these details ready, and it keeps the call short.",
    "The fastest option is the priority help line at {phone}. It is staffed around the clock, and callers are usually connected to "
    "an agent in under {n} minutes. Say representative twice at the first prompt to skip the recorded menu.",
    "If you cannot call, you can also start a chat from the help page. Chats are answered in the order they arrive, so avoid closing "
    "the window while you wait. A transcript is sent to your email when the conversation ends.",
    "Common problems that agents can fix right away include locked accounts, double charges, refunds that have not arrived, and "
    "password resets that never send the code. For anything involving a payment, ask for a reference number before you hang up.",
    "Remember that {brand} will never ask you to pay with gift cards. If anyone requests a payment like that, end the call and "
    "contact the official line again.",
]
SUPPORT_FOOTER = "Call now: {phone} (toll free, [[24/7|day and night|any time]]) or message @{handle} on Telegram"

CRYPTO_TITLE = "Lost Crypto? How {brand} Recovers Stolen Bitcoin in {n} Days"
CRYPTO_PARAS = [
    "Thousands of investors lose their coins every year to fake trading platforms, phishing wallets and romance scams. Most of them "
    "believe the money is gone forever, but with the right tools a large part of it can often be traced and frozen before it disappears.",
    "Our analysts follow the movement of funds across the blockchain and identify the exchanges where the stolen coins end up. Once "
    "an exchange is identified, we prepare a report that allows the account to be frozen while the case is reviewed.",
    "The process starts with a free consultation. You send us the transaction hashes, the addresses involved and any messages you "
    "exchanged with the scammer. We reply within {n} hours with an [[honest|clear|realistic]] estimate of what can be recovered.",
    "Fees are only charged after a successful recovery, so you take no risk by contacting us. Previous clients have recovered "
    "amounts between a few hundred dollars and several million.",
    "Time matters: the sooner you report the theft, the better the chances. Do not delete any emails or chat history, because every "
    "detail can help the investigation.",
]
CRYPTO_FOOTER = "Contact the {brand} recovery desk on WhatsApp {phone} or email {email}"

BRANDS = {
    "sim": ["英国卡", "美国实体卡", "GV号", "香港储值卡", "台湾门号", "日本电话卡"],
    "bet": ["金沙娱乐", "威尼斯人", "新葡京", "太阳城", "永利皇宫"],
    "doc": ["北京", "上海", "广州", "深圳", "成都"],
    "support": ["Coinbase", "PayPal", "Cash App", "Binance", "Venmo"],
    "crypto": ["ChainTrace", "CoinRescue", "BlockReclaim", "LedgerGuard"],
}
TEMPLATES = {
    "sim": (SIM_TITLE, SIM_PARAS, SIM_FOOTER, "zh", "telecom_sim"),
    "bet": (BET_TITLE, BET_PARAS, BET_FOOTER, "zh", "gambling"),
    "doc": (DOC_TITLE, DOC_PARAS, DOC_FOOTER, "zh", "fake_documents"),
    "support": (SUPPORT_TITLE, SUPPORT_PARAS, SUPPORT_FOOTER, "en", "support_scam"),
    "crypto": (CRYPTO_TITLE, CRYPTO_PARAS, CRYPTO_FOOTER, "en", "crypto_finance"),
}

# benign pages: unrelated topics, one on the same topic as the SIM spam, and warning lists quoting handles
BENIGN = [
    ("番茄炒蛋的家常做法", "番茄炒蛋是一道非常受欢迎的家常菜，做法简单，营养丰富。先把番茄洗干净切成小块，鸡蛋打散后加一点盐搅匀。锅里放油烧热，"
     "先炒鸡蛋，凝固后盛出备用。再用底油炒番茄，炒出汁水后加入鸡蛋翻炒均匀，最后撒上葱花即可出锅。喜欢甜口的可以加一点糖。", "zh"),
    ("关于调整部分公交线路的通知", "为方便市民出行，自下月一日起，本市将对部分公交线路进行优化调整。其中十二路公交车延伸至火车南站，运营时间调整为早六点至晚十点。"
     "二十七路取消人民公园站，改停体育中心站。请广大乘客留意站牌信息，合理安排出行时间，给您带来的不便敬请谅解。", "zh"),
    ("出国旅行如何选择合适的流量套餐", "出国旅行时，保持网络畅通非常重要。目前常见的选择有三种：开通国际漫游、在当地购买电话卡，以及使用支持多国的流量套餐。"
     "国际漫游最省事，但价格较高；当地电话卡最便宜，但需要护照登记；多国套餐适合行程中要去好几个国家的游客。建议出发前对比各家运营商的资费说明，"
     "并确认手机是否支持当地的网络频段。", "zh"),
    ("如何在Linux上配置SSH密钥登录", "使用密钥登录比密码更安全。首先在本地电脑上生成一对密钥，然后把公钥复制到服务器用户目录下的授权文件中。"
     "确认可以用密钥登录以后，再修改服务器的配置文件，关闭密码登录并重启服务。操作前请保留一个已经登录的会话，以免配置错误把自己锁在外面。", "zh"),
    ("How to repot a houseplant", "Repotting gives a plant fresh soil and room to grow. Water the plant a day before, then turn the pot on "
     "its side and ease the root ball out. Loosen circling roots with your fingers, set the plant in a pot one size larger, fill around "
     "it with fresh mix and water thoroughly. Keep it out of direct sun for a week while the roots settle.", "en"),
    ("Release notes for version 2.3", "This release adds support for streaming uploads, fixes a memory leak in the connection pool and "
     "drops support for end-of-life interpreter versions. The configuration file format is unchanged. Users of the plugin interface "
     "should read the migration notes, because two hooks were renamed and the old names will be removed in the next major release.", "en"),
]


def spin(text: str, rng: random.Random) -> str:
    return SPIN.sub(lambda m: rng.choice(m.group(1).split("|")), text)


def variant(kind: str, i: int, handle: str | None = None, *, traditional: bool = False) -> dict:
    """The i-th copy of a template: its own brand, handle, numbers, spun phrases and paragraph order."""
    rng = random.Random(f"{kind}-{i}")
    title, paras, footer, lang, family = TEMPLATES[kind]
    fill = {"brand": BRANDS[kind][i % len(BRANDS[kind])], "handle": handle or f"{kind}{rng.randrange(10**3, 10**6)}",
            "price": rng.choice([10, 20, 30, 50, 88]), "n": rng.randrange(2, 60), "city": BRANDS[kind][i % len(BRANDS[kind])],
            "wechat": f"vip{rng.randrange(1000, 9999)}", "phone": f"+1 {rng.randrange(201, 989)} {rng.randrange(200, 999)} "
            f"{rng.randrange(1000, 9999)}", "email": f"desk{rng.randrange(100, 999)}@recover{i}.com",
            "url": f"https://{kind}{i}.example/"}
    body = list(paras)
    middle = body[1:-1]
    rng.shuffle(middle)  # template kits reorder their sections
    if len(middle) > 3 and rng.random() < 0.5:
        middle.pop(rng.randrange(len(middle)))  # and drop one now and then
    body = [body[0], *middle, body[-1], footer]
    text = "\n\n".join(spin(p, rng).format(**fill) for p in body)
    title_text = spin(title, rng).format(**fill)
    if traditional:
        conv = opencc.OpenCC("s2t")
        text, title_text = conv.convert(text), conv.convert(title_text)
    contacts = [{"kind": "telegram", "value": fill["handle"].lower(), "where": "text"}] if "@{handle}" in title + footer else []
    if kind == "crypto":
        contacts = [{"kind": "email", "value": fill["email"], "where": "text"}]
    return {"title": title_text, "text": text, "lang": lang, "family": family, "contacts": contacts, "score": 0.9}


def family_rows(link_doc_to_sim: bool = True) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    """Rows of every family and benign page, with two truths: template (doc_id -> template) and
    campaign (template, except that the fake-documents family shares a handle with SIM copy 0)."""
    specs = [("sim", i, i >= 8) for i in range(12)] + [("bet", i, i >= 6) for i in range(8)] + \
            [("doc", i, False) for i in range(4)] + [("support", i, False) for i in range(8)] + \
            [("crypto", i, False) for i in range(6)]
    sim0 = variant("sim", 0)["contacts"][0]["value"]
    rows, template, campaign = [], {}, {}
    for kind, i, trad in specs:
        v = variant(kind, i, handle=sim0 if (kind == "doc" and i == 0 and link_doc_to_sim) else None, traditional=trad)
        row = make_row(f"http://{kind}{i}.spam.example/post/{i}", v["text"], title=v["title"], contacts=v["contacts"],
                       score=v["score"], family=v["family"], lang=v["lang"], job="families")
        rows.append(row)
        template[row["doc_id"]] = kind
        campaign[row["doc_id"]] = "sim" if (kind == "doc" and link_doc_to_sim) else kind
    for j, (title, text, lang) in enumerate(BENIGN):
        row = make_row(f"http://benign{j}.example/", text, title=title, lang=lang, score=0.05, job="families")
        rows.append(row)
        template[row["doc_id"]] = campaign[row["doc_id"]] = f"benign{j}"
    quoted = [r["contacts"][0] for r in rows if r["contacts"]][:: 5]
    warning = make_row("http://warning.example/list", "以下账号均为诈骗，请勿轻信，遇到请直接举报：" +
                       "、".join("@" + c["value"] for c in quoted), title="防骗提醒", contacts=quoted, score=0.1,
                       lang="zh", job="families")
    rows.append(warning)
    template[warning["doc_id"]] = campaign[warning["doc_id"]] = "warning"
    return rows, template, campaign


def pair_scores(assigned: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    """Precision and recall of same-group pairs."""
    docs = sorted(truth)
    tp = fp = fn = 0
    for a, b in itertools.combinations(docs, 2):
        same_pred, same_true = assigned[a] == assigned[b], truth[a] == truth[b]
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def assigned_map(root) -> dict[str, str]:
    t = read_campaigns(root)
    return dict(zip(t.column("doc_id").to_pylist(), t.column("campaign_id").to_pylist()))


@pytest.fixture(scope="module")
def family_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("families")
    rows, template, campaign = family_rows()
    CorpusStore(root).commit(rows)
    return root, template, campaign


def test_minhash_alone_groups_each_template(family_corpus):
    """Without contact links: every template family is one campaign, nothing else joins it."""
    root, template, _campaign = family_corpus
    run = assign_campaigns(root, CampaignConfig(link_kinds=()), full=True)
    precision, recall = pair_scores(assigned_map(root), template)
    print(f"\nminhash only: pair precision {precision:.3f} recall {recall:.3f}; {run.campaigns} campaigns")
    assert precision == 1.0 and recall == 1.0


def test_contacts_join_templates_that_share_a_handle(family_corpus):
    root, template, campaign = family_corpus
    run = assign_campaigns(root, CampaignConfig(), full=True)
    got = assigned_map(root)
    precision, recall = pair_scores(got, campaign)
    print(f"\nminhash + contacts: pair precision {precision:.3f} recall {recall:.3f}; {run.campaigns} campaigns")
    assert precision == 1.0 and recall == 1.0
    # the warning page quotes handles of several families but scores benign: it links nothing
    assert run.links_skipped.get("low_spam_score") == 1
    sizes = {}
    for doc, cid in got.items():
        sizes.setdefault(campaign[doc], set()).add(cid)
    assert all(len(ids) == 1 for ids in sizes.values())
    assert len({next(iter(ids)) for ids in sizes.values()}) == len(sizes)  # distinct campaigns stay distinct


def test_traditional_copies_join_simplified_ones(family_corpus):
    root, template, _campaign = family_corpus
    assign_campaigns(root, CampaignConfig(link_kinds=()), full=True)  # near-duplicates alone
    got = assigned_map(root)
    trad_sim = variant("sim", 9, traditional=True)
    assert trad_sim["text"] != variant("sim", 9)["text"]  # really converted
    sim_ids = {got[d] for d, k in template.items() if k == "sim"}
    bet_ids = {got[d] for d, k in template.items() if k == "bet"}
    assert len(sim_ids) == 1 and len(bet_ids) == 1
