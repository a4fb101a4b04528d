"""City-size benchmark: 114 communes under one city, ~1.2 M responses over a year, on PostgreSQL.

    python bench/city.py [--pg-url postgresql://postgres@127.0.0.1:5432/bench_city]
                         [--communes 114] [--scale 1.0] [--keep]
    python bench/city.py --pg-url ... --rollup-only [--units N]   # time the rollup build alone

Fills the database once (67 xã, 45 phường, 2 đặc khu, each with two
counters and its own procedures: eight of the shared catalogue and two local
ones; 5,000–20,000 responses each times --scale, by COPY through
bench/dataset.py's `write_responses`), then prints, beside a bare
`SELECT count(*)` over the responses measured in the same run: the city view
cold (empty rollup cache: every day read live) and warm, one commune's
dashboard cold and warm, the public city page, the rollup build of the whole
city, the city XLSX export, and the database size per million responses.
Every page is requested in a fresh process (Flask test client, a city
analyst logged in), which reports its wall time and peak memory (max RSS):
one process is one worker.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset import CHUNK, write_responses  # noqa: E402
from survey.config import normalise_database_url  # noqa: E402

ANALYST, PASSWORD = "bench-city-analyst", "bench-password-123"
CITY_CODE = "BENCH-TP"
KINDS = ["commune"] * 67 + ["ward"] * 45 + ["special"] * 2
NAMES = {"commune": "Xã", "ward": "Phường", "special": "Đặc khu"}
DOWNLOADS = {"xlsx"}


def _app(url: str):
    from survey import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "RATELIMIT_ENABLED": False,
                       "SIPAS_BASE_URL": "http://bench.test", "SIPAS_ROLLUP_EVERY_MINUTES": 0})


def _catalogue(app, communes: int, rng) -> list[tuple]:
    """Create the city, its communes, counters and local procedures; return each commune's catalogue."""
    from sqlalchemy import select

    from survey import db
    from survey.auth.operations import create_user
    from survey.catalogue import operations as ops
    from survey.models import Questionnaire, Service, Unit, User

    out = []
    with app.app_context():
        s = db.session()
        city = ops.upsert_unit(s, CITY_CODE, "Thành phố Benchmark", "city")
        shared = list(s.scalars(select(Service).where(Service.unit_id.is_(None)).order_by(Service.code)))
        qid = s.scalar(select(Questionnaire.id).where(Questionnaire.code == "sipas-dv"))
        for i in range(communes):
            kind = KINDS[i % len(KINDS)]
            unit = ops.upsert_unit(s, f"B{i:04d}", f"{NAMES[kind]} Bench {i:03d}", kind, city)
            s.flush()
            field = shared[0].field
            local = [ops.upsert_service(s, f"B{i:04d}.{k}", f"Thủ tục riêng {k} của {unit.name}", field,
                                        owner_id=unit.id) for k in (1, 2)]
            mine = [shared[j] for j in sorted(rng.choice(len(shared), min(8, len(shared)), replace=False))] + local
            half = len(mine) // 2
            points = [ops.upsert_service_point(s, unit, "Quầy một cửa", mine[:half]),
                      ops.upsert_service_point(s, unit, "Quầy hai", mine[half:])]
            s.flush()
            pairs = [(v.id, p.id) for p in points for v in p.services]
            out.append((np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]), qid, unit.id))
        if s.scalar(select(User).where(User.username == ANALYST)) is None:
            create_user(s, ANALYST, "analyst", s.get(Unit, city.id), PASSWORD)
        s.commit()
    return out


def fill(url: str, communes: int, scale: float, seed: int = 2025) -> tuple[int, float]:
    """Fill an empty database; return (responses, seconds)."""
    from sqlalchemy import create_engine, text

    from bench._server import base_env, prepare_database
    from survey.models import rollup_triggers
    from survey.questionnaire.loader import shipped
    from survey.questionnaire.sync import DEFAULT

    prepare_database(base_env(url))
    rng = np.random.default_rng(seed)
    app = _app(url)
    catalogues = _catalogue(app, communes, rng)
    app.extensions["sipas.engine"].dispose()
    sizes = (scale * (5000 + 15000 * rng.beta(1.2, 2.1, communes))).astype(int)  # mean ~10,500
    q = shipped()[DEFAULT]
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=365)
    engine = create_engine(normalise_database_url(url))
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET TIME ZONE 'UTC'"))
        first = (conn.execute(text("SELECT coalesce(max(id), 0) FROM response")).scalar_one() or 0) + 1
        for statement in rollup_triggers.drop_statements("postgresql"):  # a bulk load: no trigger per row
            conn.exec_driver_sql(statement)
        conn.execute(text("DELETE FROM stat_day"))
        conn.execute(text("DELETE FROM stat_cell"))
        for catalogue, n in zip(catalogues, sizes):
            for offset in range(0, int(n), CHUNK):
                k = min(CHUNK, int(n) - offset)
                write_responses(conn, rng, first, k, catalogue, q, start, 365)
                first += k
        rollup_triggers.create(conn)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('response', 'id'), (SELECT max(id) FROM response))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("response", "comment"):  # the answers are a column of response (migration 0013)
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    engine.dispose()
    return int(sizes.sum()), time.perf_counter() - t0


