"""Crawl benchmark: full pipeline vs bare Scrapy spider over one local site, alternated; pages/s, ratio, peak RSS."""
from __future__ import annotations

import argparse
import json
import os
import pstats
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

from bench.result_file import write_result  # noqa: E402
from bench.site import build_site, size_stats  # noqa: E402
from bench.site_server import SiteServer, measure_capacity  # noqa: E402

RESULTS = HERE / "results" / "crawl.json"
SPEED_FLOOR = 0.5    # full pipeline pages/s >= 50% of the bare spider's
MEMORY_FLOOR = 0.20  # peak RSS grows < 20% from the small to the large crawl


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_child(mode: str, urls: list[str], workdir: Path, server: SiteServer, profile: Path | None = None,
              stages: bool = False, extra: list[str] = ()) -> dict:
    seeds = workdir / f"seeds-{len(urls)}.txt"
    if not seeds.exists():
        seeds.write_text("".join(u + "\n" for u in urls))
    cmd = [sys.executable, str(HERE / "crawl_child.py"), mode, "--seeds", str(seeds)]
    corpus = None
    if mode != "bare":
        corpus = Path(tempfile.mkdtemp(prefix="corpus-", dir=workdir))  # fresh: a reused corpus skips pages
        cmd += ["--out", str(corpus)]
    if profile:
        cmd += ["--profile", str(profile)]
    if stages:
        cmd += ["--stages"]
    cmd += list(extra)
    load, cpu0 = _load(), server.cpu_seconds()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if corpus:
        shutil.rmtree(corpus, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.update(load_before=load, server_cpu_s=round(server.cpu_seconds() - cpu0, 2))
    if result["pages"] != len(urls):
        raise RuntimeError(f"{mode} crawl fetched {result['pages']} of {len(urls)} pages: {result}")
    if mode != "bare" and result["rows"] != len(urls):
        raise RuntimeError(f"{mode} crawl committed {result['rows']} rows for {len(urls)} pages: {result['drops']}")
    print(f"  {mode:9} {' '.join(extra):22} {len(urls):6} pages  {result['pages_per_s']:7.1f} pages/s  (steady {result['steady_pages_per_s']:.1f},"
          f" {result['steady_cpu_ms_per_page']:.2f} CPU ms/page)  rss {result['max_rss_mib']:.0f} MiB  load {load[0]}",
          flush=True)
    return result


def profile_summary(path: Path, top: int = 25) -> list[dict]:
    """Where a profiled crawl spent its time: the functions with the most own time, with cumulative time."""
    st = pstats.Stats(str(path))
    total = sum(v[2] for v in st.stats.values())
    rows = sorted(st.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return [{"function": f"{Path(f).name}:{line}:{name}", "own_s": round(v[2], 3), "cum_s": round(v[3], 3),
             "own_share": round(v[2] / total, 3) if total else 0.0, "calls": v[1]}
            for (f, line, name), v in rows]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smoke run: small site, one repetition")
    ap.add_argument("--pages", type=int, default=5000, help="pages of the speed comparison and the small RSS point")
    ap.add_argument("--large", type=int, default=20000, help="pages of the large RSS point")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each mode (alternated)")
    ap.add_argument("--server", choices=["nginx", "asyncio"], default="nginx", help="asyncio if nginx is missing")
    ap.add_argument("--site-dir", default=str(Path(tempfile.gettempdir()) / "spamcorpus-bench-site"))
    ap.add_argument("--profile", action="store_true", help="also run one full crawl under cProfile")
    ap.add_argument("--no-what-if", action="store_true",
                    help="skip the side-by-side runs: a bare spider with CONCURRENT_ITEMS=1, the full pipeline "
                         "in one process")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    if args.quick:
        args.pages, args.large, args.reps = min(args.pages, 400), min(args.large, 1600), 1
    started = time.perf_counter()
    site_dir = Path(args.site_dir) / f"{args.large}"
    paths = build_site(site_dir, args.large)
    small, large = paths[: args.pages], paths
    workdir = Path(tempfile.mkdtemp(prefix="spamcorpus-bench-"))
    result: dict = {"benchmark": "crawl", "cpus": os.cpu_count(), "load_start": _load(),
                    "site": {"pages": args.large, **{k: round(v, 1) for k, v in size_stats(site_dir).items()}}}
    try:
        with SiteServer(site_dir, prefer=args.server) as server:
            capacity = measure_capacity(server.base_url, small, seconds=2.0 if args.quick else 4.0)
            result["server"] = {"kind": server.kind, "capacity_pages_per_s": round(capacity)}
            print(f"server: {server.kind} on {server.base_url}, answers >= {capacity:,.0f} pages/s "
                  "(to a Python keep-alive client)", flush=True)
            small_urls = [server.base_url + p for p in small]
            large_urls = [server.base_url + p for p in large]
            runs: list[dict] = []
            for rep in range(args.reps):
                for mode in (("bare", "full") if rep % 2 == 0 else ("full", "bare")):
                    runs.append({"rep": rep, **run_child(mode, small_urls, workdir, server)})
            big_full = run_child("full", large_urls, workdir, server)
            big_bare = run_child("bare", large_urls, workdir, server)
            # where the full pipeline's CPU goes, stage by stage (a separate run: the timers cost a little)
            # (page workers off: the stage timers live in this process)
            staged = run_child("full", small_urls, workdir, server, stages=True,
                               extra=["--set", "SPAMCORPUS_PAGE_WORKERS=0"])
            result["stages_cpu_ms_per_page"] = staged["stages_cpu_ms_per_page"]
            if not args.no_what_if:
                # side by side, for honesty: a bare spider given the project's Scrapy tuning (a faster ceiling),
                # and the full pipeline kept in one process (no page workers)
                one = ["--set", "CONCURRENT_ITEMS=1"]
                result["what_if"] = {
                    label: {k: r[k] for k in ("pages_per_s", "steady_pages_per_s", "steady_cpu_ms_per_page")}
                    for label, r in (
                        ("bare, CONCURRENT_ITEMS=1", run_child("bare", small_urls, workdir, server, extra=one)),
                        ("full, one process (SPAMCORPUS_PAGE_WORKERS=0)",
                         run_child("full", small_urls, workdir, server, extra=["--set", "SPAMCORPUS_PAGE_WORKERS=0"])),
                    )}
            if args.profile:
                prof = workdir / "full.prof"
                run_child("full", small_urls, workdir, server, profile=prof)
                result["profile_top"] = profile_summary(prof)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["mode"] == mode)

    bare, full = med("bare", "pages_per_s"), med("full", "pages_per_s")
    def rss(run: dict) -> float:  # the crawler process and its page worker(s): peak of each, summed
        return run["max_rss_mib"] + (run.get("worker_max_rss_mib") or 0.0)

    def total_cpu_ms(run: dict) -> float:  # every process of the pipeline, start-up included
        return 1000 * (run["cpu_user_s"] + run["cpu_sys_s"] + (run.get("worker_cpu_s") or 0.0)) / run["pages"]

    for run in (*runs, big_full, big_bare):
        run["pipeline_rss_mib"] = round(rss(run), 1)
        run["total_cpu_ms_per_page"] = round(total_cpu_ms(run), 3)
    rss_small, rss_large = med("full", "pipeline_rss_mib"), big_full["pipeline_rss_mib"]
    result.update(
        pages=args.pages, large_pages=args.large, reps=args.reps, runs=runs, large_runs=[big_full, big_bare],
        bare_pages_per_s=bare, full_pages_per_s=full, ratio=round(full / bare, 3),
        bare_steady=med("bare", "steady_pages_per_s"), full_steady=med("full", "steady_pages_per_s"),
        steady_ratio=round(med("full", "steady_pages_per_s") / med("bare", "steady_pages_per_s"), 3),
        large_ratio=round(big_full["pages_per_s"] / big_bare["pages_per_s"], 3),
        full_cpu_ms_per_page=med("full", "steady_cpu_ms_per_page"),
        bare_cpu_ms_per_page=med("bare", "steady_cpu_ms_per_page"),
        cpu_ratio=round(med("bare", "steady_cpu_ms_per_page") / med("full", "steady_cpu_ms_per_page"), 3),
        full_total_cpu_ms_per_page=med("full", "total_cpu_ms_per_page"),
        bare_total_cpu_ms_per_page=med("bare", "total_cpu_ms_per_page"),
        rss_small_mib=rss_small, rss_large_mib=rss_large, rss_growth=round(rss_large / rss_small - 1, 3),
        load_end=_load(), seconds=round(time.perf_counter() - started, 1),
    )
    result["floors"] = {"speed_ratio >= 0.5": result["ratio"] >= SPEED_FLOOR,
                        "rss_growth < 0.20": result["rss_growth"] < MEMORY_FLOOR}
    result["floors_met"] = all(result["floors"].values())
    print_table(result)
    write_result(result, args.out)
    return result


def print_table(r: dict) -> None:
    print()
    print(f"crawl benchmark: {r['pages']} pages x {r['reps']} reps per mode, alternated; {r['cpus']} cores; "
          f"load {r['load_start']} -> {r['load_end']}")
    print(f"site: {r['site']['pages']} pages, {r['site']['min_kb']}-{r['site']['max_kb']} KB "
          f"(median {r['site']['median_kb']} KB); server {r['server']['kind']} >= "
          f"{r['server']['capacity_pages_per_s']:,} pages/s")
    print(f"{'':28}{'bare':>10}{'full':>10}{'full/bare':>11}")
    print(f"{'pages/s (median, wall)':28}{r['bare_pages_per_s']:>10.1f}{r['full_pages_per_s']:>10.1f}{r['ratio']:>11.2f}")
    print(f"{'pages/s (median, steady)':28}{r['bare_steady']:>10.1f}{r['full_steady']:>10.1f}{r['steady_ratio']:>11.2f}")
    print(f"{'CPU ms/page (steady)':28}{r['bare_cpu_ms_per_page']:>10.2f}{r['full_cpu_ms_per_page']:>10.2f}"
          f"{r['cpu_ratio']:>11.2f}  (crawler process only)")
    print(f"{'CPU ms/page (all processes)':28}{r['bare_total_cpu_ms_per_page']:>10.2f}"
          f"{r['full_total_cpu_ms_per_page']:>10.2f}  (the full pipeline's page workers included)")
    lb, lf = r["large_runs"][1], r["large_runs"][0]
    print(f"{'pages/s at ' + str(r['large_pages']):28}{lb['pages_per_s']:>10.1f}{lf['pages_per_s']:>10.1f}"
          f"{r['large_ratio']:>11.2f}")
    print(f"peak RSS of the full pipeline (crawler + page workers): {r['rss_small_mib']:.0f} MiB at {r['pages']} pages, "
          f"{r['rss_large_mib']:.0f} MiB at {r['large_pages']} pages: growth {100 * r['rss_growth']:+.1f}%")
    for name, ok in r["floors"].items():
        print(f"floor {name}: {'met' if ok else 'NOT MET'}")
    print(f"full pipeline CPU by stage (ms/page, inclusive; framework + network ~ the bare spider's "
          f"{r['bare_cpu_ms_per_page']:.2f}):")
    for name, ms in r.get("stages_cpu_ms_per_page", {}).items():
        print(f"  {ms:7.3f}  {name}")
    for label, w in r.get("what_if", {}).items():
        print(f"what if {label}: {w['pages_per_s']:.1f} pages/s ({w['pages_per_s'] / r['bare_pages_per_s']:.2f} of bare "
              f"as measured above), {w['steady_cpu_ms_per_page']:.2f} CPU ms/page in the crawler process")
    for row in r.get("profile_top", [])[:15]:
        print(f"  {row['own_share']:6.1%} {row['own_s']:7.2f}s own {row['cum_s']:7.2f}s cum  {row['function']}")


if __name__ == "__main__":
    sys.exit(0 if main().get("floors_met") else 1)
