"""The bundled sample web: generator determinism, coverage of the brief, truth consistency, reachability, server."""
from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import time
import unicodedata
from collections import Counter, deque

import pytest
from click.testing import CliRunner

from corpus.ids import canonicalize_url
from crawler.job import load_job
from spamcorpus.sample_web import DEFAULT_SPAM, JOB_FILE, SampleWebError, export_site, generate, serve_sample_web
from spamcorpus.sample_web.contact_forms import Contact, fullwidth, math_bold, render

ROW_KINDS = ("article", "index")


@pytest.fixture(scope="module")
def web():
    return generate()


def test_same_seed_same_bytes_other_seed_other_site():
    a, b, c = generate(seed=7), generate(seed=7), generate(seed=8)
    assert a.resources.keys() == b.resources.keys()
    assert all(a.resources[k].body == b.resources[k].body for k in a.resources)
    assert [t for t in a.truth()] == [t for t in b.truth()]
    # another seed: other accounts (so other paths) and other texts
    changed = sum(1 for k, r in a.resources.items() if k not in c.resources or c.resources[k].body != r.body)
    assert changed > 300


def test_site_covers_the_brief(web):
    articles = [t for t in web.pages() if t.kind == "article"]
    spam = [t for t in articles if t.spam]
    benign = [t for t in articles if not t.spam]
    assert len(spam) >= 300 and len(benign) >= 80
    families = Counter(t.family for t in spam)
    assert len(families) >= 6 and min(families.values()) >= 10, families
    scripts = Counter((t.lang, t.script) for t in articles)
    assert {("zh", "Hans"), ("zh", "Hant"), ("en", "")} <= set(scripts) and min(scripts.values()) >= 40
    assert len({t.host for t in web.pages()}) >= 5 and len(web.hosts) == 6
    kinds = Counter(k for t in articles for k, _ in t.contacts)
    assert set(kinds) == {"telegram", "wechat", "qq", "whatsapp", "phone", "line", "email"}
    places = Counter(w for t in spam for *_, w in t.contact_places)
    assert {"title", "text", "boilerplate", "link"} <= set(places)
    # a contact only in the footer, and one only behind a link, both exist
    assert any({w for *_, w in t.contact_places} == {"boilerplate"} for t in spam)
    only_link = [(t.url, k, v) for t in spam for k, v in t.contacts
                 if {w for k2, v2, w in t.contact_places if (k2, v2) == (k, v)} == {"link"}]
    assert len(only_link) >= 10
    formats = Counter(t.doc_format for t in web.pages())
    assert formats["markdown"] >= 40
    encodings = {t.encoding for t in web.pages()}
    assert {"gbk", "big5"} <= encodings


def test_campaigns_are_templates_with_rotated_handles(web):
    spam = [t for t in web.pages() if t.kind == "article" and t.spam]
    by_campaign: dict[str, set] = {}
    for t in spam:
        by_campaign.setdefault(t.campaign, set()).add(t.template)
    assert len(by_campaign) >= 12
    assert sum(1 for templates in by_campaign.values() if len(templates) >= 2) >= 8
    handles_by_campaign: dict[str, set] = {}
    for t in spam:
        handles_by_campaign.setdefault(t.campaign, set()).update(v for k, v in t.contacts if k == "telegram")
    # some seller works several campaigns (one handle, several templates and families)
    owners = Counter(h for hs in handles_by_campaign.values() for h in hs)
    assert any(n >= 2 for n in owners.values())
    # template copies differ: a campaign's pages are not byte-identical
    bodies = [web.lookup(t.host, t.path).body for t in spam if t.campaign == "c01-esim-renewal"]
    assert len(set(bodies)) == len(bodies)


def test_each_campaign_writes_its_own_templates():
    """Grouping can tell campaigns apart only if their texts differ: every campaign has its own sentence bank; after
    the grouping's own masking and shingling (MinHash), posts of one template are near-duplicates and posts of
    campaigns not expected to merge are far below the grouping threshold (0.35)."""
    import numpy as np

    from corpus.campaigns.config import CampaignConfig
    from corpus.campaigns.minhash import sign_texts
    from spamcorpus.sample_web.campaigns import CAMPAIGNS, spam_posts
    from spamcorpus.sample_web.layout import article_markdown

    banks = {("en" if c.lang == "en" else "zh", c.bank or c.family) for c in CAMPAIGNS}
    assert len(banks) == len(CAMPAIGNS)
    posts = spam_posts(0)
    sig = sign_texts([p.article.title for p in posts], [article_markdown(p.article, []) for p in posts],
                     CampaignConfig()).signatures
    same = np.zeros((len(posts), len(posts)), np.int32)
    for column in sig.T:
        same += column[:, None] == column[None, :]
    jaccard = same / sig.shape[1]
    groups = np.array([p.group for p in posts])
    templates = np.array([p.template for p in posts])
    across = jaccard[groups[:, None] != groups[None, :]].max()
    assert across < 0.2, across  # was 0.76 (c08/c09) when same-family campaigns shared one bank
    for template in set(templates):
        idx = np.flatnonzero(templates == template)
        pairs = jaccard[np.ix_(idx, idx)][np.triu_indices(len(idx), 1)]
        assert np.median(pairs) >= 0.3, (template, np.median(pairs))


