"""Absolute addresses printed on QR codes and posters."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import current_app, url_for

from survey.models import Service, ServicePoint


def base_url() -> str:
    """Return the public address phones reach the service at (SIPAS_BASE_URL, or the one detected)."""
    return current_app.config["SIPAS_BASE_URL"] or f"http://localhost:{current_app.config['PORT']}"


def is_loopback(url: str) -> bool:
    """Whether the address only reaches this machine (localhost, 127.x, ::1): no phone can open it."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def loopback_base_url() -> bool:
    """Whether QR codes made now would point at this machine only."""
    return is_loopback(base_url())


def describe_base_url() -> str:
    """Say which address survey links use and why, for the operator's terminal."""
    url = base_url()
    if is_loopback(url):
        return (f"Survey links use {url}: a loopback address, which phones cannot open. "
                "Set SIPAS_BASE_URL to the address phones reach this server at (e.g. http://192.168.1.20:5000).")
    origin = current_app.config.get("SIPAS_BASE_URL_ORIGIN")
    if origin == "lan":
        return (f"Survey links use {url}: this machine's address on the local network (detected), "
                "for phones on the same network. Set SIPAS_BASE_URL to use another address.")
    return f"Survey links use {url} (from SIPAS_BASE_URL)."


def survey_url(point: ServicePoint, service: Service | None = None) -> str:
    """Return the short survey URL of a counter, or of one service at it."""
    if point.token is None:
        raise ValueError(f"counter {point.name!r} has no live token (revoked)")
    with current_app.test_request_context(base_url=base_url()):
        if service is None:
            return url_for("citizen.form", token=point.token, _external=True)
        return url_for("citizen.form", token=point.token, service_code=service.code, _external=True)
