"""Double entry of paper forms: agree → counted once as channel 'paper'; differ → resolve first."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from survey import db
from survey.models import PaperForm, Plan, Response, Service
from survey.paper.keying import differences, parse
from survey.paper.operations import KeyingError, conflicts, key_in, resolve
from survey.plans.queries import definition
from tests.plans.helpers import make_plan

SERVICES = ["1.000894", "1.001193"]


def keyed(number="P001", service="2", base=4, services=tuple(SERVICES), **changes):
    q = definition(Plan(questionnaire_code="sipas-dv", questionnaire_version="2024.1"))
    form = {"number": number, "service": service, "comment": "Cán bộ nhiệt tình"}
    form.update({c.code: str(base) for c in q.criteria})
    form.update(changes)
    return parse(MultiDict(form), q, list(services))


def test_parse_digits_zero_is_blank_and_errors():
    k = keyed(MM1="0", MM2="3", TC1="9")
    assert k.service == "1.001193" and "MM1" not in k.answers and k.answers["MM2"] == 3
    assert k.errors == {"TC1": "Sai giá trị"}
    assert "service" in keyed(service="7").errors and "TC2" in keyed(TC2="").errors


def test_two_equal_keyings_count_once(app, demo):
    plan_id = make_plan(app, demo, services=SERVICES)
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        assert key_in(s, plan, "P001", None, keyed().payload()).status == "pending"
        assert s.query(Response).count() == 0  # one keying does not count
        assert key_in(s, plan, "P001", None, keyed().payload()).status == "counted"
        r = s.query(Response).one()
        assert r.channel == "paper" and r.comment.text == "Cán bộ nhiệt tình"
        assert all(e.payload is None for e in s.query(PaperForm).one().entries)
        with pytest.raises(KeyingError):
            key_in(s, plan, "P001", None, keyed().payload())


def test_differences_are_shown_and_resolved_before_counting(app, demo):
    plan_id = make_plan(app, demo, services=SERVICES)
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        key_in(s, plan, "P002", None, keyed(TT2="5").payload())
        form = key_in(s, plan, "P002", None, keyed(TT2="3", service="1").payload())
        assert form.status == "conflict" and s.query(Response).count() == 0
        assert conflicts(s, plan)[0][1] == ["service", "TT2"]
        resolve(s, plan, form, keyed(TT2="5").payload())
        r = s.query(Response).one()
        assert r.answer_values["TT2"] == 5
        assert s.get(Service, r.service_id).code == "1.001193"


def test_same_clerk_cannot_key_twice(app, demo):
    from survey.models import User
    plan_id = make_plan(app, demo, services=SERVICES)
    with app.app_context():
        s = db.session()
        user = User(username="clerk", password_hash="x", role="analyst", unit_id=demo.unit_id)
        s.add(user)
        s.commit()
        plan = s.get(Plan, plan_id)
        key_in(s, plan, "P003", user.id, keyed().payload())
        with pytest.raises(KeyingError):
            key_in(s, plan, "P003", user.id, keyed().payload())


def test_differences_helper():
    assert differences(keyed().payload(), keyed().payload()) == []
    assert differences(keyed().payload(), keyed(comment="khác").payload()) == ["comment"]
