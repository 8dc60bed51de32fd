"""Page chrome of the sample web: per-host themes, HTML with nav/sidebar/footer boilerplate, and Markdown."""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as _escape

from spamcorpus.sample_web.articles import Article, Segment

Link = tuple[str, str]  # (text, href)
_SPECIAL = re.compile(r"[&<>\"']")


def escape(text: str) -> str:
    """html.escape, skipped for the (common) strings that need none: generation speed at 20k pages."""
    return _escape(text) if _SPECIAL.search(text) else text


@dataclass(frozen=True)
class Theme:
    site_name: str
    tagline: str
    html_lang: str
    nav: tuple[Link, ...]
    sidebar_title: str
    tags_title: str
    tags: tuple[str, ...]
    friends_title: str
    footer_lines: tuple[str, ...]
    accent: str
    read_more: str
    published: str  # label before the date
    author_label: str = ""  # label before the account a post went up under (platforms)


def _seg_html(seg: Segment) -> str:
    if isinstance(seg, tuple):
        _, text, href = seg
        return f'<a href="{escape(href)}" target="_blank" rel="nofollow noopener">{escape(text)}</a>'
    return escape(seg)


def _segs_html(segs) -> str:
    return "".join(_seg_html(s) for s in ([segs] if isinstance(segs, str) else segs))


def article_html(art: Article) -> str:
    out = []
    for block in art.blocks:
        kind = block[0]
        if kind in ("h2", "h3"):
            out.append(f"<{kind}>{escape(block[1])}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{_segs_html(block[1])}</p>")
        elif kind in ("ol", "ul"):
            items = "".join(f"<li>{_segs_html(item)}</li>" for item in block[1])
            out.append(f"<{kind}>{items}</{kind}>")
        elif kind == "hr":
            out.append("<hr>")
        elif kind == "quote":
            out.append(f"<blockquote><p>{escape(block[1])}</p></blockquote>")
        elif kind == "code":
            out.append(f"<pre><code>{escape(block[1])}</code></pre>")
    return "\n".join(out)


def _links_html(links: list[Link], cls: str) -> str:
    items = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in links)
    return f'<ul class="{cls}">{items}</ul>'


CSS = ("body{margin:0;font:15px/1.7 -apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;background:#f6f7f9}"
       ".wrap{max-width:1100px;margin:0 auto;display:flex;gap:24px}main{flex:3;background:#fff;padding:24px}"
       "aside{flex:1}header{background:%s;color:#fff;padding:12px 24px}header a{color:#fff;margin-right:14px}"
       "footer{background:#2b2f36;color:#aaa;padding:20px;margin-top:32px;font-size:13px}.crumbs{font-size:13px;color:#888}")


def page_html(theme: Theme, *, title: str, body_html: str, h1_html: str, crumbs: list[Link], sidebar: list[Link],
              friends: list[Link], footer_extra: list[list[Segment]] | None = None, date: str = "",
              meta_charset: str | None = "utf-8", description: str = "", canonical: str = "",
              author: Link | None = None) -> str:
    """A complete HTML page: header, nav, breadcrumb, main, sidebar, footer (4-10 KB with typical content).
    `author`: (account, href of its page or "") shown in the dateline, on platforms."""
    head_charset = f'<meta charset="{meta_charset}">' if meta_charset else ""
    nav = "".join(f'<a href="{escape(h)}">{escape(t)}</a>' for t, h in theme.nav)
    crumb = " &rsaquo; ".join(f'<a href="{escape(h)}">{escape(t)}</a>' for t, h in crumbs)
    tags = "".join(f'<span class="tag">{escape(t)}</span> ' for t in theme.tags)
    extra = "".join(f"<p>{_segs_html(segs)}</p>" for segs in (footer_extra or []))
    footer = "".join(f"<p>{escape(line)}</p>" for line in theme.footer_lines)
    meta = [f"{escape(theme.published)} {escape(date)}"] if date else []
    if author:
        meta.append(f'{escape(theme.author_label)} {_author_html(author)}')
    dateline = f'<p class="meta">{" · ".join(meta)}</p>' if meta else ""
    canon = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="{theme.html_lang}">
