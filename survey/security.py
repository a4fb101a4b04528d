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


_CSP = ("default-src 'none'; style-src 'self'{inline}; script-src 'self'{inline}; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_STATIC_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # The survey token sits in the URL: never leak it to another site.
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def _headers(response: Response) -> Response:
    nonce = g.get("csp_nonce")
    inline = f" 'nonce-{nonce}'" if nonce else ""
    # One pass over the names already set (a view may set its own), instead
    # of a scan per header: this runs on every response.
    present = {name.lower() for name in response.headers.keys()}
    if "content-security-policy" not in present:
        # No 'unsafe-inline': inline <style>/<script> run only with this request's nonce.
        response.headers.add("Content-Security-Policy", _CSP.format(inline=inline))
    for name, value in _STATIC_HEADERS:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def _no_store(response: Response) -> Response:
    # Staff pages, exports and the one-time password page must not stay in a
    # shared computer's browser cache or a proxy after logout.
    if request.path.startswith("/staff"):
        response.headers["Cache-Control"] = "no-store"
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
    # Flask's own session interface: a cached signer saved ~9 µs a request,
    # 2 % of the form GET (bench/bench_session.py, BENCHMARKS.md), so it went.
    app.after_request(_headers)
    app.after_request(_no_store)
    if app.config["SIPAS_PRODUCTION"]:
        app.after_request(_hsts)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
