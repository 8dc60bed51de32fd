"""Render posts and paginated listings into the sample web, each with its truth (the hosts' common building blocks)."""
from __future__ import annotations

import random
from collections import Counter

from spamcorpus.sample_web.campaigns import Post
from spamcorpus.sample_web.layout import Link, Theme, article_html, article_markdown, h1_for, listing_html, page_html
from spamcorpus.sample_web.site import ROW, PageTruth, Resource, SampleWeb, article_truth, links_in

PER_PAGE = 50  # listing pages are paginated so a big generated site keeps every post within depth 4
SCRIPTS = {"zh-CN": ("zh", "Hans"), "zh-TW": ("zh", "Hant"), "en": ("en", "")}


def excerpt(post: Post, limit: int = 72) -> str:
    for block in post.article.blocks:
        if block[0] == "p":
            text = "".join(s for s in block[1] if isinstance(s, str)) if not isinstance(block[1], str) else block[1]
            return text[:limit] + ("…" if len(text) > limit else "")
    return ""


def index_truth(web: SampleWeb, host: str, path: str, theme: Theme, posts: list[Post], html: str,
                title: str = "", site: str | None = None) -> PageTruth:
    """A listing page: spam when most of what it lists is spam (how host-level labels treat index pages)."""
    spam = sum(p.spam for p in posts)
    families = Counter(p.family for p in posts if p.spam)
    lang, script = SCRIPTS[theme.html_lang]
    if posts:  # the text of a listing is its titles and excerpts: their majority language is the page's
        lang, script = Counter(SCRIPTS[{"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}.get(p.article.lang, "en")]
                               for p in posts).most_common(1)[0][0]
    url = web.url(host, path)
    return PageTruth(url=url, host=host, path=path, kind="index", expect=ROW, spam=spam * 2 > len(posts),
                     family=families.most_common(1)[0][0] if spam * 2 > len(posts) else None, lang=lang,
                     script=script, doc_format="html", encoding="utf-8", links=links_in(html, url), title=title,
                     site=site or host)


def add_listing(web: SampleWeb, host: str, theme: Theme, posts: list[Post], paths: dict[int, str], *, first: str,
                page_path, title: str, crumbs, sidebar, friends, lead: list[tuple[str, str]] = (),
                author_of=None, site=None) -> list[str]:
    """Paginated listing: page 1 at `first` links every other page, so each post is at most two hops away.
    `author_of(post)`: the (account, href or "") shown under each item, on platforms that name their authors;
    `site`: the listing's release site (default: the host), or a function of the page's path (a platform's own
    listings under a path the platforms file reads as an account's). Returns the listing's paths."""
    chunks = [posts[i:i + PER_PAGE] for i in range(0, len(posts), PER_PAGE)] or [[]]
    pager = [(f"{n}", first if n == 1 else page_path(n)) for n in range(1, len(chunks) + 1)]
    out = []
    for n, chunk in enumerate(chunks, 1):
        path = first if n == 1 else page_path(n)
        items = [(p.article.short_title, paths[id(p)], excerpt(p), author_of(p) if author_of else None) for p in chunk]
        lead_html = "".join(f'<p><a href="{h}">{t}</a></p>' for t, h in lead) if n == 1 else ""
        pager_html = "<nav class=\"pager\">" + " ".join(f'<a href="{h}">{t}</a>' for t, h in pager) + "</nav>"
        body = lead_html + listing_html(items, theme.read_more) + (pager_html if len(chunks) > 1 else "")
        page_title = f"{title} - {theme.site_name}" if n == 1 else f"{title} ({n}) - {theme.site_name}"
        html = page_html(theme, title=page_title, body_html=body, h1_html=title, crumbs=crumbs, sidebar=sidebar,
                         friends=friends)
        web.add(host, path, Resource(body=html.encode("utf-8")),
                index_truth(web, host, path, theme, chunk, html, page_title, site(path) if callable(site) else site))
        out.append(path)
    return out


def add_post(web: SampleWeb, host: str, path: str, post: Post, theme: Theme, *, crumbs, sidebar, friends,
             markdown: bool = False, content_type: str | None = None, site: str | None = None,
             author: Link | None = None) -> None:
    """One post as an HTML page in `theme`, or as a raw Markdown file; `author`: (account, href or "") when its
    platform shows who posted it, `site`: the release site its platform gives it (default: the host)."""
    art = post.article
    url = web.url(host, path)
    if markdown:
        text = article_markdown(art, [(t, h if h.startswith("http") else web.url(host, h)) for t, h in sidebar])
        resource = Resource(content_type=content_type or "text/markdown; charset=utf-8", body=text.encode("utf-8"))
    else:
        text = page_html(theme, title=art.title, body_html=article_html(art), h1_html=h1_for(art), crumbs=crumbs,
                         sidebar=sidebar, friends=friends, footer_extra=art.footer, date=post.date,
                         description=excerpt(post), author=author)
        resource = Resource(body=text.encode("utf-8"))
    web.add(host, path, resource, article_truth(
        url, host, path, art, spam=post.spam, family=post.family, campaign=post.campaign, template=post.template,
        doc_format="markdown" if markdown else "html", body=text, markdown=markdown, campaign_group=post.group,
        site=site, account=post.account if site and site != host else ""))


def related(r: random.Random, posts: list[Post], paths: dict[int, str], me: Post, k: int = 8) -> list[tuple[str, str]]:
    pick = [p for p in r.sample(posts, min(len(posts), k + 1)) if p is not me][:k]
    return [(p.article.short_title, paths[id(p)]) for p in pick]


def ring(r: random.Random, pool: dict[str, list[tuple[str, str]]], post: Post, k: int = 3) -> list[tuple[str, str]]:
    """Links from a spam post to the same family's posts on other hosts: spam rings link each other, which is
    what a crawl that follows links only out of spam pages walks along."""
    same = pool.get(post.family or "", []) if post.spam else []
    return r.sample(same, min(k, len(same)))
