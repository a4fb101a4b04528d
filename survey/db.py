"""Engine, sessions and the declarative base shared by every model."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Named constraints let Alembic alter them later, on SQLite (batch mode) too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run beside the single writer; the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine with the settings this service relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pool_pre_ping recovers after the database restarts; the connect timeout
    # keeps a dead server from holding a citizen's request for long.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=5,
        connect_args={"connect_timeout": 2},
    )


def init_app(app: Flask) -> None:
    """Attach an engine and session factory to the app."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["sipas.engine"] = engine
    app.extensions["sipas.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["sipas.engine"]


def session() -> Session:
    """Return the session for this request or CLI command, opening it lazily."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sipas.sessionmaker"]()
    return g.db_session


View = TypeVar("View", bound=Callable[..., Any])


def commits(view: View) -> View:
    """Commit the request's session once, when the view returns; roll it back if the view raises.

    The one place a staff request commits: operations and the audit log only
    add and flush, so a change and the audit entry that records it are stored
    together or not at all. A view that refuses the input rolls back itself
    before it answers (an answer is a return, and a return commits).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = view(*args, **kwargs)
        except BaseException:
            if "db_session" in g:
                g.db_session.rollback()
            raise
        if "db_session" in g:
            g.db_session.commit()
        return result

    wrapper.commits = True  # type: ignore[attr-defined]  # copied up by functools.wraps; tests look for it
    return wrapper  # type: ignore[return-value]


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        try:
            db_session.close()
        except DBAPIError:
            # The rollback on close met a dead connection (database restarted):
            # SQLAlchemy has invalidated it, the pool reconnects; the page the
            # citizen got (503) must not turn into a bare 500 here.
            pass
