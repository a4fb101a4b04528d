"""Bytes per stored response on PostgreSQL and SQLite (issue 17.4: target < 1 KB on PostgreSQL).

    python bench/bench_storage.py [--responses 200000] [--db sqlite,postgresql]

Fills a scratch database with bench/dataset.py (COPY on PostgreSQL: every
criterion and expectation with 3 % item non-response, perception and
channel always, the respondent profile half the time, a comment on 15 %,
fingerprints and random submission keys as the form stores them), then
divides the size of the response tables with their indexes and TOAST
(`pg_total_relation_size`; SQLite: the `dbstat` pages of those tables and
their indexes) by the number of responses. Printed beside the baseline of
the same run: the size of `response` alone, the least any layout can cost.
PostgreSQL scratch database `sipas_storage_bench` is created and dropped.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import populate  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SCRATCH = "sipas_storage_bench"
TABLES = ("response", "answer", "comment")


def _sizes(engine) -> dict[str, int]:
    """Bytes of each response table that exists, with its indexes (and TOAST on PostgreSQL)."""
    from sqlalchemy import inspect, text

    present = [t for t in TABLES if inspect(engine).has_table(t)]
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return {t: conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": t}).scalar_one()
                    for t in present}
        out = {}
        for t in present:
            names = [t] + [r[0] for r in conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"), {"t": t})]
            out[t] = sum(conn.execute(text("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = :n"),
                                      {"n": n}).scalar_one() for n in names)
        return out


def measure(url: str, responses: int) -> tuple[int, dict[str, int]]:
    from sqlalchemy import create_engine, text

    populate(url, responses)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM response")).scalar_one()
    sizes = _sizes(engine)
    engine.dispose()
    return n, sizes


def _report(name: str, n: int, sizes: dict[str, int]) -> None:
    total = sum(sizes.values())
    parts = ", ".join(f"{t} {b / n:.0f}" for t, b in sizes.items())
    print(f"{name:<11} {n:>8} responses: {total / n:7.0f} B/response ({parts}); "
          f"baseline `response` alone {sizes['response'] / n:.0f} B; total {total / 2**20:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args()
    from sqlalchemy import create_engine, text

    for db in args.db.split(","):
        if db == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                _report("SQLite", *measure(f"sqlite:///{tmp}/storage.sqlite3", args.responses))
            continue
        admin = create_engine(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{SCRATCH}"'))
        try:
            _report("PostgreSQL", *measure(PG_ADMIN.rsplit("/", 1)[0] + "/" + SCRATCH, args.responses))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
