"""`sipas users …` and the demo administrator printed by `sipas demo seed`."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey import db
from survey.models import AuditEvent, User
from tests.staff.conftest import login


def test_users_create_list_disable(app, runner, demo, client):
    result = runner.invoke(args=["users", "create", "vhxh", "--role", "analyst",
                                 "--unit", demo.unit_code, "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    generated = runner.invoke(args=["users", "create", "xem", "--role", "viewer", "--unit", demo.unit_code])
    password = re.search(r"Password \(shown once\): (\S+)", generated.output).group(1)
    assert login(client, "xem", password).status_code == 302

    listing = runner.invoke(args=["users", "list"])
    assert re.search(rf"vhxh\tanalyst\t{demo.unit_code}\tactive", listing.output)

    assert runner.invoke(args=["users", "disable", "vhxh"]).exit_code == 0
    assert f"vhxh\tanalyst\t{demo.unit_code}\tdisabled" in runner.invoke(args=["users", "list"]).output
    assert login(app.test_client(), "vhxh", "a-long-password").status_code == 401
    with app.app_context():
        actions = [e.action for e in db.session().scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("user_create") == 2 and "user_disable" in actions


def test_users_create_refuses_bad_input(runner, demo):
    assert runner.invoke(args=["users", "create", "a", "--role", "admin", "--unit", "NOPE"]).exit_code != 0
    weak = runner.invoke(args=["users", "create", "b", "--role", "admin", "--unit", demo.unit_code,
                               "--password", "short"])
    assert weak.exit_code != 0 and "at least" in weak.output
    runner.invoke(args=["users", "create", "c", "--role", "admin", "--unit", demo.unit_code])
    again = runner.invoke(args=["users", "create", "C", "--role", "admin", "--unit", demo.unit_code])
    assert again.exit_code != 0 and "already exists" in again.output


def test_demo_seed_prints_a_working_admin_login_and_is_idempotent(app, runner):
    first = runner.invoke(args=["demo", "seed", "--quiet"])
    second = runner.invoke(args=["demo", "seed", "--quiet"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    username, password = re.search(r"Demo administrator.*: (\S+) / (\S+)", second.output).groups()
    with app.app_context():
        assert len(list(db.session().scalars(select(User)))) == 1
    assert login(app.test_client(), username, password).status_code == 302
