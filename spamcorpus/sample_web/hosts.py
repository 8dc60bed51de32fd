"""The sample web's shared platforms (blog, forum, paste service, code host) and its robots-500 host, rendered."""
# Posts go up under accounts (accounts.py) in the URL style of their kind of platform, and each page's truth
# names the site a release should count it under with the sample platforms file (platforms.txt):
#   blog         /u/<author>/<yyyy>/<mm>/<slug>.html, the author named on the page       -> host/u/<author>
#   forum        /t/<thread>, the poster named on the page (thread URLs name no author)  -> host/t/<thread>
#   paste        /p/<id>, the poster named on the page                                  -> host/p/<id>
#   code host    /<account>/<repo>/raw/branch/main/<file>.md                          -> host/<account>
# Listings of the platform itself (home, categories, boards, explore) are the host's own pages: site = host
# (host/explore for the code host's later explore pages, as /explore/ reads as an account path there).
# Accounts have no pages of their own here: a platform's listings and an account's page are near-duplicates
# that campaign grouping puts together, which would tie every author of a category into one split group.
from __future__ import annotations

import random
from collections import defaultdict

from spamcorpus.sample_web import themes
from spamcorpus.sample_web.campaigns import Post
from spamcorpus.sample_web.pages import add_listing, add_post, related, ring
from spamcorpus.sample_web.site import SampleWeb


def _require_accounts(posts: list[Post]) -> None:
    if any(not p.account for p in posts):
        raise ValueError("a post on a platform has no account (accounts.assign_accounts first)")


def build_blog(web: SampleWeb, host: str, posts: list[Post], friends_home, friends_post) -> dict[int, str]:
    """A blog platform: every author writes in a column of their own, /u/<author>/..., named in the dateline."""
    theme, r = themes.BLOG, random.Random(f"{web.seed}:blog")
    paths = {id(p): f"/u/{p.account}/{p.date[:4]}/{p.date[5:7]}/{p.category.replace('_', '-')}-{i:04d}.html"
             for i, p in enumerate(posts, 1)}

    def author(p: Post) -> tuple[str, str]:
        return (p.account, "")

    cats = {c: [p for p in posts if p.category == c] for c in dict.fromkeys(p.category for p in posts)}
    home = ("首页", "/")
    for cat, items in cats.items():
        name = themes.CATEGORY_ZH.get(cat, cat)
        add_listing(web, host, theme, items, paths, first=f"/category/{cat}/", page_path=lambda n, c=cat: f"/category/{c}/page/{n}/",
                    title=name, crumbs=[home], sidebar=[], friends=friends_post, author_of=author)
    latest = sorted(posts, key=lambda p: p.date, reverse=True)[:15]
    lead = [(themes.CATEGORY_ZH.get(c, c), f"/category/{c}/") for c in cats]
    add_listing(web, host, theme, latest, paths, first="/", page_path=lambda n: f"/page/{n}/", title=theme.site_name,
                crumbs=[home], sidebar=[], friends=friends_home, lead=lead, author_of=author)
    _require_accounts(posts)
    for p in posts:
        path = paths[id(p)]
        hot = related(r, posts, paths, p)
        # some sidebar links carry tracking parameters: they canonicalise to pages already linked plainly
        for i, (t, h) in enumerate(hot[:3]):
            tracked = f"{h}?utm_source=sidebar&utm_medium=hot&utm_campaign=r{i}"
            hot[i] = (t, tracked)
            web.aliases[web.url(host, tracked)] = web.url(host, h)
        web.aliases[web.url(host, path + "#comments")] = web.url(host, path)
        crumbs = [home, (themes.CATEGORY_ZH.get(p.category, p.category), f"/category/{p.category}/"), ("评论", f"{path}#comments")]
        add_post(web, host, path, p, theme, crumbs=crumbs, sidebar=hot, friends=friends_post,
                 site=f"{host}/u/{p.account}", author=author(p))
    return paths


def build_forum(web: SampleWeb, host: str, posts: list[Post], friends) -> dict[int, str]:
    """A forum: threads at /t/<id> in four boards; the poster is named on the thread, not in its URL."""
    theme, r = themes.FORUM, random.Random(f"{web.seed}:forum")
    paths = {id(p): f"/t/{1000 + i * 7}" for i, p in enumerate(posts)}
    boards = {bid: [p for i, p in enumerate(posts) if i % len(themes.FORUM_BOARDS) == n]
              for n, (bid, _) in enumerate(themes.FORUM_BOARDS)}
    home = ("论坛首页", "/")

    def poster(p: Post) -> tuple[str, str]:
        return (p.account, "")

    for (bid, name) in themes.FORUM_BOARDS:
        add_listing(web, host, theme, boards[bid], paths, first=f"/forum-{bid}-1.html",
                    page_path=lambda n, b=bid: f"/forum-{b}-{n}.html", title=name, crumbs=[home], sidebar=[],
                    friends=friends, author_of=poster)
    latest = sorted(posts, key=lambda p: p.date, reverse=True)[:20]
    add_listing(web, host, theme, latest, paths, first="/", page_path=lambda n: f"/index-{n}.html",
                title=theme.site_name, crumbs=[home], sidebar=[], friends=friends, author_of=poster)
    _require_accounts(posts)
    for n, (bid, name) in enumerate(themes.FORUM_BOARDS):
        for p in boards[bid]:
            hot = related(r, boards[bid], paths, p)
            for i, (t, h) in enumerate(hot[:2]):
                tracked = f"{h}?spm=forum.{bid}.{i}&from=hot"
                hot[i] = (t, tracked)
                web.aliases[web.url(host, tracked)] = web.url(host, h)
            add_post(web, host, paths[id(p)], p, theme, crumbs=[home, (name, f"/forum-{bid}-1.html")],
                     sidebar=hot, friends=friends, site=host + paths[id(p)], author=poster(p))
    return paths


