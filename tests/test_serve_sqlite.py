"""`sipas serve` on SQLite with the rollup timer on, as `make run` starts it: staff can log in.

The rollup job used to run in the gunicorn master before the workers were
forked; the workers inherited SQLite's per-process lock bookkeeping of the
master's open database and every write they made (a login records its
throttle) answered 503 "database is locked" after the 10 s busy timeout.
The job now runs in the workers (survey/commands/serve.py).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

SIPAS = [sys.executable, "-m", "survey.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_login_under_sipas_serve_with_the_rollup_on(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'sipas.sqlite3'}",
           "SIPAS_BASE_URL": "http://127.0.0.1", "SIPAS_ROLLUP_EVERY_MINUTES": "15", "SECRET_KEY": "t" * 32}
    env.pop("SIPAS_ENV", None)
    subprocess.run([*SIPAS, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp_path)
    seeded = subprocess.run([*SIPAS, "demo", "seed", "--responses", "200"], env=env, check=True,
                            capture_output=True, text=True, cwd=tmp_path).stdout
    username, password = re.search(r"(demo-admin) / (\S+)", seeded).groups()
    port = _free_port()
    server = subprocess.Popen([*SIPAS, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                page = opener.open(f"{base}/staff/login", timeout=5).read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            raise AssertionError("sipas serve did not answer")
        time.sleep(2)  # the rollup's first run, as a newcomer's first login follows it
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
        done = opener.open(urllib.request.Request(f"{base}/staff/login", data=body), timeout=30)
        assert done.status == 200 and done.url.rstrip("/").endswith("/staff"), done.url
    finally:
        server.terminate()
        server.wait(10)
