"""Cue words that introduce a contact of a kind (`微信：`, `TG`, `call`, `zap`, `телеграм`), in many languages."""
from __future__ import annotations

import re

from corpus.contacts.phones import regions_for

# Everything here runs on the lowercased normalised text. Each scan starts with a literal (a cue word, `@`,
# `+`, a URL prefix) because Python's re only skips ahead quickly when a pattern begins with one; word
# boundaries are lookarounds placed after the literal.
_LATIN, _CYRILLIC, _HANGUL = "a-z0-9à-ɏḀ-ỿ", "а-яёіїєґ", "가-힣"


def _letters_of(ch: str) -> str | None:
    """The letters that continue a word in `ch`'s script; None for scripts written without spaces."""
    if ch.isascii() and ch.isalnum() or "à" <= ch <= "ɏ" or "Ḁ" <= ch <= "ỿ":
        return _LATIN
    if "а" <= ch <= "я" or ch in "ёіїєґ":
        return _CYRILLIC
    if "가" <= ch <= "힣":
        return _HANGUL
    return None


_NOT_AFTER = {"tele": "-"}  # tele-health, tele-sales


def cue_pattern(word: str) -> str:
    """`word` with letter boundaries in its own script; a trailing `*` marks a stem that takes any ending."""
    stem = word.endswith("*")
    word = word.rstrip("*")
    left, right = _letters_of(word[0]), _letters_of(word[-1])
    out = re.escape(word)
    if left:
        out += f"(?<![{left}]{re.escape(word)})"
    if right:
        out += f"[{right.replace('0-9', '')}]*" if stem else f"(?![{right.replace('0-9', '')}{_NOT_AFTER.get(word, '')}])"
    return out


