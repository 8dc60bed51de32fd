"""Build the sample web: posts placed on six loopback hosts under platform accounts, each host in its style, plus truth."""
from __future__ import annotations

from spamcorpus.sample_web.accounts import assign_accounts
from spamcorpus.sample_web.campaigns import (
    BLOG, BROKEN, CODE, DEFAULT_BENIGN, DEFAULT_SPAM, FORUM, PASTE, SPECIAL, Post, benign_posts, spam_posts,
)
from spamcorpus.sample_web.hosts import build_blog, build_broken, build_code, build_forum, build_paste
from spamcorpus.sample_web.site import DEFAULT_HOSTS, DEFAULT_PORT, SampleWeb
from spamcorpus.sample_web.special import add_special_host
from spamcorpus.sample_web.sitemaps import add_code_meta, add_paste_meta, add_robots, classify_outlinks

ROLES = (BLOG, FORUM, PASTE, CODE, BROKEN, SPECIAL)


def generate(seed: int = 0, port: int = DEFAULT_PORT, *, spam_pages: int = DEFAULT_SPAM, benign_pages: int | None = None,
             hosts: tuple[str, ...] = DEFAULT_HOSTS) -> SampleWeb:
    """The whole site for `port`; same arguments, byte-identical site."""
    if len(hosts) != len(ROLES):
        raise ValueError(f"the sample web needs {len(ROLES)} hosts, got {len(hosts)}")
    if spam_pages < 20:
        raise ValueError("spam_pages must be at least 20 (every campaign and host needs a few posts)")
    web = SampleWeb(seed=seed, port=port, hosts=tuple(hosts))
    spam = spam_posts(seed, spam_pages)
    benign = benign_posts(seed, spam, round(DEFAULT_BENIGN * spam_pages / DEFAULT_SPAM) if benign_pages is None else benign_pages)
    assign_accounts(seed, spam + benign)
    role_posts: dict[str, list[Post]] = {role: [] for role in ROLES}
    for p in spam + benign:
        role_posts[p.role].append(p)
    # a few blog posts live on the host whose robots.txt answers 500 instead: they must never be fetched
    moved = [p for p in role_posts[BLOG] if p.campaign == "c04-casino"][:4] + [p for p in role_posts[BLOG] if not p.spam][:2]
    for p in moved:
        role_posts[BLOG].remove(p)
        role_posts[BROKEN].append(p)
    h = dict(zip(ROLES, hosts))
    base = {role: web.base_url(host) for role, host in h.items()}
    broken_paths = build_broken(web, h[BROKEN], role_posts[BROKEN])
    blog_paths = build_blog(web, h[BLOG], role_posts[BLOG],
               friends_home=[("数码茶馆论坛", base[FORUM] + "/"), ("生活資訊網", base[SPECIAL] + "/")]
               + [(f"合作站{i}", base[BROKEN] + p) for i, p in enumerate(broken_paths)],
               friends_post=[("数码茶馆论坛", base[FORUM] + "/"), ("生活資訊網", base[SPECIAL] + "/")])
    forum_paths = build_forum(web, h[FORUM], role_posts[FORUM],
                              friends=[("出海通讯站", base[BLOG] + "/"), ("资源合作站", base[BROKEN] + "/")])
    ring: dict[str, list[tuple[str, str]]] = {}
    for role, paths in ((BLOG, blog_paths), (FORUM, forum_paths)):
        for p in role_posts[role]:
            if p.spam:
                ring.setdefault(p.family, []).append((p.article.short_title, base[role] + paths[id(p)]))
    pastes = build_paste(web, h[PASTE], role_posts[PASTE], ring)
    code = build_code(web, h[CODE], role_posts[CODE], ring)
    add_paste_meta(web, h[PASTE], pastes)
    add_code_meta(web, h[CODE], code)
    add_special_host(web, h[SPECIAL], role_posts[SPECIAL], spam)
    add_robots(web, h)
    classify_outlinks(web)
    return web
