"""The staff navigation bar, discovered from views marked with ``nav_item``.

A blueprint adds itself to the menu by decorating its landing view; nothing
else needs editing, and the menu shows only what the user's role may open.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user

from survey.auth import policy


def nav_item(label, order: int = 50):
    """Show this view in the staff menu under ``label`` (a lazy gettext string)."""

    def decorator(view):
        view.nav_label, view.nav_order = label, order
        return view

    return decorator


def staff_nav() -> list[tuple[str, str, str]]:
    """Return (label, url, endpoint) of the menu entries the current user may open."""
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, view in current_app.view_functions.items():
        label = getattr(view, "nav_label", None)
        action = getattr(view, "action", None)
        if label is None or (action and not policy.may(current_user.role, action)):
            continue
        items.append((getattr(view, "nav_order", 0), str(label), url_for(endpoint), endpoint))
    return [(label, url, endpoint) for _, label, url, endpoint in sorted(items)]


def may(action: str) -> bool:
    """Return whether the current visitor may perform ``action`` (templates show only what works)."""
    return policy.may(current_user.role if current_user.is_authenticated else None, action)
