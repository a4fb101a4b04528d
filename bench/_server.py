"""Start the service (or a baseline app) under gunicorn for a benchmark."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def prepare_database(env: dict, root: Path = ROOT) -> None:
    """Migrate and seed the demo into the database named by env['DATABASE_URL'] (with `root`'s code)."""
    for args in (["db", "upgrade"], ["demo", "seed", "--quiet"]):
        subprocess.run([sys.executable, "-m", "survey.cli", *args], env=env, cwd=root, check=True, capture_output=True)


@contextmanager
def gunicorn(app_spec: str, env: dict, workers: int = 2, threads: int = 4,
             log_path: Path | None = None, log_level: str = "warning", root: Path = ROOT,
             pid_file: Path | None = None):
    """Run gunicorn with the production settings of `sipas serve`; yield the base URL.

    `root` is the source tree served (another checkout, for an A/B run);
    `pid_file` gets the master's pid (its children are the workers).
    """
    port = free_port()
    cmd = [str(BIN / "gunicorn"), "-w", str(workers), "-k", "gthread", "--threads", str(threads),
           "-b", f"127.0.0.1:{port}", "--log-level", log_level, app_spec]
    if pid_file is not None:
        cmd[1:1] = ["-p", str(pid_file)]
    # The server's log goes to a file: a pipe nobody reads would block it when full.
    log = (log_path.open("w") if log_path else
           tempfile.NamedTemporaryFile(prefix="sipas-bench-gunicorn-", suffix=".log", delete=False))
    proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=log)
    try:
        _wait(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def base_env(database_url: str, **extra: str) -> dict:
    """Environment for a benchmarked server: fixed secret, rate limits off."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-secret",
           "SIPAS_RATELIMIT_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    env.update(extra)
    return env


def demo_app(prefix: str, **config):
    """The service in this process on a fresh SQLite file with the demo commune; return it and a counter token."""
    from survey import create_app, db
    from survey import demo as demo_data
    from survey.db import Base
    from survey.questionnaire.sync import sync_shipped

    folder = tempfile.mkdtemp(prefix=prefix)
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                      "SIPAS_BASE_URL": "http://sipas.test", **config})
    with app.app_context():
        Base.metadata.create_all(app.extensions["sipas.engine"])
        s = db.session()
        sync_shipped(s)
        _, points = demo_data.seed(s)
        s.commit()
        return app, points[0].token