<head>{head_charset}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">{canon}
<style>{CSS % theme.accent}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());</script>
</head>
<body>
<header><div class="brand"><a href="/">{escape(theme.site_name)}</a> <small>{escape(theme.tagline)}</small></div>
<nav>{nav}</nav></header>
<div class="wrap">
<main>
<div class="crumbs">{crumb}</div>
<article>
<h1>{h1_html}</h1>
{dateline}
{body_html}
</article>
</main>
<aside>
<section><h4>{escape(theme.sidebar_title)}</h4>{_links_html(sidebar, "hot")}</section>
<section><h4>{escape(theme.tags_title)}</h4><div class="tags">{tags}</div></section>
<section><h4>{escape(theme.friends_title)}</h4>{_links_html(friends, "friends")}</section>
</aside>
</div>
<footer>{extra}{footer}</footer>
</body>
</html>
"""


def _title_head(art: Article) -> str:
    """The title before its linked contact tail `[text]` (zh: no space before the bracket, en: one)."""
    return art.title[: len(art.title) - len(art.title_link[0]) - 2]


def h1_for(art: Article) -> str:
    if art.title_link:
        text, href = art.title_link
        return f'{escape(_title_head(art))}[<a href="{escape(href)}">{escape(text)}</a>]'
    return escape(art.title)


def _author_html(author: Link) -> str:
    name, href = author
    return f'<a class="author" href="{escape(href)}">{escape(name)}</a>' if href else f'<span class="author">{escape(name)}</span>'


def listing_html(items: list[tuple[str, str, str, Link | None]], read_more: str) -> str:
    """Post list of an index page: (title, href, excerpt, author or None)."""
    out = []
    for title, href, excerpt, author in items:
        by = f'<p class="by">{_author_html(author)}</p>' if author else ""
        out.append(f'<div class="post"><h2><a href="{escape(href)}">{escape(title)}</a></h2>{by}'
                   f'<p>{escape(excerpt)}</p><a class="more" href="{escape(href)}">{escape(read_more)}</a></div>')
    return "\n".join(out)


def _seg_md(seg: Segment) -> str:
    if isinstance(seg, tuple):
        return f"[{seg[1]}]({seg[2]})"
    return seg


def _segs_md(segs) -> str:
    return "".join(_seg_md(s) for s in ([segs] if isinstance(segs, str) else segs))


def article_markdown(art: Article, related: list[Link]) -> str:
    """The article as a raw Markdown document, the way spam READMEs and paste sites carry it."""
    if art.title_link:
        text, href = art.title_link
        lines = [f"# {_title_head(art)}[[{text}]({href})]", ""]
    else:
        lines = [f"# {art.title}", ""]
    for block in art.blocks:
        kind = block[0]
        if kind == "h2":
            lines += [f"## {block[1]}", ""]
        elif kind == "h3":
            lines += [f"### {block[1]}", ""]
        elif kind == "p":
            lines += [_segs_md(block[1]), ""]
        elif kind == "ol":
            lines += [f"{i}. {_segs_md(item)}" for i, item in enumerate(block[1], 1)] + [""]
        elif kind == "ul":
            lines += [f"- {_segs_md(item)}" for item in block[1]] + [""]
        elif kind == "hr":
            lines += ["---", ""]
        elif kind == "quote":
            lines += [f"> {block[1]}", ""]
        elif kind == "code":
            lines += ["```", block[1], "```", ""]
    for segs in art.footer:
        lines += [_segs_md(segs), ""]
    if related:
        lines += ["---", ""] + [f"- [{t}]({h})" for t, h in related] + [""]
    return "\n".join(lines)
