"""Build the sample web: posts placed on six loopback hosts, each host rendered in its own style, plus truth."""
from __future__ import annotations

import random
from collections import Counter

from crawler.sample_web import themes
from crawler.sample_web.campaigns import (
    BLOG, BROKEN, DEFAULT_BENIGN, DEFAULT_SPAM, DOCS, FORUM, SITEMAPPED, SPECIAL, Post, benign_posts, spam_posts,
)
from crawler.sample_web.layout import Theme, article_html, article_markdown, h1_for, listing_html, page_html
from crawler.sample_web.site import DEFAULT_HOSTS, DEFAULT_PORT, ROW, PageTruth, Resource, SampleWeb, article_truth
from crawler.sample_web.special import add_special_host
from crawler.sample_web.sitemaps import add_docs_meta, add_robots, add_sitemapped_meta, classify_outlinks

ROLES = (BLOG, FORUM, SITEMAPPED, DOCS, BROKEN, SPECIAL)
PER_PAGE = 50  # listing pages are paginated so a big generated site keeps every post within depth 4
SCRIPTS = {"zh-CN": ("zh", "Hans"), "zh-TW": ("zh", "Hant"), "en": ("en", "")}


def excerpt(post: Post, limit: int = 72) -> str:
    for block in post.article.blocks:
        if block[0] == "p":
            text = "".join(s for s in block[1] if isinstance(s, str)) if not isinstance(block[1], str) else block[1]
            return text[:limit] + ("…" if len(text) > limit else "")
    return ""


