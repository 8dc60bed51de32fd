"""The spam detector: each named signal on its own, the matcher, hard negatives, and the dev-set quality floor."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.contacts import Contact, contacts_from_links, find_contacts, merge_contacts
from corpus.labelled_sets import load_labelled
from corpus.labels import FAMILIES
from corpus.signals import DETECTOR_VERSION, Verdict, explain, score_by_rules as score_document
from corpus.signals.layout import make_part
from corpus.signals.matcher import matcher_for, prepare
from corpus.signals.score import SIGNALS

DEVSET = Path(__file__).resolve().parents[2] / "bench" / "devset"
TUTORIAL = ("手机怎么开通eSIM？打开设置，进入蜂窝网络，选择添加eSIM，扫描运营商提供的二维码，等待激活即可。\n"
            "开通前请确认手机型号支持，并携带身份证到营业厅办理实名登记。激活后可以切换默认的数据卡。\n"
            "如果激活失败，可以重启手机，检查网络设置，或者到营业厅请工作人员帮忙处理。\n"
            "出国旅行时，也可以在出发前购买目的地的流量套餐，落地后打开数据漫游即可上网。\n"
            "需要注意的是，不同机型的菜单名称略有不同，以手机上的实际显示为准。\n"
            "最后提醒大家，二维码只能使用一次，请不要把它分享给别人，以免号码被他人占用。")


def contacts_of(title: str, text: str, links=(), lang: str | None = None) -> list[Contact]:
    # as corpus/page/row.py does: the page's language tells which countries a number without its code belongs to
    lang = None if lang == "und" else lang
    return merge_contacts([find_contacts(title, "title", lang=lang), find_contacts(text, "text", lang=lang),
                           contacts_from_links(links)])


def signals_of(title: str, text: str, *, links=(), lang="und", boilerplate="") -> dict[str, float]:
    # the detector reads the row's contacts only (corpus.contacts finds them once), as a crawled row carries them
    contacts = merge_contacts([contacts_of(title, text, links, lang), find_contacts(boilerplate, "boilerplate")])
    return explain(title, text, contacts=contacts, links=links, lang=lang, boilerplate=boilerplate)


def verdict(title: str, text: str, *, links=(), lang="und", boilerplate="") -> Verdict:
    contacts = merge_contacts([contacts_of(title, text, links, lang), find_contacts(boilerplate, "boilerplate")])
    return score_document(title, text, contacts=contacts, links=links, lang=lang, boilerplate=boilerplate)


# --- matcher -------------------------------------------------------------------------------------------------------

def test_matcher_respects_word_boundaries_and_stems():
    terms = matcher_for("en").terms(prepare("Casinos and bets, between the alphabet; a bet."))
    assert terms.count("bet") == 1 and "casino" in terms  # "casino*" is a stem, "bet" is not inside "alphabet"


def test_matcher_finds_latin_terms_inside_chinese_and_traditional_forms():
    hits = set(matcher_for("zh").terms(prepare("聯繫TG購買實體卡，加微信")))
    assert {"tg", "聯繫", "實體卡"} <= hits


def test_matcher_folds_fullwidth_and_mathematical_letters_and_drops_zero_width():
    assert prepare("ＴＧ 𝐞𝐬𝐢𝐦 e\u200bsim") == "tg esim esim"
    assert "casino" in matcher_for("en").terms(prepare("𝐂𝐀𝐒𝐈𝐍𝐎 bonus"))


def test_language_lexicons_only_apply_to_their_language():
    text = prepare("el hat del bo")  # Turkish "hat" (line) and Indonesian "bo" are ordinary words elsewhere
    assert not {"hat", "bo"} & set(matcher_for("en").terms(text))
    assert "bo" in matcher_for("id").terms(prepare("cewek bo jakarta"))


# --- layout --------------------------------------------------------------------------------------------------------

def test_code_fences_regex_lines_and_quotes_are_examples():
    text = "Rules:\n```\nSPAM = re.compile(r'@\\w+')\n```\nblocked: “出售实卡 飞机@kashang_xx”\n> DM @quoted_one\nplain @esim1088"
    part = make_part("text", text, "zh")
    assert part.in_code(text.index("SPAM"))
    assert part.in_code(text.index("kashang_xx"))
    assert part.in_code(text.index("quoted_one"))
    assert not part.in_code(text.index("esim1088"))


def test_head_and_tail_regions():
    part = make_part("text", "x" * 3000, "en")
    assert [part.region(p) for p in (0, 1500, 2999)] == ["head", "middle", "tail"]
    assert make_part("title", "t", "en").region(0) == "head"


# --- each signal on its own ----------------------------------------------------------------------------------------

def test_contact_in_title():
    assert signals_of("TM卡怎么续费 [TG: @esim1088]", TUTORIAL)["contact_in_title"] == 1.0
    assert signals_of("TM卡怎么续费", TUTORIAL)["contact_in_title"] == 0.0


def test_contact_position_head_tail_middle_and_boilerplate():
    middle = signals_of("t", TUTORIAL + "\n飞机 @esim1088\n" + TUTORIAL)
    edge = signals_of("t", TUTORIAL + "\n需要的联系飞机 @esim1088")
    footer = signals_of("t", TUTORIAL, boilerplate="飞机 @esim1088")
    assert middle["contact_in_body"] > 0 and middle["contact_at_edge"] == 0
    assert edge["contact_at_edge"] > 0 and edge["contact_in_body"] == 0
    assert footer["contact_in_boilerplate"] > 0


def test_seller_kinds_outweigh_company_kinds():
    messenger = signals_of("t", "买卡请联系 TG @simshop_88")["contact_at_edge"]
    company = signals_of("t", "联系我们：service@huaxin-tech.cn")["contact_at_edge"]
    freemail = signals_of("t", "Contact: simshop88@gmail.com")["contact_at_edge"]
    assert messenger > freemail > company > 0


def test_cta_near_contact():
    assert signals_of("t", "出售实卡，需要的请联系飞机 @simshop_88")["cta_near_contact"] > 0
    far = "Our channel is @simshop_88." + " A long unrelated paragraph about weather." * 5 + " Contact"
    assert signals_of("t", far, lang="en")["cta_near_contact"] == 0


def test_handle_repeated_and_contact_density():
    repeated = signals_of("t", "TG @esim1088\n" + TUTORIAL + "\nTG @esim1088\nTG @esim1088\nTG @esim1088")
    assert repeated["handle_repeated"] > 0
    many = signals_of("t", "TG @shop_one1 微信 shop_two22 WhatsApp +44 7911 123456")
    assert many["contact_density"] > 0
    assert signals_of("t", "TG @esim1088")["contact_density"] == 0


def test_contacts_after_cues_in_many_languages_reach_the_signals():
    values = signals_of("t", "Пиши в лс @p2p_arbitrazh", lang="ru")
    assert values["contact_at_edge"] > 0
    assert signals_of("t", "ติดต่อไลน์ ngernduan", lang="th")["contact_at_edge"] > 0
    assert signals_of("t", "Chama no WhatsApp (21) 99887-7665", lang="pt")["contact_at_edge"] >= 0.9
    assert signals_of("t", "@media screen { color: red }  thanks to user@example.com")["contact_at_edge"] == 0
    assert signals_of("t", "今すぐLINE友だち追加👉 ID: fx_jidou", lang="ja")["contact_at_edge"] > 0
    assert signals_of("t", "Gọi ngay hotline 0912 345 678", lang="vi")["contact_at_edge"] > 0  # local format
    assert signals_of("t", "our telegram channel for updates", lang="en")["contact_at_edge"] == 0
    assert signals_of("t", "WhatsApp 000 0000 0000")["contact_at_edge"] == 0


def test_decorated_contact():
    assert signals_of("t", "需要的朋友 ✈️ @simshop_88")["decorated_contact"] == 1.0
    assert signals_of("t", "需要的朋友 飞机 @simshop_88")["decorated_contact"] == 0.0


def test_messaging_and_shortener_links():
    assert signals_of("t", "x", links=["https://t.me/simshop_88"])["messaging_link"] > 0
    assert signals_of("t", "x", links=["https://t.me/BotFather"])["messaging_link"] == 0
    assert signals_of("t", "x", links=["https://bit.ly/3xYzAbc"])["shortener_link"] > 0
    assert signals_of("t", "x", links=["https://example.org/a"])["shortener_link"] == 0


def test_family_lexicon_per_language_and_family_guess():
    cases = [("zh", "百家乐 时时彩 体育投注 首存送彩金 提款秒到", "gambling"),
             ("en", "Buy fake passports, driver's licenses and ID cards, scannable", "fake_documents"),
             ("ru", "Займы на карту без отказа, кредит без проверки", "loans"),
             ("es", "Préstamos rápidos sin buró, crédito inmediato", "loans"),
             ("vi", "Nhà cái uy tín, cá cược bóng đá, nổ hũ, tài xỉu", "gambling"),
             ("id", "Slot gacor maxwin, judi online, togel", "gambling"),
             ("ja", "オンラインカジノ、スロット、バカラ、入金不要ボーナス", "gambling"),
             ("zh", "USDT承兑 出U收U TRC20 换汇", "crypto_finance")]
    for lang, text, family in cases:
        v = verdict("", text, lang=lang)
        assert explain("", text, lang=lang)["family_lexicon"] > 0.3, text
        assert v.family == family, (text, v.family)
    assert verdict("", "今天天气很好，我们去公园散步。", lang="zh").family == "other"


def test_call_to_action_selling_and_anti_spam_framing():
    assert signals_of("t", "欢迎咨询，联系客服，点击加群")["call_to_action"] > 0.5
    assert signals_of("t", "现货批发，价格优惠，秒发，售后无忧")["selling_terms"] > 0.5
    assert signals_of("警方提醒：谨防诈骗", "警惕骗局，遇到请举报")["anti_spam_framing"] > 0.5
    assert signals_of("t", "现货批发")["anti_spam_framing"] == 0


def test_keyword_stuffing():
    stuffed = "博彩平台推荐，博彩平台排名，博彩平台大全，博彩平台官网，博彩平台下载，博彩平台注册，博彩平台app"
    assert signals_of("t", stuffed)["keyword_stuffing"] > 0
    assert signals_of("t", TUTORIAL)["keyword_stuffing"] == 0


def test_template_placeholder_and_random_token_line():
    assert signals_of("{变量2}接码平台推荐", "{变量1}为大家整理了最新的平台")["template_placeholder"] > 0
    assert signals_of("t", "{Cheap|Best|Top} backlinks for you")["template_placeholder"] > 0
    assert signals_of("t", "```\nname = f'{变量1}'\n```")["template_placeholder"] == 0
    assert signals_of("t", "Buy now\nq7Xk2mP9aZ\n")["random_token_line"] > 0
    assert signals_of("t", "commit\n3f9a2b7c1d\n")["random_token_line"] == 0  # hex: a hash, not salt


def test_bracket_header():
    assert signals_of("t", "【各国实体卡 现货 飞机 @esim2046】\n" + TUTORIAL)["bracket_header"] == 1.0
    assert signals_of("t", "【新闻】今日天气晴\n" + TUTORIAL)["bracket_header"] == 0.0


def test_developer_context_contacts_in_code_and_placeholders():
    readme = "## Install\n```bash\npip install mybot\n```\nSet BOT_TOKEN from @BotFather and CHANNEL=@your_channel."
    values = signals_of("mybot", readme, lang="en")
    assert values["developer_context"] > 0.5
    assert values["placeholder_contacts"] > 0
    rules = "```\nblock: 飞机 @kashang_88\n```"
    assert signals_of("t", rules)["contacts_in_code"] > 0


def test_every_signal_has_a_weight_and_direction():
    assert all(w != 0 for _fn, w in SIGNALS.values())
    assert {n for n, (_f, w) in SIGNALS.items() if w < 0} == {
        "anti_spam_framing", "developer_context", "contacts_in_code", "placeholder_contacts"}


# --- whole verdicts --------------------------------------------------------------------------------------------------

def test_seed_style_post_is_spam_with_readable_signals():
    title = "TM卡上网卡怎么续费？轻松掌握续费流程[TG💪+ @esim1088]"
    text = TUTORIAL + "\n\n[TG💪+ @esim1088]"
    v = verdict(title, text, links=["https://t.me/s/esim1088"], lang="zh")
    assert v.score > 0.9 and v.family == "telecom_sim"
    assert v.signals[0] == "commerce_with_contact"
    assert {"contact_in_title", "family_lexicon:telecom_sim", "messaging_link"} <= set(v.signals)
    assert isinstance(DETECTOR_VERSION, str) and DETECTOR_VERSION


@pytest.mark.parametrize("title,text,lang", [
    ("手机怎么开通eSIM", TUTORIAL, "zh"),                                                       # tutorial, no seller
    ("联系我们", "客服邮箱：help@xiaoyuedu.com\n官方QQ群：312456789\n工作时间：周一至周五", "zh"),   # support page
    ("quizbot", "## Setup\n```\npip install quizbot\n```\nTalk to @BotFather, set CHANNEL=@your_channel, "
                "add @your_bot to the group.", "en"),                                          # bot README
    ("群规", "以下广告将被删除：“出售美国实卡 飞机@kashang_xx”、“加微信dk888秒下款”。请举报。", "zh"),  # rule list
    ("Police warn of SIM sellers", "Police arrested sellers who advertised 'cheap SIM cards, DM @simplug_x' "
                                   "on Telegram. Beware of such scams and report them.", "en"),  # news about scams
    ("Docs", "Call us at (555) 555-0123 or write to user@example.com, Telegram @your_channel.", "en"),  # placeholders
    ("Our channel", "Release notes in our official channel t.me/acmecloud_status. No support via DM.", "en"),
])
def test_hard_negatives_stay_benign(title, text, lang):
    assert verdict(title, text, lang=lang).score < 0.5


def test_contact_given_as_an_example_is_not_an_offer():
    analysis = ("拆解一篇SEO垃圾文章", "这类文章开头讲概念，中间列步骤。文末的联系方式一般是这样写的：TG：data_hunter1352。"
                "遇到这类文章请不要联系，更不要付款。")
    assert signals_of(*analysis)["contact_at_edge"] == 0
    assert verdict(*analysis, lang="zh").score < 0.5


def test_sidebar_terms_do_not_make_a_contact_page_spam():
    sidebar = "相关帖子：美国实体卡现货 / 海外esim购买 / 接码平台推荐 / 流量卡批发 / 香港卡办理"
    page = ("联系我们", "欢迎加入机器人社团。新生交流群：QQ群 546481162\n事务联系邮箱：club678@163.com")
    assert verdict(*page, lang="zh", boilerplate=sidebar).score < 0.5


def test_the_same_tutorial_wrapped_in_spam_is_spam():
    plain = verdict("手机怎么开通eSIM", TUTORIAL, lang="zh")
    wrapped = verdict("手机怎么开通eSIM", "【海外esim 实体卡 现货 飞机@esim2046】\n" + TUTORIAL
                      + "\n需要境外实体卡的朋友认准飞机：@esim2046，秒发货！", lang="zh")
    assert plain.score < 0.5 < wrapped.score


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.text(max_size=60), st.sampled_from(["zh", "en", "ru", "und", "xx"]))
def test_any_input_gives_a_valid_verdict(text, title, lang):
    v = score_document(title, text, lang=lang, contacts=contacts_of(title, text))
    assert 0.0 <= v.score <= 1.0 and v.family in FAMILIES and all(isinstance(s, str) for s in v.signals)


# --- the quality floor on the dev set ---------------------------------------------------------------------------------

def test_dev_set_rules_regression():
    """The hand-set rules still score the hand-written dev set as they were tuned to (F1 >= 0.95, <= 3% hard
    negatives flagged). A training figure and a rule regression test, not an accuracy claim: the detector's
    accuracy is measured on real text (bench/detector_cv.py)."""
    from corpus.contacts import find_contacts, merge_contacts

    files = [p for p in sorted(DEVSET.glob("*.jsonl")) if p.name != "heldout.jsonl"]
    docs, _ = load_labelled(files)
    assert len(docs) >= 150 and sum(d.hard_negative for d in docs) * 2 >= len(docs)
    tp = fp = fn = hard_fp = 0
    for d in docs:
        contacts = merge_contacts([find_contacts(d.title, "title", lang=d.lang), find_contacts(d.text, "text", lang=d.lang)])
        spam = score_document(d.title, d.text, contacts=contacts, links=d.links, lang=d.lang).score >= 0.5
        tp, fp, fn = tp + (spam and d.spam), fp + (spam and not d.spam), fn + (not spam and d.spam)
        hard_fp += spam and d.hard_negative and not d.spam
    assert 2 * tp / (2 * tp + fp + fn) >= 0.95
    assert hard_fp <= 0.03 * sum(d.hard_negative and not d.spam for d in docs)
