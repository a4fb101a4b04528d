"""Locate the top-level templates/ and migrations/ folders, in a checkout or installed."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _locate(top_level: str, packaged: str) -> Path:
    # In a checkout (and an editable install) the folders sit beside survey/;
    # a wheel carries them as survey._templates / survey._migrations.
    candidate = _REPO_ROOT / top_level
    if candidate.is_dir():
        return candidate
    return Path(str(resources.files(packaged)))


def templates_dir() -> Path:
    """Return the folder holding the Jinja templates."""
    return _locate("templates", "survey._templates")


def migrations_dir() -> Path:
    """Return the Alembic script folder."""
    return _locate("migrations", "survey._migrations")
