"""Cue words that introduce a contact of a kind (`微信：`, `TG`, `call`), and the value patterns that follow them."""
from __future__ import annotations

import re


# Everything here runs on the lowercased normalised text. Each scan starts with a literal (a cue word, `@`,
# `+`, a URL prefix) because Python's re only skips ahead quickly when a pattern begins with one.
def _word(word: str) -> str:
    """An ASCII cue word with letter boundaries (lookbehind after the literal, see _after_alnum)."""
    return f"{re.escape(word)}(?<![a-z0-9]{re.escape(word)})(?![a-z])"


def literals(*words: str) -> str:
    return "|".join(_word(w) if w.isascii() and w[0].isalpha() else re.escape(w)
                    for w in sorted(words, key=len, reverse=True))


TG_WORDS = ("telegram", "tg", "电报", "電報", "纸飞机", "紙飛機", "小飞机", "小飛機", "飞机", "飛機", "✈")
CUE_WORDS = {
    "telegram": TG_WORDS,
    "whatsapp": ("whatsapp", "whats app", "wa", "wapp", "瓦次普"),
    "phone": ("电话", "電話", "手机", "手機", "热线", "熱線", "客服", "座机", "座機", "致电", "致電", "拨打", "撥打", "tel",
              "phone", "mobile", "hotline", "call", "call us", "call now", "cell", "contact number", "☎", "📞", "📱"),
    "wechat": ("微信", "威信", "薇信", "v信", "加v", "加微", "vx", "wx", "wechat", "weixin"),
    "qq": ("qq", "扣扣", "企鹅", "企鵝", "q群"),
    "line": ("line", "line id", "lineid", "加賴", "賴"),
}
CUE_KIND = {w: kind for kind, words in CUE_WORDS.items() for w in words}
CUE_TRIGGER = re.compile(literals(*CUE_KIND))
_GAP = r"(?P<gap>[^\w\n]{0,12}?)"  # punctuation, spaces and emoji between a cue and its value, never words
_PHONE_VALUE = r"\+?[0-9(\[【][0-9 \-.()\[\]【】]{5,28}[0-9](?![0-9])"
CUE_TAIL = {kind: re.compile(suffix + _GAP + f"(?P<v>{value})") for kind, suffix, value in (
    ("telegram", "(?:号|號| ?id|账号|帳號|频道|頻道|群组|群組|群)?", r"@?[a-z][a-z0-9_]{3,31}(?![a-z0-9_])"),
    ("whatsapp", "(?:号码|號碼|号|號)?", _PHONE_VALUE),
    ("phone", "(?:号码|號碼|号|號|热线|熱線|电话|電話)?", _PHONE_VALUE),
    ("wechat", "(?:号|號| ?id)?", r"[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])|[0-9]{6,15}(?![0-9])"),
    ("qq", "(?:交流群|群号|群號|群|号|號)?", _PHONE_VALUE),  # written like phone numbers: 1761-2745, 【1761】【2745】
    ("line", "(?: ?id)?", r"@?~?[a-z0-9][a-z0-9._-]{2,19}(?![a-z0-9_-])"),
)}
TG_CUE = re.compile(literals(*TG_WORDS))
CTA_CUE = re.compile(literals(
    "联系", "聯繫", "聯絡", "咨询", "諮詢", "购买", "購買", "下单", "下單", "客服", "加我", "私聊", "点击", "點擊", "contact",
    "buy now", "order now", "chat with us", "message us", "dm me", "get in touch", "click here", "shop now", "join now"))
