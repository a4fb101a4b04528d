"""Abuse limits: a queue of citizens on shared Wi-Fi passes, a script does not."""
from __future__ import annotations

import os
import uuid

import pytest

from survey import limits
from tests.reliability.helpers import kiosk_token, stored, submit

WIFI = "203.0.113.77"


class Clock:
    """A controllable time.time for the limits' in-memory storage."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    import limits.storage.memory as memory

    fake = Clock()
    monkeypatch.setattr(memory, "time", fake)
    return fake


@pytest.fixture
def limited(make_app, demo):
    return make_app(RATELIMIT_ENABLED=True)


def _client(app, address=WIFI):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_thirty_citizens_an_hour_on_one_wifi_are_never_blocked(limited, demo, clock):
    point = demo.points[0]
    client = _client(limited)
    for i in range(30):
        clock.now += 120  # one citizen every two minutes
        answer = submit(client, f"/s/{point.token}", point.services[0], base=i)
        assert answer.status_code == 303, (i, answer.status_code)
    assert stored(limited) == 30


def test_a_queue_arriving_together_is_not_blocked(limited, demo, clock):
    point = demo.points[0]
    client = _client(limited)
    for i in range(15):  # fifteen phones within one minute, one of them re-posting
        assert submit(client, f"/s/{point.token}", point.services[0], base=i).status_code == 303
    assert stored(limited) == 15


def test_a_script_posting_100_a_minute_is_stopped_with_a_vietnamese_page(limited, demo, clock):
    point = demo.points[0]
    client = _client(limited)
    codes = []
    for i in range(100):
        clock.now += 0.6
        codes.append(submit(client, f"/s/{point.token}", point.services[0], base=i).status_code)
    assert codes[:20] == [303] * 20
    assert set(codes[20:]) == {429}
    assert stored(limited) == 20
    page = submit(client, f"/s/{point.token}", point.services[0])
    html = page.get_data(as_text=True)
    assert page.status_code == 429
    assert "Quá nhiều lượt gửi" in html and "Vui lòng đợi vài phút" in html
    assert "Traceback" not in html and "Retry-After" in page.headers
    # Other citizens at the same counter, on mobile data, still get through.
    assert submit(_client(limited, "198.51.100.9"), f"/s/{point.token}", point.services[0]).status_code == 303


def test_a_counter_has_a_ceiling_that_rotating_addresses_do_not_pass(limited, demo, clock):
    point = demo.points[0]
    codes = [submit(_client(limited, f"10.0.{i // 250}.{i % 250}"), f"/s/{point.token}",
                    point.services[0], base=i).status_code for i in range(70)]
    assert codes.count(303) == 60 and codes[60:] == [429] * 10
    # The ceiling is per counter: the next counter is unaffected.
    other = demo.points[1]
    assert submit(_client(limited), f"/s/{other.token}", other.services[0]).status_code == 303


def test_kiosk_is_limited_apart_from_phones(limited, demo, clock):
    point = demo.points[0]
    token = kiosk_token(limited, point.id)
    client = _client(limited)
    for i in range(20):
        submit(client, f"/s/{point.token}", point.services[0], base=i)
    assert submit(client, f"/s/{point.token}", point.services[0]).status_code == 429
    kiosk = [submit(client, f"/k/{token}", point.services[0], base=i).status_code for i in range(12)]
    assert kiosk[:10] == [303] * 10 and kiosk[10:] == [429, 429]


def test_honeypot_looks_successful_and_stores_nothing(client, demo):
    point = demo.points[0]
    answer = submit(client, f"/s/{point.token}", point.services[0], website="http://spam.example")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/cam-on")
    assert stored(client.application) == 0
    assert submit(client, f"/s/{point.token}", point.services[0], website="").status_code == 303
    assert stored(client.application) == 1


def test_limits_are_off_in_tests_unless_asked_and_with_the_load_switch(make_app, monkeypatch):
    assert make_app().config["RATELIMIT_ENABLED"] is False
    assert make_app(RATELIMIT_ENABLED=True).config["RATELIMIT_ENABLED"] is True
    monkeypatch.setenv("SIPAS_RATELIMIT_ENABLED", "0")
    from pathlib import Path

    from survey.config import from_environment

    assert from_environment(Path("/tmp"), {"SECRET_KEY": "x"})["RATELIMIT_ENABLED"] is False
    monkeypatch.delenv("SIPAS_RATELIMIT_ENABLED")
    assert from_environment(Path("/tmp"), {"SECRET_KEY": "x"})["RATELIMIT_ENABLED"] is True


def test_client_key_is_a_salted_hash_that_changes_every_day(limited, monkeypatch):
    with limited.test_request_context("/", environ_base={"REMOTE_ADDR": WIFI}):
        first = limits.client_hash()
        assert WIFI not in first and first == limits.client_hash()
        salt = limited.extensions["sipas.salt"]
        salt._cache = ("2000-01-01", salt._cache[1])  # pretend the salt is from another day
        assert limits.client_hash() != first


def test_memory_counters_hold_no_clear_address(limited, demo, clock):
    point = demo.points[0]
    submit(_client(limited), f"/s/{point.token}", point.services[0])
    storage = limited.extensions["sipas.limiter"].storage
    keys = " ".join(map(str, [*storage.storage.keys(), *storage.events.keys()]))
    assert "client-forms" in keys and WIFI not in keys


def _redis_url() -> str | None:
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis at 127.0.0.1:6379 is required in CI")
        pytest.skip("no Redis at 127.0.0.1:6379")
    return url


@pytest.fixture
def redis_app(make_app, demo):
    import redis

    url = _redis_url()
    prefix = f"sipas-test-{uuid.uuid4().hex[:8]}"
    app = make_app(RATELIMIT_ENABLED=True, REDIS_URL=url, SIPAS_RATELIMIT_PREFIX=prefix)
    yield app
    r = redis.Redis.from_url(url)
    for key in r.scan_iter(f"*{prefix}*"):
        r.delete(key)


def test_redis_counters_are_shared_by_workers_and_hold_no_clear_address(redis_app, make_app, demo):
    import redis

    point = demo.points[0]
    prefix = redis_app.config["SIPAS_RATELIMIT_PREFIX"]
    # A second app on the same Redis stands for a second gunicorn worker.
    worker2 = make_app(RATELIMIT_ENABLED=True, REDIS_URL=redis_app.config["REDIS_URL"],
                       SIPAS_RATELIMIT_PREFIX=prefix)
    codes = [submit(_client(app), f"/s/{point.token}", point.services[0], base=i).status_code
             for i in range(12) for app in (redis_app, worker2)]
    assert codes.count(303) == 20 and codes[20:] == [429] * 4
    r = redis.Redis.from_url(redis_app.config["REDIS_URL"], decode_responses=True)
    keys = list(r.scan_iter(f"*{prefix}*"))
    assert any("phone-client" in k for k in keys)
    assert not any(WIFI in k for k in keys)
    salt_keys = [k for k in keys if ":salt:" in k]
    assert len(salt_keys) == 1 and 0 < r.ttl(salt_keys[0]) <= 2 * 86400
