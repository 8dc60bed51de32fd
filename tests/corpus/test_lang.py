"""Language and Chinese script detection."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.lang import chinese_script, detect_language

SAMPLES = [
    ("随着科技的发展，上网卡已经成为了许多人日常生活中不可或缺的一部分。无论是出差还是旅行都很方便。", "zh", "Hans"),
    ("隨著科技的發展，上網卡已經成為了許多人日常生活中不可或缺的一部分。無論是出差還是旅行都很方便。", "zh", "Hant"),
    ("How to renew your travel SIM card in three easy steps, without calling the support line.", "en", ""),
    ("Как продлить тариф на сим-карту для путешествий за границу без лишних хлопот и очередей.", "ru", ""),
    ("Cómo renovar la tarjeta SIM para viajes internacionales de forma fácil y sin complicaciones.", "es", ""),
    ("Como renovar o cartão SIM para viagens internacionais de forma fácil e sem complicações.", "pt", ""),
    ("Comment renouveler la carte SIM pour les voyages internationaux facilement et sans souci.", "fr", ""),
    ("Wie man die SIM-Karte für Auslandsreisen einfach verlängert und dabei Geld spart.", "de", ""),
    ("Cách gia hạn thẻ SIM du lịch quốc tế một cách dễ dàng và nhanh chóng cho mọi người.", "vi", ""),
    ("Cara memperpanjang kartu SIM untuk perjalanan ke luar negeri dengan mudah dan cepat sekali.", "id", ""),
    ("วิธีการต่ออายุซิมการ์ดสำหรับการเดินทางไปต่างประเทศอย่างง่ายดาย", "th", ""),
    ("海外旅行用のSIMカードを購入する方法を説明します。とても簡単です。", "ja", ""),
    ("해외 여행용 유심 카드를 구매하는 방법을 쉽게 설명합니다", "ko", ""),
    ("كيفية تجديد بطاقة SIM للسفر إلى الخارج بسهولة وبدون أي تعقيد", "ar", ""),
    ("Yurt dışı seyahat için SIM kartı nasıl kolayca yenilenir, adım adım anlatıyoruz.", "tr", ""),
    # mixed zh/en spam: Chinese prose with brand names, handles and links is Chinese
    ("TM卡上网卡怎么续费？TG @esim1088 https://t.me/s/esim1088 APP eSIM SIM卡 USB 4G 5G 办理流程", "zh", "Hans"),
    ("香港eSIM卡 Telegram: @hk_esim_shop WhatsApp +852 6123 4567 價格優惠 立即聯繫", "zh", "Hant"),
]


@pytest.mark.parametrize("text,lang,script", SAMPLES, ids=[s[1] + "-" + s[0][:12] for s in SAMPLES])
def test_detects(text, lang, script):
    assert detect_language(text) == (lang, script)


@pytest.mark.parametrize("text", ["", "   ", "Hi there", "12345 !!!", "@esim1088 https://t.me/esim1088", "OK"])
def test_short_or_empty_is_und(text):
    assert detect_language(text) == ("und", "")


def test_short_chinese_title_is_enough():
    assert detect_language("境外流量卡办理") == ("zh", "Hans")


def test_script_by_characters_that_exist_in_one_script_only():
    assert chinese_script("发展网络") == "Hans"
    assert chinese_script("發展網絡") == "Hant"
    assert chinese_script("上下中大") == "Hans"  # shared characters: default Simplified


def test_long_text_costs_the_same_as_its_sample():
    text = "随着科技的发展，上网卡已经成为了许多人日常生活中不可或缺的一部分。" * 2000
    assert detect_language(text) == ("zh", "Hans")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(text):
    lang, script = detect_language(text)
    assert lang == "und" or (len(lang) == 2 and lang.isalpha())
    assert script in ("", "Hans", "Hant") and (script == "" or lang == "zh")
