"""Body decoding: BOM, header, meta and detection for GBK, GB18030, Big5, UTF-8 and single-byte pages."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.page.encoding import charset_from_header, charset_from_meta, decode_body, normalise_label

ZH_HANS = ("<html><head><title>境外流量卡办理</title></head><body><p>随着科技的发展，上网卡已经成为了许多人日常生活中"
           "不可或缺的一部分。联系客服微信获取最新价格。</p></body></html>")
ZH_HANT = ("<html><head><title>境外流量卡辦理</title></head><body><p>隨著科技的發展，上網卡已經成為了許多人日常生活中"
           "不可或缺的一部分。聯繫客服獲取最新價格。</p></body></html>")
FR = "<html><body><p>Café crème à la française, très légère.</p></body></html>"


def with_meta(html: str, meta: str) -> str:
    return html.replace("<head>", "<head>" + meta, 1) if "<head>" in html else meta + html


CASES = [
    # (name, body, content-type, expected encoding, expected source, text that must come out)
    ("gbk undeclared", ZH_HANS.encode("gbk"), "text/html", "gb18030", "detected", "流量卡"),
    ("gbk no content-type", ZH_HANS.encode("gbk"), None, "gb18030", "detected", "流量卡"),
    ("gb18030 meta", with_meta(ZH_HANS + "€", '<meta charset="gb18030">').encode("gb18030"), "text/html",
     "gb18030", "meta", "€"),
    ("gb2312 http-equiv", with_meta(ZH_HANS, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
     .encode("gbk"), "text/html", "gb18030", "meta", "流量卡"),
    ("big5 header", ZH_HANT.encode("big5"), "text/html; charset=big5", "big5hkscs", "header", "隨著科技"),
    ("big5 undeclared", ZH_HANT.encode("big5"), "text/html", "big5hkscs", "detected", "隨著科技"),
    ("utf-8 bom", b"\xef\xbb\xbf" + ZH_HANS.encode(), "text/html", "utf-8", "bom", "流量卡"),
    ("utf-8 header", ZH_HANS.encode(), "text/html; charset=UTF-8", "utf-8", "header", "流量卡"),
    ("utf-8 undeclared", ZH_HANS.encode(), "text/html", "utf-8", "detected", "流量卡"),
    ("gbk declared utf-8", ZH_HANS.encode("gbk"), "text/html; charset=utf-8", "gb18030", "detected", "流量卡"),
    ("utf-8 declared latin-1", FR.encode(), "text/html; charset=iso-8859-1", "utf-8", "detected", "Café"),
    ("utf-8 declared gbk", ZH_HANS.encode(), "text/html; charset=gbk", "utf-8", "detected", "流量卡"),
    ("big5 declared gbk", ZH_HANT.encode("big5"), "text/html; charset=gbk", "big5hkscs", "detected", "隨著科技"),
    ("wrong header, right meta", with_meta(ZH_HANS, '<meta charset="gbk">').encode("gbk"),
     "text/html; charset=utf-8", "gb18030", "meta", "流量卡"),
    ("latin-1 undeclared", FR.encode("latin-1"), "text/html", "cp1252", "detected", "Café"),
    ("cp1251 undeclared", "<p>Как продлить тариф на сим-карту для путешествий</p>".encode("cp1251"), "text/html",
     "cp1251", "detected", "продлить"),
    ("shift_jis undeclared", "<p>海外旅行用のSIMカードを購入する方法を説明します。</p>".encode("shift_jis"), "text/html",
     "cp932", "detected", "旅行用の"),
    ("euc-kr undeclared", "<p>해외 여행용 유심 카드를 구매하는 방법을 설명합니다</p>".encode("euc-kr"), "text/html",
     "cp949", "detected", "여행용"),
    ("meta utf-16 on ascii", b'<meta charset="utf-16"><p>hello world</p>', "text/html", "utf-8", "meta", "hello"),
    ("short big5", "<p>聯繫客服</p>".encode("big5"), "text/html", "big5hkscs", "detected", "聯繫客服"),
    ("short gbk", "<p>联系客服</p>".encode("gbk"), "text/html", "gb18030", "detected", "联系客服"),
]


@pytest.mark.parametrize("name,body,ctype,encoding,source,needle", CASES, ids=[c[0] for c in CASES])
def test_decodes(name, body, ctype, encoding, source, needle):
    decoded = decode_body(body, ctype)
    assert (decoded.encoding, decoded.source) == (encoding, source)
    assert needle in decoded.text
    assert decoded.replacement_ratio == 0.0


def test_truly_broken_bytes_record_their_replacement_share():
    body = ZH_HANS.encode("utf-8")[:-40] + b"\xff\xfe\xfd" * 10 + b"</p></body></html>"
    decoded = decode_body(body, "text/html; charset=utf-8")
    assert "流量卡" in decoded.text
    assert 0 < decoded.replacement_ratio < 0.5


def test_empty_body():
    assert decode_body(b"", None).text == ""


def test_multibyte_character_cut_at_the_detection_prefix_is_still_utf8():
    body = ("<p>" + "流量卡" * 30000 + "</p>").encode()  # > 64 KiB, the prefix ends inside a character
    assert decode_body(body, "text/html").encoding == "utf-8"


def test_labels():
    assert normalise_label("GB2312") == "gb18030"
    assert normalise_label("x-unknown") is None
    assert charset_from_header('text/html; charset="Big5"') == "big5hkscs"
    assert charset_from_meta(b"<meta content='text/html; charset=windows-1252' http-equiv='content-type'>") == "cp1252"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([None, "text/html", "text/html; charset=utf-8",
                                                 "text/html; charset=gbk", "text/plain; charset=bogus"]))
def test_never_raises(body, ctype):
    decoded = decode_body(body, ctype)
    assert isinstance(decoded.text, str)
    assert 0.0 <= decoded.replacement_ratio <= 1.0
