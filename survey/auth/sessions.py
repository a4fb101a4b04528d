"""Staff login sessions: start, check and end them, on every worker alike.

The cookie holds the account id, its session epoch and two timestamps
(login, last request). The epoch lives in the database, so logout, a
password change or reset and disabling the account end every copy of the
cookie at once; the timestamps end a session left idle or kept too long.
"""
from __future__ import annotations

import time

from flask import current_app, g, session
from flask_login import login_user, logout_user

LOGIN_AT = "sipas_login_at"
SEEN_AT = "sipas_seen_at"
# Refresh "last seen" at most this often, so a busy page does not rewrite the cookie on every request.
_SEEN_RESOLUTION = 60


def _now() -> float:
    return time.time()


def start(user) -> None:
    """Log the user in on a fresh session: nothing, CSRF token included, carries over."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the token per request too
    login_user(user)
    now = _now()
    session[LOGIN_AT] = session[SEEN_AT] = now


def still_valid() -> bool:
    """Return whether the session is inside its idle and absolute limits (and note this request)."""
    now = _now()
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, (int, float)) or not isinstance(seen_at, (int, float)):
        return False
    config = current_app.config
    if now - seen_at > config["SIPAS_SESSION_IDLE_MINUTES"] * 60:
        return False
    if now - login_at > config["SIPAS_SESSION_MAX_HOURS"] * 3600:
        return False
    if now - seen_at > _SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return True


def end(user) -> None:
    """Log out here and end the account's sessions everywhere; the caller commits."""
    user.end_sessions()
    logout_user()
    session.clear()
