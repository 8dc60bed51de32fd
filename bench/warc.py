"""WARC benchmark: the WARC writer's cost during a crawl, and `spamcorpus ingest` against the page worker's own rate.

1. Crawl cost: full-pipeline crawls of the bench site with WARC on and off, alternated, pages/s medians side by
   side (floor: WARC on >= 90% of off).
2. Ingest: the WARC files of one crawl (many small files, so every worker has work) ingested by the command with
   one worker per core, alternated with the page worker's own rate (corpus.page.row.build_row over the same
   responses, nothing else) run as one process per core side by side, and alone. Ingest docs/s per core = rows /
   CPU seconds of the ingest workers (reading, extraction, commits), against the page worker's rows / CPU second
   with as many processes running at once (floor: >= 80%): like for like, because on this machine a CPU second
   does ~10% less work when both cores are busy, whoever runs. The ratio against the page worker alone is reported
   beside it, and so is one ingest worker against it (both sides alone). CPU time, because on a machine shared
   with other jobs wall time per core measures the neighbours; wall-clock figures are reported beside it: end to
   end (the command's start-up included), steady (first file's start to last file's end), and one worker.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
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

from bench.crawl import _load, run_child  # noqa: E402
from bench.result_file import record_floors, write_result  # noqa: E402
from bench.site import build_site, size_stats  # noqa: E402
from bench.site_server import SiteServer  # noqa: E402

RESULTS = HERE / "results" / "warc.json"
CRAWL_FLOOR = 0.90
INGEST_FLOOR = 0.80
OFF = ["--set", "SPAMCORPUS_WARC=false"]


def archive_crawl(urls: list[str], workdir: Path, shard_rows: int) -> Path:
    """One crawl with WARC on whose corpus is kept: its WARC files are the ingest's input."""
    seeds = workdir / "seeds-archive.txt"
    seeds.write_text("".join(u + "\n" for u in urls))
    corpus = workdir / "archive-corpus"
    proc = subprocess.run([sys.executable, str(HERE / "crawl_child.py"), "full", "--seeds", str(seeds), "--out",
                           str(corpus), "--set", f"SPAMCORPUS_SHARD_ROWS={shard_rows}"], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        raise RuntimeError(f"archive crawl failed:\n{proc.stderr[-3000:]}")
    return corpus


def page_worker_rate(files: list[Path], barrier=None) -> dict:
    """build_row over every page record of the files, in this process, timed around build_row only (after
    `barrier`, when processes run side by side)."""
    from corpus.warc.reader import iter_responses
    from corpus.warc.records import ArchivedResponse
    from crawler.extensions.page_workers import _warm_up
    from corpus.page.row import PageInput, PageRejected, build_row

    _warm_up()
    pages = [PageInput(url=r.target_uri, final_url=r.target_uri, status=r.status, headers=r.headers, body=r.body,
                       fetched_at=r.date, crawl_job="bench", run_id="bench")
             for path in files for r in iter_responses(path)
             if isinstance(r, ArchivedResponse) and r.status == 200 and not r.target_uri.endswith("/robots.txt")]
    rows, wall, cpu = 0, 0.0, 0.0
    if barrier is not None:
        barrier.wait()
    for page in pages:
        t, c = time.perf_counter(), time.process_time()
        try:
            build_row(page)
            rows += 1
        except PageRejected:
            pass
        wall += time.perf_counter() - t
        cpu += time.process_time() - c
    return {"docs": rows, "seconds": round(wall, 3), "docs_per_s": round(rows / wall, 1), "cpu_seconds": cpu,
            "cpu_docs_per_s": round(rows / cpu, 1) if cpu else 0.0}


def _share(files: list[Path], barrier, results) -> None:
    results.put(page_worker_rate(files, barrier))


def page_worker_rate_side_by_side(files: list[Path], processes: int) -> dict:
    """The page worker's own rate with `processes` of it running at once (the files split between them), as
    the ingest runs its workers: on a machine whose cores share caches and a memory bus (or are hyperthreads
    of one core), a CPU second does less work when every core is busy, for the ingest and the page worker alike."""
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_share, args=(files[i::processes], barrier, results)) for i in range(processes)]
    for proc in procs:
        proc.start()
    parts = [results.get(timeout=900) for _ in procs]
    for proc in procs:
        proc.join()
    docs, cpu = sum(p["docs"] for p in parts), sum(p["cpu_seconds"] for p in parts)
    return {"processes": processes, "docs": docs, "cpu_seconds": round(cpu, 3),
            "cpu_docs_per_s": round(docs / cpu, 1), "per_process": parts}


