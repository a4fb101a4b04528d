"""Least privilege on downloads: raw responses leave only through routes declaring export_raw_responses.

Walks every route of the URL map (not a hand list) as a viewer and as an
analyst, with a plan that has responses, and opens each spreadsheet and CSV
it gets: a file holding the raw responses must come from a route whose
declared action is ``export_raw_responses``, which the policy table does not
give viewers. Analysts still get the plan workbook with its responses sheet.
"""
from __future__ import annotations

import io

from openpyxl import load_workbook

from survey.auth import policy
from tests.plans.helpers import add_responses, make_plan
from tests.staff.walk import build_url, session_login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAW_SHEET = "Phiếu khảo sát"
RAW_CSV_HEADER = "Thời điểm gửi"  # the responses table's submission-time column


def _holds_raw(answer) -> bool:
    """Whether a download carries the responses row by row (the workbook sheet or the CSV)."""
    if answer.status_code != 200:
        return False
    if answer.mimetype == XLSX:
        return RAW_SHEET in load_workbook(io.BytesIO(answer.data), read_only=True).sheetnames
    return answer.mimetype == "text/csv" and RAW_CSV_HEADER in answer.get_data(as_text=True)[:2000]


def _downloads(app, staff, role):
    """Yield (url, declared action, answer) for every route that answers a GET or an empty POST."""
    plan_id = make_plan(app, staff.demo)
    add_responses(app, plan_id, staff.demo.points[0].services[0], 3, 1)
    samples = {"plan_id": plan_id, "point_id": staff.demo.points[0].id, "unit_code": staff.demo.unit_code,
               "kind": "responses", "fmt": "csv"}
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    session_login(client, staff.users[role], app)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        action = policy.action_of(app.view_functions[rule.endpoint], rule.endpoint)
        if not rule.rule.startswith("/staff/") or action == "own_account":  # logout would end the walk
            continue
        url, _known = build_url(rule, samples, app)
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield url, action, client.open(url, method=method)


def test_viewer_gets_no_raw_responses_anywhere(app, staff):
    leaks = []
    for url, _action, answer in _downloads(app, staff, "viewer"):
        if _holds_raw(answer):
            leaks.append(url)
    assert not leaks, leaks


def test_analyst_still_gets_the_plan_workbook_with_responses(app, staff):
    got = {url: answer for url, _action, answer in _downloads(app, staff, "analyst")
           if url.endswith("/indices.xlsx") and answer.status_code != 405}
    assert got, "the plan workbook route was not walked"
    (answer,) = got.values()
    assert answer.status_code == 200
    assert RAW_SHEET in load_workbook(io.BytesIO(answer.data), read_only=True).sheetnames


def test_every_route_handing_over_raw_responses_declares_export_raw_responses(app, staff):
    """The rule cannot drift: any file with the responses in it comes from the one action."""
    wrong, raw_seen = [], 0
    for url, action, answer in _downloads(app, staff, "analyst"):
        raw = _holds_raw(answer)
        raw_seen += raw
        if raw and action != "export_raw_responses":
            wrong.append(f"{url} [{action}]")
    assert raw_seen >= 2, "the walk met no raw-response download"  # the plan workbook and the responses CSV
    assert not wrong, wrong
