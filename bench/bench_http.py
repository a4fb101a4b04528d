"""HTTP benchmark: the citizen form GET and response POST under gunicorn (2 workers),
on SQLite and PostgreSQL, beside a bare Flask app under the same settings.

    python bench/bench_http.py [--seconds 10] [--connections 50] [--pg-url URL]

Needs `wrk` (Debian package). Prints requests/s, p50/p99 latency and the ratio
to the bare-Flask baseline measured in the same run, plus the form's page weight.
"""
from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import base_env, gunicorn, prepare_database  # noqa: E402
from survey.questionnaire.loader import shipped  # noqa: E402
from survey.questionnaire.sync import DEFAULT  # noqa: E402

LUA = Path(__file__).with_name("post.lua")


def wrk(url: str, seconds: int, connections: int, env: dict | None = None, script: Path | None = None) -> dict:
    """Run wrk and parse requests/s, latency percentiles and errors."""
    # Like a phone's browser, which always offers gzip.
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-H", "Accept-Encoding: gzip, deflate"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, env=env, check=True).stdout
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}

    def latency(pct: str) -> float:
        value, suffix = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * unit[suffix]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def _session(form_url: str) -> tuple[str, str, str]:
    """Open the form once like a phone; return the session cookie, the fixed part
    of a POST body and the criterion codes post.lua answers at random."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(form_url).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    service = re.search(r'name="service" value="([^"]+)"', html).group(1)
    q = shipped()[DEFAULT]
    fields = {"csrf_token": token, "service": service}
    fields.update({m.code: "3" for m in q.expectations})
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, urllib.parse.urlencode(fields), ",".join(c.code for c in q.criteria)


def page_weight(form_url: str) -> dict:
    """Bytes, bytes on the wire (as served to a browser offering gzip) and request count of the form."""
    request = urllib.request.Request(form_url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as answer:
        wire = answer.read()
        encoding = answer.headers.get("Content-Encoding")
    html = gzip.decompress(wire) if encoding == "gzip" else wire
    subresources = re.findall(rb'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html)
    third_party = [u for u in subresources if u.startswith((b"http:", b"https:", b"//"))]
    return {"bytes": len(html), "gzip_bytes": len(wire) if encoding == "gzip" else None,
            "requests": 1 + len(subresources), "third_party": len(third_party)}


def _first_form_url(database_url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        token = conn.execute(text("SELECT token FROM service_point ORDER BY id LIMIT 1")).scalar_one()
    engine.dispose()
    return f"/s/{token}"


def _count(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM response")).scalar_one()
    engine.dispose()
    return n


class Service:
    """The survey service under gunicorn on one database, with what its scenarios need."""

    def __init__(self, label: str, database_url: str, stack: ExitStack, connections: int) -> None:
        env = base_env(database_url)
        prepare_database(env)
        self.label, self.connections = label, connections
        self.sa_url = database_url.replace("postgresql://", "postgresql+psycopg://")
        self.path = _first_form_url(self.sa_url)
        self.base = stack.enter_context(gunicorn("survey:create_app()", env))
        wrk(self.url, 2, connections)  # warm-up: pools, caches, bytecode
        cookie, body, criteria = _session(self.url)
        self.post_env = {"SIPAS_BODY": body, "SIPAS_COOKIE": cookie, "SIPAS_CRITERIA": criteria,
                         "PATH": "/usr/bin:/bin"}

    @property
    def url(self) -> str:
        return self.base + self.path

    def get(self, seconds: int) -> dict:
        return wrk(self.url, seconds, self.connections)

    def post(self, seconds: int) -> dict:
        before = _count(self.sa_url)
        result = wrk(self.url, seconds, self.connections, env=self.post_env, script=LUA)
        return {**result, "stored": _count(self.sa_url) - before}


def _median_run(runs: list[dict]) -> dict:
    """The run with the median requests/s; errors and stored responses summed over all runs."""
    middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    total = {k: sum(r.get(k, 0) for r in runs) for k in ("non_2xx_3xx", "socket_errors", "stored", "requests")}
    return {**middle, **total, "runs": [round(r["rps"]) for r in runs]}


def _fresh_pg(url: str) -> str | None:
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"PostgreSQL unavailable ({exc}); skipping the PostgreSQL rows", file=sys.stderr)
        return None
    return url


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="turns of every scenario; medians are reported")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/sipas_bench")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    # Every server runs for the whole benchmark and the scenarios take turns,
    # round after round: this machine's speed drifts (other tenants), so a
    # baseline measured minutes apart from its service would mislead. Each
    # figure is the median round's; the ratio compares medians.
    scenarios: dict[str, list[dict]] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        bare = stack.enter_context(gunicorn("bench.bare_app:app", base_env("sqlite://"))) + "/"
        wrk(bare, 2, args.connections)
        services = [Service("SQLite", f"sqlite:///{tmp}/bench.sqlite3", stack, args.connections)]
        pg = _fresh_pg(args.pg_url)
        if pg:
            services.append(Service("PostgreSQL", pg, stack, args.connections))
        weight = page_weight(services[0].url)
        for _ in range(args.rounds):
            scenarios.setdefault("bare Flask GET (baseline)", []).append(wrk(bare, args.seconds, args.connections))
            for service in services:
                scenarios.setdefault(f"form GET ({service.label})", []).append(service.get(args.seconds))
                scenarios.setdefault(f"response POST ({service.label})", []).append(service.post(args.seconds))
    rows = [{"scenario": name, **_median_run(runs)} for name, runs in scenarios.items()]
    baseline = rows[0]["rps"]
    print(f"\nHTTP, gunicorn 2 workers x 4 threads, wrk 2 threads, {args.connections} connections, "
          f"{args.seconds} s each, {args.rounds} interleaved rounds (median round shown)")
    print(f"{'scenario':34} {'req/s':>8} {'vs base':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'stored':>7}"
          f"  req/s per round")
    for r in rows:
        r["ratio"] = r["rps"] / baseline
        stored = r["stored"] if r["scenario"].startswith("response POST") else ""
        print(f"{r['scenario']:34} {r['rps']:8.0f} {r['ratio']:8.0%} {r['p50']:8.1f} {r['p99']:8.1f} "
              f"{r['non_2xx_3xx'] + r['socket_errors']:7d} {stored:>7}  {r['runs']}")
    print(f"\nCitizen form page weight: {weight['bytes']} bytes, {weight['gzip_bytes']} bytes on the wire "
          f"(served gzipped), {weight['requests']} request(s), {weight['third_party']} third-party")
    return rows


if __name__ == "__main__":
    main()
