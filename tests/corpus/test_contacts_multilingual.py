"""Contact extraction, second pass: cues in many languages, local numbers by page language, Telegram context,
lists of values, examples, and the negatives each rule must leave alone."""
from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.contacts import find_contacts, normalize_value
from corpus.contacts.phones import LANG_REGIONS, phone_e164, regions_for


def pairs(text: str, lang: str | None = None) -> list[tuple[str, str]]:
    return [(c.kind, c.value) for c in find_contacts(text, lang=lang)]


@pytest.mark.parametrize("text", [
    "Промокоды в нашем телеграм канале @kazino_promo", "Пиши в телегу @kazino_promo", "тг: @kazino_promo",
    "Liên hệ Tele @kazino_promo để được tư vấn", "텔레그램 문의 @kazino_promo", "텔레 @kazino_promo",
    "تيليجرام @kazino_promo", "テレグラム：@kazino_promo", "ติดต่อเทเลแกรม @kazino_promo", "Telegrama: @kazino_promo",
    "Подробнее в Телеграм: kazino_promo24",
])
def test_telegram_named_in_other_languages(text):
    assert pairs(text)[0][0] == "telegram" and pairs(text)[0][1].startswith("kazino_promo")


@pytest.mark.parametrize("text,handle", [
    ("Get the bot: @aviator_predictor", "aviator_predictor"),            # only Telegram has @bots to message
    ("Join the channel: @leaked_vault", "leaked_vault"),
    ("Join the free signals group now 👉 @fx_signals_king", "fx_signals_king"),
    ("Entre no grupo VIP: @sinais_aviator_br", "sinais_aviator_br"),
    ("Únete: @inversion_cripto_vip", "inversion_cripto_vip"),          # "join" right before the handle
    ("Быстро, недорого. Пишите: @diplom_bystro", "diplom_bystro"),     # Russian spam's calls to action
    ("Бот для заказа: @kladmen_msk", "kladmen_msk"),
    ("Пиши в лс @p2p_arbitrazh", "p2p_arbitrazh"),
    ("进群请联系 @lianghua_daidan", "lianghua_daidan"),                 # Simplified Chinese
])
def test_bare_handle_offered_like_telegram(text, handle):
    assert pairs(text) == [("telegram", handle)]


@pytest.mark.parametrize("text", [
    "Subscribe to our YouTube channel @techguy99",     # another platform named: not Telegram
    "Join our Discord group @gamers_unite",
    "Пишите @ivan_petrov в Instagram",
    "Join @nasa_hq for the launch tonight",            # "join" not right before: a person or an event
    "Tele-health visits with @drsmith2024",            # tele- compounds are not Telegram
    "Смотрите телевизор @news_room24",
    "텔레비전 광고 @brand_kr99",
    "聯繫 @shop_tw88",                                  # Traditional Chinese @ids are mostly LINE
    "DM @esim1088 for price",                           # a call to action alone says no platform
    "example bot in the docs: @BotFather",
])
def test_bare_handle_without_telegram_context(text):
    assert pairs(text) == []


@pytest.mark.parametrize("text,expected", [
    ("WA: +62 812-9876-5432", ("whatsapp", "+6281298765432")),
    ("Chama no Zap +55 11 91234-5678", ("whatsapp", "+5511912345678")),
    ("للتواصل واتساب +971 55 123 4567", ("whatsapp", "+971551234567")),
    ("Пиши в ватсап +7 916 245-37-19", ("whatsapp", "+79162453719")),
    ("ติดต่อ วอทส์แอพ +66 81 234 5678", ("whatsapp", "+66812345678")),
    ("WhatsApp number: +44 7911 123456", ("whatsapp", "+447911123456")),
    ("Telegram @usdt_otc_desk or WhatsApp +971 50 123 4567", ("whatsapp", "+971501234567")),
])
def test_whatsapp_cues(text, expected):
    assert expected in pairs(text)
    assert ("phone", expected[1]) not in pairs(text)