def index_truth(web: SampleWeb, host: str, path: str, theme: Theme, posts: list[Post], html: str,
                title: str = "") -> PageTruth:
    """A listing page: spam when most of what it lists is spam (how host-level labels treat index pages)."""
    from crawler.sample_web.site import links_in

    spam = sum(p.spam for p in posts)
    families = Counter(p.family for p in posts if p.spam)
    lang, script = SCRIPTS[theme.html_lang]
    if posts:  # the text of a listing is its titles and excerpts: their majority language is the page's
        lang, script = Counter(SCRIPTS[{"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}.get(p.article.lang, "en")]
                               for p in posts).most_common(1)[0][0]
    url = web.url(host, path)
    return PageTruth(url=url, host=host, path=path, kind="index", expect=ROW, spam=spam * 2 > len(posts),
                     family=families.most_common(1)[0][0] if spam * 2 > len(posts) else None, lang=lang,
                     script=script, doc_format="html", encoding="utf-8", links=links_in(html, url), title=title)


def add_listing(web: SampleWeb, host: str, theme: Theme, posts: list[Post], paths: dict[int, str], *, first: str,
                page_path, title: str, crumbs, sidebar, friends, lead: list[tuple[str, str]] = ()) -> None:
    """Paginated listing: page 1 at `first` links every other page, so each post is at most two hops away."""
    chunks = [posts[i:i + PER_PAGE] for i in range(0, len(posts), PER_PAGE)] or [[]]
    pager = [(f"{n}", first if n == 1 else page_path(n)) for n in range(1, len(chunks) + 1)]
    for n, chunk in enumerate(chunks, 1):
        path = first if n == 1 else page_path(n)
        items = [(p.article.short_title, paths[id(p)], excerpt(p)) for p in chunk]
        lead_html = "".join(f'<p><a href="{h}">{t}</a></p>' for t, h in lead) if n == 1 else ""
        pager_html = "<nav class=\"pager\">" + " ".join(f'<a href="{h}">{t}</a>' for t, h in pager) + "</nav>"
        body = lead_html + listing_html(items, theme.read_more) + (pager_html if len(chunks) > 1 else "")
        page_title = f"{title} - {theme.site_name}" if n == 1 else f"{title} ({n}) - {theme.site_name}"
        html = page_html(theme, title=page_title, body_html=body, h1_html=title, crumbs=crumbs, sidebar=sidebar,
                         friends=friends)
        web.add(host, path, Resource(body=html.encode("utf-8")),
                index_truth(web, host, path, theme, chunk, html, page_title))


def add_post(web: SampleWeb, host: str, path: str, post: Post, theme: Theme, *, crumbs, sidebar, friends,
             markdown: bool = False, content_type: str | None = None) -> None:
    art = post.article
    url = web.url(host, path)
    if markdown:
        text = article_markdown(art, [(t, h if h.startswith("http") else web.url(host, h)) for t, h in sidebar])
        resource = Resource(content_type=content_type or "text/markdown; charset=utf-8", body=text.encode("utf-8"))
    else:
        text = page_html(theme, title=art.title, body_html=article_html(art), h1_html=h1_for(art), crumbs=crumbs,
                         sidebar=sidebar, friends=friends, footer_extra=art.footer, date=post.date,
                         description=excerpt(post))
        resource = Resource(body=text.encode("utf-8"))
    web.add(host, path, resource, article_truth(
        url, host, path, art, spam=post.spam, family=post.family, campaign=post.campaign, template=post.template,
        doc_format="markdown" if markdown else "html", body=text, markdown=markdown, campaign_group=post.group))


def _related(r: random.Random, posts: list[Post], paths: dict[int, str], me: Post, k: int = 8) -> list[tuple[str, str]]:
    pick = [p for p in r.sample(posts, min(len(posts), k + 1)) if p is not me][:k]
    return [(p.article.short_title, paths[id(p)]) for p in pick]


def build_blog(web: SampleWeb, host: str, posts: list[Post], friends_home, friends_post) -> dict[int, str]:
    theme, r = themes.BLOG, random.Random(f"{web.seed}:blog")
    paths = {id(p): f"/{p.date[:4]}/{p.date[5:7]}/{p.category.replace('_', '-')}-{i:04d}.html" for i, p in enumerate(posts, 1)}
    cats = {c: [p for p in posts if p.category == c] for c in dict.fromkeys(p.category for p in posts)}
    home = ("首页", "/")
    for cat, items in cats.items():
        name = themes.CATEGORY_ZH.get(cat, cat)
        add_listing(web, host, theme, items, paths, first=f"/category/{cat}/", page_path=lambda n, c=cat: f"/category/{c}/page/{n}/",
                    title=name, crumbs=[home], sidebar=[], friends=friends_post)
    latest = sorted(posts, key=lambda p: p.date, reverse=True)[:15]
    lead = [(themes.CATEGORY_ZH.get(c, c), f"/category/{c}/") for c in cats]
    add_listing(web, host, theme, latest, paths, first="/", page_path=lambda n: f"/page/{n}/", title=theme.site_name,
                crumbs=[home], sidebar=[], friends=friends_home, lead=lead)
    for p in posts:
        path = paths[id(p)]
        related = _related(r, posts, paths, p)
        # some sidebar links carry tracking parameters: they canonicalise to pages already linked plainly
        for i, (t, h) in enumerate(related[:3]):
            tracked = f"{h}?utm_source=sidebar&utm_medium=hot&utm_campaign=r{i}"
            related[i] = (t, tracked)
            web.aliases[web.url(host, tracked)] = web.url(host, h)
        web.aliases[web.url(host, path + "#comments")] = web.url(host, path)
        crumbs = [home, (themes.CATEGORY_ZH.get(p.category, p.category), f"/category/{p.category}/"), ("评论", f"{path}#comments")]
        add_post(web, host, path, p, theme, crumbs=crumbs, sidebar=related, friends=friends_post)
    return paths


def build_forum(web: SampleWeb, host: str, posts: list[Post], friends) -> dict[int, str]:
    theme, r = themes.FORUM, random.Random(f"{web.seed}:forum")
    paths = {id(p): f"/thread-{1000 + i * 7}-1-1.html" for i, p in enumerate(posts)}
    boards = {bid: [p for i, p in enumerate(posts) if i % len(themes.FORUM_BOARDS) == n]
              for n, (bid, _) in enumerate(themes.FORUM_BOARDS)}
    home = ("论坛首页", "/")
    for (bid, name) in themes.FORUM_BOARDS:
        add_listing(web, host, theme, boards[bid], paths, first=f"/forum-{bid}-1.html",
                    page_path=lambda n, b=bid: f"/forum-{b}-{n}.html", title=name, crumbs=[home], sidebar=[], friends=friends)
    latest = sorted(posts, key=lambda p: p.date, reverse=True)[:20]
    add_listing(web, host, theme, latest, paths, first="/", page_path=lambda n: f"/index-{n}.html",
                title=theme.site_name, crumbs=[home], sidebar=[], friends=friends)
    for n, (bid, name) in enumerate(themes.FORUM_BOARDS):
        for p in boards[bid]:
            related = _related(r, boards[bid], paths, p)
            for i, (t, h) in enumerate(related[:2]):
                tracked = f"{h}?spm=forum.{bid}.{i}&from=hot"
                related[i] = (t, tracked)
                web.aliases[web.url(host, tracked)] = web.url(host, h)
            add_post(web, host, paths[id(p)], p, theme, crumbs=[home, (name, f"/forum-{bid}-1.html")],
                     sidebar=related, friends=friends)
    return paths


def _ring(r: random.Random, ring: dict[str, list[tuple[str, str]]], post: Post, k: int = 3) -> list[tuple[str, str]]:
    """Links from a spam post to the same family's posts on other hosts: spam rings link each other, which is
    what a crawl that follows links only out of spam pages walks along."""
    pool = ring.get(post.family or "", []) if post.spam else []
    return r.sample(pool, min(k, len(pool)))


def build_sitemapped(web: SampleWeb, host: str, posts: list[Post], ring) -> list[str]:
    theme, r = themes.SITEMAPPED, random.Random(f"{web.seed}:sitemapped")
    paths = {id(p): f"/blog/{(p.family or 'guide').replace('_', '-')}-{i:04d}/" for i, p in enumerate(posts, 1)}
    add_listing(web, host, theme, posts, paths, first="/", page_path=lambda n: f"/page/{n}/", title=theme.site_name,
                crumbs=[("Home", "/")], sidebar=[], friends=[])
    for i, p in enumerate(posts):
        # drafts are linked but /private/ is disallowed by robots.txt: the crawler must never ask for them
        draft = ("Draft: next week's guide", f"/private/draft-{i % 3 + 1}.html")
        add_post(web, host, paths[id(p)], p, theme, crumbs=[("Home", "/")], sidebar=_related(r, posts, paths, p, 6),
                 friends=[draft, *_ring(r, ring, p)])
    return [paths[id(p)] for p in posts]


def build_docs(web: SampleWeb, host: str, posts: list[Post], ring) -> list[str]:
    theme, r = themes.DOCS, random.Random(f"{web.seed}:docs")
    paths = {}
    for i, p in enumerate(posts, 1):
        if p.spam:
            paths[id(p)] = f"/notes/{p.campaign.split('-', 1)[1]}-{i:04d}.md"
        elif p.kind == "readme":
            paths[id(p)] = f"/u{i:04d}/{p.article.title}/README.md"
        else:
            paths[id(p)] = f"/notes/filter-rules-{i:04d}.md"
    add_listing(web, host, theme, posts, paths, first="/", page_path=lambda n: f"/explore/{n}/", title=theme.site_name,
                crumbs=[("Explore", "/")], sidebar=[], friends=[])
    for i, p in enumerate(posts):
        # the same kind of file is served as text/markdown by some hosts and as text/plain by others
        ctype = "text/markdown; charset=utf-8" if i % 2 else "text/plain; charset=utf-8"
        add_post(web, host, paths[id(p)], p, theme, crumbs=[], sidebar=_related(r, posts, paths, p, 5) + _ring(r, ring, p),
                 friends=[],
                 markdown=True, content_type=ctype)
    return [paths[id(p)] for p in posts]


def build_broken(web: SampleWeb, host: str, posts: list[Post]) -> list[str]:
    theme = themes.BROKEN
    paths = {id(p): f"/p/{i}.html" for i, p in enumerate(posts, 1)}
    add_listing(web, host, theme, posts, paths, first="/", page_path=lambda n: f"/list/{n}.html", title=theme.site_name,
                crumbs=[], sidebar=[], friends=[])
    for p in posts:
        add_post(web, host, paths[id(p)], p, theme, crumbs=[("首页", "/")], sidebar=[], friends=[])
    return ["/"] + [paths[id(p)] for p in posts]


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
    sitemapped = build_sitemapped(web, h[SITEMAPPED], role_posts[SITEMAPPED], ring)
    docs = build_docs(web, h[DOCS], role_posts[DOCS], ring)
    add_sitemapped_meta(web, h[SITEMAPPED], sitemapped)
    add_docs_meta(web, h[DOCS], docs)
    add_special_host(web, h[SPECIAL], role_posts[SPECIAL], spam)
    add_robots(web, h)
    classify_outlinks(web)
    return web
