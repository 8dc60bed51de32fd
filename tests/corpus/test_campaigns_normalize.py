"""Normaliser and signatures: idempotence, masking of variable parts, script-dependent shingles, batch independence."""
from __future__ import annotations

import re

import numpy as np
import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.campaigns import CampaignConfig, normalize_text
from corpus.campaigns.minhash import estimated_jaccard, signatures_of_normalized
from corpus.campaigns.normalize import EMAIL, HANDLE, NUMBER, TOKEN, URL
from tests.corpus.test_campaigns_families import TEMPLATES, variant

CFG = CampaignConfig()
# a mix that exercises every stage: CJK (both scripts), ASCII, digits, full-width forms, punctuation,
# emoji, zero-width characters, combining marks, Thai, our own placeholders
ALPHABET = st.sampled_from(list(
    "的了是我们你他這個說話学習語言abcdefgxyzABCQ0123456789 ＡＢＣ１２３！？。，、：；「」（）@#.:/_-+*~\n\t"
    "\u200b\u200d\ufeff\u00ad\u0301éÉİßﬁ①²😀💪กข่ำ\ue000\ue003") + ["https://", "www.", "t.me/", "微信", "qq ", "tg: ",
                                                                 ".com", "@mail.", "wechat:"])
texts = st.lists(ALPHABET, max_size=60).map("".join)
handles = st.from_regex(r"[a-z][a-z0-9_]{3,20}", fullmatch=True)
chinese = st.text(alphabet=st.sampled_from(list("联系客服获取优惠的方法步骤注册账号流量套餐购买")), min_size=1, max_size=20)


@settings(max_examples=400, deadline=None)
@given(texts | st.text(max_size=40))
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(texts)
def test_output_has_no_digits_punctuation_or_runs_of_space(text):
    out = normalize_text(text)
    assert not re.search(r"\d", out) and "@" not in out and "://" not in out
    assert "  " not in out and out == out.strip() and "\u200b" not in out and out == out.lower()


@settings(max_examples=150, deadline=None)
@given(chinese, chinese, handles, handles, st.integers(0, 10**11), st.integers(0, 10**11))
def test_handles_numbers_urls_and_emails_are_masked(before, after, h1, h2, n1, n2):
    def page(h, n):
        return (f"{before}【飞机 @{h}】{after} 价格{n}元 加微信：{h} https://{h}.example.com/p?id={n} "
                f"邮箱 {h}@mail.example.com TG: {h} t.me/{h}")
    assert normalize_text(page(h1, n1)) == normalize_text(page(h2, n2))


def test_masks_by_kind():
    out = normalize_text("Call +1 (800) 555-0199, visit https://x.example/a?b=1 or acme-help.com, "
                         "mail Help@Acme.COM, ping @Acme_Help88, code AB12CD34, wechat: kefu")
    assert out == (f"call {NUMBER} visit {URL} or {URL} mail {EMAIL} ping {HANDLE} code {TOKEN} wechat {HANDLE}")
    # an English keyword needs a colon: prose after "telegram" stays
    assert normalize_text("join our telegram channel today") == "join our telegram channel today"


def test_width_zero_width_and_script_variants_normalise_alike():
    assert normalize_text("ＴＭ卡上网卡，１０元") == normalize_text("TM卡上网卡,10元")
    assert normalize_text("联\u200b系客\u200d服") == normalize_text("联系客服")
    s2t = opencc.OpenCC("s2t")
    for kind in ("sim", "bet", "doc"):
        simplified = variant(kind, 1)["text"]
        traditional = s2t.convert(simplified)
        a, b = normalize_text(simplified), normalize_text(traditional)
        changed = sum(x != y for x, y in zip(simplified, traditional))
        # OpenCC's round trip is not exact (昵称 -> 暱稱 -> 暱称): a character or two may stay Traditional
        assert changed > 20 and len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= 2


def test_chinese_is_shingled_by_character_english_by_word():
    zh = normalize_text(variant("sim", 0)["text"])
    en = normalize_text(variant("support", 0)["text"])
    # one changed character moves at most char_ngram character shingles; the same edit in an English word
    # moves at most word_ngram word shingles, out of far fewer
    sig = signatures_of_normalized([zh, zh.replace("注册", "註冊", 1), en, en.replace("support", "suport", 1)], CFG)[0]
    assert estimated_jaccard(sig[0], sig[1]) > 0.95 and 0.8 < estimated_jaccard(sig[2], sig[3]) < 1.0
    thai = normalize_text("สวัสดีครับ วันนี้อากาศดีมาก เราจะไปเที่ยวทะเลกันที่ภูเก็ต" * 3)
    assert len(thai.split(" ")) < len(thai) / 8  # few spaces: characters, not words, must carry the shingles
    assert signatures_of_normalized([thai], CFG)[1][0]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(sorted(TEMPLATES)), min_size=1, max_size=8), st.integers(0, 7))
def test_a_signature_depends_only_on_its_own_text(kinds, split):
    docs = [normalize_text(variant(k, i)["text"]) for i, k in enumerate(kinds)]
    together, indexed = signatures_of_normalized(docs, CFG)
    split = min(split, len(docs))
    parts = [signatures_of_normalized(docs[:split], CFG)[0], signatures_of_normalized(docs[split:], CFG)[0]]
    assert np.array_equal(together, np.concatenate(parts)) and indexed.all()


def test_short_texts_are_not_indexed():
    sig, indexed = signatures_of_normalized(["短文本", ""], CFG)
    assert not indexed.any() and (sig == 0xFFFFFFFF).all()


def test_hostile_input_stays_linear():
    """Crawled pages are hostile: patterns that could backtrack quadratically (dotted runs, separator runs,
    digit runs, '@' runs) must stay linear. 100 KB each; a quadratic pattern needs minutes here."""
    import time

    n = 25_000
    hostile = ["a." * n + "x .com", "a-a." * n + " .com", "tg" + ":" * n * 4, "微信" + "、" * n * 4, "1 " * n * 2 + "x",
               ("abcde@b.c ") * n, "@a." * n, "a1" * n * 2, "http://" + "a" * n * 4, "wechat: " * n]
    started = time.perf_counter()
    for text in hostile:
        normalize_text(text)
    assert time.perf_counter() - started < 5.0


def test_huge_pages_are_signed_in_chunks(monkeypatch):
    from corpus.campaigns import minhash

    texts = [variant(kind, 0)["text"] for kind in ("sim", "support", "bet")]
    whole = minhash.sign_texts([""] * 3, texts, CFG)
    monkeypatch.setattr(minhash, "CHUNK_CHARS", 10)  # every page its own chunk
    chunked = minhash.sign_texts([""] * 3, texts, CFG)
    assert np.array_equal(whole.signatures, chunked.signatures) and chunked.indexed.all()
