"""Who may open what: each view's declared action, checked against the policy table, and unit scoping.

Every view declares the one action it performs with ``requires(action)``;
the roles allowed come from ``survey.auth.policy.TABLE`` only. The access
matrix test reads the declaration from the view function and fails for any
route of the URL map that has none.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import select

from survey import db
from survey.auth import policy
from survey.models import Unit


def requires(action: str):
    """Declare the action a view performs and enforce the policy table's role rule for it.

    A public action only records the declaration. Otherwise anonymous
    visitors are sent to the login page and roles the table does not list
    get 403. The action is kept on the view as ``view.action``.
    """
    policy.roles_for(action)  # an unknown action fails at import, not at the first request

    def decorator(view):
        if policy.is_public(action):
            view.action = action
            return view

        @wraps(view)
        def checked(*args, **kwargs):
            if not policy.may(current_user.role, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped = login_required(checked)
        wrapped.action = action
        return wrapped

    return decorator


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
    "can_see_unit", "current_user", "require_visible_unit", "requires", "visible_unit_ids", "visible_units",
]
