"""Friendly error pages in the user's language; never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from survey.params import BadParameter

log = logging.getLogger(__name__)


def _page(status: int, exc: BaseException | None = None, detail: str | None = None):
    return render_template("errors/error.html", status=status, error=exc, detail=detail), status


def _http(exc: HTTPException):
    # A parameter the typed parsers refused says which one and why (survey/params.py).
    return _page(exc.code or 500, exc, exc.description if isinstance(exc, BadParameter) else None)


def _csrf(exc: CSRFError):
    # Usually an expired or missing session cookie: tell the citizen to reload.
    return _page(400, exc)


def _database_down(exc: OperationalError):
    # The database is unreachable: ask to retry rather than fail with a 500.
    # Rendering must not touch it again: Flask-Login's template context loads
    # the staff user from the database, so the page is drawn as anonymous.
    log.error("database unavailable: %s", exc.orig)
    g._login_user = AnonymousUserMixin()
    body, status = _page(503, exc)
    return body, status, {"Retry-After": "30"}


def _unexpected(exc: Exception):
    log.exception("unhandled error")
    return _page(500, InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(Exception, _unexpected)
