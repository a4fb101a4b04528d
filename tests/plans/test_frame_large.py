"""A city's year of dossiers (200,000 rows) imports on both databases within a stated time.

Before batching, 70,000 rows failed on PostgreSQL with "number of parameters
must be between 0 and 65535" (the existing dossiers were looked up with one
IN list of every code in the file).
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from survey import db
from survey.frame.operations import import_dossiers
from survey.models import Dossier
from survey.uploads import read_table

ROWS = 200_000
# Stated limit per import. Measured on the shared 2-core machine under load:
# 17 s on SQLite and 36 s on PostgreSQL for 200,000 new rows, 16 s and 35 s
# for 100,000 updates (slow: the whole test takes 1-2 minutes).
SECONDS = 60

pytestmark = pytest.mark.slow


def _file(service: str, rows: int) -> bytes:
    lines = ["Mã hồ sơ;Mã TTHC;Ngày tiếp nhận"]
    lines += [f"HS{i:07d};{service};{1 + i % 28:02d}/02/2025" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_two_hundred_thousand_dossiers_import_and_reimport(app, demo):
    data = _file(demo.points[0].services[0], ROWS)
    assert len(data) < 10 * 1024 * 1024  # within the upload limit
    headers, rows = read_table("hoso.csv", data)
    with app.app_context():
        s = db.session()
        started = time.perf_counter()
        report = import_dossiers(s, demo.unit_id, headers, rows)
        s.commit()
        first = time.perf_counter() - started
        assert (report.created, report.updated, report.errors) == (ROWS, 0, [])
        assert s.scalar(select(func.count()).select_from(Dossier)) == ROWS
        started = time.perf_counter()
        again = import_dossiers(s, demo.unit_id, headers, rows[:100_000])
        s.commit()
        second = time.perf_counter() - started
        assert (again.created, again.updated) == (0, 100_000)
        assert s.scalar(select(func.count()).select_from(Dossier)) == ROWS
    assert first < SECONDS and second < SECONDS, (first, second)
    print(f"200,000 rows: first import {first:.1f} s, re-import of 100,000 {second:.1f} s")