def _login(app):
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/staff/login", data={"username": ANALYST, "password": PASSWORD, "csrf_token": token})
    assert done.status_code == 302, done.status_code
    return client


def _paths(app) -> dict[str, str]:
    from sqlalchemy import select

    from survey import db
    from survey.models import Unit
    from survey.results.filters import today

    end = today()
    period = f"ky=custom&tu={end - timedelta(days=366)}&den={end}"
    with app.app_context():
        commune = db.session().scalar(select(Unit.id).where(Unit.code == "B0000"))
    return {"city": f"/staff/results/city?{period}", "commune": f"/staff/results/?{period}&don_vi={commune}",
            "city-year": "/staff/results/city", "commune-year": f"/staff/results/?don_vi={commune}",
            "public": f"/cong-khai/{CITY_CODE}/cac-don-vi", "xlsx": f"/staff/results/city.xlsx?{period}"}


def measure(url: str, page: str, repeat: int) -> dict:
    """In this process: request `page` `repeat` times; wall times and peak RSS (MB)."""
    app = _app(url)
    client = _login(app)
    path = _paths(app)[page]
    client.get("/staff/")  # imports and first-request set-up are not the page's cost
    # downloads are POSTs with the session's CSRF token (they are audited)
    form = client.get("/staff/account/password").get_data(as_text=True)
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        response = (client.post(path, data={"csrf_token": token}) if page in DOWNLOADS else client.get(path))
        assert response.status_code == 200, (path, response.status_code)
        _ = response.data
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)  # the worker's own CPU: what a loaded host's wall time hides
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": times, "cpu_seconds": cpu, "rss_before_mb": before, "peak_rss_mb": peak}


def _child(url: str, page: str, repeat: int = 1) -> dict:
    done = subprocess.run([sys.executable, __file__, "--pg-url", url, "--measure", page, "--repeat", str(repeat)],
                          capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sql(url: str, statement: str):
    from sqlalchemy import create_engine, text

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        t0 = time.perf_counter()
        value = conn.execute(text(statement)).scalar_one()
        seconds = time.perf_counter() - t0
    engine.dispose()
    return value, seconds


def _clear(url: str) -> None:
    """Empty both tiers of the cache (markers, day cells, month cells): the next build starts from nothing."""
    from sqlalchemy import create_engine, text

    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:  # TRUNCATE, not DELETE: the sizes measured after the build are its own
        conn.execute(text("TRUNCATE stat_month_day, stat_month_cell, stat_day, stat_cell"))
    engine.dispose()


def _backend_cpu(engine) -> float:
    """CPU seconds used so far by the PostgreSQL backends of `engine`'s pooled connections (same host)."""
    from sqlalchemy import text

    total = 0.0
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars()
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _rollup(url: str, communes: int | None = None, cpu: dict | None = None) -> float:
    """Seconds to build the cache of the whole city (or of its first `communes`); `cpu` gets CPU seconds."""
    from sqlalchemy import select

    from survey import db
    from survey.models import Unit
    from survey.results import rollup

    app = _app(url)
    with app.app_context():
        units = None
        if communes is not None:
            units = list(db.session().scalars(select(Unit.id).where(Unit.code.like("B%"))
                                              .order_by(Unit.code).limit(communes)))
            db.session().rollback()
        own = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        rollup.build(db.engine(), ("top2box",), units)
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_SELF)
        if cpu is not None:
            cpu["python"] = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
            cpu["postgres"] = _backend_cpu(db.engine())  # its backends were started for the build
    app.extensions["sipas.engine"].dispose()
    return seconds


