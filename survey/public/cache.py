"""HTTP caching of public pages: a strong ETag of the body, shared caches allowed for a while.

The body is the same bytes for the same figures, locale and code (no
per-request nonce: its inline style is allowed by hash), so a hash of it is
a strong validator; a reverse proxy may keep it `SIPAS_PUBLIC_MAX_AGE`
seconds, then revalidate (If-None-Match → 304 without the body).
"""
from __future__ import annotations

import base64
import hashlib
import re

from flask import Response, current_app, request, session

_STYLE = re.compile(rb"<style>(.*?)</style>", re.S)


def style_hashes(body: bytes) -> str:
    """CSP sources allowing exactly the page's inline <style> blocks."""
    return " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()
                    for m in _STYLE.finditer(body))


def cacheable(body: str) -> Response:
    """The page with its ETag; 304 when the client already holds it."""
    data = body.encode("utf-8")
    tag = hashlib.sha256(data).hexdigest()[:32]
    response = Response(data, mimetype="text/html")
    response.set_etag(tag)  # strong: byte-identical representations only
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {style_hashes(data)}; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    # A language picked with ?lang= is kept in the session cookie: such a
    # response is the visitor's own, never a shared cache's.
    shared = not session.modified and "lang" not in session
    age = int(current_app.config.get("SIPAS_PUBLIC_MAX_AGE", 300))
    response.headers["Cache-Control"] = f"{'public' if shared else 'private'}, max-age={age}"
    response.headers["Vary"] = "Cookie"
    response.make_conditional(request)  # in place: 304 without the body when the tag matches
    return response
