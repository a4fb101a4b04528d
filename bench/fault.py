"""Fault drill: stop PostgreSQL under a running gunicorn, then bring it back.

    python bench/fault.py [--clients 8] [--outage 5]

Starts its own throwaway PostgreSQL cluster (initdb + pg_ctl in a temporary
folder, port 55432; never the shared server), serves the app with gunicorn,
and keeps citizens submitting while the database is stopped and restarted.
Checks: during the outage every answer is a 503 "please try again" page
within 2 s; a citizen who retries the same form after the restart is stored
exactly once; no response lacks its answers; the service recovers without a
restart. Exits 1 on any failure.
"""
from __future__ import annotations

import argparse
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import base_env, free_port, gunicorn  # noqa: E402
from bench.load import HIDDEN, answers, prepare, stored  # noqa: E402

TRY_AGAIN = "Vui lòng thử lại"


def pg_bin(tool: str) -> str:
    """Return the newest server binary (initdb, pg_ctl are not on PATH on Debian)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise FileNotFoundError(f"{tool}: install the Debian package postgresql")
    return found[-1]


class Cluster:
    """A private PostgreSQL cluster: initdb, start, stop (immediate), start again."""

    def __init__(self, port: int | None = None) -> None:
        # A free port, not a fixed one: a cluster left by another run (or any
        # other server) on a fixed port made the drill fail to start.
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="sipas-fault-pg-"))
        self.data = self.dir / "data"
        # initdb refuses to run as root: run the server tools as `postgres` then.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.dir, "postgres")
        self._run(pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def _run(self, *cmd: str) -> None:
        done = subprocess.run([*self._as, *cmd], capture_output=True, text=True)
        if done.returncode != 0:  # say why: the server's own log, which is deleted with the cluster
            log = self.dir / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}\n{tail}")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/sipas_fault"

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        # Immediate: like a crash or a pulled cable, no goodbye to the clients.
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def createdb(self) -> None:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "sipas_fault"],
                       check=True, capture_output=True)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def serve(url: str, log: Path, workers: int = 2, threads: int = 4):
    """gunicorn on the app with the production settings, its log in `log`."""
    return gunicorn("survey:create_app()", base_env(url), workers, threads, log_path=log, log_level="info")


class Drill:
    """Citizens submitting in a loop; each retries its own form until it is stored."""

    def __init__(self, base: str, counters) -> None:
        self.base, self.counters = base, counters
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.stored_keys: set[str] = set()
        self.outage_answers: list[tuple[int, float, bool]] = []  # status, seconds, says "try again"
        self.bad: list[str] = []
        self.outage = threading.Event()

    def citizen(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.is_set():
                token, services = rng.choice(self.counters)
                # Each form is another person's phone: one browser sending
                # again within minutes replaces its own response (issue #11.6).
                client.cookies.clear()
                try:
                    page = client.get(f"/s/{token}")
                except httpx.HTTPError as exc:
                    self._note(f"GET transport error {exc!r}")
                    continue
                if page.status_code != 200:
                    self._during(page, 0.0)
                    time.sleep(0.2)
                    continue
                form = {**dict(HIDDEN.findall(page.text)), **answers(rng), "service": rng.choice(services)}
                while True:  # the citizen taps "Gửi" again until it goes through
                    t0 = time.perf_counter()
                    try:
                        done = client.post(f"/s/{token}", data=form)
                    except httpx.HTTPError as exc:
                        self._note(f"POST transport error {exc!r}")
                        break
                    if done.status_code == 303:
                        with self.lock:
                            self.stored_keys.add(form["submission_key"])
                        break
                    self._during(done, time.perf_counter() - t0)
                    time.sleep(0.3)

    def _note(self, message: str) -> None:
        with self.lock:
            self.bad.append(message)

    def _during(self, answer: httpx.Response, seconds: float) -> None:
        with self.lock:
            self.outage_answers.append((answer.status_code, seconds, TRY_AGAIN in answer.text))
            if not self.outage.is_set() or answer.status_code != 503:
                self.bad.append(f"{answer.status_code} outside the outage or not 503")


def run(clients: int = 8, outage: float = 5.0, log_dir: Path | None = None) -> dict:
    """Run the drill; return what happened and whether it passed."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="sipas-fault-"))
    cluster = Cluster()
    try:
        cluster.start()
        cluster.createdb()
        counters = prepare(cluster.url)
        with serve(cluster.url, log_dir / "gunicorn.log") as base:
            drill = Drill(base, counters)
            threads = [threading.Thread(target=drill.citizen, args=(i,)) for i in range(clients)]
            for t in threads:
                t.start()
            warm = time.perf_counter()
            while len(drill.stored_keys) < clients and time.perf_counter() - warm < 60:
                time.sleep(0.2)
            before = len(drill.stored_keys)
            drill.outage.set()
            cluster.stop()
            time.sleep(outage)
            cluster.start()
            restarted = time.perf_counter()
            while len(drill.stored_keys) <= before + clients and time.perf_counter() - restarted < 30:
                time.sleep(0.2)
            recovered_after = time.perf_counter() - restarted
            time.sleep(1)
            drill.outage.clear()
            time.sleep(2)
            drill.stop.set()
            for t in threads:
                t.join(timeout=60)
        keys, incomplete, _ = stored(cluster.url)
    finally:
        cluster.remove()
    slow = [s for code, s, _ in drill.outage_answers if s > 2.0]
    result = {
        "stored_before_outage": before, "outage_answers": len(drill.outage_answers),
        "slowest_outage_answer_s": round(max((s for _, s, _ in drill.outage_answers), default=0), 2),
        "all_say_try_again": all(says for _, _, says in drill.outage_answers),
        "stored": len(keys), "confirmed": len(drill.stored_keys),
        "lost": len(drill.stored_keys - keys), "unconfirmed": len(keys - drill.stored_keys),
        "incomplete": incomplete, "recovered_after_s": round(recovered_after, 1),
        "problems": drill.bad[:10],
    }
    result["ok"] = bool(drill.outage_answers and not slow and result["all_say_try_again"]
                        and keys == drill.stored_keys and incomplete == 0 and not drill.bad
                        and len(keys) > before + clients)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--outage", type=float, default=5.0, help="Seconds PostgreSQL stays down.")
    args = parser.parse_args(argv)
    result = run(args.clients, args.outage)
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
