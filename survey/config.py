"""Read settings from the environment; refuse to start without the required ones."""
from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from analysis.aggregate import AGGREGATIONS
from analysis.design import LONELY_RULES
from analysis.intervals import PROPORTION_METHODS
from analysis.results import DOF
from analysis.scoring import METHODS as INDEX_METHODS

PER_SERVICE_SAMPLES = ("own", "domain")


class ConfigError(RuntimeError):
    """A required setting is missing or invalid."""


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError(
            "SECRET_KEY is not set. In production (SIPAS_ENV=production) the "
            "service refuses to start without it: sessions and CSRF tokens "
            "would otherwise change at every restart. Generate one with\n"
            "  python -c 'import secrets; print(secrets.token_urlsafe(48))'\n"
            "and export it as SECRET_KEY."
        )
    # Development: generate once and keep it, so logins survive restarts.
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _base_url(given: str, production: bool, port: int) -> tuple[str, str]:
    """Return the address QR codes carry and where it came from: "setting", "lan" or "loopback"."""
    raw = given.strip().rstrip("/")
    if raw:
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ConfigError(
                f"SIPAS_BASE_URL must be the http(s) address phones open, such as "
                f"https://khaosat.example.gov.vn or http://192.168.1.20:{port}; got {raw!r}"
            )
        return raw, "setting"
    if production:
        raise ConfigError(
            "SIPAS_BASE_URL is not set. In production (SIPAS_ENV=production) the "
            "service refuses to start without it: every QR code, poster and "
            "invitation slip prints this address, and a guessed one would send "
            "citizens' phones nowhere. Export the public address, for example\n"
            "  export SIPAS_BASE_URL=https://khaosat.example.gov.vn"
        )
    from survey import lan

    # Development: the LAN address, so a phone on the office network can
    # scan the demo's QR codes; localhost only when there is no network.
    found = lan.address()
    if found:
        return f"http://{found}:{port}", "lan"
    return f"http://localhost:{port}", "loopback"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {raw!r}")
    return raw


def _level(name: str, default: float) -> float:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        level = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number between 0 and 1 such as 0.95, got {raw!r}") from exc
    if not 0.5 <= level < 1:
        raise ConfigError(f"{name} must be at least 0.5 and below 1 (e.g. 0.9, 0.95, 0.99), got {raw!r}")
    return level


def _method_settings() -> dict:
    """The index and interval methods every figure is computed with (METHOD.md)."""
    return {
        "SIPAS_INDEX_METHOD": _choice("SIPAS_INDEX_METHOD", "top2box", INDEX_METHODS),
        "SIPAS_CI_METHOD": _choice("SIPAS_CI_METHOD", "wilson", PROPORTION_METHODS),
        "SIPAS_CONF_LEVEL": _level("SIPAS_CONF_LEVEL", 0.95),
        # issue 13: how a figure above one procedure is formed, what a
        # one-response stratum contributes, the intervals' degrees of freedom,
        # and whether a procedure's figure is its own sample (the plan's quota)
        "SIPAS_AGGREGATION": _choice("SIPAS_AGGREGATION", "pooled", AGGREGATIONS),
        "SIPAS_LONELY_STRATA": _choice("SIPAS_LONELY_STRATA", "adjust", LONELY_RULES),
        "SIPAS_CI_DF": _choice("SIPAS_CI_DF", "degf", DOF),
        "SIPAS_PER_SERVICE_SAMPLE": _choice("SIPAS_PER_SERVICE_SAMPLE", "own", PER_SERVICE_SAMPLES),
        # issue 17: a city's figure over its communes (the national index
        # averages provinces) and the adjustment of the communes' ranking
        "SIPAS_CITY_AGGREGATION": _choice("SIPAS_CITY_AGGREGATION", "mean_of_units", AGGREGATIONS),
        "SIPAS_CITY_ADJUSTMENT": _choice("SIPAS_CITY_ADJUSTMENT", "holm", ("holm", "bh")),
    }


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL") or None
    if url and importlib.util.find_spec("redis") is None:
        raise ConfigError(
            "REDIS_URL is set but the redis package is not installed: "
            "pip install 'sipas[redis]' (or unset REDIS_URL to keep the counters in memory)"
        )
    return url


