"""Engine, sessions and the declarative base shared by every model."""
from __future__ import annotations

import functools
import select
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
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


def closed_by_server(dbapi_connection) -> bool:
    """Tell, without a round trip, whether the server has dropped this idle connection.

    A PostgreSQL server that restarts, or a backend ended by
    pg_terminate_backend or idle_session_timeout, sends its last message and
    closes the socket; an idle connection in the pool has nothing else to
    read. So a readable socket (or a hang-up) means the connection is dead.
    One poll() of the socket, microseconds, where pool_pre_ping's SELECT was
    a round trip on every checkout (15 % of a response POST's time, issue 17.7).
    """
    if dbapi_connection.closed or getattr(dbapi_connection, "broken", False):
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _check_on_checkout(dbapi_connection, _record, _proxy) -> None:
    # DisconnectionError makes the pool discard this connection and check
    # out another (a new one, when the server restarted), up to three times.
    if closed_by_server(dbapi_connection):
        raise DisconnectionError("the server closed this pooled connection")


def make_engine(url: str) -> Engine:
    """Create an engine with the settings this service relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A connection the server dropped (a restart) is noticed at checkout by a
    # poll of its socket (closed_by_server), not pinged; one that dies in the
    # instant between checkout and use makes the citizen's page run once
    # more (retried_if_disconnected). The connect timeout keeps a dead server
    # from holding a citizen's request for long.
    engine = create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_timeout=5,
        connect_args={"connect_timeout": 2},
    )
    event.listen(engine, "checkout", _check_on_checkout)
    return engine


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
Result = TypeVar("Result")


def retry_if_disconnected(work: Callable[[], Result]) -> Result:
    """Run `work`; once more, on a fresh connection, if the connection died under it.

    Only a disconnect (SQLAlchemy then invalidates the connection and the
    pool) is retried, and once: any other error, and a second disconnect
    (the server is really down: the citizen gets the "please try again"
    page), propagates. `work` must be safe to run again even when the
    failure hid the outcome of its COMMIT; see retried_if_disconnected.
    """
    try:
        return work()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        session().rollback()
        return work()


def retried_if_disconnected(view: View) -> View:
    """Run a citizen page once more if its database connection died under it.

    For the pages a citizen opens and sends (a counter's form, a tablet's,
    an invitation's), never a staff page. Safe to run twice, even after a
    COMMIT whose outcome the failure hid: a GET only reads, and every store
    of a submission is keyed by its unique submission key, so when the
    first run's COMMIT did go through, the second run's INSERT is refused
    as a replay (survey/citizen/operations.py) and the citizen is thanked
    for the one response stored; a correction (replace_response) writes the
    same values again, and an invitation's code used by this very
    submission is let through (survey/invitations/operations.py claim).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return retry_if_disconnected(lambda: view(*args, **kwargs))

    return wrapper  # type: ignore[return-value]


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