def literals(*words: str) -> str:
    """One pattern for many cue words, factored into a trie by common prefixes: at each position of the page
    sre then tries one branch per distinct next character instead of every word (longer words first)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word.rstrip("*"):
            node = node.setdefault(ch, {})
        node[""] = cue_pattern(word)[len(re.escape(word.rstrip("*"))):]  # the boundary checks after the word

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if "" in node:
            alts.append(node[""])  # the word ending here, after its longer continuations
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


# Names of Telegram: a value or a bare `@handle` next to one is a Telegram contact.
TG_WORDS = ("telegram", "telegrama", "tg", "tele", "电报", "電報", "纸飞机", "紙飛機", "小飞机", "小飛機", "飞机", "飛機",
            "✈", "телег*", "тг", "텔레그램", "텔레", "テレグラム", "เทเลแกรม", "เทเลแกม", "تيليجرام", "تيليغرام",
            "تلغرام", "تليجرام", "تلجرام", "تلگرام", "टेलीग्राम")
CUE_WORDS = {
    "telegram": TG_WORDS,
    "whatsapp": ("whatsapp", "whats app", "whats", "wa", "wapp", "wsp", "wpp", "zap", "zapzap", "watsap", "wasap",
                 "guasap", "瓦次普", "واتساب", "واتس اب", "واتس", "ватсап*", "вотсап*", "вацап*", "วอทส์แอพ", "วอทแอพ",
                 "วอทส์แอป", "왓츠앱", "ワッツアップ", "וואטסאפ", "व्हाट्सएप"),
    "phone": ("电话", "電話", "洽谈", "洽談", "同号", "同號", "手机", "手機", "热线", "熱線", "客服", "座机", "座機", "致电", "致電", "拨打", "撥打", "专线", "專線",
              "tel", "phone", "mobile", "hotline", "helpline", "help line", "call", "call us", "call now", "cell",
              "contact number", "customer service", "customer care", "toll free", "toll-free", "dial", "☎", "📞", "📱",
              "call girl", "call girls",
              "телефон*", "тел", "звоните", "позвоните", "teléfono", "telefono", "telefone", "fone", "celular", "llama",
              "llámanos", "ligue", "móvil", "movil", "điện thoại", "đt", "sđt", "sdt", "gọi", "telp", "telepon",
              "hp", "โทร", "เบอร์", "携帯", "전화", "연락처", "هاتف", "اتصل", "جوال", "telefon", "téléphone"),
    "wechat": ("微信", "威信", "薇信", "v信", "加v", "加微", "加微信", "加薇", "薇", "vx", "wx", "wechat", "weixin"),
    # a 群 with a 5-11 digit number is a QQ group; a lone `Q` before digits is QQ in spam headers (`【Q-——5831274——】`)
    "qq": ("qq", "q", "扣扣", "企鹅", "企鵝", "q群", "群号", "群號", "群"),
    "line": ("line", "line id", "lineid", "加賴", "賴", "ไลน์", "แอดไลน์"),
}
CUE_KIND = {w.rstrip("*"): kind for kind, words in CUE_WORDS.items() for w in words}
_ALL_CUES = [w for words in CUE_WORDS.values() for w in words]
# Three scans, because sre skips ahead by the set of first characters, which is fastest as a small bitmap: cues
# starting with an ASCII character, with another BMP character, and the emoji (run only if the page has them).
CUE_TRIGGERS = tuple(re.compile(literals(*group)) for group in (
    [w for w in _ALL_CUES if w[0].isascii()], [w for w in _ALL_CUES if not w[0].isascii() and w[0] <= "\uffff"]))
CUE_TRIGGER = re.compile(literals(*_ALL_CUES))  # all of them, for short strings
ASTRAL_CUES = tuple(w for w in _ALL_CUES if w[0] > "\uffff")
ASTRAL_TRIGGER = re.compile(literals(*ASTRAL_CUES))
# The language a cue word is written in says which countries a number written without its country code may
# belong to (with the page's language, if known; see phones.LANG_REGIONS).
CUE_LANG = {
    **dict.fromkeys(("电话", "電話", "洽谈", "洽談", "同号", "同號", "手机", "手機", "热线", "熱線", "座机", "座機", "致电", "致電", "拨打", "撥打", "专线", "專線",
                     "客服"), "zh"),
    "zap": "pt", "zapzap": "pt", "telefone": "pt", "fone": "pt", "celular": ("pt", "es"), "ligue": "pt",
    "llama": "es", "llámanos": "es", "teléfono": "es", "telefono": "es", "móvil": "es", "movil": "es",
    "wasap": "es", "guasap": "es", "wsp": "es", "wpp": "pt", "điện thoại": "vi", "đt": "vi", "sđt": "vi",
    "sdt": "vi", "gọi": "vi", "telp": "id", "telepon": "id", "hp": "id", "wa": ("id", "ms"), "โทร": "th",
    "เบอร์": "th", "วอทส์แอพ": "th", "วอทแอพ": "th", "วอทส์แอป": "th", "携帯": "ja", "ワッツアップ": "ja", "전화": "ko",
    "연락처": "ko", "왓츠앱": "ko", "телефон": "ru", "тел": "ru", "звоните": "ru", "позвоните": "ru", "ватсап": "ru",
    "вотсап": "ru", "вацап": "ru", "هاتف": "ar", "اتصل": "ar", "جوال": "ar", "واتساب": "ar", "واتس اب": "ar",
    "واتس": "ar", "telefon": ("tr", "de", "pl"), "téléphone": "fr",
    "व्हाट्सएप": "hi", "וואטסאפ": "he",
    "call girl": "en-IN", "call girls": "en-IN"}  # the Indian escort ads' own phrase before their number
CUE_REGIONS = {w: tuple(dict.fromkeys(r for lang in ((langs,) if isinstance(langs, str) else langs)
                                      for r in regions_for(lang))) for w, langs in CUE_LANG.items()}
STEMS = tuple(w.rstrip("*") for words in CUE_WORDS.values() for w in words if w.endswith("*"))


def cue_word(matched: str) -> str:
    """The listed cue word of a matched cue (a stem's inflected form maps to the stem)."""
    return matched if matched in CUE_KIND else next(s for s in STEMS if matched.startswith(s))


# punctuation, spaces and emoji between a cue and its value, never words; a cue that ends its line may have its
# value on the next one (`<p>客服QQ</p>` / `<div>2718281828</div>` in a contact page's source)
_GAP = r"(?P<gap>[^\w\n]{0,12}?)"
_TAGS = r"(?:[ \t]*<[^<>\n]{0,60}>)*[ \t]*"
_GAP_NL = r"(?P<gap>[^\w\n]{0,12}?(?:" + _TAGS + r"\n" + _TAGS + r"){0,2})"  # for numbers only
_FILLER = r"(?:[ \t]*(?:咨询|諮詢|客服|联系|聯繫|在线|在線|交流|官方))?"  # `QQ 咨询 (271828182)`
PHONE_VALUE = r"\+?[0-9(\[【][0-9 \-.()\[\]【】]{5,28}[0-9](?![0-9])"
_LINE_ID = r"@?~?[a-z0-9][a-z0-9._-]{2,19}(?![a-z0-9_-])"
VALUE = {
    "telegram": r"@?[a-z][a-z0-9_]{3,31}(?![a-z0-9_])",
    "whatsapp": PHONE_VALUE,
    "phone": PHONE_VALUE,
    # an official account is found by its name, in brackets: `微信搜索【流客科技】`
    "wechat": r"[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])|[0-9]{6,15}(?![0-9])|【[\u4e00-\u9fff][\u4e00-\u9fffa-z0-9_-]{1,19}】",
    "qq": PHONE_VALUE,  # written like phone numbers: 1761-2745, 【1761】【2745】
    "line": _LINE_ID,
}
CUE_TAIL = {kind: re.compile(suffix + (_GAP if kind in ("telegram", "line") else _GAP_NL) + f"(?P<v>{VALUE[kind]})")
            for kind, suffix in (
    ("telegram", "(?:号|號| ?id|账号|帳號|频道|頻道|群组|群組|群)?"),
    ("whatsapp", "(?:号码|號碼|号|號|[ _]?number|[ _]?no\\.?)?"),
    ("phone", "(?:号码|號碼|号|號|热线|熱線|电话|電話|專線|专线|[ _]?number|[ _]?no\\.?| ?line)?" + _FILLER),
    ("wechat", "(?:号|號| ?id|公众号|公眾號|搜索|搜尋)?" + _FILLER),
    ("qq", "(?:交流群|群号|群號|群|号|號)?" + _FILLER),
    # `LINE友だち追加👉 ID: x`: an "ID" label may follow the call to add
    ("line", "(?: ?(?:id|帳號|账号|帐号|友だち追加|友達追加|公式アカウント|アカウント))?(?:[^\\w\\n]{0,4}id)?"),
)}
# More values of the same kind after the first: `QQ群：312456789（已满）/ 412456789`, `微信：abc123、def456`.
MORE = {kind: re.compile(r"(?:[（(][^）)\n]{0,12}[）)])?(?:[ \t]*(?:/|、|,|，|\||或者|或)[ \t]*|[ \t]+(?:or|o|ou|и|или)[ \t]+)"
                         f"(?P<v>{VALUE[kind]})") for kind in VALUE}
# A letters-only id (`微信 WeChat`) needs a colon, or a verb that offers it: `加微信 abcdef`, `ติดต่อไลน์ abcdef`.
OFFER_BEFORE = re.compile("(?:" + "|".join(re.escape(w) for w in (
    "加", "添加", "联系", "聯繫", "聯絡", "ติดต่อ", "แอด", "add ", "contact ", "hubungi ", "liên hệ ")) + r")[ \t]*$")
TG_CUE = re.compile(literals(*TG_WORDS))
CTA_CUE = re.compile(literals(
    "联系", "聯繫", "聯絡", "咨询", "諮詢", "购买", "購買", "下单", "下單", "客服", "加我", "私聊", "点击", "點擊", "contact",
    "buy now", "order now", "chat with us", "message us", "dm me", "get in touch", "click here", "shop now", "join now"))
