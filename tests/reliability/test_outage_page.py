"""The friendly 503 during a database outage, for citizens and logged-in staff alike."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from survey.db import make_engine
from tests.staff.conftest import login, staff  # noqa: F401  (fixture)


def _database_goes_down(app, tmp_path):
    # An engine on a file that cannot be opened: every connect raises OperationalError,
    # as a stopped PostgreSQL does (the real outage drill is test_faults.py).
    dead = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}")
    app.extensions["sipas.engine"] = dead
    app.extensions["sipas.sessionmaker"] = sessionmaker(dead, expire_on_commit=False)


@pytest.mark.parametrize("path", ["/staff/", "/staff/admin/users", "/staff/plans/", "/staff/login"])
def test_logged_in_staff_get_the_503_page(app, client, staff, tmp_path, path):
    login(client, "admin1")
    live = app.extensions["sipas.engine"]
    _database_goes_down(app, tmp_path)
    try:
        answer = client.get(path)
    finally:
        live.dispose()
    assert answer.status_code == 503, answer.status_code
    page = answer.get_data(as_text=True)
    assert "Hệ thống tạm thời gián đoạn" in page
    assert answer.headers["Retry-After"]


def test_citizen_form_gets_the_503_page(app, demo, tmp_path):
    client = app.test_client()
    _database_goes_down(app, tmp_path)
    answer = client.get(f"/s/{demo.points[0].token}")
    assert answer.status_code == 503
    assert "Hệ thống tạm thời gián đoạn" in answer.get_data(as_text=True)
