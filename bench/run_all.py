"""Run every benchmark in bench/, each in its own process; `--quick` is passed on for a smoke run.

A benchmark is a module bench/<name>.py with a top-level `main()` (taking no argument or an argv list,
reading --quick from it) that may return a dict with "floors_met". Helper modules are skipped: names
starting with "_" or "site", ending in "_child", or modules that set `BENCHMARK = False`.
"""
from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# imported in the child: calls main with argv if it takes one, and turns "floors_met" into the exit code
RUNNER = """
import inspect, sys
sys.path.insert(0, {root!r})
from bench.{name} import main
args = sys.argv[1:]
sys.argv = ["bench/{name}.py", *args]
result = main(args) if inspect.signature(main).parameters else main()
sys.exit(1 if isinstance(result, dict) and result.get("floors_met") is False else 0)
"""


def is_benchmark(path: Path) -> bool:
    name = path.stem
    if name == "run_all" or name.startswith(("_", "site")) or name.endswith("_child"):
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    has_main = any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body)
    opted_out = any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "BENCHMARK" for t in n.targets)
                    and isinstance(n.value, ast.Constant) and n.value.value is False for n in tree.body)
    return has_main and not opted_out


def discover() -> list[str]:
    return [p.stem for p in sorted(HERE.glob("*.py")) if is_benchmark(p)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke run of every benchmark")
    ap.add_argument("names", nargs="*", help="run only these benchmarks (default: all)")
    args = ap.parse_args(argv)
    names = discover()
    unknown = set(args.names) - set(names)
    if unknown:
        ap.error(f"unknown benchmark(s) {sorted(unknown)}; found {names}")
    summary = []
    for name in args.names or names:
        print(f"=== bench/{name}.py", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-c", RUNNER.format(root=str(ROOT), name=name),
                                *(["--quick"] if args.quick else [])], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
        summary.append((name, code, time.perf_counter() - started))
    print("\n=== summary")
    for name, code, seconds in summary:
        state = "ok" if code == 0 else ("floor not met" if code == 1 else f"failed (exit {code})")
        print(f"{name:20} {state:20} {seconds:7.1f}s")
    return 0 if all(code == 0 for _, code, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
