"""The one list of messenger, Telegram and link-shortener hosts: contacts, promoted domains and signals all read it."""
from __future__ import annotations

TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
WHATSAPP_HOSTS = frozenset({"wa.me", "api.whatsapp.com"})
LINE_HOSTS = frozenset({"line.me"})
# chat and invite links of other messengers (a group, a channel, a person)
MESSENGER_HOSTS = frozenset({
    "chat.whatsapp.com", "wa.link", "signal.me", "signal.group", "discord.gg", "discord.com", "m.me", "zalo.me",
    "open.kakao.com", "qm.qq.com", "jq.qq.com", "u.wechat.com", "weixin.qq.com", "viber.me", "invite.viber.com",
    "join.skype.com", "lin.ee", "t.snapchat.com"})
# every host where a link is a way to reach someone
MESSAGING_HOSTS = TELEGRAM_HOSTS | WHATSAPP_HOSTS | LINE_HOSTS | MESSENGER_HOSTS
# shorteners, link-in-bio pages and ad-funded redirectors: the link hides where it goes
SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "t.co", "tinyurl.com", "t.cn", "goo.gl", "is.gd", "ow.ly", "cutt.ly", "rebrand.ly",
    "shorturl.at", "shorturl.asia", "s.id", "rb.gy", "t.ly", "tiny.cc", "tiny.one", "v.gd", "bl.ink", "short.io",
    "dwz.cn", "url.cn", "suo.im", "urlink.id", "bltlly.com", "linktr.ee", "lnk.bio", "reurl.cc", "bit.do",
    "shorte.st", "adf.ly", "ouo.io", "za.gl", "shrtco.de", "lnkd.in", "buff.ly", "u.to", "clck.ru", "lin.ee"})


def bare_host(host: str) -> str:
    """The host as the lists spell it: lowercase, no `www.`."""
    return host.lower().removeprefix("www.")
