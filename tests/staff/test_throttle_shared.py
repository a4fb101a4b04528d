"""One login throttle for every worker: two app instances on one database share the failures.

Before, each worker counted failures per (username, address) in its own
memory: with two workers nine passwords were tried before a lock held, and
a locked account still logged in through the other worker.
"""
from __future__ import annotations

import os

import pytest

from survey import create_app
from survey.auth import throttle
from tests.staff.conftest import login, staff  # noqa: F401  (fixture)


def _second_instance(app):
    return create_app({"TESTING": True, "SECRET_KEY": app.config["SECRET_KEY"],
                       "DATABASE_URL": app.config["DATABASE_URL"], "SIPAS_BASE_URL": "http://sipas.test",
                       "REDIS_URL": app.config.get("REDIS_URL")})


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _two_workers_share_the_lock(app, other) -> None:
    workers = [app, other]
    # Five wrong passwords, alternating workers and addresses.
    for i in range(throttle.MAX_FAILURES):
        answer = login(_client(workers[i % 2], f"10.0.0.{i}"), "viewer1", "wrong-password!")
        assert answer.status_code == 401
    # Locked on both workers, from an address that never failed, even with the right password.
    for worker in workers:
        assert login(_client(worker, "10.9.9.9"), "viewer1").status_code == 429
    # Another account from a fresh address is not affected.
    assert login(_client(other, "10.9.9.8"), "analyst1").status_code == 302


def test_username_locked_across_workers_and_addresses(app, staff):
    other = _second_instance(app)
    try:
        _two_workers_share_the_lock(app, other)
    finally:
        other.extensions["sipas.engine"].dispose()


def test_address_locked_across_usernames(app, staff, monkeypatch):
    monkeypatch.setattr(throttle, "MAX_ADDRESS_FAILURES", 4)
    other = _second_instance(app)
    try:
        for i in range(4):
            login(_client([app, other][i % 2], "10.1.1.1"), f"guess{i}", "wrong-password!")
        assert login(_client(other, "10.1.1.1"), "admin1").status_code == 429
        assert login(_client(app, "10.1.1.2"), "admin1").status_code == 302
    finally:
        other.extensions["sipas.engine"].dispose()


def test_redis_store_is_shared_too(app, staff):
    url = os.environ.get("SIPAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1).ping()
    except Exception:  # noqa: BLE001
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis server")
    prefix = f"test-security-{os.getpid()}"
    app.config["SIPAS_RATELIMIT_PREFIX"] = prefix
    app.config["REDIS_URL"] = url
    throttle.init_app(app)
    other = _second_instance(app)
    other.config["SIPAS_RATELIMIT_PREFIX"] = prefix
    throttle.init_app(other)
    assert isinstance(other.extensions["sipas.login_throttle"], throttle.RedisStore)
    try:
        _two_workers_share_the_lock(app, other)
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        other.extensions["sipas.engine"].dispose()
