"""Locate the top-level templates/ and migrations/ folders, in a checkout or installed."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE.parent


def _locate(top_level: str, packaged: str) -> Path:
    # In a checkout (and an editable install) the folders sit beside survey/;
    # a wheel carries them inside the package as survey/_templates and
    # survey/_migrations. They hold no __init__.py (data, not code), so
    # importlib.resources would hand back a namespace MultiplexedPath whose
    # str() is not a path: look on disk instead.
    candidate = _REPO_ROOT / top_level
    if candidate.is_dir():
        return candidate
    return _PACKAGE / packaged


def templates_dir() -> Path:
    """Return the folder holding the Jinja templates."""
    return _locate("templates", "_templates")


def migrations_dir() -> Path:
    """Return the Alembic script folder."""
    return _locate("migrations", "_migrations")
