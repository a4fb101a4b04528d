"""One commit per request: a staff change and its audit entry are stored together or not at all."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from survey import db
from survey.models import AuditEvent, Plan, User
from survey.plans.calendar import today
from tests.staff.conftest import csrf_from, login, staff  # noqa: F401  (fixture)


def _count(app, stmt) -> int:
    with app.app_context():
        return db.session().scalar(stmt)


def _plan_form(client) -> dict:
    page = client.get("/staff/plans/new")
    return {"csrf_token": csrf_from(page), "title": "Kế hoạch thử", "start_date": str(today()),
            "end_date": str(today().replace(year=today().year + 1)), "questionnaire": "sipas-dv|2024.1",
            "target_margin": "5", "conf_level": "95", "sizing_method": "yamane", "allocation": "per_service",
            "expected_share": "90"}


class Halfway(RuntimeError):
    """Raised after the change and its audit entry were added, before the view returns."""


def _fail(*_a, **_kw):
    raise Halfway()


@pytest.mark.parametrize("view", ["plan", "user"])
def test_a_request_failing_halfway_leaves_neither_the_change_nor_its_audit_entry(app, client, staff,
                                                                                  monkeypatch, view):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the visitor gets the 500 page
    if view == "plan":
        login(client, "analyst1")
        data = _plan_form(client)
        monkeypatch.setattr("survey.plans.views.redirect", _fail)  # after save_plan and audit.record
        answer = client.post("/staff/plans/new", data=data)
        changed = _count(app, select(func.count()).select_from(Plan))
        action = "plan.create"
    else:
        login(client, "admin1")
        page = client.get("/staff/admin/users")
        monkeypatch.setattr("survey.admin.users.render_template", _fail)  # after create_user and audit.record
        answer = client.post("/staff/admin/users", data={"csrf_token": csrf_from(page), "username": "newclerk",
                                                         "role": "viewer", "unit_id": str(staff.demo.unit_id)})
        changed = _count(app, select(func.count()).select_from(User).where(User.username == "newclerk"))
        action = "user_create"
    assert answer.status_code == 500
    assert changed == 0
    assert _count(app, select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) == 0


def test_a_staff_change_commits_once_with_its_audit_entry(app, client, staff):
    login(client, "analyst1")
    data = _plan_form(client)
    commits = []
    engine = app.extensions["sipas.engine"]
    listener = lambda _conn: commits.append(1)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        answer = client.post("/staff/plans/new", data=data)
    finally:
        event.remove(engine, "commit", listener)
    assert answer.status_code == 303
    assert len(commits) == 1
    assert _count(app, select(func.count()).select_from(Plan)) == 1
    assert _count(app, select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "plan.create")) == 1


def test_every_staff_write_commits_through_the_one_decorator(app):
    """A new staff POST view must use @db.commits: audit.record no longer commits for it."""
    missing = sorted(r.rule for r in app.url_map.iter_rules()
                     if r.rule.startswith("/staff/") and "POST" in r.methods
                     and not getattr(app.view_functions[r.endpoint], "commits", False))
    assert missing == []