def _paste_ids(seed: int, n: int) -> list[str]:
    """`n` distinct paste ids, lowercase (the platforms file matches paths case-insensitively), seeded."""
    r, ids = random.Random(f"{seed}:paste-ids"), {}
    while len(ids) < n:
        ids.setdefault("".join(r.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(8)))
    return list(ids)


def build_paste(web: SampleWeb, host: str, posts: list[Post], pool) -> list[str]:
    """A paste service: one paste per /p/<id>, its poster named on the page; robots.txt leads to sitemaps."""
    theme, r = themes.PASTE, random.Random(f"{web.seed}:paste")
    paths = {id(p): f"/p/{pid}" for p, pid in zip(posts, _paste_ids(web.seed, len(posts)))}
    _require_accounts(posts)
    add_listing(web, host, theme, posts, paths, first="/", page_path=lambda n: f"/page/{n}/", title=theme.site_name,
                crumbs=[("Home", "/")], sidebar=[], friends=[], author_of=lambda p: (p.account, ""))
    for i, p in enumerate(posts):
        # private pastes are linked but /private/ is disallowed by robots.txt: the crawler must never ask for them
        draft = ("Private paste", f"/private/draft-{i % 3 + 1}.html")
        add_post(web, host, paths[id(p)], p, theme, crumbs=[("Home", "/")], sidebar=related(r, posts, paths, p, 6),
                 friends=[draft, *ring(r, pool, p)], site=host + paths[id(p)], author=(p.account, ""))
    return [paths[id(p)] for p in posts]


def build_code(web: SampleWeb, host: str, posts: list[Post], pool) -> list[str]:
    """A code host: raw Markdown files in accounts' repositories and an explore listing; robots.txt names a sitemap.
    Sellers keep one repository per account (README.md, then docs/*.md); a bot README is a repository of its own."""
    theme, r = themes.CODE, random.Random(f"{web.seed}:code")
    _require_accounts(posts)
    paths: dict[int, str] = {}
    files: dict[tuple[str, str], int] = defaultdict(int)
    for i, p in enumerate(posts, 1):
        if p.spam:
            repo = f"{p.campaign.split('-', 1)[1]}-{('notes', 'guide', 'docs', 'kb')[len(p.account) % 4]}"
        elif p.kind == "readme":  # a repository of its own; one author's second bot of one name gets a suffix
            repo, k = p.article.title, 1
            while files[(p.account, repo)]:
                k += 1
                repo = f"{p.article.title}-{k}"
        else:
            repo = "spam-filter-rules"
        n = files[(p.account, repo)]
        files[(p.account, repo)] += 1
        name = "README.md" if n == 0 else f"docs/{(p.family or p.kind).replace('_', '-')}-{i:04d}.md"
        paths[id(p)] = f"/{p.account}/{repo}/raw/branch/main/{name}"
    # the explore pages after the first sit under /explore/, which the platforms file reads as an account's path:
    # their site is host/explore (a name no account may take: accounts.RESERVED), as on real code hosts
    add_listing(web, host, theme, posts, paths, first="/", page_path=lambda n: f"/explore/{n}/", title=theme.site_name,
                crumbs=[("Explore", "/")], sidebar=[], friends=[], author_of=lambda p: (p.account, ""),
                site=lambda path: host if path == "/" else f"{host}/explore")
    for i, p in enumerate(posts):
        # the same kind of file is served as text/markdown by some hosts and as text/plain by others
        ctype = "text/markdown; charset=utf-8" if i % 2 else "text/plain; charset=utf-8"
        add_post(web, host, paths[id(p)], p, theme, crumbs=[], sidebar=related(r, posts, paths, p, 5) + ring(r, pool, p),
                 friends=[], markdown=True, content_type=ctype, site=f"{host}/{p.account}")
    return [paths[id(p)] for p in posts]


def build_broken(web: SampleWeb, host: str, posts: list[Post]) -> list[str]:
    """An ordinary site whose robots.txt answers 500: nothing on it may be fetched."""
    theme = themes.BROKEN
    paths = {id(p): f"/p/{i}.html" for i, p in enumerate(posts, 1)}
    add_listing(web, host, theme, posts, paths, first="/", page_path=lambda n: f"/list/{n}.html", title=theme.site_name,
                crumbs=[], sidebar=[], friends=[])
    for p in posts:
        add_post(web, host, paths[id(p)], p, theme, crumbs=[("首页", "/")], sidebar=[], friends=[])
    return ["/"] + [paths[id(p)] for p in posts]
