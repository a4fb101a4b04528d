"""Least privilege on downloads: no route a viewer may open hands over raw responses.

Walks every GET route under /staff/ from the URL map as a viewer (not a hand
list), with a plan that has responses, and opens each spreadsheet it gets:
the raw-responses sheet must never be in it. Analysts still get it.
"""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.plans.helpers import add_responses, make_plan
from tests.staff.test_access_matrix import _sample_values, _session_login, _staff_rules, _url

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAW_SHEET = "Phiếu khảo sát"


def _downloads(app, staff, role):
    plan_id = make_plan(app, staff.demo)
    add_responses(app, plan_id, staff.demo.points[0].services[0], 3, 1)
    samples = {**_sample_values(app, staff), "plan_id": plan_id}
    client = app.test_client()
    _session_login(client, staff.users[role], app)
    for rule in _staff_rules(app):
        if "GET" not in rule.methods:
            continue
        url, _known = _url(rule, samples, app)
        answer = client.get(url)
        yield url, answer


def test_viewer_gets_no_raw_responses_anywhere(app, staff):
    leaks, sheets_seen = [], 0
    for url, answer in _downloads(app, staff, "viewer"):
        if answer.status_code == 200 and answer.mimetype == XLSX:
            sheets_seen += 1
            names = load_workbook(io.BytesIO(answer.data), read_only=True).sheetnames
            if RAW_SHEET in names:
                leaks.append(url)
        if answer.status_code == 200 and answer.mimetype == "text/csv":
            if "submitted" in answer.get_data(as_text=True)[:2000].lower():
                leaks.append(url)
    assert not leaks, leaks


def test_analyst_still_gets_the_plan_workbook_with_responses(app, staff):
    got = {url: answer for url, answer in _downloads(app, staff, "analyst") if url.endswith("/indices.xlsx")}
    assert got, "the plan workbook route was not walked"
    (answer,) = got.values()
    assert answer.status_code == 200
    assert RAW_SHEET in load_workbook(io.BytesIO(answer.data), read_only=True).sheetnames
