"""Contact extraction: kinds, normal forms, obfuscation, negatives, offsets and properties."""
from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpus.contacts import (
    Contact, classify_url, contacts_from_links, find_contacts, is_placeholder, merge_contacts, normalize_text,
    normalize_value,
)
from corpus.labels import CONTACT_KINDS


def pairs(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.value) for c in find_contacts(text)]


POSITIVE = [
    # telegram, every written and linked form
    ("TM卡续费[[TG💪+ @esim1088](https://t.me/s/esim1088)]", [("telegram", "esim1088"), ("telegram", "esim1088")]),
    ("频道 t.me/esim1088 更新", [("telegram", "esim1088")]),
    ("https://telegram.me/EsimShop_bot/12", [("telegram", "esimshop_bot")]),
    ("mirror telegram.dog/esim1088", [("telegram", "esim1088")]),
    ("tg://resolve?domain=esim1088", [("telegram", "esim1088")]),
    ("TG: esim1088", [("telegram", "esim1088")]),
    ("纸飞机 @Sim_Card88 秒回", [("telegram", "sim_card88")]),
    ("飞机：@kaika2024", [("telegram", "kaika2024")]),
    ("電報 @Taiwan_sim", [("telegram", "taiwan_sim")]),
    ("✈️ @fastsim_bot", [("telegram", "fastsim_bot")]),
    ("Telegram channel: @esimdeals here", [("telegram", "esimdeals")]),
    ("subdomain esim1088.t.me", [("telegram", "esim1088")]),
    # whatsapp and phone in E.164
    ("wa.me/447911123456", [("whatsapp", "+447911123456")]),
    ("https://api.whatsapp.com/send?phone=8613924681357&text=hi", [("whatsapp", "+8613924681357")]),
    ("WhatsApp +44 7911 123456", [("whatsapp", "+447911123456")]),
    ("联系电话：139-2468-1357", [("phone", "+8613924681357")]),
    ("客服热线 010-8765 4321", [("phone", "+861087654321")]),
    ("Hotline: +852 9123 4567", [("phone", "+85291234567")]),
    ("call us +1 (212) 736-4400 today", [("phone", "+12127364400")]),
    ("香港 +852 6123 4567", [("phone", "+85261234567")]),
    ("☎ 0086 139.2468.1357", [("phone", "+8613924681357")]),
    # wechat, qq, line, email
    ("微信：esim_1088", [("wechat", "esim_1088")]),
    ("加V: Kaika-888", [("wechat", "kaika-888")]),
    ("VX：simcard2024 威信 wang_8899", [("wechat", "simcard2024"), ("wechat", "wang_8899")]),
    ("WeChat ID: tmcard_01", [("wechat", "tmcard_01")]),
    ("微信号 13924681357", [("wechat", "13924681357")]),
    ("QQ：2847561930", [("qq", "2847561930")]),
    ("扣扣 384756291，Q群 658392014", [("qq", "384756291"), ("qq", "658392014")]),
    ("QQ群：715293846（满员请加二群）", [("qq", "715293846")]),
    ("LINE: thai_sim88", [("line", "thai_sim88")]),
    ("加賴 twsim168", [("line", "twsim168")]),
    ("https://line.me/R/ti/p/~ThaiSim", [("line", "thaisim")]),
    ("Mail Sales@Esim-Shop.CN.", [("email", "sales@esim-shop.cn")]),
    # call-to-action and messenger links
    ("contact us: https://bit.ly/3xYzAb", [("url", "https://bit.ly/3xYzAb")]),
    ("联系客服 https://shop.example-sim.cn/kf?id=3", [("url", "https://shop.example-sim.cn/kf?id=3")]),
    ("join https://chat.whatsapp.com/AbCdEf123", [("url", "https://chat.whatsapp.com/AbCdEf123")]),
    ("群 https://t.me/+AbCdEfGhIj", [("url", "https://t.me/+AbCdEfGhIj")]),
]


@pytest.mark.parametrize("text,expected", POSITIVE, ids=[t for t, _ in POSITIVE])
def test_finds_contact(text, expected):
    assert pairs(text) == expected


