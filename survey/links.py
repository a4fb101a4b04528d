"""Absolute addresses printed on QR codes and posters."""
from __future__ import annotations

from flask import current_app, url_for

from survey.models import Service, ServicePoint


def base_url() -> str:
    """Return the public address phones reach the service at."""
    return current_app.config["SIPAS_BASE_URL"] or f"http://localhost:{current_app.config['PORT']}"


def survey_url(point: ServicePoint, service: Service | None = None) -> str:
    """Return the short survey URL of a counter, or of one service at it."""
    if point.token is None:
        raise ValueError(f"counter {point.name!r} has no live token (revoked)")
    with current_app.test_request_context(base_url=base_url()):
        if service is None:
            return url_for("citizen.form", token=point.token, _external=True)
        return url_for("citizen.form", token=point.token, service_code=service.code, _external=True)
