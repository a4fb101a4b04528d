"""Plans choose the citizen form's questionnaire from their stored dates; they never close a counter."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from survey import db
from survey.models import Plan, Response
from survey.plans.calendar import parse_dmy, today
from survey.plans.operations import PlanError, PlanSettings
from survey.plans.queries import form_plan, is_open
from survey.questionnaire.loader import shipped
from tests.citizen.helpers import open_form
from tests.plans.helpers import make_plan

CLOSED_TEXT = "tạm ngừng nhận phiếu"


def test_population_questionnaire_has_two_groups_and_overall_is_their_mean():
    import analysis

    q = shipped()[("sipas-population", "2024.1")]
    counts = {g.code: (sum(e.group == g.code for e in q.elements),
                       sum(len(e.criteria) for e in q.elements if e.group == g.code)) for g in q.groups}
    assert counts == {"PC": (4, 23), "DV": (5, 16)}
    labels, m = analysis.Scheme.from_mapping(q.scheme_mapping()).composites()
    rows = {lab: row for lab, row in zip(labels, m)}
    assert rows[("overall", "SIPAS")] == pytest.approx(0.5 * rows[("group", "PC")] + 0.5 * rows[("group", "DV")])


def test_open_is_inclusive_and_in_vietnam_time():
    plan = Plan(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    assert is_open(plan, date(2025, 12, 31)) and not is_open(plan, date(2026, 1, 1))
    # 17:30 UTC on 31/12 is already 1 January in Hanoi.
    assert today(datetime(2025, 12, 31, 17, 30, tzinfo=timezone.utc)) == date(2026, 1, 1)


def test_dates_parse_day_first():
    assert parse_dmy("05/03/2025") == date(2025, 3, 5)
    assert parse_dmy("2025-03-05") == date(2025, 3, 5)
    assert parse_dmy("5.3.2025 10:15") == date(2025, 3, 5)
    with pytest.raises(ValueError):
        parse_dmy("March 5")


def test_settings_are_checked():
    with pytest.raises(PlanError):
        PlanSettings("x", date(2025, 2, 1), date(2025, 1, 1)).check()
    with pytest.raises(PlanError):
        PlanSettings("x", date(2025, 1, 1), date(2025, 2, 1), target_margin=0.9).check()


def test_unit_without_plan_keeps_form_open(client, demo):
    page = client.get(f"/s/{demo.points[0].token}")
    assert page.status_code == 200 and CLOSED_TEXT not in page.get_data(as_text=True)


def test_form_stays_open_outside_every_plan(app, client, demo):
    past = today() - timedelta(days=400)
    plan_id = make_plan(app, demo, start=past, end=past + timedelta(days=300),
                        questionnaire=("sipas-population", "2024.1"))
    url = f"/s/{demo.points[0].token}"
    page = client.get(url)
    assert page.status_code == 200 and CLOSED_TEXT not in page.get_data(as_text=True)
    # Between plans the latest plan that has started keeps its questionnaire.
    assert 'name="XD1"' in page.get_data(as_text=True)
    with app.app_context():
        assert form_plan(db.session(), demo.unit_id).id == plan_id


def test_a_plan_not_yet_started_leaves_the_default_form(app, demo):
    start = today() + timedelta(days=30)
    make_plan(app, demo, start=start, end=start + timedelta(days=300), questionnaire=("sipas-population", "2024.1"))
    with app.app_context():
        assert form_plan(db.session(), demo.unit_id) is None
        assert form_plan(db.session(), demo.unit_id, start).questionnaire_code == "sipas-population"


def test_open_plan_serves_its_questionnaire(app, client, demo):
    make_plan(app, demo, questionnaire=("sipas-population", "2024.1"))
    point = demo.points[0]
    url = f"/s/{point.token}/{point.services[0]}"
    html = client.get(url).get_data(as_text=True)
    assert 'name="XD1"' in html and 'name="PA3"' in html
    fields = open_form(client, url)
    q = shipped()[("sipas-population", "2024.1")]
    answers = {c.code: "5" for c in q.criteria}
    assert client.post(url, data={**fields, **answers}).status_code == 303
    with app.app_context():
        r = db.session().query(Response).one()
        assert set(r.answer_values) == {c.code for c in q.criteria}