@pytest.mark.parametrize("text,lang,expected", [
    ("Chama no WhatsApp (21) 99887-7665", "pt", ("whatsapp", "+5521998877665")),
    ("Chama no zap (31) 98765-1234", None, ("whatsapp", "+5531987651234")),   # the cue's own language: pt
    ("Hubungi WA 0896-1234-5678", "id", ("whatsapp", "+6289612345678")),
    ("WA 0813-1112-2233", None, ("whatsapp", "+6281311122233")),
    ("Điện thoại: 0912 345 678", "vi", ("phone", "+84912345678")),
    ("蝦皮官方客服專線 0912-345-678", "zh", ("phone", "+886912345678")),
    ("撥打 (02) 2712-3456", "zh-Hant", ("phone", "+886227123456")),
    ("โทร 081-234-5678", "th", ("phone", "+66812345678")),
    ("Телефон: 8 (916) 245-37-19", "ru", ("phone", "+79162453719")),
    ("WhatsApp (11) 91234-5678", "pt-BR", ("whatsapp", "+5511912345678")),
    ("Llámanos 55 8765 4321", "es-MX", ("phone", "+525587654321")),
])
def test_local_numbers_after_a_cue_by_language(text, lang, expected):
    assert pairs(text, lang) == [expected]


@pytest.mark.parametrize("text,lang", [
    ("Chama no WhatsApp (21) 99887-7665", None),        # a language-neutral cue and no page language
    ("O pedido (21) 99887-7665 chegou", "pt"),          # no cue
    ("0912 345 678", "vi"),
    ("客服 9123 4567", "zh-SG"),                         # valid in Hong Kong and in Singapore: ambiguous
    ("WhatsApp 912 345 678", "es"),                     # valid in Spain and elsewhere: ambiguous
])
def test_local_numbers_need_a_cue_and_one_country(text, lang):
    assert pairs(text, lang) == []


@pytest.mark.parametrize("text", [
    "Hotline 2024-05-13 update", "Call 2025-05-13 00:14:12", "电话 2025-05-13 00:14:12", "电话：20250513001412",
    "客服 订单号 20250513001412", "Tel: 978-3-16-148410-0", "call 978-1-4028-9462-6 (ISBN)", "phone 192.168.1.1",
    "WhatsApp v2.23.10.77 released", "Telefone versão 10.2.3.4", "Gọi ngay: 1.299.000 đ", "zap 2.0 (2023)",
    "Hotline giá 2.500.000 VND", "call me at 10:30-11:45", "Ligue 13/05/2025", "WA 98101 Seattle",
    "Телефон: заказ № 4815162342", "โทร ราคา 1,290 บาท", "电话 ¥138.00", "call 555-0123", "call (212) 555-0147",
    "Điện thoại: 12:00 - 13:30, 15/06/2025",
])
@pytest.mark.parametrize("lang", [None, "en", "zh", "pt", "vi", "ru", "th", "es", "id"])
def test_codes_prices_dates_are_not_phones(text, lang):
    assert [k for k, _ in pairs(text, lang) if k in ("phone", "whatsapp")] == []


@pytest.mark.parametrize("text,lang", [
    ("call Expedia customer service at 1-888-614-2093", None),
    ("Expedia Customer Service (1-888-614-2093) refunds", "en"),
    ("Expedia helpline number 1-888-614-2093 is open 24 hours", None),
])
def test_north_american_number_with_a_cue(text, lang):
    assert pairs(text, lang) == [("phone", "+18886142093")]  # not the CN mobile 188-8614-2093


