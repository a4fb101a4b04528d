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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import base_env, gunicorn, prepare_database  # noqa: E402
from survey.questionnaire.loader import shipped  # noqa: E402
from survey.questionnaire.sync import DEFAULT  # noqa: E402

LUA = Path(__file__).with_name("post.lua")


def wrk(url: str, seconds: int, connections: int, env: dict | None = None, script: Path | None = None) -> dict:
    """Run wrk and parse requests/s, latency percentiles and errors."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
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


def _session(form_url: str) -> tuple[str, str]:
    """Open the form once like a phone; return the session cookie and a POST body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(form_url).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    service = re.search(r'name="service" value="([^"]+)"', html).group(1)
    q = shipped()[DEFAULT]
    fields = {"csrf_token": token, "service": service}
    fields.update({c.code: str(4 + i % 2) for i, c in enumerate(q.criteria)})
    fields.update({m.code: "3" for m in q.expectations})
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, urllib.parse.urlencode(fields)


def page_weight(form_url: str) -> dict:
    """Bytes, gzip bytes and request count of the citizen form."""
    html = urllib.request.urlopen(form_url).read()
    subresources = re.findall(rb'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html)
    return {"bytes": len(html), "gzip_bytes": len(gzip.compress(html, 6)), "requests": 1 + len(subresources)}


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


def run_service(label: str, database_url: str, args) -> tuple[list[dict], dict]:
    env = base_env(database_url)
    prepare_database(env)
    path = _first_form_url(database_url.replace("postgresql://", "postgresql+psycopg://"))
    rows = []
    with gunicorn("survey:create_app()", env) as base:
        wrk(base + path, 2, args.connections)  # warm-up: pools, caches, bytecode
        rows.append({"scenario": f"form GET ({label})", **wrk(base + path, args.seconds, args.connections)})
        cookie, body = _session(base + path)
        before = _count(database_url.replace("postgresql://", "postgresql+psycopg://"))
        post_env = {"SIPAS_BODY": body, "SIPAS_COOKIE": cookie, "PATH": "/usr/bin:/bin"}
        result = wrk(base + path, args.seconds, args.connections, env=post_env, script=LUA)
        stored = _count(database_url.replace("postgresql://", "postgresql+psycopg://")) - before
        rows.append({"scenario": f"response POST ({label})", **result, "stored": stored})
        weight = page_weight(base + path)
    return rows, weight


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
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/sipas_bench")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    rows = []
    with gunicorn("bench.bare_app:app", base_env("sqlite://")) as base:
        wrk(base + "/", 2, args.connections)
        rows.append({"scenario": "bare Flask GET (baseline)", **wrk(base + "/", args.seconds, args.connections)})
    with tempfile.TemporaryDirectory() as tmp:
        service_rows, weight = run_service("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
        rows += service_rows
    pg = _fresh_pg(args.pg_url)
    if pg:
        rows += run_service("PostgreSQL", pg, args)[0]
    baseline = rows[0]["rps"]
    print(f"\nHTTP, gunicorn 2 workers x 4 threads, wrk 2 threads, {args.connections} connections, {args.seconds} s each")
    print(f"{'scenario':34} {'req/s':>8} {'vs base':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'stored':>7}")
    for r in rows:
        r["ratio"] = r["rps"] / baseline
        print(f"{r['scenario']:34} {r['rps']:8.0f} {r['ratio']:8.0%} {r['p50']:8.1f} {r['p99']:8.1f} "
              f"{r['non_2xx_3xx'] + r['socket_errors']:7d} {r.get('stored', ''):>7}")
    print(f"\nCitizen form page weight: {weight['bytes']} bytes, {weight['gzip_bytes']} bytes gzipped, "
          f"{weight['requests']} request(s), 0 third-party")
    return rows


if __name__ == "__main__":
    main()
