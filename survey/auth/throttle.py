"""Login throttling: lock a username from one client after repeated failures.

Kept in process memory with expiry (or in Redis when REDIS_URL is set, so
every worker shares it). Keys are hashed: no client address is stored in clear.
"""
from __future__ import annotations

import hashlib
import threading
import time

from flask import current_app

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(username: str, client: str) -> str:
    raw = f"{username.strip().lower()}\x00{client}".encode()
    return "sipas:login:" + hashlib.sha256(raw).hexdigest()[:32]


class MemoryStore:
    """Failure timestamps per key, forgotten after the window."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        recent = [t for t in self._failures.get(key, []) if now - t < WINDOW_SECONDS]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._recent(key, time.monotonic()))

    def add(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._failures[key] = [*self._recent(key, now), now]

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class RedisStore:
    """The same counts in Redis, shared by every worker; the window restarts at each failure."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1)

    def count(self, key: str) -> int:
        return int(self._redis.get(key) or 0)

    def add(self, key: str) -> None:
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, WINDOW_SECONDS)
        pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(key)


def _store():
    return current_app.extensions["sipas.login_throttle"]


def init_app(app) -> None:
    """Pick the store: Redis when configured (and not testing), memory otherwise."""
    url = app.config.get("REDIS_URL")
    use_redis = url and not app.config.get("TESTING")
    app.extensions["sipas.login_throttle"] = RedisStore(url) if use_redis else MemoryStore()


def locked(username: str, client: str) -> bool:
    """Return whether this username is locked for this client."""
    return _store().count(_key(username, client)) >= MAX_FAILURES


def failed(username: str, client: str) -> None:
    """Count a failed login."""
    _store().add(_key(username, client))


def succeeded(username: str, client: str) -> None:
    """Forget the failures after a good login."""
    _store().clear(_key(username, client))
