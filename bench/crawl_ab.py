"""Crawl A/B: the full pipeline of this tree against an earlier commit's, on one local site, alternated; medians
and ratios of pages/s and CPU per page. For changes that should cost nothing (e.g. moving work onto Scrapy's own
middlewares): `python bench/crawl_ab.py --base <commit>`."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.site import build_site  # noqa: E402
from bench.site_server import SiteServer  # noqa: E402

RESULTS = HERE / "results" / "crawl_ab.json"


def export(ref: str, into: Path) -> Path:
    """The tree of commit `ref` as plain files (git archive: no worktree, nothing in .git changes)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def crawl(tree: Path, seeds: Path, workdir: Path, settings: list[str] = ()) -> dict:
    """One full-pipeline crawl with `tree`'s code (its bench/crawl_child.py puts the tree first on sys.path);
    `settings` are crawl_child's `--set NAME=JSON` values."""
    corpus = Path(tempfile.mkdtemp(prefix="corpus-", dir=workdir))
    extra = [arg for item in settings for arg in ("--set", item)]
    try:
        proc = subprocess.run([sys.executable, str(tree / "bench" / "crawl_child.py"), "full", "--seeds", str(seeds),
                               "--out", str(corpus), *extra], cwd=tree, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(tree)})
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"crawl with {tree} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", required=True, help="the commit to compare against")
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3, help="crawls of each tree (alternated)")
    ap.add_argument("--server", choices=["nginx", "asyncio"], default="nginx")
    ap.add_argument("--site-dir", default=None, help="default: a fresh temporary directory")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--this-set", action="append", default=[], metavar="NAME=JSON",
                    help="a Scrapy setting for this tree's crawls only, e.g. SPAMCORPUS_WARC=false to leave out a "
                         "feature the base commit does not have")
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="spamcorpus-ab-"))
    workdir.chmod(0o755)  # nginx's workers (another user) read the site under it
    base_sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", args.base], check=True, capture_output=True,
                              text=True).stdout.strip()
    head_sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True,
                              text=True).stdout.strip()
    trees = {"base": export(base_sha, workdir / "base"), "this": ROOT}
    site_dir = Path(args.site_dir or workdir / "site")
    paths = build_site(site_dir / str(args.pages), args.pages)
    runs: list[dict] = []
    served_by = None
    try:
        with SiteServer(site_dir / str(args.pages), prefer=args.server) as server:
            served_by = server.kind  # asyncio, when nginx is missing, shares the two cores with the crawls
            print(f"site served by {served_by}", flush=True)
            seeds = workdir / "seeds.txt"
            seeds.write_text("".join(server.base_url + p + "\n" for p in paths))
            for rep in range(args.reps):
                for name in (("base", "this") if rep % 2 == 0 else ("this", "base")):
                    load = os.getloadavg()[0]
                    r = crawl(trees[name], seeds, workdir, args.this_set if name == "this" else ())
                    if r["rows"] != args.pages:
                        raise RuntimeError(f"{name}: {r['rows']} rows for {args.pages} pages: {r['drops']}")
                    runs.append({"tree": name, "rep": rep, "load_before": round(load, 2), **r})
                    print(f"  {name:5} rep {rep}  {r['pages_per_s']:7.1f} pages/s  "
                          f"{r['steady_cpu_ms_per_page']:.2f} CPU ms/page  load {load:.2f}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["tree"] == name)

    result = {
        "benchmark": "crawl_ab", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
        "base": base_sha, "this": head_sha, "this_settings": args.this_set, "pages": args.pages, "reps": args.reps,
        "server": served_by,
        "median_pages_per_s": {n: med(n, "pages_per_s") for n in trees},
        "median_cpu_ms_per_page": {n: med(n, "steady_cpu_ms_per_page") for n in trees},
        # the page workers' CPU (build_row in its processes, IPC included): what issue 9 calls the page's cost
        "median_worker_cpu_s": {n: med(n, "worker_cpu_s") for n in trees},
        "runs": runs,
    }
    result["ratio_pages_per_s"] = round(result["median_pages_per_s"]["this"] / result["median_pages_per_s"]["base"], 3)
    result["ratio_worker_cpu"] = round(result["median_worker_cpu_s"]["this"] / result["median_worker_cpu_s"]["base"], 3)
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    main()
