"""Login throttling in the store every worker and host shares.

Failures are kept in Redis when REDIS_URL is set, in the database otherwise
(never in one worker's memory, where a second worker would not see them).
Two locks: a username after MAX_FAILURES from any address (password
guessing from many machines), and an address after MAX_ADDRESS_FAILURES over
any usernames (one machine spraying accounts). Keys are hashes keyed with
the secret key (and the day, for addresses), never the address itself.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from survey import db
from survey.models import LoginFailure
from survey.models.types import utcnow

log = logging.getLogger(__name__)

MAX_FAILURES = 5  # per username, whatever the address
MAX_ADDRESS_FAILURES = 20  # per address, whatever the usernames
WINDOW_SECONDS = 15 * 60


def _key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}\x00{kind}\x00{value}".encode()).hexdigest()[:64]


def _keys(username: str, client: str) -> tuple[str, str]:
    # The address is hashed with the secret key and the day, the same in every
    # worker (the rate limiter's salt is per worker without Redis); rows live
    # for the window only, so no address is kept, in clear or for long.
    day = utcnow().date().isoformat()
    return _key("user", username.strip().lower()), _key(f"addr:{day}", client)


class DatabaseStore:
    """Failure rows in login_failure; the caller's request commits them."""

    def count(self, key: str) -> int:
        since = utcnow() - timedelta(seconds=WINDOW_SECONDS)
        return db.session().scalar(select(func.count()).select_from(LoginFailure).where(
            LoginFailure.key == key, LoginFailure.at > since)) or 0

    def add(self, key: str) -> None:
        s = db.session()
        s.add(LoginFailure(key=key))
        # Old rows go with the next failure: the table holds one window at most.
        s.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - timedelta(seconds=WINDOW_SECONDS)))
        s.flush()

    def clear(self, key: str) -> None:
        db.session().execute(delete(LoginFailure).where(LoginFailure.key == key))


class RedisStore:
    """The same counts in Redis; the window restarts at each failure."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1)
        self._prefix = f"{prefix}:login:"

    def count(self, key: str) -> int:
        return int(self._redis.get(self._prefix + key) or 0)

    def add(self, key: str) -> None:
        pipe = self._redis.pipeline()
        pipe.incr(self._prefix + key)
        pipe.expire(self._prefix + key, WINDOW_SECONDS)
        pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


def _store():
    return current_app.extensions["sipas.login_throttle"]


def init_app(app) -> None:
    """Pick the shared store: Redis when configured, the database otherwise."""
    url = app.config.get("REDIS_URL")
    prefix = app.config.get("SIPAS_RATELIMIT_PREFIX", "sipas")
    app.extensions["sipas.login_throttle"] = RedisStore(url, prefix) if url else DatabaseStore()


def locked(username: str, client: str) -> bool:
    """Return whether this username, or this address, is locked."""
    user_key, addr_key = _keys(username, client)
    store = _store()
    return store.count(user_key) >= MAX_FAILURES or store.count(addr_key) >= MAX_ADDRESS_FAILURES


def failed(username: str, client: str) -> None:
    """Count a failed login against the username and the address."""
    store = _store()
    for key in _keys(username, client):
        store.add(key)


def succeeded(username: str, client: str) -> None:
    """Forget the username's failures after a good login (the address keeps its count)."""
    _store().clear(_keys(username, client)[0])
