"""Back, then Send again, in Chromium: one response counted (issue #11.6)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey import db
from survey.models import Response
from tests.citizen.helpers import Q

pytestmark = pytest.mark.browser
CRITERIA = [c.code for c in Q.criteria]


def _stored(app) -> list[tuple[bool, dict[str, int]]]:
    with app.app_context():
        rows = db.session().scalars(select(Response).order_by(Response.id))
        return [(r.flagged, r.answer_values) for r in rows]


def _answer(page, value: str) -> None:
    if page.locator("input[name=service]").count():
        page.locator("input[name=service]").first.check()
    for code in CRITERIA:
        page.check(f"input[name='{code}'][value='{value}']")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("change", [False, True], ids=["same", "corrected"])
def test_back_then_send_again_counts_once(app, server, phone, demo, javascript, change):
    page = phone(java_script_enabled=javascript)
    page.goto(f"{server}/s/{demo.points[0].token}")
    _answer(page, "4")
    page.click("form button[type=submit]:not([name])")
    page.wait_for_url("**/cam-on")
    page.go_back()
    page.wait_for_selector("form button[type=submit]:not([name])")
    if change:
        _answer(page, "2")
    elif not page.locator(f"input[name='{CRITERIA[0]}']:checked").count():
        _answer(page, "4")  # the browser fetched a fresh form: the citizen answers again, the same
    page.click("form button[type=submit]:not([name])")
    page.wait_for_url("**/cam-on")
    stored = _stored(app)
    assert len(stored) == 1, stored
    flagged, answers = stored[0]
    assert flagged is False
    assert all(answers[c] == (2 if change else 4) for c in CRITERIA)