def rollup_only(url: str, communes: int | None) -> None:
    """Clear every cache table, time one build, report seconds per million and the cells' size."""
    where = "" if communes is None else (
        " WHERE unit_id IN (SELECT id FROM unit WHERE code LIKE 'B%' ORDER BY code LIMIT "
        f"{int(communes)})")
    responses, _ = _sql(url, "SELECT count(*) FROM response" + where)
    _clear(url)
    load = Path("/proc/loadavg").read_text().split()[:3]
    cpu: dict = {}
    seconds = _rollup(url, communes, cpu)
    cells, _ = _sql(url, "SELECT pg_total_relation_size('stat_cell') + pg_total_relation_size('stat_month_cell')")
    rows, _ = _sql(url, "SELECT (SELECT count(*) FROM stat_cell) || ' day cells, ' || "
                        "(SELECT count(*) FROM stat_month_cell) || ' month cells'")
    after = Path("/proc/loadavg").read_text().split()[:3]
    print(f"rollup build: {responses} responses, {seconds:.1f} s = {seconds / (responses / 1e6):.1f} s per million; "
          f"{rows}, {cells / 2**20:.0f} MB (stat_cell + stat_month_cell); CPU: Python {cpu['python']:.1f} s, "
          f"PostgreSQL backends {cpu['postgres']:.1f} s; "
          f"load average {' '.join(load)} before, {' '.join(after)} after")


def run(url: str, communes: int, scale: float) -> list[tuple[str, str, str]]:
    responses, _ = _sql(url, "SELECT count(*) FROM response") if _has_data(url) else (0, 0)
    if not responses:
        responses, seconds = fill(url, communes, scale)
        print(f"filled {responses} responses in {seconds:.0f} s", flush=True)
    million = responses / 1e6
    rows = []
    _, base = _sql(url, "SELECT count(*) FROM response")
    _, base = min((_sql(url, "SELECT count(*) FROM response") for _ in range(3)), key=lambda t: t[1])
    rows.append(("baseline: SELECT count(*) FROM response", f"{base * 1000:.0f} ms", ""))
    _clear(url)
    for page, label in (("city", "city view cold (no cache: reads live)"),
                        ("commune", "one commune's dashboard cold")):
        m = _child(url, page)
        rows.append((label, f"{m['seconds'][0] * 1000:.0f} ms", f"peak RSS {m['peak_rss_mb']:.0f} MB"))
        print(rows[-1], flush=True)
    seconds = _rollup(url)
    rows.append(("rollup build, whole city", f"{seconds:.1f} s", f"{seconds / million:.1f} s per million"))
    print(rows[-1], flush=True)
    for page, label in (("city", "city view warm, last 366 days"), ("city-year", "city view warm, this year"),
                        ("commune", "one commune's dashboard warm, last 366 days"),
                        ("commune-year", "one commune's dashboard warm, this year"),
                        ("public", "public city page warm"), ("xlsx", "city XLSX export warm")):
        m = _child(url, page, repeat=4)
        warm, cpu = statistics.median(m["seconds"][1:]), statistics.median(m["cpu_seconds"][1:])
        rows.append((label, f"{warm * 1000:.0f} ms", f"worker CPU {cpu * 1000:.0f} ms, peak RSS "
                                                      f"{m['peak_rss_mb']:.0f} MB "
                                                      f"(worker {m['rss_before_mb']:.0f} MB before)"))
        print(rows[-1], flush=True)
    size, _ = _sql(url, "SELECT pg_total_relation_size('response') + pg_total_relation_size('comment')")
    cells, _ = _sql(url, "SELECT pg_total_relation_size('stat_cell') + pg_total_relation_size('stat_month_cell')")
    rows.append(("database: responses, answers, comments", f"{size / 2**20 / million:.0f} MB per million",
                 f"{size / responses:.0f} bytes per response"))
    rows.append(("database: rollup cells", f"{cells / 2**20:.0f} MB", f"{cells / responses:.0f} bytes per response"))
    print(f"\nCity benchmark: {communes} communes, {responses} responses, PostgreSQL, Flask test client; "
          f"load average at the end {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for r in rows:
        print(f"{r[0]:42} {r[1]:>22}  {r[2]}")
    return rows


def _has_data(url: str) -> bool:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(normalise_database_url(url))
    try:
        return inspect(engine).has_table("response")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_city")
    parser.add_argument("--communes", type=int, default=114)
    parser.add_argument("--scale", type=float, default=1.0, help="responses per commune times this")
    parser.add_argument("--fill-only", action="store_true", help="fill the database and stop")
    parser.add_argument("--rollup-only", action="store_true",
                        help="clear the rollup cache (day and month tiers), time one build and stop")
    parser.add_argument("--units", type=int, help="with --rollup-only: build only the first N communes")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.pg_url, args.measure, args.repeat)))
        return
    if args.rollup_only:
        rollup_only(args.pg_url, args.units)
        return
    if args.fill_only:
        responses, seconds = fill(args.pg_url, args.communes, args.scale)
        print(f"filled {responses} responses in {seconds:.0f} s")
        return
    run(args.pg_url, args.communes, args.scale)


if __name__ == "__main__":
    main()