def from_environment(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables.

    Keys given in ``overrides`` (tests) are not read from the environment, so
    a test never writes a secret key into the real instance folder.
    """
    overrides = overrides or {}
    production = overrides.get(
        "SIPAS_PRODUCTION", os.environ.get("SIPAS_ENV", "development") == "production"
    )
    database_url = overrides.get("DATABASE_URL") or os.environ.get("DATABASE_URL") or (
        f"sqlite:///{instance_path / 'sipas.sqlite3'}"
    )
    secret = overrides.get("SECRET_KEY") or _secret_key(instance_path, production)
    settings = {
        "SIPAS_PRODUCTION": production,
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        "PORT": _int("PORT", 5000),
        "REDIS_URL": _redis_url(),
        "SIPAS_MIN_N": _int("SIPAS_MIN_N", 30),
        # how long a reverse proxy or browser may reuse a public city page before revalidating
        "SIPAS_PUBLIC_MAX_AGE": _int("SIPAS_PUBLIC_MAX_AGE", 300),
        **_method_settings(),
        # `sipas serve` builds the rollup of past days this often (0: a timer
        # or cron runs `sipas results rollup --missing` instead).
        "SIPAS_ROLLUP_EVERY_MINUTES": _int("SIPAS_ROLLUP_EVERY_MINUTES", 15),
        "SIPAS_RETENTION_MONTHS": _int("SIPAS_RETENTION_MONTHS", 24),
        # Abuse limits (docs/security.md). Tests opt in: an app built with
        # TESTING=True leaves them off unless the test sets RATELIMIT_ENABLED.
        "RATELIMIT_ENABLED": os.environ.get("SIPAS_RATELIMIT_ENABLED", "1") != "0"
        and not (overrides.get("TESTING") and "RATELIMIT_ENABLED" not in overrides),
        "SIPAS_RATELIMIT_PREFIX": os.environ.get("SIPAS_RATELIMIT_PREFIX", "sipas"),
        # Identical answer sets this close together at one counter are flagged.
        "SIPAS_DUPLICATE_WINDOW_SECONDS": _int("SIPAS_DUPLICATE_WINDOW_SECONDS", 120),
        # Reverse proxies in front of the app (nginx, a load balancer): their
        # X-Forwarded-* headers are trusted, so rate limits see each phone.
        "SIPAS_PROXY_COUNT": _int("SIPAS_PROXY_COUNT", 0),
        # A counter tablet left idle this long returns to a fresh form.
        "SIPAS_KIOSK_IDLE_SECONDS": _int("SIPAS_KIOSK_IDLE_SECONDS", 90),
        # A worker reuses what it read about a counter (names, services, open
        # plan) this long; changes made through another worker show after it.
        "SIPAS_FORM_CACHE_SECONDS": _int("SIPAS_FORM_CACHE_SECONDS", 10),
        # Staff sessions end after this long without a request, and this long
        # after login whatever happens (docs/security.md, tests/staff/test_sessions.py).
        "SIPAS_SESSION_IDLE_MINUTES": _int("SIPAS_SESSION_IDLE_MINUTES", 30),
        "SIPAS_SESSION_MAX_HOURS": _int("SIPAS_SESSION_MAX_HOURS", 12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Imports (catalogue, dossier lists) are the only uploads: 10 MB is
        # far above a year of one commune's dossiers.
        "MAX_CONTENT_LENGTH": _int("SIPAS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        "WTF_CSRF_TIME_LIMIT": None,
        # Flask-WTF's HTTPS check wants a Referer from this host, and our
        # Referrer-Policy (no-referrer: the survey token is in the URL) means
        # browsers send none: behind TLS every staff POST was refused. The
        # token is session-bound and the cookie SameSite=Lax and Secure.
        "WTF_CSRF_SSL_STRICT": False,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    }
    settings.update(overrides)
    # The address printed on QR codes; phones must be able to reach it.
    settings["SIPAS_BASE_URL"], settings["SIPAS_BASE_URL_ORIGIN"] = _base_url(
        overrides.get("SIPAS_BASE_URL") or os.environ.get("SIPAS_BASE_URL") or "",
        bool(settings["SIPAS_PRODUCTION"]), settings["PORT"])
    settings["DATABASE_URL"] = normalise_database_url(settings["DATABASE_URL"])
    return settings


def normalise_database_url(url: str) -> str:
    """Name the driver explicitly: psycopg 3 for PostgreSQL."""
    # Heroku-style URLs say postgres://; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
