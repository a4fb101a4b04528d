"""Dashboard and public page latency for a unit with N (default 1 million) responses.

    python bench/bench_results.py [--responses 1000000] [--db sqlite,postgresql]
        [--pg-url postgresql://postgres@127.0.0.1:5432/sipas_perf] [--sqlite PATH]

Fills the database once (bench/dataset.py; reused when it already holds N
responses), then requests the pages through the app's WSGI stack (Flask test
client, logged-in analyst): cold (rollup cache empty: the page reads every
day live, it never builds) and warm (after `sipas results rollup --missing`,
which is timed too), beside a trivial staff page in the same run; also times
`sipas results rollup` rebuilding every cell from scratch.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import populate  # noqa: E402
from survey.config import normalise_database_url  # noqa: E402

ANALYST, PASSWORD = "bench-analyst", "bench-password-123"


def _count(engine) -> int:
    from sqlalchemy import inspect, text

    if not inspect(engine).has_table("response"):
        return 0
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM response")).scalar_one()


def prepare(url: str, responses: int):
    """Fill `url` up to `responses` responses; return a logged-in client and its app."""
    from sqlalchemy import create_engine, select

    from survey import create_app, db
    from survey.auth.operations import create_user
    from survey.db import Base
    from survey.models import StatCell, StatDay, Unit, User

    engine = create_engine(normalise_database_url(url))
    have = _count(engine)
    if have < responses:
        seconds = populate(url, responses - have)
        print(f"  filled {responses - have} responses in {seconds:.0f} s", flush=True)
    # Created by `sipas db upgrade` (migration 0002); kept for databases filled before it.
    Base.metadata.create_all(engine, tables=[StatCell.__table__, StatDay.__table__])
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "RATELIMIT_ENABLED": False,
                      "SIPAS_BASE_URL": "http://bench.test"})
    with app.app_context():
        s = db.session()
        unit = s.scalar(select(Unit).where(Unit.code == "31DEMO"))
        if s.scalar(select(User).where(User.username == ANALYST)) is None:
            create_user(s, ANALYST, "analyst", unit, PASSWORD)
            s.commit()
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/staff/login", data={"username": ANALYST, "password": PASSWORD, "csrf_token": token})
    assert done.status_code == 302, done.status_code
    return app, client


def _clear(app) -> None:
    from survey import db
    from survey.results.rollup import clear

    with app.app_context():
        clear(db.session())
        db.session().commit()


def timed_get(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return time.perf_counter() - start


def warm(client, path: str, repeat: int = 5) -> float:
    return statistics.median(timed_get(client, path) for _ in range(repeat))


def run(label: str, url: str, responses: int) -> list[dict]:
    from survey.results.filters import today

    print(f"{label}: preparing {responses} responses", flush=True)
    app, client = prepare(url, responses)
    end = today()
    dashboard = f"/staff/results/?ky=custom&tu={end - timedelta(days=366)}&den={end}"
    public = "/cong-khai/31DEMO"
    rows = [{"scenario": f"staff home, baseline ({label})", "seconds": warm(client, "/staff/")}]
    _clear(app)
    rows.append({"scenario": f"dashboard cold, reads live ({label})", "seconds": timed_get(client, dashboard)})
    rows.append({"scenario": f"public page cold, reads live ({label})", "seconds": timed_get(client, public)})
    start = time.perf_counter()
    done = app.test_cli_runner().invoke(args=["results", "rollup", "--missing"])
    assert done.exit_code == 0, done.output
    rows.append({"scenario": f"sipas results rollup --missing, empty cache ({label})",
                 "seconds": time.perf_counter() - start})
    rows.append({"scenario": f"dashboard warm ({label})", "seconds": warm(client, dashboard)})
    rows.append({"scenario": f"public page warm ({label})", "seconds": warm(client, public)})
    start = time.perf_counter()
    done = app.test_cli_runner().invoke(args=["results", "rollup"])
    assert done.exit_code == 0, done.output
    rows.append({"scenario": f"sipas results rollup, all days ({label})", "seconds": time.perf_counter() - start})
    app.extensions["sipas.engine"].dispose()
    return rows


def database_options(parser: argparse.ArgumentParser) -> None:
    """The options bench_results and bench_exports share: size and databases."""
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/sipas_perf")
    parser.add_argument("--sqlite", default="/tmp/sipas_bench_results.sqlite3")


def on_each_database(args, run) -> list[dict]:
    """Rows of `run(label, url, responses)` on every database asked for."""
    rows = []
    if "sqlite" in args.db:
        rows += run("SQLite", f"sqlite:///{args.sqlite}", args.responses)
    if "postgresql" in args.db:
        rows += run("PostgreSQL", args.pg_url, args.responses)
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_options(parser)
    args = parser.parse_args(argv)
    rows = on_each_database(args, run)
    print(f"\nResults pages, {args.responses} responses in one commune, Flask test client")
    for r in rows:
        print(f"{r['scenario']:52} {r['seconds'] * 1000:10.0f} ms")
    return rows


if __name__ == "__main__":
    main()