def test_expected_campaign_merges_follow_shared_handles(web):
    """campaign_group joins exactly the campaigns whose pages share a seller contact: grouping by contacts must
    merge those (and can: they share a Telegram handle) and has no contact to merge any others through."""
    from spamcorpus.sample_web.campaigns import expected_groups

    spam = [t for t in web.pages() if t.kind == "article" and t.spam]
    assert all(t.campaign_group == expected_groups()[t.campaign] for t in spam)
    joined = {g for g in expected_groups().values() if "+" in g}
    assert joined == {"c01-esim-renewal+c03-esim-en", "c08-loans+c09-loans-hant", "c12-accounts+c13-accounts-en"}
    owners: dict[tuple[str, str], set[str]] = {}
    for t in spam:
        for contact in t.contacts:
            owners.setdefault(contact, set()).add(t.campaign)
    groups = {t.campaign: t.campaign_group for t in spam}
    for contact, campaigns in owners.items():
        assert len({groups[c] for c in campaigns}) == 1, (contact, campaigns)
    for group in joined:
        members = group.split("+")
        shared = [c for c, owners_of in owners.items() if c[0] == "telegram" and set(members) <= owners_of]
        assert shared, group
    assert all(t.campaign_group is None for t in web.pages() if not t.spam)


def test_sites_follow_the_platforms_file(web):
    """Every page's truth site is what a release computes with the shipped platforms file: the account on the blog
    and the code host, the thread or paste on the forum and the paste service, the host elsewhere."""
    from corpus.release.splits import read_platforms, site_of
    from spamcorpus.sample_web import PLATFORMS_FILE

    platforms = read_platforms(PLATFORMS_FILE)
    assert {key.split("/")[0] for key in platforms} == set(web.hosts[:4])  # the four platforms, nothing else
    assert all(site_of(t.url, platforms=platforms) == t.site for t in web.pages())
    kinds = Counter((t.host, t.site == t.host) for t in web.pages())
    assert all(kinds[(h, False)] >= 40 for h in web.hosts[:4]), kinds  # most platform pages are an account's
    assert all(t.site == t.host for t in web.pages() if t.host not in web.hosts[:4])
    for t in web.pages():
        if t.kind != "article" or t.site == t.host:
            assert not t.account, t.url  # the platform's own listings, or an ordinary site's pages
            continue
        assert t.account, t.url
        body = web.lookup(t.host, t.path).body.decode(t.encoding)
        if t.doc_format == "html":  # the page names who posted it (the raw files of the code host: their path)
            assert f'class="author">{t.account}</span>' in body, t.url
        else:
            assert t.path.startswith(f"/{t.account}/"), t.url
    sites = Counter(t.site for t in web.pages())
    assert len(sites) >= 150 and sites.most_common(1)[0][1] <= 30, sites.most_common(3)


def test_campaigns_post_through_several_single_purpose_accounts(web):
    articles = [t for t in web.pages() if t.kind == "article" and t.account]
    owner: dict[str, set] = {}
    for t in articles:
        owner.setdefault(t.account, set()).add(t.campaign or t.template)
    assert all(len(purposes) == 1 for purposes in owner.values()), {a: p for a, p in owner.items() if len(p) > 1}
    accounts: dict[str, set] = {}
    for t in articles:
        if t.spam:
            accounts.setdefault(t.campaign, set()).add(t.account)
    assert len(accounts) >= 14 and all(len(a) >= 2 for a in accounts.values()), accounts
    assert sum(1 for t in articles if not t.spam) >= 60 and len(owner) >= 70
    # an account name is never a contact of any page (it would tie accounts to handles)
    contacts = {v for t in web.pages() for _, v in t.contacts}
    assert not set(owner) & contacts


