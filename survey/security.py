"""CSRF protection and the security headers sent with every response."""
from __future__ import annotations

import secrets

from flask import Flask, Response, abort, g, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def csp_nonce() -> str:
    """Return this request's nonce for the page's own inline style and script."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _headers(response: Response) -> Response:
    nonce = g.get("csp_nonce")
    inline = f" 'nonce-{nonce}'" if nonce else ""
    # No 'unsafe-inline': inline <style>/<script> run only with this request's nonce.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'none'; "
        f"style-src 'self'{inline}; script-src 'self'{inline}; "
        "img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # The survey token sits in the URL: never leak it to another site.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def _hsts(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _reject_nameless_fields() -> None:
    # A multipart part with a broken Content-Disposition parses to a field
    # named None, which crashes the CSRF check and form parsing (a 500).
    if request.method == "POST" and (None in request.form or None in request.files):
        abort(400)


def init_app(app: Flask) -> None:
    """Turn on CSRF for every form and add headers to every response."""
    app.before_request(_reject_nameless_fields)  # before the CSRF check reads the form
    csrf.init_app(app)
    app.after_request(_headers)
    if app.config["SIPAS_PRODUCTION"]:
        app.after_request(_hsts)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
