"""Run every benchmark and print one table: `make bench` (python bench/run.py).

    python bench/run.py [--only http,load,analysis,coverage,results,exports] [--full-load]
                        [--responses 1000000] [--db sqlite,postgresql]

HTTP (form GET/POST under gunicorn beside bare Flask), load (many phones
submitting; 2,000 responses from 50 clients by default, --full-load for
20,000 from 200), analysis/ (its own issue's benchmark), the coverage of the
per-criterion intervals (bench_coverage.py), results pages and
exports for a commune with --responses responses (1 million by default; the
databases are filled once and reused: see bench/dataset.py). Each figure is
printed beside the baseline its benchmark measures in the same run. Needs
`wrk` and a PostgreSQL server at 127.0.0.1:5432 (databases sipas_bench,
sipas_load, sipas_perf are created or reused; never `test`).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ALL = ("http", "form", "gzip", "load", "analysis", "coverage", "results", "exports")


def _script(name: str, *args: str) -> tuple[bool, str]:
    """Run bench/<name>.py in its own process; return (ok, its output)."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return done.returncode == 0, done.stdout + (done.stderr[-3000:] if done.returncode else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(ALL))
    parser.add_argument("--full-load", action="store_true", help="load test at full size (20,000 x 200)")
    parser.add_argument("--responses", type=int, default=1_000_000, help="responses for results/exports")
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    wanted = args.only.split(",")
    size = ["--db", args.db, "--responses", str(args.responses)]
    plan = {
        "http": ("bench_http", []),
        "form": ("bench_form_ux", []),
        "gzip": ("bench_page_gzip", []),
        "load": ("load", ["--db", args.db] + ([] if args.full_load else ["--responses", "2000", "--clients", "50"])),
        "analysis": ("bench_analysis", ["--no-r"]),
        "coverage": ("bench_coverage", []),
        "results": ("bench_results", size),
        "exports": ("bench_exports", size),
    }
    summary = []
    for name in ALL:
        if name not in wanted:
            continue
        script, extra = plan[name]
        print(f"== {name}: bench/{script}.py {' '.join(extra)}", flush=True)
        start = time.perf_counter()
        ok, output = _script(script, *extra)
        print(output, flush=True)
        summary.append((name, ok, time.perf_counter() - start))
    print(f"\n{'benchmark':10} {'status':7} {'minutes':>8}")
    for name, ok, seconds in summary:
        print(f"{name:10} {'ok' if ok else 'FAILED':7} {seconds / 60:8.1f}")
    return 0 if all(ok for _, ok, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