def test_small_operations_keep_families_apart_from_their_big_campaigns(web):
    """A family is sold by several operations: most (family, language) pairs of the spam have at least two
    campaign groups, so a release can put some of them outside train."""
    groups: dict[tuple, set] = {}
    for t in web.pages():
        if t.kind == "article" and t.spam:
            groups.setdefault((t.family, t.lang), set()).add(t.campaign_group)
    several = [k for k, g in groups.items() if len(g) >= 2]
    assert len(several) >= 6, groups


_BARE_LINE = re.compile(r"(?:<(?:p|li)>|^(?:- )?)@([A-Za-z][A-Za-z0-9_]{3,31})(?:</(?:p|li)>|$)", re.M)


def test_bare_handles_follow_the_contact_policy(web):
    """A bare `@handle` alone on a line has no Telegram cue: never a truth contact, always a named non-contact
    (the moderators' list); sellers' footers carry a cue or a t.me link. On Traditional Chinese pages (whose calls
    to action are no cue) a handle written bare is also linked through t.me."""
    reasons: Counter = Counter()
    for t in web.pages():
        body = web.lookup(t.host, t.path).body.decode(t.encoding)
        named = {(k, v): why for k, v, why in t.non_contacts}
        for handle in _BARE_LINE.findall(body):
            assert ("telegram", handle.lower()) in named, (t.url, handle)
            assert ("telegram", handle.lower()) not in t.contacts, (t.url, handle)
        reasons.update(named.values())
        if t.script == "Hant" and t.spam:
            for kind, value, form in t.contact_forms:
                if kind == "telegram" and form == "at":
                    assert (kind, value, "link") in t.contact_places, (t.url, value)
    assert reasons["bare_handle_without_cue"] >= 12 and reasons["placeholder"] >= 20, reasons
    rules = [t for t in web.pages() if t.template == "benign/rules"]
    assert rules and all(len(t.non_contacts) == 3 and not t.contacts for t in rules)


def test_obfuscated_contact_forms_exist(web):
    bodies = "".join(web.lookup(t.host, t.path).body.decode(t.encoding, "replace") for t in web.pages())
    assert re.search("[\uff10-\uff19]{4}", bodies), "full-width digits"
    assert re.search("[\U0001d41a-\U0001d433]{3}", bodies), "mathematical bold letters"
    assert "t●me/" in bodies or "●com" in bodies
    assert "【" in bodies and re.search(r"QQ\S* \d{3} \d{3}", bodies) or "】【" in bodies
    assert re.search(r"(TG|飞机|纸飞机|電報|飛機|Telegram)[💪✈️👉🔥✅📲⭐]", bodies)
    for label in ("微信", "VX", "薇信", "WhatsApp", "LINE", "wa.me/", "t.me/s/"):
        assert label in bodies, label


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("●", ".").replace(" (at) ", "@").replace(" (dot) ", ".")


def test_truth_contacts_are_on_the_page_and_nowhere_else(web):
    """Every truth contact is spelled on its page (after folding); benign news pages spell none."""
    for t in web.pages():
        body = web.lookup(t.host, t.path).body.decode(t.encoding)
        folded, digits = _folded(body), re.sub(r"\D", "", unicodedata.normalize("NFKC", body))
        for kind, value in t.contacts:
            if kind in ("phone", "whatsapp", "qq"):
                assert value.lstrip("+") in digits, (t.url, kind, value)
            else:
                assert value in folded, (t.url, kind, value)
    news = [t for t in web.pages() if t.template == "benign/news"]
    assert len(news) >= 15 and not any(t.contacts for t in news)
    for t in news:
        text = web.lookup(t.host, t.path).body.decode(t.encoding)
        article = text[text.find("<article>"):text.find("</article>")] if "<article>" in text else text
        assert "@" not in article and "t.me" not in article and "wa.me" not in article, t.url


def test_placeholders_are_on_pages_but_not_contacts(web):
    readmes = [t for t in web.pages() if t.template == "benign/readme"]
    assert len(readmes) >= 10
    for t in readmes:
        body = web.lookup(t.host, t.path).body.decode()
        assert "@your_bot" in body and "@BotFather" in body and not t.contacts


