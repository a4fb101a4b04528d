"""A pooled connection the server dropped never costs a citizen an error (issue 17.7).

pool_pre_ping's round trip on every checkout gave way to a poll of the
socket at checkout (survey/db.py closed_by_server) and, for a connection that
dies after it, one more run of the citizen's page (retried_if_disconnected).
PostgreSQL ends the backends here with pg_terminate_backend, which is what
a restart does to every connection of the pool.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey import db
from survey.models import Response
from tests.citizen.helpers import full_answers, open_form

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(app):
    if not app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("PostgreSQL backends")
    assert app.extensions["sipas.engine"].pool._pre_ping is False  # the round trip per checkout is gone
    return app


def _terminate_backends(app) -> int:
    """End every other backend of the test database (the app's pool) and wait until they are gone."""
    # Autocommit: pg_stat_activity is read afresh by each statement, not once per transaction.
    admin = create_engine(app.config["DATABASE_URL"], isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).scalars().all()
            for pid in pids:
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            deadline = time.monotonic() + 10
            while conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:p)"),
                               {"p": list(pids)}).scalar_one():
                assert time.monotonic() < deadline, "the backends outlived pg_terminate_backend"
                time.sleep(0.02)
    finally:
        admin.dispose()
    time.sleep(0.05)  # the backends' goodbye on the loopback
    return len(pids)


def _count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Response.id)))


def _form(client, point) -> dict[str, str]:
    return {**open_form(client, f"/s/{point.token}"), **full_answers(), "service": point.services[0]}


def _without_the_retry(monkeypatch) -> None:
    # So that only the check at checkout can save the request.
    monkeypatch.setattr(db, "retry_if_disconnected", lambda work: work())


def test_the_next_post_after_its_backend_was_terminated_is_stored(pg_app, client, demo, monkeypatch):
    """Found at checkout: the poll sees the closed socket, the pool connects anew."""
    _without_the_retry(monkeypatch)
    point = demo.points[0]
    assert client.post(f"/s/{point.token}", data=_form(client, point)).status_code == 303  # a pooled connection
    next_phone = pg_app.test_client()
    form = _form(next_phone, point)
    assert _terminate_backends(pg_app) >= 1
    assert next_phone.post(f"/s/{point.token}", data=form).status_code == 303
    assert _count(pg_app) == 2


def test_the_first_form_opened_after_a_restart_shows(pg_app, demo, monkeypatch):
    _without_the_retry(monkeypatch)
    pg_app.config["SIPAS_FORM_CACHE_SECONDS"] = 0  # every GET reads the counter from the database
    phone = pg_app.test_client()
    point = demo.points[0]
    assert phone.get(f"/s/{point.token}").status_code == 200
    assert _terminate_backends(pg_app) >= 1
    assert pg_app.test_client().get(f"/s/{point.token}").status_code == 200


def test_a_connection_that_dies_after_checkout_is_retried_once(pg_app, demo, monkeypatch):
    point = demo.points[0]
    phone = pg_app.test_client()
    assert phone.post(f"/s/{point.token}", data=_form(phone, point)).status_code == 303
    next_phone = pg_app.test_client()
    form = _form(next_phone, point)
    _terminate_backends(pg_app)
    monkeypatch.setattr(db, "closed_by_server", lambda _conn: False)  # the checkout misses it: the race
    assert next_phone.post(f"/s/{point.token}", data=form).status_code == 303
    assert _count(pg_app) == 2


def test_a_commit_whose_outcome_was_lost_is_stored_once(pg_app, demo, monkeypatch):
    """The COMMIT went through but its answer was lost with the connection: the retry is a replay, not a copy."""
    point = demo.points[0]
    phone = pg_app.test_client()
    form = _form(phone, point)
    real_commit = Session.commit
    failed = []

    def commit_then_lose_the_answer(self):
        real_commit(self)
        if not failed and _count(pg_app) == 1:
            failed.append(True)
            lost = OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
            lost.connection_invalidated = True
            raise lost

    monkeypatch.setattr(Session, "commit", commit_then_lose_the_answer)
    page = phone.post(f"/s/{point.token}", data=form)
    assert failed and page.status_code == 303  # the citizen is thanked…
    assert _count(pg_app) == 1                 # …and the response is stored once


def test_a_server_that_stays_down_is_not_retried_forever(monkeypatch):
    calls = []

    def down():
        calls.append(1)
        error = OperationalError("BEGIN", {}, Exception("connection refused"))
        error.connection_invalidated = True
        raise error

    monkeypatch.setattr(db, "session", lambda: type("S", (), {"rollback": lambda self: None})())
    with pytest.raises(OperationalError):
        db.retry_if_disconnected(down)
    assert len(calls) == 2


def test_other_database_errors_are_not_retried(monkeypatch):
    calls = []

    def broken():
        calls.append(1)
        raise OperationalError("INSERT", {}, Exception("deadlock detected"))

    with pytest.raises(OperationalError):
        db.retry_if_disconnected(broken)
    assert len(calls) == 1
