"""Downloads recorded in the audit log are POSTs: a GET answers 405 and writes nothing.

The POST with the session's CSRF token gives the file and exactly one audit
entry, committed together; without the token it gives neither.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey import db
from survey.models import AuditEvent
from tests.plans.helpers import add_responses, make_plan
from tests.staff.conftest import csrf_from, login

DOWNLOADS = {  # path (after the plan id where it has one) -> what the file starts with
    "/staff/results/export/responses.csv": b"",
    "/staff/results/export/indices.xlsx": b"PK",
    "/staff/plans/{plan}/indices.xlsx": b"PK",
    "/staff/plans/{plan}/report.docx": b"PK",
    "/staff/plans/{plan}/slips.pdf": b"%PDF",
    "/staff/plans/{plan}/call-list.csv": b"",
    "/staff/posters/counters.pdf": b"%PDF",
    "/staff/posters/services.pdf": b"%PDF",
}


def _audit_rows(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("path", sorted(DOWNLOADS))
def test_download_is_a_post_with_one_audit_entry(app, client, staff, path):
    plan_id = make_plan(app, staff.demo)
    add_responses(app, plan_id, staff.demo.points[0].services[0], 3, 1)
    url = path.format(plan=plan_id)
    login(client, "admin1")
    before = _audit_rows(app)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400  # no CSRF token: nothing is given, nothing recorded
    assert _audit_rows(app) == before
    token = csrf_from(client.get(f"/staff/plans/{plan_id}"))
    answer = client.post(url, data={"csrf_token": token})
    assert answer.status_code == 200, answer.status_code
    assert answer.data.startswith(DOWNLOADS[path]) and answer.data
    assert _audit_rows(app) == before + 1

