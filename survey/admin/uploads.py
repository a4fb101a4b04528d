"""Keep an uploaded import file between the mapping step and the import itself.

Files live in the instance folder under a random name and are removed after
import or after a day; the browser only ever holds the random name.
"""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
_NAME = re.compile(r"^[A-Za-z0-9_-]{22}\.(csv|xlsx)$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _clean(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def save(filename: str, data: bytes) -> str:
    """Store the bytes; return the name to hand back with the mapping form."""
    folder = _folder()
    _clean(folder)
    suffix = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    name = f"{secrets.token_urlsafe(16)}.{suffix}"
    (folder / name).write_bytes(data)
    return name


def load(name: str) -> bytes | None:
    """Return the stored bytes, or None for an unknown, expired or malformed name."""
    if not _NAME.match(name or ""):
        return None
    path = _folder() / name
    return path.read_bytes() if path.is_file() else None


def discard(name: str) -> None:
    """Remove a stored upload."""
    if _NAME.match(name or ""):
        (_folder() / name).unlink(missing_ok=True)
