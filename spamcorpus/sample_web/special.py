"""The sample web's awkward host: legacy encodings, redirects, errors, a huge and a slow page, non-documents."""
from __future__ import annotations

import dataclasses
import random

from spamcorpus.sample_web import benign, themes
from spamcorpus.sample_web.articles import Article, build_spam
from spamcorpus.sample_web.campaigns import CAMPAIGNS, Post, bank_of, handle_groups, to_hant
from spamcorpus.sample_web.contact_forms import Contact
from spamcorpus.sample_web.layout import Theme, article_html, h1_for, page_html
from spamcorpus.sample_web.pages import add_listing, add_post, index_truth
from spamcorpus.sample_web.site import PageTruth, Resource, SampleWeb, article_truth

METADATA_URL = "http://169.254.169.254/latest/meta-data/"
PRIVATE_URL = "http://10.0.0.1/admin/"
# a tiny valid PNG and PDF: non-documents the crawler must drop by content type
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
LARGE_BYTES = 11 * 1024 * 1024  # above the crawler's 10 MiB limit
# an old mainland page kept as an archive copy: the blog's look, without its (now dead) navigation
ARCHIVE_THEME = dataclasses.replace(themes.BLOG, nav=(("首页", "/"),))


def _spec(campaign_id: str):
    return next(c for c in CAMPAIGNS if c.id == campaign_id)


def encoded_variant(seed: int, codec: str, campaign_id: str, theme: Theme, meta_charset: str | None):
    """A spam post of `campaign_id` whose article is strictly encodable in `codec` (no emoji, no math letters)."""
    spec = _spec(campaign_id)
    shown, normal = handle_groups(seed)[spec.handles][0]
    for attempt in range(200):
        r = random.Random(f"{seed}:{codec}:{attempt}")
        art = build_spam(bank_of(spec), spec.skeletons[0], "zh-Hans", r, primary=Contact("telegram", normal),
                         shown=shown, extras=[], placement="text", title_form=None, cc_len={}, final_lang=spec.lang)
        if spec.converter:
            art = to_hant(art, spec.converter)
        try:
            (art.title + article_html(art)).encode(codec)
        except UnicodeEncodeError:
            continue
        html = page_html(theme, title=art.title, body_html=article_html(art), h1_html=h1_for(art), crumbs=[("首页", "/")],
                         sidebar=[], friends=[], footer_extra=art.footer, date="2019-06-01", meta_charset=meta_charset)
        # the chrome may hold characters the legacy charset lacks (©): old pages wrote those as entities
        return Post(art, "special", True, spec.family, spec.id, f"{spec.id}/{spec.skeletons[0]}"), html, \
            html.encode(codec, errors="xmlcharrefreplace")
    raise RuntimeError(f"no {codec}-encodable variant of {campaign_id}")


def _page(web: SampleWeb, host: str, path: str, post: Post, theme: Theme, *, resource: Resource | None = None,
          via: str | None = None, crumbs=(("首頁", "/"),)) -> None:
    art: Article = post.article
    html = page_html(theme, title=art.title, body_html=article_html(art), h1_html=h1_for(art), crumbs=list(crumbs),
                     sidebar=[], friends=[], footer_extra=art.footer, date=post.date)
    res = resource or Resource(body=html.encode("utf-8"))
    if not res.body:
        res.body = html.encode("utf-8")
    web.add(host, path, res, article_truth(web.url(host, path), host, path, art, spam=post.spam, family=post.family,
                                           campaign=post.campaign, template=post.template, doc_format="html",
                                           body=html, via=via, campaign_group=post.group))


def _redirect(web: SampleWeb, host: str, path: str, status: int, target: str) -> None:
    absolute = target if target.startswith("http") else web.url(host, target)
    web.add(host, path, Resource(status=status, content_type="text/html; charset=utf-8", location=target,
                                 body=f'<a href="{target}">moved</a>'.encode()),
            PageTruth(url=web.url(host, path), host=host, path=path, kind="redirect", expect="redirect", final_url=absolute))


def _simple(web: SampleWeb, host: str, path: str, resource: Resource, expect: str) -> None:
    web.add(host, path, resource, PageTruth(url=web.url(host, path), host=host, path=path, kind="special", expect=expect))


