"""Case-insensitive substring search that works for Vietnamese on both databases.

SQLite's LOWER() folds ASCII only ("Ò" stays "Ò"), so on SQLite a Python
`casefold` is registered as the SQL function `sipas_fold`. PostgreSQL's
lower() folds Vietnamese under a UTF-8 ctype (C.UTF-8, vi_VN.UTF-8: Debian's
defaults). Both sides are NFC-normalised so composed and decomposed input match.
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import event, func, literal_column
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


def fold(text: str | None) -> str | None:
    return None if text is None else unicodedata.normalize("NFC", text).casefold()


def _register(dbapi_connection, _record) -> None:
    dbapi_connection.create_function("sipas_fold", 1, fold, deterministic=True)


def install_sqlite_fold(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _register)


def contains(s: Session, column, term: str):
    """A WHERE clause: `column` contains `term`, ignoring case (LIKE wildcards escaped)."""
    needle = (fold(term) or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if s.get_bind().dialect.name == "sqlite":
        return func.sipas_fold(column).like(f"%{needle}%", escape="\\")
    return func.lower(func.normalize(column, literal_column("NFC"))).like(f"%{needle}%", escape="\\")
