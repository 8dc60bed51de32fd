"""The words around a mention: is a bare `@handle` offered on Telegram, is a mention quoted as an example."""
from __future__ import annotations

import re

from corpus.contacts.cues import TG_CUE, literals

# Things only Telegram addresses by `@handle` (bots, channels, groups one joins), and calls to action in
# languages whose spam gives a bare `@handle` only for Telegram (Russian, Simplified Chinese). Each counts only
# before the handle on its line, and only if no other platform is named around it.
TG_HINT = re.compile(literals(
    "bot", "bots", "channel", "group", "canal", "grupo", "nhóm", "kênh", "grup", "saluran", "бот*", "канал*",
    "групп*", "чат*", "пиши*", "напиши*", "лс", "личк*", "заказ*", "магазин*", "связ*", "менеджер*", "оператор*",
    "контакт*", "قناة", "بوت", "مجموعة", "联系", "私聊", "咨询", "进群", "加群", "群", "频道", "机器人", "客服"))
# "Join" counts only as a label right before the handle (`Únete: @x`, `Join now 👉 @x`): one joins a channel,
# but "Join @nasa_hq for the launch" names a person.
TG_JOIN = re.compile("(?:" + literals("join", "join now", "join us", "únete", "unete", "gabung",
                                      "вступай*", "вступить", "انضم", "加入") + r")[ \t]*[^\w\s][^\w\n]{0,5}$")
OTHER_PLATFORM = re.compile(literals(
    "twitter", "tweet", "x.com", "instagram", "insta", "ig", "facebook", "fb", "tiktok", "youtube", "yt", "github",
    "gitlab", "discord", "slack", "threads", "mastodon", "bluesky", "reddit", "linkedin", "snapchat", "pinterest",
    "twitch", "kakao", "medium", "line", "vk", "вк", "вконтакт*", "инстаграм*", "инст*", "ютуб*", "твиттер*",
    "тикток*", "дискорд*", "微博", "weibo", "抖音", "小红书", "小紅書", "b站", "bilibili", "카카오", "카톡", "인스타",
    "ไลน์", "賴", "line@"))


def _line_window(low: str, a: int, b: int, before: int, after: int) -> tuple[str, str]:
    lo, hi = max(low.rfind("\n", 0, a) + 1, a - before), low.find("\n", b)
    return low[lo:a], low[b:min(b + after, len(low) if hi < 0 else hi)]


def offered_on_telegram(low: str, a: int, b: int) -> bool:
    """A bare `@handle` at low[a:b] is a Telegram contact by its context (see TG_HINT)."""
    before, after = _line_window(low, a, b, 40, 20)
    if TG_CUE.search(before) or TG_CUE.search(after):
        return True
    # Telegram requires a bot's username to end in `bot`: `@kx_filter_robot — a bot for …` names one
    hinted = TG_HINT.search(before) or TG_JOIN.search(before) or low.endswith("bot", a, b)
    return bool(hinted) and not (OTHER_PLATFORM.search(before) or OTHER_PLATFORM.search(after))


EXAMPLE_CUE = re.compile(literals(
    "e.g.", "eg.", "for example", "for instance", "such as", "like", "例如", "比如", "譬如", "例子", "示例", "范例", "範例",
    "样例", "樣例", "样本", "樣本", "写法", "寫法", "например", "напр.", "por ejemplo", "p. ej.", "por exemplo", "ví dụ",
    "contoh", "misalnya", "例えば", "たとえば", "예를 들어", "예시", "مثال", "مثلا", "ตัวอย่าง", "örneğin",
    "zum beispiel", "z. b.", "par exemple"))
_OPEN, _CLOSE, _BOTH = "“「『«‹", "”」』»›", '"'
_SENTENCE_END = frozenset("。.!?！？;；")
_MAX_OUTSIDE = 16  # characters outside quotation marks between the example cue and the quotation


def example(low: str, a: int) -> bool:
    """The mention at `a` is given as an example: right after the cue (`示例机器人：@x`, `e.g. @x`), or inside a
    quotation the cue introduces (`例如："… @x"`, `messages like "…" or "…"`).

    Warnings, group rules, READMEs and research notes quote spam; the quoted handle is not the page's contact.
    """
    lo = max(low.rfind("\n", 0, a) + 1, a - 200)
    cue = None
    for cue in EXAMPLE_CUE.finditer(low, lo, a):
        pass
    if cue is None:
        return False
    if a - cue.end() <= 8 and cue.group() != "like":
        return True
    depth, outside = 0, 0
    for ch in low[cue.end():a]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _BOTH:
            depth = 0 if depth else 1
        elif not depth:
            outside += 1
            if outside > _MAX_OUTSIDE or ch in _SENTENCE_END:
                return False  # the cue belongs to another sentence
    return depth > 0