OBFUSCATED = [
    ("ＱＱ：２８４７５６１９３０", ("qq", "2847561930")),                      # full-width letters and digits
    ("TG：@𝐞𝐬𝐢𝐦𝟏𝟎𝟖𝟖", ("telegram", "esim1088")),                          # mathematical bold
    ("TG: @𝘦𝘴𝘪𝘮_𝘴𝘩𝘰𝘱", ("telegram", "esim_shop")),                         # mathematical sans italic
    ("TG @es\u200bim\u200d1088", ("telegram", "esim1088")),                  # zero-width characters
    ("t。me/esim1088", ("telegram", "esim1088")),                             # ideographic full stop
    ("t●me/esim1088", ("telegram", "esim1088")),
    ("sales[at]esim1088[dot]com", ("email", "sales@esim1088.com")),
    ("sales(at)esim1088(dot)com", ("email", "sales@esim1088.com")),
    ("sales＠esim1088．com", ("email", "sales@esim1088.com")),
    ("sales@esim1088 dot com", ("email", "sales@esim1088.com")),
    ("手机 1 3 9-2468-1357", ("phone", "+8613924681357")),                  # digits split by spaces/dashes
    ("电话【139】2468【1357】", ("phone", "+8613924681357")),                  # digits in brackets
    ("手机 139.2468.1357", ("phone", "+8613924681357")),
    ("TG💪+ @esim1088", ("telegram", "esim1088")),                          # emoji between label and handle
    ("Telegram 👉👉 @esim1088", ("telegram", "esim1088")),
]


@pytest.mark.parametrize("text,expected", OBFUSCATED, ids=[t for t, _ in OBFUSCATED])
def test_sees_through_obfuscation(text, expected):
    assert pairs(text) == [expected]