@pytest.mark.parametrize("text,lang,expected,spelled", [
    ("Hotline chăm sóc khách hàng: 1900 6000 (8h–17h các ngày làm việc).", "vi", "+8419006000", "1900 6000"),
    ("WhatsApp +44 7911 123456 (24h)", None, "+447911123456", "+44 7911 123456"),
    ("电话【139】2468【1357】", None, "+8613924681357", "【139】2468【1357"),
])
def test_a_bracket_closed_after_a_word_is_not_part_of_the_number(text, lang, expected, spelled):
    found = find_contacts(text, lang=lang)
    assert [c.value for c in found] == [expected] and text[found[0].start:found[0].end] == spelled


def test_north_american_number_keeps_its_parentheses_only_when_balanced():
    found = find_contacts("Expedia Customer Service (1-888-614-2093) refunds")
    assert found[0].start == found[0].end - len("1-888-614-2093")
    text = "call us (212) 736-4400"
    assert text[find_contacts(text)[0].start:] == "(212) 736-4400"


@pytest.mark.parametrize("text,expected", [
    ("加微信：chatgpt_plus88 备注“GPT”", [("wechat", "chatgpt_plus88")]),    # `加微` inside `加微信`
    ("加微信 chatgptplus", [("wechat", "chatgptplus")]),                      # a letters-only id, offered
    ("微信 WeChat 和 QQ 都能用", []),
    ("官方 LINE 帳號：@tealeaf（僅提供訂單查詢）", [("line", "tealeaf")]),
    ("LINE友だち追加：casino_bonus_jp", [("line", "casino_bonus_jp")]),
    ("สมัครสมาชิก แอดไลน์ @baccarat_vip", [("line", "baccarat_vip")]),
    ("ติดต่อไลน์ ngernduan", [("line", "ngernduan")]),
    ("ไลน์ ngernduan", []),
    ("官方QQ群：312456789（已满）/ 412456780", [("qq", "312456789"), ("qq", "412456780")]),
    ("微信：abc_123、def_456", [("wechat", "abc_123"), ("wechat", "def_456")]),
    ("微信：abc_123，支付宝也可以", [("wechat", "abc_123")]),
    ("TG: @esim1088 or @esim2046", [("telegram", "esim1088"), ("telegram", "esim2046")]),
    ("Telegram: @esim1088, WhatsApp +44 7911 123456", [("telegram", "esim1088"), ("whatsapp", "+447911123456")]),
    ("Pide por WhatsApp +52 1 55 8765 4321", [("whatsapp", "+525587654321")]),  # Mexico's old mobile `1`
])
def test_cue_forms(text, expected):
    assert pairs(text) == expected


@pytest.mark.parametrize("text", [
    '常见广告示例（已加入屏蔽词）：“出售美国实卡 飞机@kashang_xx1”、“加微信dk888秒下款”。',
    '# 例子："出售实卡 飞机 @simseller01" -> True',
    'features like a handle in the title (e.g. "[TG: @somehandle2]")',
    'messages like "Your account is locked, call now" or "Contact our support on Telegram @support_desk_help"',
    "示例机器人：@tgbot_template_demo_bot",
    "for example TG @esim1088",
])
def test_examples_are_not_contacts(text):
    assert pairs(text) == []


@pytest.mark.parametrize("text,expected", [
    ("Telegram: @esim1088 (e.g. for bulk orders)", [("telegram", "esim1088")]),   # the example comes after
    ("Looks like the best: TG @esim1088", [("telegram", "esim1088")]),            # `like`, not quoting
    ('例如：价格 100 元。联系 TG "@esim1088"', [("telegram", "esim1088")]),          # the quote is far from the cue
])
def test_not_examples(text, expected):
    assert pairs(text) == expected


@pytest.mark.parametrize("tag,expected", [
    ("pt", ("BR", "PT")), ("pt-BR", ("BR",)), ("zh-Hant", ("TW", "HK", "MO")), ("zh_TW", ("TW",)),
    ("zh", ("CN", "TW", "HK", "MO")), ("und", ()), (None, ()), ("", ()), ("xx", ()), ("es-419", LANG_REGIONS["es"]),
])
def test_regions_for_language_tags(tag, expected):
    assert regions_for(tag) == expected