@pytest.mark.parametrize("kind,value", [
    ("telegram", "esim1088"), ("wechat", "vxsim2288"), ("qq", "28471935"), ("whatsapp", "+85291234567"),
    ("phone", "+18885550142"), ("line", "simcard77"), ("email", "esim88@proton.me"),
])
def test_every_rendering_spells_its_contact(kind, value):
    import random

    rng = random.Random(1)
    for _ in range(40):
        r = render(Contact(kind, value), rng, rng.choice(("zh", "en")), cc_len=1 if value.startswith("+1") else 3)
        shown = _folded(r.text + " " + r.href)
        if kind in ("phone", "whatsapp", "qq"):
            assert value.lstrip("+") in re.sub(r"\D", "", unicodedata.normalize("NFKC", r.text + r.href))
        else:
            assert value in shown.replace(" ", "") or value in shown, (r.form, r.text, r.href)
    assert unicodedata.normalize("NFKC", fullwidth("Ab1@")) == "Ab1@"
    assert unicodedata.normalize("NFKC", math_bold("esim1088")) == "esim1088"


def _sitemap_urls(web, url, seen=0):
    host, path = url.split("/")[2].split(":")[0], "/" + url.split("/", 3)[3]
    body = web.lookup(host, path).body
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    locs = re.findall(rb"<loc>([^<]+)</loc>", body)
    if b"<sitemapindex" in body:
        return [u for loc in locs for u in _sitemap_urls(web, loc.decode())]
    return [loc.decode() for loc in locs]


def reachable(web, max_depth: int = 4) -> dict[str, int]:
    """Breadth-first walk the way the bundled job crawls: seeds, robots Sitemap lines, links, redirects."""
    truth = {canonicalize_url(t.url): t for t in web.truth()}
    job_hosts = set(web.hosts)
    queue = deque((canonicalize_url(u), 0) for u in web.seed_urls())
    for robots in web.robots_seed_urls():
        body = web.lookup(robots.split("/")[2].split(":")[0], "/robots.txt").body.decode()
        for sm in re.findall(r"Sitemap: (\S+)", body):
            queue.extend((canonicalize_url(u), 0) for u in _sitemap_urls(web, sm))
    depth: dict[str, int] = {}
    while queue:
        url, d = queue.popleft()
        if url in depth or url.split("/")[2].split(":")[0] not in job_hosts:
            continue
        t = truth.get(url)
        while t is not None and t.kind == "redirect" and t.final_url.split("/")[2].split(":")[0] in job_hosts:
            url = canonicalize_url(t.final_url)
            t = truth.get(url)
        if t is None or t.expect != "row" or url in depth:
            continue
        depth[url] = d
        if d < max_depth:
            queue.extend((canonicalize_url(link), d + 1) for link in t.links)
    return depth


@pytest.mark.parametrize("spam_pages", [DEFAULT_SPAM, 3000])
def test_every_row_page_is_reachable_with_slack(spam_pages):
    """All row pages sit within depth 3 of the job's seeds (the job allows 4: one level of slack)."""
    web = generate(spam_pages=spam_pages)
    depth = reachable(web)
    rows = {canonicalize_url(t.url) for t in web.pages()}
    assert rows == set(depth)
    assert max(depth.values()) <= 3
    if spam_pages != DEFAULT_SPAM:
        assert sum(1 for t in web.pages() if t.spam and t.kind == "article") >= spam_pages - 10


def test_expected_drops_cover_every_case(web):
    drops = web.expected_drops()
    for reason in ("http_404", "http_500", "too_large", "robots_disallowed", "unsupported_content_type", "ssrf",
                   "offsite"):
        assert drops[reason] >= 1, reason
    assert drops["robots_disallowed"] >= 8  # the 500-robots host, /private/ and /wp-admin/
    redirect_target = next(t for t in web.pages() if t.via)
    assert redirect_target.via.endswith("/r/1")
    # tracking and fragment aliases name pages that exist
    assert len(web.aliases) > 100
    pages = {canonicalize_url(t.url) for t in web.pages()}
    assert all(canonicalize_url(a) in pages for a in web.aliases)