NEGATIVE = [
    "@Override public String toString() { return name; }",
    "@app.route('/') def index(): pass  # Telegram bot example",
    "Telegram bot: @dp.message_handler(commands=['start'])",
    "npm install @types/node @babel/core  # telegram",
    "@media screen and (max-width: 600px) { body { margin: 0 } } @import url(a.css);",
    "follow me @esim1088 on twitter",                       # no Telegram cue, not linked
    "Set the name to @your_bot and message @username on Telegram",
    "Create a bot with @BotFather on Telegram",
    "Send mail to user@example.com or you@yourdomain.com",
    "logo@2x.png and icon@3x.webp",
    "git clone git@github.com:someone/project.git",
    "价格 ¥138.00，日期 2025-05-13 00:14:12，订单号 20250513001412",
    "客服时间 9:00-18:00，周一至周五",
    "Call 555-0123 for a demo (fictional)",
    "Call +1 212 555 0147 (fictional number)",
    "QQ：123456789 微信：xxxxxx Telegram: @xxxx_xx",
    "WhatsApp +1 234 567 890",                                  # not a valid number
    "Telegram: Download the desktop app",
    "微信支付和支付宝都可以",
    "微信 WeChat 和 QQ 都能用",
    "the line: 42 items, LINE of sight",
    "share https://t.me/share/url?url=https://a.b/",
    "see https://docs.python.org/3/library/re.html for details",
    "version +1.2.3 and score +12",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_rejects_non_contacts(text):
    assert pairs(text) == []


def test_bare_handle_counts_when_linked_elsewhere_on_the_page():
    assert pairs("ask @esim1088 for prices") == []
    found = find_contacts("ask @esim1088 for prices", known_handles={"esim1088"})
    assert [(c.kind, c.value) for c in found] == [("telegram", "esim1088")]
    assert pairs("ask @esim1088 for prices, or t.me/esim1088") == [("telegram", "esim1088")] * 2


def test_a_bare_number_the_page_links_through_wa_me_is_that_whatsapp_contact():
    text = "Suporte 24h\nNúmero: +351 912 345 678"
    assert pairs(text) == [("phone", "+351912345678")]
    found = find_contacts(text, linked_whatsapp={"+351912345678"})
    assert [(c.kind, c.value) for c in found] == [("whatsapp", "+351912345678")]
    # another number stays a phone; a number its writer calls a phone stays one even when linked as WhatsApp
    assert [(c.kind, c.value) for c in find_contacts(text, linked_whatsapp={"+351912345679"})] == [
        ("phone", "+351912345678")]
    cued = find_contacts("Ligue: +351 912 345 678", linked_whatsapp={"+351912345678"})
    assert [(c.kind, c.value) for c in cued] == [("phone", "+351912345678")]


def test_offsets_point_into_the_original_text():
    text = "前言\u200b\nＴＧ：@𝐞𝐬𝐢𝐦𝟏𝟎𝟖𝟖 和 ＱＱ：２８４７５６１９３０，邮箱 sales[at]esim1088[dot]com"
    found = find_contacts(text, "boilerplate")
    assert [(c.kind, c.value, c.where) for c in found] == [
        ("telegram", "esim1088", "boilerplate"), ("qq", "2847561930", "boilerplate"),
        ("email", "sales@esim1088.com", "boilerplate")]
    assert [text[c.start:c.end] for c in found] == ["@𝐞𝐬𝐢𝐦𝟏𝟎𝟖𝟖", "２８４７５６１９３０", "sales[at]esim1088[dot]com"]


def test_mentions_are_in_text_order():
    text = "QQ 2847561930 then TG @esim1088 then 微信：abc_12345 then t.me/other_shop"
    found = find_contacts(text)
    assert [c.start for c in found] == sorted(c.start for c in found)
    assert [c.kind for c in found] == ["qq", "telegram", "wechat", "telegram"]


def test_contacts_from_links():
    links = ["https://t.me/s/ESIM1088", "tg://resolve?domain=esim1088", "mailto:Shop@Esim.CN?subject=x",
             "tel:+852-9123-4567", "https://wa.me/447911123456", "https://example.org/about",
             "https://t.me/share/url?url=x", "weixin://dl/chat", "https://bit.ly/abc", "https://shop.cn/kf"]
    found = contacts_from_links(links, anchors={"https://shop.cn/kf": "立即咨询"})
    assert [(c.kind, c.value) for c in found] == [
        ("telegram", "esim1088"), ("telegram", "esim1088"), ("email", "shop@esim.cn"),
        ("phone", "+85291234567"), ("whatsapp", "+447911123456"), ("url", "weixin://dl/chat"),
        ("url", "https://bit.ly/abc"), ("url", "https://shop.cn/kf")]
    assert all(c.where == "link" and c.start == -1 for c in found)


def test_merge_keeps_first_group():
    title = [Contact("telegram", "esim1088", "title", 3, 12)]
    text = [Contact("telegram", "esim1088", "text", 0, 9), Contact("qq", "2847561930", "text", 20, 30)]
    links = [Contact("telegram", "esim1088", "link")]
    merged = merge_contacts([title, text, links])
    assert [(c.kind, c.value, c.where) for c in merged] == [("telegram", "esim1088", "title"),
                                                            ("qq", "2847561930", "text")]
    assert merged[0].as_row() == {"kind": "telegram", "value": "esim1088", "where": "title"}


@pytest.mark.parametrize("kind,value,expected", [
    ("telegram", "your_channel", True), ("telegram", "username", True), ("telegram", "yourbot", True),
    ("telegram", "esim1088", False), ("email", "me@example.com", True), ("email", "a@b.test", True),
    ("email", "sales@esim.cn", False), ("phone", "+12125550147", True), ("phone", "+447700900123", True),
    ("phone", "+8613924681357", False), ("qq", "123456789", True), ("qq", "2847561930", False),
    ("wechat", "xxxxxx", True), ("wechat", "wang_8899", False),
])
def test_is_placeholder(kind, value, expected):
    assert is_placeholder(kind, value) is expected


def test_invalid_syntax_is_rejected():
    assert normalize_value("telegram", "1abcde") is None       # starts with a digit
    assert normalize_value("telegram", "abc") is None           # too short
    assert normalize_value("telegram", "a" * 33) is None        # too long
    assert normalize_value("telegram", "esim_") is None         # trailing underscore
    assert normalize_value("qq", "0123456") is None
    assert normalize_value("phone", "12345") is None
    assert normalize_value("email", "a@b") is None
    with pytest.raises(ValueError):
        normalize_value("fax", "1")


def test_telegram_forms_are_equivalent():
    forms = ["@EsIm1088", "t.me/esim1088", "https://t.me/s/esim1088", "telegram.me/esim1088",
             "tg://resolve?domain=esim1088", "https://t.me/esim1088/42"]
    assert {normalize_value("telegram", f) for f in forms} == {"esim1088"}


HANDLE = st.from_regex(r"[a-z][a-z0-9_]{3,30}[a-z0-9]", fullmatch=True).filter(lambda h: "__" not in h)


@given(HANDLE)
@example("boost")  # a t.me path of Telegram's own, which a deep hypothesis run found read only as `TG @boost`
@example("login")
def test_handle_forms_agree_in_text(handle):
    texts = [f"TG @{handle}", f"链接 t.me/{handle}", f"链接 https://t.me/s/{handle}", f"TG @{handle.upper()}"]
    results = [pairs(t) for t in texts]
    if is_placeholder("telegram", handle):
        assert results == [[]] * 4
    else:
        assert results == [[("telegram", handle)]] * 4


TOKENS = list("@.:/+-_()[]【】 \n0123456789abcdefxyzTGQVW微信电话飞机＠．１２ｔ𝐞\u200b。●") + [
    "t.me/", "TG ", "QQ：", "telegram.me/", "wa.me/", "+86", "[at]", "[dot]", "com", "mailto:", "tel:", "https://"]
TRICKY = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), TRICKY))
@example("TG[AT]A0000")  # an obfuscated at glued to its cue: the mention is `[AT]A0000` and must read back
def test_properties_on_arbitrary_text(text):
    found = find_contacts(text)
    for c in found:
        assert c.kind in CONTACT_KINDS
        assert 0 <= c.start < c.end <= len(text)
        assert normalize_value(c.kind, c.value) == c.value          # values are in normal form
        assert not is_placeholder(c.kind, c.value)
        if c.kind in ("phone", "whatsapp"):  # the mention spells the number's national digits
            national = str(phonenumbers.parse(c.value).national_number)
            assert national in re.sub(r"[^0-9]", "", text[c.start:c.end])
        elif c.kind != "url":  # the mention slices back to its value
            assert normalize_value(c.kind, text[c.start:c.end]) == c.value
    assert [c.start for c in found] == sorted(c.start for c in found)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), TRICKY))
