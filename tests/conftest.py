"""Fixtures: an app on a fresh database per test, on SQLite or PostgreSQL.

Set SIPAS_TEST_DATABASE_URL=postgresql://… to run the suite on PostgreSQL;
if that server cannot be reached the run fails instead of skipping.
"""
from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text

from survey import create_app, db
from survey.config import normalise_database_url
from survey.db import Base

PG_URL = os.environ.get("SIPAS_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def pg_url():
    """Return the PostgreSQL URL under test with a fresh schema, or None on SQLite."""
    if not PG_URL:
        yield None
        return
    import survey.models  # noqa: F401

    url = normalise_database_url(PG_URL)
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(engine)
    except Exception as exc:  # the run must fail, never silently fall back to SQLite
        pytest.exit(f"SIPAS_TEST_DATABASE_URL={PG_URL} is unreachable: {exc}", returncode=3)
    yield url
    engine.dispose()


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, pg_url):
    """A URL to an empty database with the current schema."""
    if pg_url:
        _truncate_all(pg_url)
        return pg_url
    url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    import survey.models  # noqa: F401

    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def app(database_url, tmp_path):
    """The application on a fresh database."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "SIPAS_BASE_URL": "http://sipas.test",
    })
    yield app
    app.extensions["sipas.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """Seed the demo commune; return ids and tokens (plain values, no ORM objects)."""
    from survey import demo as demo_data
    from survey.questionnaire.sync import sync_shipped

    with app.app_context():
        s = db.session()
        sync_shipped(s)
        commune, points = demo_data.seed(s)
        s.commit()
        return SimpleNamespace(
            unit_id=commune.id,
            unit_code=commune.code,
            city_id=commune.parent_id,
            points=[
                SimpleNamespace(id=p.id, token=p.token, services=[v.code for v in p.services])
                for p in points
            ],
        )
