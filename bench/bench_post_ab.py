"""A/B benchmark of the response POST: two source trees side by side, in one run, beside bare Flask.

    python bench/bench_post_ab.py --tree before=REV --tree after=REV [--seconds 10] [--rounds 3]
                                  [--connections 50] [--pg-prefix URL] [--no-sqlite]

Each tree is `git archive`d from this repository at REV (a commit or branch)
into a temporary folder and served as bench/bench_http.py serves the app
(gunicorn 2 workers x 4 threads, its own fresh database seeded with the
demo), on PostgreSQL (database <pg-prefix>_<label>) and on SQLite. The
scenarios take turns round after round, like bench_http.py's, so machine
drift (other tenants) hits every tree alike; each row is the median round.
Besides req/s, latency, errors and responses stored, each row gives the CPU
time per POST of the gunicorn workers and of the PostgreSQL backends serving
that database (/proc utime + stime over the round, divided by requests),
and the load average is printed at the start and the end.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, base_env, gunicorn, prepare_database  # noqa: E402
from bench.bench_http import LUA, _count, _first_form_url, _fresh_pg, _median_run, _session, wrk  # noqa: E402
from bench.profile_post import backends, children, cpu_seconds, load_average  # noqa: E402


def export(rev: str, into: Path) -> Path:
    """The tree of `rev` in a folder of its own (the working tree may change during the run)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


class Served:
    """One tree on one database under gunicorn, and how to POST to it."""

    def __init__(self, label: str, root: Path, url: str, stack: ExitStack, tmp: Path, connections: int) -> None:
        self.label, self.connections, self.url_db = label, connections, url
        env = base_env(url, PYTHONPATH=str(root))
        prepare_database(env, root)
        self.sa_url = url.replace("postgresql://", "postgresql+psycopg://")
        pid_file = tmp / f"{label.replace(' ', '-').replace(',', '')}.pid"
        base = stack.enter_context(gunicorn("survey:create_app()", env, root=root, pid_file=pid_file))
        self.form_url = base + _first_form_url(self.sa_url)
        wrk(self.form_url, 2, connections)
        cookie, body, criteria = _session(self.form_url)
        self.env = {"SIPAS_BODY": body, "SIPAS_COOKIE": cookie, "SIPAS_CRITERIA": criteria, "PATH": "/usr/bin:/bin"}
        wrk(self.form_url, 2, connections, env=self.env, script=LUA)  # warm the POST path and the pool
        self.workers = children(int(pid_file.read_text()))
        self.pg = None if url.startswith("sqlite") else (url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1])

    def _pids(self) -> tuple[list[int], list[int]]:
        return self.workers, (backends(*self.pg) if self.pg else [])

    def post(self, seconds: int) -> dict:
        workers, pg = self._pids()
        before = {pid: cpu_seconds(pid) for pid in workers + pg}
        stored = _count(self.sa_url)
        result = wrk(self.form_url, seconds, self.connections, env=self.env, script=LUA)
        pg = sorted(set(pg) | set(self._pids()[1]))
        n = max(result["requests"], 1)
        return {**result, "stored": _count(self.sa_url) - stored,
                "worker_ms": 1000 * sum(cpu_seconds(p) - before.get(p, 0) for p in workers) / n,
                "pg_ms": 1000 * sum(cpu_seconds(p) - before.get(p, 0) for p in pg) / n}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=REV, twice or more")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pg-prefix", default="postgresql://postgres@127.0.0.1:5432/test_post_ab")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    trees = [tuple(t.split("=", 1)) for t in args.tree]
    scenarios: dict[str, list[dict]] = {}
    load_start = load_average()
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="sipas-ab-") as folder:
        tmp = Path(folder)
        bare = stack.enter_context(gunicorn("bench.bare_app:app", base_env("sqlite://"))) + "/"
        wrk(bare, 2, args.connections)
        served: list[Served] = []
        for label, rev in trees:
            root = export(rev, tmp / label)
            if not args.no_pg:
                url = _fresh_pg(f"{args.pg_prefix}_{label}")
                if url:
                    served.append(Served(f"{label}, PostgreSQL", root, url, stack, tmp, args.connections))
            if not args.no_sqlite:
                served.append(Served(f"{label}, SQLite", root, f"sqlite:///{tmp}/{label}.sqlite3", stack, tmp,
                                     args.connections))
        for _ in range(args.rounds):
            scenarios.setdefault("bare Flask GET (baseline)", []).append(wrk(bare, args.seconds, args.connections))
            for s in served:
                scenarios.setdefault(f"POST {s.label}", []).append(s.post(args.seconds))
    load_end = load_average()
    rows = []
    for name, runs in scenarios.items():
        row = {"scenario": name, **_median_run(runs)}
        if "worker_ms" in runs[0]:  # CPU per POST: the median over the rounds
            for key in ("worker_ms", "pg_ms"):
                row[key] = sorted(r[key] for r in runs)[len(runs) // 2]
        rows.append(row)
    baseline = rows[0]["rps"]
    print(f"\nPOST A/B, gunicorn 2 workers x 4 threads, wrk 2 threads, {args.connections} connections, "
          f"{args.seconds} s each, {args.rounds} interleaved rounds (median round); trees: "
          + ", ".join(f"{label}={rev}" for label, rev in trees))
    print(f"load average at start {load_start}, at end {load_end}")
    print(f"{'scenario':34} {'req/s':>7} {'vs base':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'stored':>7}"
          f" {'worker ms':>9} {'PG ms':>6}  req/s per round")
    for r in rows:
        r["ratio"] = r["rps"] / baseline
        cpu = (f"{r['worker_ms']:9.2f} {r['pg_ms']:6.2f}" if "worker_ms" in r else f"{'':9} {'':6}")
        stored = r["stored"] if "worker_ms" in r else ""
        print(f"{r['scenario']:34} {r['rps']:7.0f} {r['ratio']:7.1%} {r['p50']:7.1f} {r['p99']:7.1f} "
              f"{r['non_2xx_3xx'] + r['socket_errors']:6d} {stored:>7} {cpu}  {r['runs']}")
    return rows


if __name__ == "__main__":
    main()
