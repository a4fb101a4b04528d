"""The access matrix: every /staff/ route × anonymous and every role, read from the URL map.

A view under /staff/ must declare who may open it (``roles_required`` or
``public``); a new route without a declaration fails here. Anonymous users
are sent to the login page, roles below the declared one get 403, the others
get through (2xx/3xx; a POST with an empty form may answer 400).
"""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from survey.auth.access import PUBLIC, RANK
from tests.staff.conftest import make_user

ROLES = tuple(RANK)


def _session_login(client, user_id: int, app) -> None:
    """Log a test client in without the form (hashing every time would be slow)."""
    import time

    from survey import db
    from survey.auth import sessions
    from survey.models import User

    with app.app_context():
        session_id = db.session().get(User, user_id).get_id()
    with client.session_transaction() as sess:
        sess["_user_id"] = session_id
        sess["_fresh"] = True
        sess[sessions.LOGIN_AT] = sess[sessions.SEEN_AT] = time.time()


def _sample_values(app, staff) -> dict[str, object]:
    """Real ids of the demo commune's objects, for the URL arguments we know."""
    from survey import db
    from survey.models import Service

    demo = staff.demo
    with app.app_context():
        service_id = db.session().query(Service.id).filter(Service.code == demo.points[0].services[0]).scalar()
    victim = make_user(app, "victim", "viewer", demo.unit_id)
    return {"point_id": demo.points[0].id, "user_id": victim, "service_id": service_id,
            "unit_id": demo.unit_id, "unit_code": demo.unit_code}


def _staff_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith("/staff/")),
        key=lambda r: r.rule,
    )


def _url(rule, samples, app) -> tuple[str, bool]:
    """Build the rule's URL; say whether every argument had a real sample value."""
    values, known = {}, True
    for name in rule.arguments:
        if name in (rule.defaults or {}):
            continue
        if name in samples:
            values[name] = samples[name]
            continue
        known = False
        converter = rule._converters[name]
        items = getattr(converter, "items", None)  # the `any(...)` converter
        values[name] = sorted(items)[0] if items else (1 if isinstance(converter, IntegerConverter) else "x")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values), known


def test_every_staff_view_declares_its_roles(app):
    undeclared = [
        r.rule for r in _staff_rules(app)
        if getattr(app.view_functions[r.endpoint], "allowed_roles", None) is None
    ]
    assert not undeclared, f"/staff/ views without roles_required/public: {undeclared}"
    assert len(_staff_rules(app)) > 10  # the admin pages are really mounted


def test_access_matrix(app, staff):
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix is about roles, not tokens
    samples = _sample_values(app, staff)
    problems, checked = [], 0
    for rule in _staff_rules(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        url, known = _url(rule, samples, app)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who in ("anonymous", *ROLES):
                client = app.test_client()
                if who != "anonymous":
                    _session_login(client, staff.users[who], app)
                response = client.open(url, method=method)
                status = response.status_code
                checked += 1
                if allowed == PUBLIC:
                    ok = status < 500 and status != 403
                elif who == "anonymous":
                    ok = status == 401 or (status == 302 and "/staff/login" in response.headers["Location"])
                elif who not in allowed:
                    ok = status == 403
                else:
                    fine = {200, 201, 204, 301, 302, 303}
                    if method != "GET":
                        fine |= {400}
                    if not known:  # an argument we have no real value for
                        fine |= {404}
                    ok = status in fine
                    if status == 403 and who == "admin":
                        # A province or city page (units import): the commune admin is
                        # refused, the same role one level up must get through.
                        city = app.test_client()
                        _session_login(city, staff.users["city_admin"], app)
                        ok = city.open(url, method=method).status_code in fine
                if not ok:
                    problems.append(f"{method} {url} as {who}: {status} (allowed: {sorted(allowed)})")
    assert not problems, "\n".join(problems)
    assert checked >= 4 * len(_staff_rules(app))


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_roles_are_hierarchical(role):
    from survey.auth.access import allowed_roles

    assert allowed_roles("viewer") == set(ROLES)
    assert allowed_roles("analyst") == {"analyst", "admin"}
    assert allowed_roles("admin") == {"admin"}
    assert role in allowed_roles(role)
