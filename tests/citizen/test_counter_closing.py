"""Only an administrator closes a counter; plan dates never do, and nothing a citizen sends is lost.

Issue 11.5: a unit whose only plan does not cover today (next year's plan,
prepared in December) answered "survey closed" on every QR and dropped the
feedback. Now the counter keeps taking it, the response is stored and shown
as outside any plan, and the admin's "close this counter" is the one switch,
confirmed before it is saved and written to the audit log.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from survey import db
from survey.citizen.operations import record_response
from survey.models import AuditEvent, PaperForm, Plan, Response, ServicePoint
from survey.paper.operations import fieldwork_time, key_in
from survey.plans.attribution import outside_counts, plan_counts
from survey.plans.calendar import LOCAL, today
from survey.plans.queries import definition, results_filters, results_method
from survey.questionnaire.sync import ensure_row
from survey.results import sql
from survey.results.scopes import scoped_estimates
from tests.citizen.helpers import full_answers, open_form
from tests.plans.helpers import make_plan
from tests.plans.test_paper import keyed
from tests.staff.conftest import csrf_from, login, staff  # noqa: F401  (fixture)

CLOSED = "tạm ngừng nhận phiếu"


def _send(client, point) -> int:
    url = f"/s/{point.token}"
    return client.post(url, data={**open_form(client, url), **full_answers(), "service": point.services[0]}).status_code


def _count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Response.id)))


def test_next_years_plan_leaves_the_counter_open_and_the_response_counts_outside_plans(app, client, staff):
    demo = staff.demo
    next_year = date(today().year + 1, 1, 1)
    plan_id = make_plan(app, demo, start=next_year, end=date(next_year.year, 12, 31))
    point = demo.points[0]
    page = client.get(f"/s/{point.token}")
    assert page.status_code == 200 and CLOSED not in page.get_data(as_text=True)
    assert _send(client, point) == 303
    assert _count(app) == 1
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        assert outside_counts(s, [demo.unit_id]) == {demo.unit_id: 1}
        assert plan_counts(s, [plan]) == {plan_id: 0}
    login(client, "analyst1")
    listing = client.get("/staff/plans/").get_data(as_text=True)
    assert "Phiếu ngoài kế hoạch" in listing
    row = re.search(r"<tr><td>([^<]*)</td><td class=\"n\">(\d+)</td></tr>", listing.split("Phiếu ngoài kế hoạch")[-1])
    with app.app_context():
        unit_name = db.session().get(Plan, plan_id).unit.name
    assert row is not None and row.groups() == (unit_name, "1")
    detail = client.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    assert "Phiếu ngoài kế hoạch của đơn vị (ngoài thời gian mọi kế hoạch): 1" in detail


def test_a_response_after_the_plan_ends_counts_outside_it_not_in_it(app, client, demo):
    start = today() - timedelta(days=60)
    plan_id = make_plan(app, demo, start=start, end=today() - timedelta(days=1))
    assert _send(client, demo.points[0]) == 303
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        in_plan = s.scalar(select(func.count(Response.id)).where(*sql.scope(results_filters(s, plan))))
        assert (in_plan, outside_counts(s, [demo.unit_id])[demo.unit_id]) == (0, 1)


def test_paper_keyed_after_the_plan_is_dated_on_its_last_day():
    plan = Plan(start_date=date(2025, 1, 1), end_date=date(2025, 6, 30))
    late = fieldwork_time(plan, datetime(2025, 8, 1, 3, 0, tzinfo=timezone.utc))
    # The last second of 30 June in Vietnam (UTC+7): 16:59:59 UTC.
    assert late == datetime(2025, 6, 30, 16, 59, 59, tzinfo=timezone.utc)
    assert late.astimezone(LOCAL).date() == plan.end_date
    during = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)
    assert fieldwork_time(plan, during) == during
    early = fieldwork_time(plan, datetime(2024, 12, 31, 1, 0, tzinfo=timezone.utc))
    assert early == datetime.combine(plan.start_date, time(), LOCAL).astimezone(timezone.utc)


def test_closing_a_counter_is_confirmed_first_audited_and_stops_the_form(app, client, staff):
    point = staff.demo.points[0]
    phone = app.test_client()
    url = f"/s/{point.token}"
    pending = {**open_form(phone, url), **full_answers(), "service": point.services[0]}
    login(client, "admin1")
    edit = client.get(f"/staff/admin/counters/{point.id}")
    token = csrf_from(edit)
    assert "Đóng quầy" in edit.get_data(as_text=True)
    # The first press only says what citizens will see; nothing is saved yet.
    ask = client.post(f"/staff/admin/counters/{point.id}/close", data={"csrf_token": token})
    html = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "góp ý của họ không được ghi nhận" in html and 'name="confirm" value="1"' in html
    with app.app_context():
        assert db.session().get(ServicePoint, point.id).closed_at is None
    assert phone.get(url).status_code == 200 and CLOSED not in phone.get(url).get_data(as_text=True)
    # Confirmed: closed at once, for a look and for a post.
    done = client.post(f"/staff/admin/counters/{point.id}/close", data={"csrf_token": token, "confirm": "1"})
    assert done.status_code == 302
    assert CLOSED in phone.get(url).get_data(as_text=True)
    assert phone.post(url, data=pending).status_code == 410
    assert _count(app) == 0
    assert "Đã đóng" in client.get("/staff/admin/counters").get_data(as_text=True)
    # Reopening needs no confirmation: it stops nothing.
    client.post(f"/staff/admin/counters/{point.id}/reopen", data={"csrf_token": token})
    assert _send(phone, point) == 303
    with app.app_context():
        s = db.session()
        assert s.get(ServicePoint, point.id).closed_at is None
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.target == f"service_point:{point.id}")
                                 .order_by(AuditEvent.id)))
    assert actions == ["counter_close", "counter_reopen"]


def test_revoking_a_qr_says_so_before_saving(app, client, staff):
    point = staff.demo.points[0]
    login(client, "admin1")
    token = csrf_from(client.get(f"/staff/admin/counters/{point.id}"))
    ask = client.post(f"/staff/admin/counters/{point.id}/revoke", data={"csrf_token": token})
    assert ask.status_code == 200 and "không mở được phiếu nữa" in ask.get_data(as_text=True)
    assert app.test_client().get(f"/s/{point.token}").status_code == 200  # still working
    client.post(f"/staff/admin/counters/{point.id}/revoke", data={"csrf_token": token, "confirm": "1"})
    assert app.test_client().get(f"/s/{point.token}").status_code == 404


def test_the_pages_that_change_the_form_say_so_before_saving(client, staff):
    login(client, "admin1")
    counter = client.get(f"/staff/admin/counters/{staff.demo.points[0].id}").get_data(as_text=True)
    assert "người dân quét mã QR của quầy thấy ngay" in counter
    plan_form = client.get("/staff/plans/new").get_data(as_text=True)
    assert "Kế hoạch không đóng quầy nào" in plan_form


def test_paper_keyed_after_the_plan_counts_in_the_plan(app, demo):
    services = ["1.000894", "1.001193"]
    end = today() - timedelta(days=10)
    plan_id = make_plan(app, demo, start=end - timedelta(days=60), end=end, services=services)
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        # One response on the plan's first day, so reading the figures fills the rollup cache
        # from there to yesterday: the paper form then lands on an already cached day.
        record_response(s, questionnaire_id=ensure_row(s, definition(plan)).id, point_id=None,
                        unit_id=plan.unit_id, service_id=plan.services[0].service_id, channel="paper",
                        answers={c.code: 4 for c in definition(plan).criteria}, comment="",
                        submission_key="f" * 32,
                        submitted_at=fieldwork_time(plan, datetime(2000, 1, 1, tzinfo=timezone.utc)))
        f, method = results_filters(s, plan), results_method(plan)
        before = scoped_estimates(s, f, method)
        assert before[(before.scope == "overall") & (before.code == "SIPAS")].n.sum() == 1
        s.commit()
        for _ in range(2):
            key_in(s, plan, "P9", None, keyed(services=tuple(services)).payload())
        assert s.query(PaperForm).one().status == "counted"
        response = s.scalars(select(Response).where(Response.submission_key != "f" * 32)).one()
        assert response.submitted_at.astimezone(LOCAL).date() == end
        assert outside_counts(s, [demo.unit_id]) == {demo.unit_id: 0}
        assert plan_counts(s, [plan]) == {plan_id: 2}
        after = scoped_estimates(s, results_filters(s, plan), method)
        assert after[(after.scope == "overall") & (after.code == "SIPAS")].n.sum() == 2
