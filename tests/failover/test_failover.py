"""Several hosts, one lost (issue #17.5): two app hosts behind nginx, one killed mid-run.

Each host runs deploy/systemd/sipas.service (rendered from the repository's
files, see tests/failover/deployment.py) in a network namespace of its own;
nginx runs deploy/nginx/sipas.conf with TLS in front of them and is the only
way in; both share PostgreSQL and Redis through relays on their veth
addresses. Citizens submit through the balancer while one host's process
group is killed with SIGKILL. Then: every acknowledged response is stored
exactly once, the only 5xx are requests that were in flight on the killed
host, the rate limits and the login throttle counted on both hosts carry
on on the survivor, a staff session opened on the dead host still works,
and the rollup, backup and restore-drill files run on the survivor.

PostgreSQL only: it is the database several hosts share (SQLite is one
machine's file), so the SQLite pass of the suite skips this test and the
PostgreSQL pass runs it. Needs root (ip netns), nginx, openssl and Redis.
"""
from __future__ import annotations

import os
import random
import secrets
import shutil
import signal
import stat
import subprocess
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.load import stored
from survey import db
from survey.auth.operations import create_user
from survey.catalogue.operations import upsert_service_point
from survey.models import Response, ServicePoint, Unit
from tests.failover import deployment, logs
from tests.failover.conftest import require, require_tools
from tests.failover.driver import CSRF, Browser, Record, citizens, submit
from tests.failover.network import Relay, namespaces
from tests.reliability.test_limits import _redis_url

PASSWORD = "Mật-khẩu-chuyển-đổi-2026"
APP_PORT = 8000


def _seed(app, demo) -> tuple[list[tuple[str, list[str]]], tuple[str, list[str]], dict[str, str]]:
    """Counters for the load (the counter ceiling is 60 a minute), one for the phone, two accounts."""
    suffix = uuid.uuid4().hex[:6]
    users = {"session": f"fo-analyst-{suffix}", "throttle": f"fo-locked-{suffix}"}
    with app.app_context():
        s = db.session()
        unit = s.get(Unit, demo.unit_id)
        first = s.get(ServicePoint, demo.points[0].id)
        for n in range(10):
            upsert_service_point(s, unit, f"Quầy chuyển đổi {n}", list(first.services))
        phone = upsert_service_point(s, unit, "Quầy điện thoại", list(first.services))
        for username in users.values():
            create_user(s, username, "analyst", unit, PASSWORD)
        s.commit()
        points = s.scalars(select(ServicePoint).where(ServicePoint.unit_id == unit.id)).all()
        load = [(p.token, [v.code for v in p.services]) for p in points if p.id != phone.id]
        return load, (phone.token, [v.code for v in phone.services]), users


def _login(browser: Browser, username: str, password: str):
    page = browser.request("GET", "/staff/login")
    token = CSRF.search(page.text).group(1)
    return browser.request("POST", "/staff/login", data={"csrf_token": token, "username": username,
                                                         "password": password})


