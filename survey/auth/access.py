"""Who may open what: role checks recorded on each view, and unit scoping.

Every staff view declares its roles with ``roles_required`` (or ``public``);
the access-matrix test reads that declaration from the view function and
fails for any /staff/ route that has none.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import select

from survey import db
from survey.models import Unit

# Higher roles may do everything lower ones may.
RANK = {"viewer": 1, "analyst": 2, "admin": 3}
PUBLIC: frozenset[str] = frozenset()


def allowed_roles(*roles: str) -> frozenset[str]:
    """Return the roles that pass a check for any of ``roles`` (with every higher one)."""
    unknown = set(roles) - set(RANK)
    if unknown or not roles:
        raise ValueError(f"unknown or missing roles: {sorted(unknown) or roles}")
    floor = min(RANK[r] for r in roles)
    return frozenset(r for r, rank in RANK.items() if rank >= floor)


def roles_required(*roles: str):
    """Require a logged-in, active user holding one of ``roles`` (or a higher one).

    Anonymous users are sent to the login page; other roles get 403.
    The allowed roles are kept on the view as ``view.allowed_roles``.
    """
    allowed = allowed_roles(*roles)

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped = login_required(checked)
        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


def public(view):
    """Mark a staff view as open without login (the login page itself)."""
    view.allowed_roles = PUBLIC
    return view


def visible_unit_ids(user) -> set[int]:
    """Return the ids of the units the user may see: its own and every unit below it."""
    cache = g.setdefault("sipas_visible_units", {})
    if user.id in cache:
        return cache[user.id]
    s = db.session()
    seen = {user.unit_id}
    frontier = {user.unit_id}
    while frontier:  # walk down: city -> communes (and any deeper level later)
        frontier = set(s.scalars(select(Unit.id).where(Unit.parent_id.in_(frontier)))) - seen
        seen |= frontier
    cache[user.id] = seen
    return seen


def visible_units(user) -> list[Unit]:
    """Return the units the user may see, the user's own first, then by name."""
    ids = visible_unit_ids(user)
    units = db.session().scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name))
    return sorted(units, key=lambda u: u.id != user.unit_id)


def can_see_unit(unit_id: int | None, user=None) -> bool:
    """Return whether the (current) user may see this unit."""
    user = user or current_user
    return unit_id is not None and unit_id in visible_unit_ids(user)


def require_visible_unit(unit_id: int | None, user=None) -> None:
    """Abort with 404 when the unit is not visible: do not reveal that it exists."""
    if not can_see_unit(unit_id, user):
        abort(404)


__all__ = [
    "PUBLIC", "RANK", "allowed_roles", "can_see_unit", "current_user", "public",
    "require_visible_unit", "roles_required", "visible_unit_ids", "visible_units",
]
