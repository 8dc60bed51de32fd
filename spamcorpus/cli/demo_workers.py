"""`spamcorpus demo --workers N`: the demo's crawl by N processes on a private loopback Redis."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click


def crawl_with_workers(server, job, out: str, workers: int) -> dict:
    """Start redis-server (127.0.0.1, a free port, a temporary directory), N - 1 `spamcorpus worker` processes
    and the crawl in this process; stop them all and return the crawl's stats."""
    from crawler.distributed.local_server import LocalRedis, RedisServerError
    from crawler.run import run_crawl

    with tempfile.TemporaryDirectory(prefix="spamcorpus-demo-redis-") as tmp:
        try:
            redis = LocalRedis(Path(tmp) / "redis").start()
        except RedisServerError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            job.redis = redis.url
            # the workers read the same job: this server's port and the demo's page limit
            job_file = Path(tmp) / "sample_web.toml"
            job_file.write_text(server.job_toml().replace("pages = 2000", f"pages = {job.max_pages}"),
                                encoding="utf-8")
            cli = [sys.executable, "-c", "from spamcorpus.cli import main; main()"]
            procs = [subprocess.Popen([*cli, "worker", str(job_file), "--out", out, "--redis", redis.url,
                                       "--log-level", "ERROR"], stdin=subprocess.DEVNULL)
                     for _ in range(workers - 1)]
            click.echo(f"   {workers} processes share the job on redis-server 127.0.0.1:{redis.port}")
            try:
                stats = run_crawl(job, out, {"LOG_LEVEL": "ERROR"})
            finally:
                for proc in procs:
                    try:
                        proc.wait(timeout=120)
                    except subprocess.TimeoutExpired:
                        proc.terminate()
                        proc.wait()
            failed = [p.returncode for p in procs if p.returncode]
            if failed:
                raise click.ClickException(f"a demo worker failed (exit {failed[0]})")
            return stats
        finally:
            redis.stop()
