"""Distributed crawl benchmark: two worker processes on one Redis vs one, beside two bare Scrapy spiders vs one.

Every run crawls the same bench site (bench/site.py) served on loopback; the modes are alternated and each
figure is the median of `--reps` runs. Throughput is pages over the steady window shared by the processes of a
run (first page response of any to last row of any), so process start-up (imports, lexicons) is left out alike
for both kinds; wall-clock figures, start-up included, are reported beside. Floor (issue 12): the distributed
ratio is at least 1.6x (the bare spider's was measured at 1.9x on this machine).
"""
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

from bench.result_file import record_floors, write_result  # noqa: E402
from bench.site import build_site, size_stats  # noqa: E402
from bench.site_server import SiteServer  # noqa: E402
from crawler.distributed.local_server import LocalRedis  # noqa: E402

RESULTS = HERE / "results" / "distributed.json"
FLOOR = 1.6


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_group(kind: str, processes: int, urls: list[str], workdir: Path, redis: LocalRedis, tag: str) -> dict:
    """`processes` bare spiders (the URLs split between them) or distributed workers (one job) side by side."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = [sys.executable, str(HERE / "distributed_child.py")]
    commands = []
    if kind == "full":  # the same pipeline in one process without Redis: what a worker costs beside it
        seeds = workdir / f"seeds-{tag}.txt"
        seeds.write_text("".join(u + "\n" for u in urls))
        commands.append([*child, "full", "--seeds", str(seeds), "--job", f"bench-{tag}",
                         "--out", str(workdir / f"corpus-{tag}")])
    elif kind == "bare":
        for i in range(processes):
            part = workdir / f"seeds-{tag}-{i}.txt"
            part.write_text("".join(u + "\n" for u in urls[i::processes]))
            commands.append([*child, "bare", "--seeds", str(part)])
    else:
        seeds = workdir / f"seeds-{tag}.txt"
        seeds.write_text("".join(u + "\n" for u in urls))
        corpus = workdir / f"corpus-{tag}"
        common = ["--seeds", str(seeds), "--redis", redis.url, "--job", f"bench-{tag}", "--out", str(corpus)]
        # workers first (they wait for the job), then the crawl that opens it and queues the seeds
        commands = [[*child, "worker", *common] for _ in range(processes - 1)] + [[*child, "crawl", *common]]
    load = _load()
    procs = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    outputs = [p.communicate(timeout=900) for p in procs]
    results = []
    for proc, (out, err) in zip(procs, outputs):
        if proc.returncode != 0:
            raise RuntimeError(f"{kind} process failed ({proc.returncode}):\n{err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    if kind != "bare":  # the corpus was only a place to write to
        shutil.rmtree(workdir / f"corpus-{tag}", ignore_errors=True)
    pages = sum(r["pages"] for r in results)
    rows = sum(r["rows"] for r in results)
    if pages != len(urls) or (kind != "bare" and rows != len(urls)):  # a run that lost pages is no figure
        raise RuntimeError(f"{kind} x{processes}: {pages} pages, {rows} rows for {len(urls)} URLs: {results}")
    window = max(r["last_row"] for r in results) - min(r["first_page"] for r in results if r["first_page"])
    wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    run = {"kind": kind, "processes": processes, "pages": pages, "steady_pages_per_s": round(pages / window, 1),
           "wall_pages_per_s": round(pages / wall, 1), "per_process_pages": [r["pages"] for r in results],
           "cpu_s": [r["cpu_s"] for r in results], "load_before": load}
    print(f"  {kind:5} x{processes}  {pages} pages  {run['steady_pages_per_s']:7.1f} pages/s steady  "
          f"({run['wall_pages_per_s']:.1f} wall)  split {run['per_process_pages']}  load {load[0]}", flush=True)
    return run


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smoke run: small site, one repetition")
    ap.add_argument("--pages", type=int, default=6000)
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each mode (alternated)")
    ap.add_argument("--server", choices=["nginx", "asyncio"], default="nginx", help="asyncio if nginx is missing")
    ap.add_argument("--site-dir", default=str(Path(tempfile.gettempdir()) / "spamcorpus-bench-site"))
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    if args.quick:
        args.pages, args.reps = min(args.pages, 1000), 1
    started = time.perf_counter()
    site_dir = Path(args.site_dir) / f"{args.pages}"
    paths = build_site(site_dir, args.pages)
    workdir = Path(tempfile.mkdtemp(prefix="spamcorpus-bench-dist-"))
    result: dict = {"benchmark": "distributed", "cpus": os.cpu_count(), "load_start": _load(),
                    "site": {"pages": args.pages, **{k: round(v, 1) for k, v in size_stats(site_dir).items()}}}
    runs: list[dict] = []
    try:
        with SiteServer(site_dir, prefer=args.server) as server, LocalRedis(workdir / "redis") as redis:
            result["server"] = server.kind
            urls = [server.base_url + p for p in paths]
            order = [("bare", 1), ("bare", 2), ("redis", 1), ("redis", 2), ("full", 1)]
            for rep in range(args.reps):
                for kind, n in (order if rep % 2 == 0 else order[::-1]):
                    runs.append({"rep": rep, **run_group(kind, n, urls, workdir, redis, f"{rep}-{kind}-{n}")})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    def med(kind: str, n: int, key: str = "steady_pages_per_s") -> float:
        return statistics.median(r[key] for r in runs if r["kind"] == kind and r["processes"] == n)

    figures = {f"{k}_x{n}": {"steady_pages_per_s": med(k, n), "wall_pages_per_s": med(k, n, "wall_pages_per_s")}
               for k, n in (("bare", 1), ("bare", 2), ("redis", 1), ("redis", 2), ("full", 1))}
    bare_ratio = round(med("bare", 2) / med("bare", 1), 3)
    redis_ratio = round(med("redis", 2) / med("redis", 1), 3)
    result.update(pages=args.pages, reps=args.reps, runs=runs, figures=figures, bare_ratio=bare_ratio,
                  distributed_ratio=redis_ratio,
                  bare_wall_ratio=round(med("bare", 2, "wall_pages_per_s") / med("bare", 1, "wall_pages_per_s"), 3),
                  distributed_wall_ratio=round(med("redis", 2, "wall_pages_per_s")
                                               / med("redis", 1, "wall_pages_per_s"), 3),
                  one_worker_vs_one_process=round(med("redis", 1) / med("full", 1), 3),
                  load_end=_load(), seconds=round(time.perf_counter() - started, 1))
    print(f"\ndistributed benchmark: {args.pages} pages, {args.reps} reps per mode, alternated; {result['cpus']} cores; "
          f"server {result['server']}; load {result['load_start']} -> {result['load_end']}")
    print(f"{'':34}{'1 process':>11}{'2 processes':>13}{'ratio':>8}")
    for kind, label, ratio in (("bare", "bare Scrapy spider", bare_ratio),
                               ("redis", "spamcorpus workers on Redis", redis_ratio)):
        print(f"{label + ' (pages/s)':34}{med(kind, 1):>11.1f}{med(kind, 2):>13.1f}{ratio:>8.2f}")
    print(f"one worker on Redis vs the same pipeline in one process without Redis: "
          f"{med('redis', 1):.1f} vs {med('full', 1):.1f} pages/s ({result['one_worker_vs_one_process']:.2f})")
    record_floors(result, {f"distributed_ratio >= {FLOOR}": redis_ratio >= FLOOR})
    write_result(result, args.out)
    return result


if __name__ == "__main__":
    sys.exit(0 if main().get("floors_met") else 1)
