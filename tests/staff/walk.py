"""Walk the URL map: log a client in, build each rule's URL with real ids, seed two communes' data.

Shared by the access matrix, the raw-data test and the reads-never-write test.
"""
from __future__ import annotations

import time
import uuid
from datetime import timedelta

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from survey import db
from tests.staff.conftest import make_user

# URL arguments that name a stored object of one unit (the others are tokens or choices).
OBJECT_ARGS = ("plan_id", "point_id", "user_id", "service_id", "response_id", "unit_id")


def session_login(client, user_id: int, app) -> None:
    """Log a test client in without the form (hashing every time would be slow)."""
    from survey.auth import sessions
    from survey.models import User

    with app.app_context():
        session_id = db.session().get(User, user_id).get_id()
    with client.session_transaction() as sess:
        sess["_user_id"] = session_id
        sess["_fresh"] = True
        sess[sessions.LOGIN_AT] = sess[sessions.SEEN_AT] = time.time()


def build_url(rule, samples, app) -> tuple[str, bool]:
    """Build the rule's URL; say whether every argument had a real sample value."""
    values, known = {}, True
    for name in rule.arguments:
        if name in (rule.defaults or {}):
            continue
        converter = rule._converters[name]
        items = getattr(converter, "items", None)  # the `any(...)` converter
        if name in samples and (not items or samples[name] in items):
            values[name] = samples[name]
            continue
        if items:
            values[name] = sorted(items)[0]
            continue
        known = False
        values[name] = 1 if isinstance(converter, IntegerConverter) else "x"  # bounded id converters too
    with app.test_request_context():
        return url_for(rule.endpoint, **values), known


def _seed_unit(s, unit_id: int, point_id: int, letter: str, demo) -> dict:
    """A plan, a commented response, a local procedure and an account in one unit; return their ids."""
    from survey.auth.operations import create_user
    from survey.catalogue import operations as ops
    from survey.citizen.operations import record_response
    from survey.models import Field, Questionnaire, Service, Unit
    from survey.plans.calendar import today
    from survey.plans.operations import PlanSettings, save_plan, set_services
    from survey.questionnaire.sync import DEFAULT

    tag = f"acl{letter}{uuid.uuid4().hex[:6]}"
    shared = s.scalars(select(Service).where(Service.code.in_(demo.points[0].services))).all()
    plan = save_plan(s, unit_id, PlanSettings(f"Kế hoạch {tag}", today() - timedelta(days=30),
                                              today() + timedelta(days=60), DEFAULT))
    set_services(s, plan, [v.id for v in shared])
    qid = s.scalar(select(Questionnaire.id).filter_by(code=DEFAULT[0], version=DEFAULT[1]))
    response_id = record_response(s, questionnaire_id=qid, point_id=None, unit_id=unit_id, service_id=shared[0].id,
                               channel="paper", answers={"TC1": 4, "TC2": 5}, comment=f"Góp ý {tag}",
                               submission_key=uuid.uuid4().hex)
    field = s.scalars(select(Field)).first()
    local = ops.upsert_service(s, f"L{tag}", f"Thủ tục riêng {tag}", field, owner_id=unit_id)
    s.flush()
    unit = s.get(Unit, unit_id)
    victim = create_user(s, f"user-{tag}", "viewer", unit, "correct-horse-battery")
    s.flush()
    return {"samples": {"plan_id": plan.id, "point_id": point_id, "user_id": victim.id, "service_id": local.id,
                        "response_id": response_id, "unit_code": unit.code, "unit_id": unit_id},
            "markers": (f"Kế hoạch {tag}", f"Góp ý {tag}", f"Thủ tục riêng {tag}", f"user-{tag}"),
            "unit_id": unit_id}


def seed_two_units(app, staff) -> dict[str, dict]:
    """Data in commune A (the demo's) and commune B (its neighbour in the same city), by letter."""
    with app.app_context():
        s = db.session()
        units = {"A": _seed_unit(s, staff.demo.unit_id, staff.demo.points[0].id, "A", staff.demo),
                 "B": _seed_unit(s, staff.other_unit_id, staff.other_point_id, "B", staff.demo)}
        s.commit()
    return units


def visitors(app, staff) -> dict[str, tuple[str | None, int | None, set[str]]]:
    """Who walks the map: name -> (role, user id, letters of the communes it sees)."""
    other_admin = make_user(app, "admin-b", "admin", staff.other_unit_id)
    return {
        "anonymous": (None, None, set()),
        "viewer A": ("viewer", staff.users["viewer"], {"A"}),
        "analyst A": ("analyst", staff.users["analyst"], {"A"}),
        "admin A": ("admin", staff.users["admin"], {"A"}),
        "admin B": ("admin", other_admin, {"B"}),
        "city admin": ("admin", staff.users["city_admin"], {"A", "B"}),
    }


def sample_values(app, staff) -> dict[str, object]:
    """Real ids of the demo commune's objects, for the URL arguments we know (one unit only)."""
    from survey.models import Service

    demo = staff.demo
    with app.app_context():
        service_id = db.session().query(Service.id).filter(Service.code == demo.points[0].services[0]).scalar()
    victim = make_user(app, "victim", "viewer", demo.unit_id)
    return {"point_id": demo.points[0].id, "user_id": victim, "service_id": service_id,
            "unit_id": demo.unit_id, "unit_code": demo.unit_code}
