"""The staff navigation bar, discovered from views marked with ``nav_item``.

A blueprint adds itself to the menu by decorating its landing view; nothing
else needs editing, and the menu shows only what the user's role may open.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user


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
        roles = getattr(view, "allowed_roles", None)
        if label is None or (roles and current_user.role not in roles):
            continue
        items.append((view.nav_order, str(label), url_for(endpoint), endpoint))
    return [(label, url, endpoint) for _, label, url, endpoint in sorted(items)]
