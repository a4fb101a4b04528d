"""Private databases for tests that replace or inspect a whole database.

Backup/restore must never run against the shared `test` database, which
other test runs truncate: each test gets its own, dropped afterwards.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from survey.config import normalise_database_url
from survey.db import Base

ADMIN_URL = os.environ.get("SIPAS_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def require_postgres() -> str:
    """Return the admin URL, or skip (fail under CI) when no server answers."""
    engine = create_engine(normalise_database_url(ADMIN_URL), connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            pass
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {ADMIN_URL} is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL at {ADMIN_URL}")
    finally:
        engine.dispose()
    return ADMIN_URL


@contextmanager
def private_database(kind: str, tmp_path):
    """Yield the URL of a new, empty database with the schema; drop it afterwards."""
    import survey.models  # noqa: F401

    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.sqlite3'}"
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    admin = create_engine(normalise_database_url(require_postgres()), isolation_level="AUTOCOMMIT")
    name = f"sipas_rel_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_database_url(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