def ingest_rate(files: list[Path], workdir: Path, workers: int) -> dict:
    """`spamcorpus ingest` as the command runs it (its own process, fresh corpus), wall time end to end."""
    out = Path(tempfile.mkdtemp(prefix="ingest-", dir=workdir))
    started = time.perf_counter()
    cli = Path(sys.executable).with_name("spamcorpus")
    proc = subprocess.run([str(cli), "ingest", *map(str, files), "--out", str(out / "c"),
                           "--job", "bench", "--workers", str(workers)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"ingest failed:\n{proc.stderr[-3000:]}")
    (record,) = [json.loads(p.read_text()) for p in (out / "c" / "_runs").glob("*.json")]
    shutil.rmtree(out, ignore_errors=True)
    stats = record["stats"]
    rows, cpu, work = stats["spamcorpus/rows_committed"], stats["spamcorpus/ingest/cpu_seconds"], \
        stats["spamcorpus/ingest/work_seconds"]
    return {"workers": workers, "docs": rows, "seconds": round(wall, 3), "docs_per_s": round(rows / wall, 1),
            "wall_docs_per_s_per_core": round(rows / wall / workers, 1),
            "steady_docs_per_s": round(rows / work, 1), "steady_docs_per_s_per_core": round(rows / work / workers, 1),
            "cpu_seconds": cpu, "docs_per_cpu_s": round(rows / cpu, 1), "load_before": _load()}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smoke run: small site, one repetition")
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each mode (alternated)")
    ap.add_argument("--shard-rows", type=int, default=250, help="rows per shard (and WARC file) of the archive crawl")
    ap.add_argument("--site-dir", default=str(Path(tempfile.gettempdir()) / "spamcorpus-bench-site"))
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    if args.quick:
        args.pages, args.reps, args.shard_rows = min(args.pages, 300), 1, 50
    cores = len(os.sched_getaffinity(0))
    started = time.perf_counter()
    site_dir = Path(args.site_dir) / f"{args.pages}"
    paths = build_site(site_dir, args.pages)
    workdir = Path(tempfile.mkdtemp(prefix="spamcorpus-bench-warc-"))
    result: dict = {"benchmark": "warc", "cpus": cores, "load_start": _load(), "pages": args.pages,
                    "reps": args.reps, "site": {k: round(v, 1) for k, v in size_stats(site_dir).items()}}
    try:
        with SiteServer(site_dir) as server:
            result["server"] = server.kind
            urls = [server.base_url + p for p in paths]
            crawls: list[dict] = []
            for rep in range(args.reps):
                for warc in ((True, False) if rep % 2 == 0 else (False, True)):
                    run = run_child("full", urls, workdir, server, extra=[] if warc else OFF)
                    crawls.append({"rep": rep, "warc": warc, **run})
            corpus = archive_crawl(urls, workdir, args.shard_rows)
        files = sorted(corpus.glob("_warc/crawl_job=*/*.warc.gz"))
        result["archive"] = {"files": len(files), "mib": round(sum(f.stat().st_size for f in files) / 2**20, 1)}
        ingests, own, own_side, single = [], [], [], []
        for rep in range(args.reps):
            order = ("ingest", "own", "own_side", "single")
            for what in (order if rep % 2 == 0 else order[::-1]):
                if what == "ingest":
                    ingests.append(ingest_rate(files, workdir, cores))
                elif what == "single":
                    single.append(ingest_rate(files, workdir, 1))
                elif what == "own":
                    own.append(page_worker_rate(files))
                else:
                    own_side.append(page_worker_rate_side_by_side(files, cores))
                done = {"ingest": ingests, "single": single, "own": own, "own_side": own_side}[what][-1]
                print(f"  {what:8} {({k: v for k, v in done.items() if k != 'per_process'})}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    def med(runs: list[dict], key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 1)

    on = med([c for c in crawls if c["warc"]], "pages_per_s")
    off = med([c for c in crawls if not c["warc"]], "pages_per_s")
    cpu_on = round(statistics.median(c["steady_cpu_ms_per_page"] for c in crawls if c["warc"]), 3)
    cpu_off = round(statistics.median(c["steady_cpu_ms_per_page"] for c in crawls if not c["warc"]), 3)
    per_core, own_rate = med(ingests, "docs_per_cpu_s"), med(own, "cpu_docs_per_s")
    own_side_rate, single_rate = med(own_side, "cpu_docs_per_s"), med(single, "docs_per_cpu_s")
    wall_core, own_wall = med(ingests, "wall_docs_per_s_per_core"), med(own, "docs_per_s")
    steady_core = med(ingests, "steady_docs_per_s_per_core")
    result.update(
        crawls=crawls, crawl_pages_per_s_warc_on=on, crawl_pages_per_s_warc_off=off, crawl_ratio=round(on / off, 3),
        crawl_cpu_ms_per_page_warc_on=cpu_on, crawl_cpu_ms_per_page_warc_off=cpu_off,
        ingest_runs=ingests, page_worker_runs=own, page_worker_side_by_side_runs=own_side, ingest_one_worker_runs=single,
        ingest_docs_per_s=med(ingests, "docs_per_s"), ingest_docs_per_cpu_s=per_core,
        page_worker_docs_per_cpu_s=own_rate, page_worker_side_by_side_docs_per_cpu_s=own_side_rate,
        # the floor's figure: both sides with every core busy
        ingest_ratio=round(per_core / own_side_rate, 3),
        ingest_ratio_vs_one_page_worker_alone=round(per_core / own_rate, 3),
        ingest_one_worker_docs_per_cpu_s=single_rate, ingest_one_worker_cpu_ratio=round(single_rate / own_rate, 3),
        ingest_wall_docs_per_s_per_core=wall_core, ingest_steady_docs_per_s_per_core=steady_core,
        page_worker_wall_docs_per_s=own_wall, ingest_wall_ratio=round(wall_core / own_wall, 3),
        ingest_steady_ratio=round(steady_core / own_wall, 3),
        ingest_one_worker_ratio=round(med(single, "docs_per_s") / own_wall, 3),
        load_end=_load(), seconds=round(time.perf_counter() - started, 1),
    )
    print(f"\nWARC benchmark ({cores} cores, {args.pages} pages, {args.reps} reps alternated, load "
          f"{result['load_start']} -> {result['load_end']}):")
    print(f"  crawl pages/s (median): WARC on {on}, off {off}: ratio {result['crawl_ratio']:.2f}; crawler CPU "
          f"ms/page {cpu_on} vs {cpu_off}")
    print(f"  ingest docs per CPU second ({cores} workers): {per_core}; page worker's own, {cores} side by side: "
          f"{own_side_rate}: ratio {result['ingest_ratio']:.2f}; page worker alone {own_rate}: ratio "
          f"{result['ingest_ratio_vs_one_page_worker_alone']:.2f}")
    print(f"  one ingest worker: {single_rate} docs per CPU second vs the page worker alone: ratio "
          f"{result['ingest_one_worker_cpu_ratio']:.2f}")
    print(f"  wall clock: ingest docs/s per core {wall_core} end to end, {steady_core} steady; page worker "
          f"{own_wall} docs/s: ratios {result['ingest_wall_ratio']:.2f}, {result['ingest_steady_ratio']:.2f}; "
          f"one worker {med(single, 'docs_per_s')} docs/s ({result['ingest_one_worker_ratio']:.2f})")
    record_floors(result, {f"crawl_ratio >= {CRAWL_FLOOR}": result["crawl_ratio"] >= CRAWL_FLOOR,
                           f"ingest_ratio >= {INGEST_FLOOR}": result["ingest_ratio"] >= INGEST_FLOOR}, indent="  ")
    write_result(result, args.out)
    return result


if __name__ == "__main__":
    sys.exit(0 if main().get("floors_met") else 1)
