"""Resume state of a crawl job: the URLs already committed, and the uncommitted links of committed pages."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow.dataset as ds

from corpus.ids import InvalidURL, canonicalize_url
from corpus.store import CorpusStore
from corpus.page.extract import link_form
from crawler.job import CrawlJob


def follows(job: CrawlJob, spam_score: float) -> bool:
    """Whether links out of a page with this score are followed under the job's follow mode (and depth: a
    depth-0 job fetches its seeds only; deeper links are DEPTH_LIMIT's to drop)."""
    if job.depth <= 0:
        return False
    return job.follow == "all" or (job.follow == "spam_only" and spam_score >= job.spam_threshold)


@dataclass
class ResumeState:
    committed_rows: int = 0
    done: set[str] = field(default_factory=set)  # canonical url and final_url of every committed row
    # (url as the page wrote it, depth, referrer), shallowest first: a resumed crawl asks for `?x`, not `?x=`
    frontier: list[tuple[str, int, str]] = field(default_factory=list)


def committed_frontier(store: CorpusStore, job: CrawlJob, max_links: int) -> ResumeState:
    """The committed corpus is the source of truth on restart (Scrapy's JOBDIR survives only clean stops).

    The frontier holds each link of a committed page that is itself uncommitted, once, at the smallest depth
    any committed page gives it, and only from pages the job follows (depth below the limit, follow mode):
    so a crawl resumed after a kill reaches exactly the pages an uninterrupted one would.
    """
    table = store.read(columns=["url", "final_url", "depth", "links", "spam_score"],
                       filter=ds.field("crawl_job") == job.name)
    rows = table.to_pylist()
    done = {r["url"] for r in rows} | {r["final_url"] for r in rows}
    best: dict[str, tuple[int, str, str]] = {}  # canonical key -> (depth, referrer, link as written)
    for r in rows:
        if r["depth"] >= job.depth or not follows(job, r["spam_score"]):
            continue
        for link in r["links"][:max_links]:
            try:
                key = canonicalize_url(link)
                written = link_form(link)
            except InvalidURL:
                continue
            if key not in done and (key not in best or r["depth"] + 1 < best[key][0]):
                best[key] = (r["depth"] + 1, r["final_url"], written)
    order = sorted(best, key=lambda k: (best[k][0], k))  # by depth, then canonical key (stable across runs)
    frontier = [(best[k][2], best[k][0], best[k][1]) for k in order]
    return ResumeState(len(rows), done, frontier)