@pytest.mark.slow
@pytest.mark.postgres
def test_losing_one_host_loses_no_acknowledged_response(app, demo, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL is the database several hosts share: this runs in the PostgreSQL pass")
    require(os.geteuid() == 0, "network namespaces need root (ip netns add)")
    require_tools("nginx", "ip", "openssl")
    redis_url = _redis_url()
    pg = make_url(database_url)
    load_counters, (phone_token, phone_services), users = _seed(app, demo)
    prefix = f"sipas-fo-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    hosts = namespaces(2, "sipasfo")
    relay = Relay([route for ns in hosts for route in (
        (ns.host_side, pg.port or 5432, pg.host or "127.0.0.1", pg.port or 5432),
        (ns.host_side, 6379, "127.0.0.1", 6379))])
    https_port, http_port = deployment.free_port(), deployment.free_port()
    base = f"https://127.0.0.1:{https_port}"
    cert, key = deployment.self_signed_certificate(tmp_path, "127.0.0.1")
    (tmp_path / "nginx-logs").mkdir()
    (tmp_path / "backups").mkdir(mode=0o700)
    secret = secrets.token_urlsafe(32)
    render = deployment.renderer()
    rendered = {}
    for ns in hosts:
        out = tmp_path / ns.name
        etc = out / "etc"
        values = {
            "SIPAS_BIN": str(deployment.SIPAS_BIN), "ETC_DIR": str(etc), "SECRET_KEY": secret,
            "DATABASE_URL": pg.set(host=ns.host_side, drivername="postgresql").render_as_string(False),
            "REDIS_URL": f"redis://{ns.host_side}:6379/0", "REDIS_PREFIX": prefix, "BASE_URL": base,
            "SERVER_NAME": "127.0.0.1", "APP_LISTEN": ns.inside, "APP_PORT": str(APP_PORT), "APP_WORKERS": "2",
            "APP_HOST_1": f"{hosts[0].inside}:{APP_PORT}", "APP_HOST_2": f"{hosts[1].inside}:{APP_PORT}",
            "HTTP_LISTEN": f"127.0.0.1:{http_port}", "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "TLS_CERT": str(cert), "TLS_KEY": str(key), "LOG_DIR": str(tmp_path / "nginx-logs"),
            "STATIC_DIR": str(out / "nginx"), "BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_KEEP_DAYS": "14",
            "DB_LISTEN": "localhost",
        }
        render.render(values, out)
        etc.mkdir()
        shutil.copy(out / "sipas.env", etc / "env")  # what the operator installs as /etc/sipas/env
        rendered[ns.name] = out
    a, b = hosts
    addr = {a.name: f"{a.inside}:{APP_PORT}", b.name: f"{b.inside}:{APP_PORT}"}
    procs: dict[str, subprocess.Popen] = {}
    nginx = None
    stop = threading.Event()
    threads: list[threading.Thread] = []
    record = Record()
    scratch = f"{pg.database}_drill_{os.getpid()}"
    admin = create_engine(pg.set(database="postgres").render_as_string(False), isolation_level="AUTOCOMMIT")
    try:
        for ns in hosts:
            ns.create()
        relay.start()
        for ns in hosts:
            unit = deployment.Unit(rendered[ns.name] / "systemd" / "sipas.service", tmp_path / f"cache-{ns.name}")
            procs[ns.name] = unit.start(tmp_path / f"{ns.name}.log", wrap=ns.argv)
        for ns in hosts:
            deployment.wait_for_port(ns.inside, APP_PORT, procs[ns.name], tmp_path / f"{ns.name}.log")
        conf = deployment.nginx_main_conf(tmp_path, rendered[a.name] / "nginx" / "sipas.conf")
        with (tmp_path / "nginx.out").open("wb") as out:
            nginx = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(conf)], stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deployment.wait_for_port("127.0.0.1", https_port, nginx, tmp_path / "nginx.out")
        access_log = tmp_path / "nginx-logs" / "sipas.access.log"

        def served_by(answer) -> tuple[str, ...]:
            rid = answer.headers.get("x-request-id", "")
            entry = logs.wait_for(access_log, [rid]).get(rid)
            return entry.upstreams if entry else ()

        # Plain http is sent to the https address the QR codes carry.
        plain = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                                f"http://127.0.0.1:{http_port}/s/x"], capture_output=True, text=True)
        if plain.returncode == 0:
            assert plain.stdout.startswith("301 https://127.0.0.1"), plain.stdout

        # The login throttle, part one: four failures for one username, on both hosts.
        thief = Browser(base, str(cert), record, "staff")
        page = thief.request("GET", "/staff/login")
        failures_on = []
        for _ in range(4):
            token = CSRF.search(page.text).group(1)
            page = thief.request("POST", "/staff/login", data={
                "csrf_token": token, "username": users["throttle"], "password": "sai-mật-khẩu"})
            assert page.status_code == 401, page.status_code
            failures_on.append(served_by(page)[-1])
        assert set(failures_on) == set(addr.values()), failures_on  # counted on both hosts

        # A staff session opened on the host that will die.
        officer = None
        for _ in range(6):
            candidate = Browser(base, str(cert), record, "staff")
            done = _login(candidate, users["session"], PASSWORD)
            assert done.status_code in (302, 303), done.status_code
            if served_by(done)[-1] == addr[a.name]:
                officer = candidate
                break
            candidate.close()
        assert officer is not None, "no login was answered by host A"
        assert officer.request("GET", "/staff/results/").status_code == 200

        # Citizens submit through the balancer.
        started = time.monotonic()
        threads = citizens(base, str(cert), load_counters, record, stop, count=8, pause=0.2)
        while len(record.acknowledged) < 30 and time.monotonic() - started < 60:
            time.sleep(0.1)
        assert len(record.acknowledged) >= 30, "the load did not start"

        # One address at one counter (the office Wi-Fi: each form another
        # citizen's browser): 20 posts a minute, spread over both hosts.
        def phone() -> Browser:
            return Browser(base, str(cert), record, "phone", address="127.79.0.1")

        phone_rng = random.Random(7)
        phone_hosts = []
        for _ in range(20):
            browser = phone()
            key, status = submit(browser, phone_token, phone_services[0], phone_rng)
            browser.close()
            assert status == 303, status
            record.acknowledged.add(key)
            posts = [e for e in record.exchanges if e.who == "phone" and e.method == "POST"]
            phone_hosts.append(posts[-1].request_id)
        entries = logs.wait_for(access_log, phone_hosts)
        phone_by_host = [entries[rid].upstreams[-1] for rid in phone_hosts]
        assert set(phone_by_host) == set(addr.values()), phone_by_host

        # Kill host A (master and workers: its process group) while requests are in flight.
        deadline = time.monotonic() + 10
        while record.in_flight < 4 and time.monotonic() < deadline:
            time.sleep(0.005)
        acknowledged_before = len(record.acknowledged)
        killed_at = time.monotonic()
        os.killpg(procs[a.name].pid, signal.SIGKILL)
        procs[a.name].wait(10)
        # The host is gone when its port refuses: until the last worker has
        # exited, the kernel still queues connections on the listening socket
        # (and resets them at the end), which makes them in flight too.
        deployment.wait_until_refused(a.inside, APP_PORT)
        dead_at = time.monotonic()

        # Only B is left. The phone's 21st post within the minute is refused there,
        # though B itself saw fewer than 20: the counter lives in Redis.
        assert phone_by_host.count(addr[b.name]) < 20
        key, status = submit(phone(), phone_token, phone_services[0], phone_rng)
        assert status == 429, status
        last = [e for e in record.exchanges if e.who == "phone" and e.method == "POST"][-1]
        assert logs.wait_for(access_log, [last.request_id])[last.request_id].upstreams[-1] == addr[b.name]
        # The fifth failure, on B, locks the username: even the right password is refused.
        token = CSRF.search(page.text).group(1)
        fifth = thief.request("POST", "/staff/login", data={
            "csrf_token": token, "username": users["throttle"], "password": "sai-mật-khẩu"})
        assert fifth.status_code == 401
        right = _login(thief, users["throttle"], PASSWORD)
        assert right.status_code == 429, right.status_code
        assert served_by(right)[-1] == addr[b.name]
        # The session opened on A is valid on B.
        results = officer.request("GET", "/staff/results/")
        assert results.status_code == 200 and served_by(results)[-1] == addr[b.name]

        while len(record.acknowledged) < acknowledged_before + 30 and time.monotonic() - dead_at < 60:
            time.sleep(0.1)
        stop.set()
        for t in threads:
            t.join(60)
        seconds = time.monotonic() - started

        # Every acknowledged response stored, once, with all its answers.
        keys, incomplete, _ = stored(database_url)
        with app.app_context():
            s = db.session()
            rows = s.scalar(select(func.count(Response.id)))
            distinct = s.scalar(select(func.count(func.distinct(Response.submission_key))))
        assert rows == distinct == len(keys)
        assert record.acknowledged <= keys, len(record.acknowledged - keys)
        assert keys - record.acknowledged <= record.unacknowledged
        assert incomplete == 0
        assert len(record.acknowledged) >= acknowledged_before + 30, "the survivor did not carry the load"

        # The only 5xx: requests that were in flight on A when it died.
        entries = logs.wait_for(access_log, [e.request_id for e in record.exchanges if e.request_id])
        in_flight_on_a = {e.request_id for e in record.exchanges
                          if e.started < dead_at and e.ended > killed_at and e.request_id in entries
                          and addr[a.name] in entries[e.request_id].upstreams}
        errors = [e for e in record.exchanges if e.status >= 500 or e.status == 0]
        assert all(e.request_id in in_flight_on_a for e in errors), [
            (e.method, e.status, e.started - killed_at, entries.get(e.request_id)) for e in errors
            if e.request_id not in in_flight_on_a]
        assert len(errors) <= len(in_flight_on_a)
        # Each phone was its own rate-limit bucket (X-Forwarded-For reached the app).
        assert not [e for e in record.exchanges if e.who == "load" and e.status == 429]
        after = [entries[e.request_id] for e in record.exchanges
                 if e.started > dead_at + 0.5 and e.request_id in entries]
        assert after and all(x.upstreams[-1] == addr[b.name] for x in after)

        # The timers' units run on the survivor: the rollup, then the backup.
        unit_b = {name: deployment.Unit(rendered[b.name] / "systemd" / f"{name}.service", tmp_path / "cache-b")
                  for name in ("sipas-rollup", "sipas-backup")}
        t0 = time.monotonic()
        unit_b["sipas-rollup"].run_oneshot(wrap=b.argv)
        t1 = time.monotonic()
        unit_b["sipas-backup"].run_oneshot(wrap=b.argv)
        t2 = time.monotonic()
        (dump,) = list((tmp_path / "backups").glob("sipas-*.dump"))
        assert stat.S_IMODE(dump.stat().st_mode) == 0o600
        # The restore drill, into a scratch database: the same responses come back.
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        drill = subprocess.run(
            ["sh", str(rendered[b.name] / "restore-drill.sh"), str(dump),
             pg.set(database=scratch, drivername="postgresql").render_as_string(False)],
            env={**unit_b["sipas-backup"].env, "SIPAS_ENV_FILE": str(rendered[b.name] / "etc" / "env")},
            capture_output=True, text=True, timeout=180)
        t3 = time.monotonic()
        assert drill.returncode == 0, drill.stdout[-2000:] + drill.stderr[-2000:]
        assert f"Total\t\t\t{rows}\n" in drill.stdout and "restore drill passed" in drill.stdout

        print(drill.stdout)
        print(f"\nfailover: host A gone {dead_at - killed_at:.3f} s after SIGKILL; "
              f"{len(record.acknowledged)} acknowledged in {seconds:.1f} s "
              f"({acknowledged_before} before the kill), {len(in_flight_on_a)} in flight on the killed host, "
              f"{len(errors)} answered 5xx, {sum(e.status == 303 for e in record.exchanges)} POSTs 303, "
              f"{len(record.exchanges)} requests; rollup {t1 - t0:.1f} s, backup {t2 - t1:.1f} s, "
              f"restore drill {t3 - t2:.1f} s")
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        if nginx is not None:
            deployment.stop_group(nginx, signal.SIGQUIT)
        for proc in procs.values():
            deployment.stop_group(proc)
        relay.stop()
        for ns in hosts:
            ns.delete()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()
        import redis

        r = redis.Redis.from_url(redis_url)
        for key in r.scan_iter(f"{prefix}*"):
            r.delete(key)
