"""Back up and restore the database: SQLite's online backup API, pg_dump/pg_restore.

Both work while the service runs: SQLite's backup API copies a consistent
snapshot page by page under WAL, and pg_dump reads one transaction snapshot.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why."""


def _sqlite_path(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(path)


def _pg_env(url: str) -> dict[str, str]:
    # Credentials go through libpq's environment, never on the command line
    # where any local user could read them with ps.
    u = make_url(url)
    env = {**os.environ, "PGDATABASE": u.database or "", "PGHOST": u.host or "",
           "PGPORT": str(u.port or 5432), "PGUSER": u.username or ""}
    if u.password:
        env["PGPASSWORD"] = u.password
    return {k: v for k, v in env.items() if v != ""}


def _run(tool: str, args: list[str], url: str) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} not found: install the PostgreSQL client (apt-get install postgresql-client)")
    done = subprocess.run([exe, *args], env=_pg_env(url), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_copy(src_path: Path, dst_path: Path) -> None:
    src = sqlite3.connect(src_path)
    dst = sqlite3.connect(dst_path)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _check_sqlite_file(path: Path) -> None:
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite backup")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    if ok != "ok" or "response" not in tables:
        raise BackupError(f"{path} is damaged or not a SIPAS database ({ok})")


def backup(url: str, out: Path) -> None:
    """Write a consistent copy of the database at ``url`` to ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # A backup holds every comment and account hash: readable by its owner only,
    # from its first byte (umask for what we and pg_dump create, chmod for a file kept).
    previous = os.umask(0o077)
    try:
        if url.startswith("sqlite"):
            if out.exists():
                out.unlink()  # the backup API would merge into an existing database
            _sqlite_copy(_sqlite_path(url), out)
        elif url.startswith("postgresql"):
            if out.exists():
                os.chmod(out, 0o600)
            _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={out}"], url)
        else:
            raise BackupError(f"unsupported database: {make_url(url).drivername}")
    finally:
        os.umask(previous)
    os.chmod(out, 0o600)


def restore(url: str, backup_file: Path) -> None:
    """Replace the database at ``url`` with the content of ``backup_file``."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} does not exist")
    if url.startswith("sqlite"):
        _check_sqlite_file(backup_file)
        _sqlite_copy(backup_file, _sqlite_path(url))
    elif url.startswith("postgresql"):
        _run("pg_restore", ["--list", str(backup_file)], url)  # refuses a foreign file first
        # One transaction: a failed restore leaves the old data in place.
        _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                            "--single-transaction", f"--dbname={_pg_env(url)['PGDATABASE']}",
                            str(backup_file)], url)
    else:
        raise BackupError(f"unsupported database: {make_url(url).drivername}")
    _clear_rollup(url)


def _clear_rollup(url: str) -> None:
    """Drop the restored rollup cache: the rollup job refills it from the restored responses."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.orm import Session

    from survey.results.rollup import clear

    engine = create_engine(url)
    try:
        if inspect(engine).has_table("stat_day"):  # a backup older than the cache has none
            with Session(engine) as s:
                clear(s)
                s.commit()
    finally:
        engine.dispose()