def add_special_host(web: SampleWeb, host: str, posts: list[Post], spam: list[Post]) -> None:
    theme, r = themes.SPECIAL, random.Random(f"{web.seed}:special")
    paths = {id(p): f"/news/{i}.html" for i, p in enumerate(posts, 1)}
    for p in posts:
        add_post(web, host, paths[id(p)], p, theme, crumbs=[("首頁", "/")], sidebar=[], friends=[("資源下載", "/resources.html")])
    add_listing(web, host, theme, posts, paths, first="/", page_path=lambda n: f"/list-{n}.html", title=theme.site_name,
                crumbs=[("首頁", "/")], sidebar=[], friends=[], lead=[("資源下載", "/resources.html")])

    gbk_post, gbk_html, gbk_body = encoded_variant(web.seed, "gbk", "c01-esim-renewal", ARCHIVE_THEME, None)
    web.add(host, "/archive/gbk-post.html", Resource(content_type="text/html", body=gbk_body),
            article_truth(web.url(host, "/archive/gbk-post.html"), host, "/archive/gbk-post.html", gbk_post.article,
                          spam=True, family=gbk_post.family, campaign=gbk_post.campaign, template=gbk_post.template,
                          doc_format="html", body=gbk_html, encoding="gbk", campaign_group=gbk_post.group))
    big5_post, big5_html, big5_body = encoded_variant(web.seed, "big5", "c02-esim-hant", theme, "big5")
    web.add(host, "/archive/big5-post.html", Resource(content_type="text/html", body=big5_body),
            article_truth(web.url(host, "/archive/big5-post.html"), host, "/archive/big5-post.html", big5_post.article,
                          spam=True, family=big5_post.family, campaign=big5_post.campaign, template=big5_post.template,
                          doc_format="html", body=big5_html, encoding="big5", campaign_group=big5_post.group))

    slow = Post(benign.esim_guide(r, "en"), "special", False, None, template="benign/esim", kind="esim",
                date="2026-02-02")
    _page(web, host, "/slow/weekly-digest.html", slow, theme, resource=Resource(stream="slow"))
    moved = Post(to_hant(benign.scam_news(r, "zh-Hans"), "s2twp"), "special", False, None, template="benign/news",
                 kind="news", date="2026-01-15")
    _page(web, host, "/news/moved-story.html", moved, theme, via=web.url(host, "/r/1"))
    _redirect(web, host, "/r/1", 302, "/r/2")
    _redirect(web, host, "/r/2", 301, "/r/3")
    _redirect(web, host, "/r/3", 307, "/news/moved-story.html")
    _redirect(web, host, "/go/old-guide", 301, paths[id(posts[0])] if posts else "/")
    _redirect(web, host, "/go/cloud", 302, METADATA_URL)
    _simple(web, host, "/downloads/full-archive.html", Resource(stream="large"), "too_large")
    _simple(web, host, "/error/report.html", Resource(status=500, content_type="text/html; charset=utf-8",
                                                       body=b"<h1>500 Internal Server Error</h1>"), "http_500")
    _simple(web, host, "/img/banner.png", Resource(content_type="image/png", body=PNG), "unsupported_content_type")
    _simple(web, host, "/files/guide.pdf", Resource(content_type="application/pdf", body=PDF), "unsupported_content_type")
    web.add_truth(PageTruth(url=web.url(host, "/missing/old-post.html"), host=host, path="/missing/old-post.html",
                            kind="special", expect="http_404"))

    links = [("舊版文章存檔（GBK）", "/archive/gbk-post.html"), ("舊版文章存檔（Big5）", "/archive/big5-post.html"),
             ("每週精選", "/slow/weekly-digest.html"), ("完整資料包下載", "/downloads/full-archive.html"),
             ("已刪除的文章", "/missing/old-post.html"), ("數據報表", "/error/report.html"),
             ("橫幅圖片", "/img/banner.png"), ("下載指南 PDF", "/files/guide.pdf"), ("舊版指南", "/go/old-guide"),
             ("轉載文章", "/r/1"), ("雲端控制台", "/go/cloud"), ("內網管理後台", PRIVATE_URL),
             ("維基百科：垃圾訊息", "https://zh.wikipedia.org/wiki/%E5%9E%83%E5%9C%BE%E4%BF%A1%E6%81%AF")]
    body = "<ul>" + "".join(f'<li><a href="{h}">{t}</a></li>' for t, h in links) + "</ul>"
    body += f'<p><a href="{paths[id(posts[0])]}?utm_source=resources#top">本站推薦</a></p>' if posts else ""
    html = page_html(theme, title=f"資源下載 - {theme.site_name}", body_html=body, h1_html="資源下載",
                     crumbs=[("首頁", "/")], sidebar=[], friends=[])
    web.add(host, "/resources.html", Resource(body=html.encode("utf-8")),
            index_truth(web, host, "/resources.html", theme, [], html, f"資源下載 - {theme.site_name}"))
    if posts:
        web.aliases[web.url(host, paths[id(posts[0])] + "?utm_source=resources")] = web.url(host, paths[id(posts[0])])
