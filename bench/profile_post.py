"""CPU per response POST, of the gunicorn workers and of PostgreSQL, under wrk; optionally py-spy.

    python bench/profile_post.py [--pg-url URL] [--seconds 20] [--connections 50]
                                 [--py-spy PATH --mode wall|gil] [--out DIR]

Serves the app as bench/bench_http.py does (gunicorn 2 workers x 4 threads, a
fresh PostgreSQL database seeded with the demo), POSTs with bench/post.lua and
reads the CPU time (utime + stime in /proc) of each gunicorn worker and of the
PostgreSQL backends serving this database before and after, divided by the
requests wrk completed. With --py-spy it records one worker meanwhile
(`--mode wall` samples idle threads too, i.e. waits on the database;
`--mode gil` only the thread holding the GIL, i.e. Python CPU) and writes a
flame graph and the raw collapsed stacks to --out. `--sqlite` measures on a
SQLite file instead (no database process then).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, base_env, gunicorn, prepare_database  # noqa: E402
from bench.bench_http import LUA, _count, _first_form_url, _fresh_pg, _session, wrk  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


def backends(admin_url: str, database: str) -> list[int]:
    """The pids of the PostgreSQL backends connected to `database`."""
    out = subprocess.run(["psql", admin_url, "-tAc",
                          f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"],
                         capture_output=True, text=True, check=True).stdout
    return [int(p) for p in out.split()]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test_post_bench")
    parser.add_argument("--sqlite", action="store_true", help="measure on a SQLite file instead")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--root", type=Path, default=ROOT, help="source tree to serve (default: this one)")
    parser.add_argument("--py-spy", help="path to py-spy: record one worker during the run")
    parser.add_argument("--mode", choices=("wall", "gil"), default="wall")
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "sipas-profile")
    args = parser.parse_args(argv)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            url = _fresh_pg(args.pg_url)
            if url is None:
                sys.exit("PostgreSQL unavailable")
        env = base_env(url, PYTHONPATH=str(args.root))
        prepare_database(env, args.root)
        sa_url = url.replace("postgresql://", "postgresql+psycopg://")
        pid_file = Path(tmp) / "gunicorn.pid"
        base = stack.enter_context(gunicorn("survey:create_app()", env, root=args.root, pid_file=pid_file))
        form_url = base + _first_form_url(sa_url)
        wrk(form_url, 2, args.connections)
        cookie, body, criteria = _session(form_url)
        post_env = {"SIPAS_BODY": body, "SIPAS_COOKIE": cookie, "SIPAS_CRITERIA": criteria, "PATH": "/usr/bin:/bin"}
        wrk(form_url, 3, args.connections, env=post_env, script=LUA)  # warm the POST path and the pool
        workers = children(int(pid_file.read_text()))
        database = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        pg = [] if args.sqlite else backends(admin, database)
        before = {pid: cpu_seconds(pid) for pid in workers + pg}
        stored_before = _count(sa_url)
        spy = None
        if args.py_spy:
            args.out.mkdir(parents=True, exist_ok=True)
            stem = args.out / f"post-{'sqlite' if args.sqlite else 'pg'}-{args.mode}"
            cmd = [args.py_spy, "record", "-p", str(workers[0]), "-r", str(args.rate), "-d", str(args.seconds),
                   "-f", "raw", "-o", f"{stem}.txt", "--nonblocking"]
            cmd += ["--idle"] if args.mode == "wall" else ["--gil"]
            spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t0 = time.perf_counter()
        load_start = load_average()
        result = wrk(form_url, args.seconds, args.connections, env=post_env, script=LUA)
        elapsed = time.perf_counter() - t0
        pg_after = [] if args.sqlite else backends(admin, database)
        after = {pid: cpu_seconds(pid) for pid in set(workers + pg + pg_after)}
        stored = _count(sa_url) - stored_before
        if spy is not None:
            spy.wait(timeout=args.seconds + 30)
    n = result["requests"]
    worker_cpu = sum(after[p] - before.get(p, 0) for p in workers)
    pg_cpu = sum(after[p] - before.get(p, 0) for p in set(pg + pg_after))
    report = {
        "database": "SQLite" if args.sqlite else "PostgreSQL", "requests": n, "stored": stored,
        "rps": result["rps"], "p50_ms": result["p50"], "p99_ms": result["p99"],
        "errors": result["non_2xx_3xx"] + result["socket_errors"],
        "worker_cpu_ms_per_post": round(1000 * worker_cpu / n, 3),
        "postgres_backend_cpu_ms_per_post": round(1000 * pg_cpu / n, 3),
        "worker_cpu_share_of_2_cores": round(worker_cpu / elapsed / 2, 2),
        "load_average_start": load_start, "load_average_end": load_average(),
    }
    if args.py_spy:
        report["profile"] = f"{stem}.txt"
    for key, value in report.items():
        print(f"{key}: {value}")
    return report


if __name__ == "__main__":
    main()