@example("电话 +86 139 2468 1357 或 +351 912 345 678")
@example("Número: +351 912 345 678, fixo +351 213 456 789")  # two uncued numbers: both renamed
def test_a_linked_whatsapp_number_only_renames_phones(text):
    # the wa.me numbers of a page can turn a phone mention into a WhatsApp one; nothing else may move
    plain = find_contacts(text)
    linked = {c.value for c in plain if c.kind == "phone"}
    renamed = find_contacts(text, linked_whatsapp=linked)
    assert [(c.start, c.end, c.value) for c in renamed] == [(c.start, c.end, c.value) for c in plain]
    for before, after in zip(plain, renamed):
        assert after.kind == before.kind or (before.kind, after.kind) == ("phone", "whatsapp")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_normalize_text_never_raises_and_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_classify_url_ignores_garbage():
    for url in ["http://[::1", "javascript:alert(1)", "", "https://", "ftp://x.y/z"]:
        assert classify_url(url) is None


@pytest.mark.parametrize("text,expected", [
    ("也可以添加 QQ 【1761】【2745】", [("qq", "17612745")]),
    ("扣扣 1761-2745，谢谢", [("qq", "17612745")]),
    ("请联系ＴＧ：＠ｌｏａｎ＿ｆａｓｔ８８４２，一对一服务", [("telegram", "loan_fast8842")]),   # full-width underscore
    ("联系t●me/esim8767获取最新报价", [("telegram", "esim8767")]),                           # a URL ends at CJK text
    ("QQ 123 456", []),                                                                       # sequential digits
])
def test_written_forms_seen_on_the_sample_web(text, expected):
    assert pairs(text) == expected


def test_a_spaced_full_stop_after_a_handle_ends_the_sentence():
    # found by hypothesis (tests/annotate/test_tasks.py): ` 。aa` was read as an obfuscated `.aa` and ate the handle
    assert [(c.kind, c.value) for c in find_contacts(" Telegram: @kxshop88 。aa")] == [("telegram", "kxshop88")]
    assert [(c.kind, c.value) for c in find_contacts("飞机 t。me/kxshop88")] == [("telegram", "kxshop88")]