@pytest.mark.parametrize("text,lang,expected", [
    ("Call 8860976606 for a booking", "en", "+918860976606"),        # no North American reading: an Indian mobile
    ("Call 08860976606", "en", "+918860976606"),                     # with India's trunk 0
    ("Bangalore call girls 8860976606 ☆ full night", "en", "+918860976606"),  # the ads' own phrase is the cue
    ("Bangalore call girls 8860976606 ☆ full night", None, "+918860976606"),  # its country comes with it
    ("call girl in Delhi 9999 123 456", "en", "+919999123456"),
    ("Call us: 786-555-1234", "en", "+17865551234"),                 # North American first: Miami, not India
    ("Call us: 7865551234", "en", "+17865551234"),
])
def test_indian_mobiles_on_english_pages(text, lang, expected):
    assert pairs(text, lang) == [("phone", expected)]


@pytest.mark.parametrize("text,lang", [
    ("Call 8860976606 for a booking", None),       # no page language: bare digits only in the shapes any page has
    ("Call 8860976606 for a booking", "pt"),       # Brazil and Portugal are the candidates, not India
    ("order id 8860976606 shipped", "en"),         # no cue
    ("Call 5860976606", "en"),                     # not an Indian mobile's first digit, and no NANP number
    ("Call 07911 123456", "en"),                   # a British mobile as much as an Indian one: neither
    ("Call 0800 123 4567", "en"),                  # a British freephone number, not an Indian mobile
])
def test_indian_mobiles_only_on_english_pages_after_a_cue(text, lang):
    assert [k for k, _ in pairs(text, lang) if k == "phone"] == []


def test_phone_e164_with_candidate_regions():
    assert phone_e164("9123 4567", ("HK",)) == "+85291234567"
    assert phone_e164("9123 4567", ("HK", "SG")) is None            # valid in both
    assert phone_e164("8 916 245-37-19", ("RU", "KZ")) == "+79162453719"  # one number, two regions
    assert phone_e164("1-888-614-2093") == "+18886142093"
    assert phone_e164("188 8614 2093") == "+8618886142093"          # grouped like a CN mobile
    assert normalize_value("phone", "(21) 99887-7665", ("BR", "PT")) == "+5521998877665"


TOKENS = list("@.:/+-()（） \n0123456789") + [
    "zap ", "WA ", "whatsapp ", "телеграм ", "тг ", "tele ", "텔레 ", "bot: ", "channel ", "Пишите ", "联系 ", "微信：",
    "加微信", "LINE 帳號：", "แอดไลน์ ", "ไลน์ ", "QQ群：", " / ", "、", "电话", "撥打", "call ", "hotline ", "Điện thoại ",
    "例如：", "e.g. ", '"', "“", "”", "instagram ", "(21) 99887-7665", "0896-1234-5678", "0912 345 678", "1-888-614-2093",
    "+52 1 55 8765 4321", "8860976606", "call girls ", "esim1088", "abc_123", "ngernduan", "2025-05-13", "¥", "đ", "VND"]
LANGS = [None, "en", "zh", "zh-Hant", "pt", "pt-BR", "es", "id", "vi", "th", "ru", "ja", "ko", "ar"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join), st.sampled_from(LANGS))
def test_properties_with_language_hints(text, lang):
    found = find_contacts(text, lang=lang)
    assert [c.start for c in found] == sorted(c.start for c in found)
    for c in found:
        assert 0 <= c.start < c.end <= len(text)
        assert normalize_value(c.kind, c.value) == c.value
        if c.kind in ("phone", "whatsapp"):  # the mention spells the number's national digits
            national = str(phonenumbers.parse(c.value).national_number)
            assert national in re.sub(r"[^0-9]", "", text[c.start:c.end])
        elif c.kind != "url":
            assert normalize_value(c.kind, text[c.start:c.end]) == c.value