def _get(host: str, port: int, path: str, ua: str = "test-agent", read: int | None = None):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", path, headers={"User-Agent": ua})
    resp = conn.getresponse()
    body = resp.read(read) if read else resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def test_server_serves_every_case_and_logs_requests():
    with serve_sample_web(port=0, slow_delay=0.3) as server:
        p = server.port
        assert server.base_urls == [f"http://127.0.0.{i}:{p}/" for i in range(2, 8)]
        status, headers, body = _get("127.0.0.4", p, "/robots.txt")
        assert status == 200 and "Disallow: /private/" in body.decode() and f":{p}/sitemap_index.xml" in body.decode()
        assert _get("127.0.0.6", p, "/robots.txt")[0] == 500
        assert _get("127.0.0.7", p, "/robots.txt")[0] == 404
        status, headers, _ = _get("127.0.0.7", p, "/r/1")
        assert status == 302 and headers["location"] == "/r/2"
        status, headers, body = _get("127.0.0.7", p, "/archive/gbk-post.html")
        assert headers["content-type"] == "text/html" and b"charset" not in body[:2000]
        body.decode("gbk")
        status, headers, body = _get("127.0.0.7", p, "/archive/big5-post.html")
        assert b'charset="big5"' in body and body.decode("big5")
        started = time.monotonic()
        assert _get("127.0.0.7", p, "/slow/weekly-digest.html")[0] == 200
        assert time.monotonic() - started >= 0.3
        status, headers, body = _get("127.0.0.7", p, "/downloads/full-archive.html", read=10 * 1024 * 1024 + 1)
        assert status == 200 and "content-length" not in headers and len(body) == 10 * 1024 * 1024 + 1
        assert _get("127.0.0.7", p, "/img/banner.png")[1]["content-type"] == "image/png"
        md = [t for t in server.web.pages() if t.doc_format == "markdown"]
        types = {_get(t.host, p, t.path)[1]["content-type"].split(";")[0] for t in md[:4]}
        assert types == {"text/plain", "text/markdown"}
        assert _get("127.0.0.2", p, "/no/such/page")[0] == 404
        # tracking parameters are ignored by the server, as by many CMSs
        alias = next(iter(server.web.aliases))
        assert _get(alias.split("/")[2].split(":")[0], p, "/" + alias.split("/", 3)[3].split("#")[0])[0] == 200
        log = server.requests
        assert {"/robots.txt", "/r/1", "/slow/weekly-digest.html"} <= {r.path for r in log}
        assert all(r.user_agent == "test-agent" for r in log)
    with pytest.raises(OSError):
        _get("127.0.0.2", p, "/")


def test_busy_port_is_a_clear_error():
    blocker = socket.socket()
    blocker.bind(("127.0.0.5", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        with pytest.raises(SampleWebError, match=f"port {port} is busy on 127.0.0.5"):
            serve_sample_web(port=port)
        # the hosts bound before the clash were released: the port is usable again once the blocker goes
    finally:
        blocker.close()
    with serve_sample_web(port=port) as server:
        assert server.port == port


def test_job_targets_the_running_server():
    with serve_sample_web(port=0) as server:
        job = load_job(JOB_FILE, **server.job_params(max_pages=10))
        assert job.seeds == server.seed_urls() and job.robots == server.robots_urls()
        assert job.max_pages == 10 and job.allow_private_addresses and "10.0.0.1" in job.allowed_hosts
        assert f":{server.port}/" in server.job_toml() and ":8642/" not in server.job_toml()


def test_serve_cli_prints_base_urls_and_stops_on_sigterm():
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).with_name("spamcorpus")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.Popen([str(cli), "sample-web", "serve", "--port", "0", "--slow-delay", "0"],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline()
        port = int(re.search(r"port (\d+)", first).group(1))
        urls = [proc.stdout.readline().strip() for _ in range(6)]
        assert urls == [f"http://127.0.0.{i}:{port}/" for i in range(2, 8)]
        assert _get("127.0.0.3", port, "/")[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0 and "stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_truth_joins_a_corpus_by_doc_id(web):
    from corpus.ids import doc_id

    joined = web.by_doc_id()
    assert len(joined) == len(web.pages())
    t = next(iter(joined.values()))
    assert joined[doc_id(t.url)] is t


def test_export_writes_pages_and_truth(tmp_path, web):
    counts = export_site(web, tmp_path / "site")
    lines = (tmp_path / "site" / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert counts["truth"] == len(lines) == len(web.truth())
    first = json.loads(lines[0])
    assert {"url", "expect", "contacts", "campaign", "links"} <= set(first)
    assert (tmp_path / "site" / "127.0.0.2" / "index.html").read_bytes() == web.lookup("127.0.0.2", "/").body


def test_cli_export_and_errors(tmp_path):
    from spamcorpus.cli import main

    result = CliRunner().invoke(main, ["sample-web", "export", str(tmp_path / "out"), "--port", "9000"])
    assert result.exit_code == 0, result.output
    assert "expected rows" in result.output
    assert ":9000/" in (tmp_path / "out" / "127.0.0.4" / "robots.txt").read_text()
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(main, ["sample-web", "export", str(tmp_path / "file" / "sub")])
    assert result.exit_code != 0 and "Traceback" not in result.output
