"""Abuse limits on the public form and the staff login (Flask-Limiter).

Why these keys and numbers: docs/security.md. In short, phones at one counter
usually share the office Wi-Fi, so one address stands for many citizens; the
buckets are per (client, counter) with room for a queue of citizens, plus a
ceiling per counter that no rotation of addresses gets past. Clients are
known only by a keyed hash of their address whose salt changes every day, so
neither the counters' storage nor anything else ever holds an IP in clear.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request
from flask_limiter import Limit, Limiter

log = logging.getLogger(__name__)
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

# A phone at a counter: a queue of 30 citizens an hour behind one shared
# address, each possibly re-posting after a validation message, stays far
# below these; a script posting 100 a minute is stopped after 20.
PHONE_PER_CLIENT = "20/minute;120/hour"
# Every address together at one counter: a busy one-stop office serves a
# few hundred dossiers a day, not 60 in one minute.
PHONE_PER_COUNTER = "60/minute;600/hour"
# A counter tablet serves one citizen at a time (a form takes a minute or more).
KIOSK_PER_DEVICE = "10/minute;300/hour"
# One client across every counter: stops a script rotating through tokens.
CLIENT_ALL_FORMS = "40/minute"
# Page views (form, thank-you, public pages) per client: generous, against floods.
CLIENT_PAGES = "300/minute"
# Password guessing; the accounts module also locks a username after failures.
STAFF_LOGIN = "20/minute;100/hour"
# Invitation codes: a citizen types one or two; guessing needs millions.
INVITATION = "30/minute;300/hour"
# Body size outside the staff workspace: a whole form with the longest comment
# is under 16 KB, so 64 KB refuses floods without touching real answers. The
# staff imports keep MAX_CONTENT_LENGTH (10 MB).
PUBLIC_MAX_BODY = 64 * 1024


class DailySalt:
    """A random salt per local day, in Redis (shared by workers) or in memory."""

    def __init__(self, redis_url: str | None, prefix: str) -> None:
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
        self._prefix = prefix
        self._cache: tuple[str, bytes] | None = None
        self._lock = threading.Lock()

    def _shared(self, day: str) -> bytes | None:
        if self._redis is None:
            return None
        key = f"{self._prefix}:salt:{day}"
        try:
            # The first worker of the day sets it; it expires after two days.
            self._redis.set(key, secrets.token_hex(32), nx=True, ex=2 * 86400)
            value = self._redis.get(key)
            if isinstance(value, str):  # a client built with decode_responses=True
                value = value.encode()
        except Exception as exc:  # Redis down: a private salt still hides the address
            log.warning("rate-limit salt: Redis unavailable (%s); using a local salt", exc)
            return None
        return value

    def today(self) -> bytes:
        day = datetime.now(LOCAL).date().isoformat()
        with self._lock:
            if self._cache is None or self._cache[0] != day:
                self._cache = (day, self._shared(day) or secrets.token_bytes(32))
            return self._cache[1]


def client_hash() -> str:
    """Return a salted hash of the client address, never the address itself."""
    salt = current_app.extensions["sipas.salt"].today()
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(salt, address, hashlib.sha256).hexdigest()[:24]


def _token() -> str:
    args = request.view_args or {}
    return str(args.get("token") or args.get("kiosk_token") or "-")[:64]


def _per_client_counter() -> str:
    return f"{_token()}:{client_hash()}"


def _kind() -> str:
    """Classify the request: which bucket family it belongs to."""
    if request.endpoint == "citizen.form":
        return "phone"
    if request.endpoint == "citizen.kiosk":
        return "kiosk"
    if (request.endpoint or "").startswith("invitations."):
        return "invitation"
    if request.path.rstrip("/") == "/staff/login":
        return "login"
    if request.path.startswith("/staff"):
        return "staff"
    return "public"


def _not(*kinds: str):
    return lambda: _kind() not in kinds


def _limits() -> list[str | Callable[[], str] | Limit]:
    post = ["POST"]
    return [
        Limit(PHONE_PER_CLIENT, key_function=_per_client_counter, scope="phone-client",
              shared=True, methods=post, exempt_when=_not("phone")),
        Limit(PHONE_PER_COUNTER, key_function=_token, scope="phone-counter",
              shared=True, methods=post, exempt_when=_not("phone")),
        Limit(KIOSK_PER_DEVICE, key_function=_per_client_counter, scope="kiosk",
              shared=True, methods=post, exempt_when=_not("kiosk")),
        Limit(CLIENT_ALL_FORMS, key_function=client_hash, scope="client-forms",
              shared=True, methods=post, exempt_when=_not("phone", "kiosk", "invitation")),
        Limit(INVITATION, key_function=client_hash, scope="invitation",
              shared=True, exempt_when=_not("invitation")),
        Limit(CLIENT_PAGES, key_function=client_hash, scope="client-pages",
              shared=True, methods=["GET"], exempt_when=_not("phone", "kiosk", "public", "login")),
        Limit(STAFF_LOGIN, key_function=client_hash, scope="login",
              shared=True, methods=post, exempt_when=_not("login")),
    ]


def _small_bodies() -> None:
    # Werkzeug reads a urlencoded body whole; cap it before anyone parses the form.
    if _kind() != "staff":
        request.max_content_length = min(PUBLIC_MAX_BODY, current_app.config["MAX_CONTENT_LENGTH"])


def init_app(app: Flask) -> None:
    """Attach a limiter; Redis storage when REDIS_URL is set, memory otherwise."""
    # First of all before-request hooks: CSRF protection reads the form early.
    app.before_request_funcs.setdefault(None, []).insert(0, _small_bodies)
    prefix = app.config["SIPAS_RATELIMIT_PREFIX"]
    redis_url = app.config.get("REDIS_URL")
    app.extensions["sipas.salt"] = DailySalt(redis_url, prefix)
    limiter = Limiter(
        client_hash,
        default_limits=_limits(),
        storage_uri=redis_url or "memory://",
        storage_options={"socket_timeout": 1, "socket_connect_timeout": 1} if redis_url else {},
        key_prefix=prefix,
        strategy="moving-window",
        headers_enabled=True,
        # A storage outage must not cost citizens their answers: fail open.
        swallow_errors=True,
        in_memory_fallback_enabled=bool(redis_url),
    )
    limiter.init_app(app)
    app.extensions["sipas.limiter"] = limiter
