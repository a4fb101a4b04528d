"""Staff login and dashboard in Chromium; axe-core finds no serious or critical issue."""
from __future__ import annotations

import pytest

from survey import db
from survey.auth.operations import create_user
from survey.models import Unit
from tests.browser.conftest import PHONE, shot
from tests.citizen.helpers import Q

pytestmark = pytest.mark.browser
PASSWORD = "Mật-khẩu-trình-duyệt-2026"


def _user(app, demo, role="analyst") -> str:
    with app.app_context():
        s = db.session()
        create_user(s, "trinh-duyet", role, s.get(Unit, demo.unit_id), PASSWORD)
        s.commit()
    return "trinh-duyet"


def test_staff_login_and_dashboard(app, server, phone, demo):
    username = _user(app, demo)
    page = phone()
    page.goto(f"{server}/staff/results/")
    assert "/staff/login" in page.url  # sent to the login page first
    shot(page, "staff-login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/staff/results" in page.url, page.url
    assert page.locator("h1").count() >= 1
    shot(page, "staff-dashboard")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "staff-dashboard-desktop")
    page.set_viewport_size(PHONE)


def _serious(page, axe_js) -> list[str]:
    page.add_script_tag(content=axe_js)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_issue_on_public_pages(app, server, phone, demo, axe_js):
    # bypass_csp lets the test inject axe; the pages themselves keep their policy.
    page = phone(bypass_csp=True)
    token = demo.points[0].token
    urls = {"form": f"/s/{token}", "thanks": "/cam-on", "public": f"/cong-khai/{demo.unit_code}",
            "invitation": "/m"}
    problems = {}
    for name, url in urls.items():
        answer = page.goto(f"{server}{url}")
        assert answer.status < 500, (url, answer.status)
        problems[name] = _serious(page, axe_js)
    # The form showing its error messages too.
    page.goto(f"{server}/s/{token}")
    page.evaluate("document.querySelectorAll('[required]').forEach(e => e.required = false)")
    page.click("form button[type=submit]")
    page.locator("#errors").wait_for()
    assert page.locator("#errors[role=alert]").is_visible()
    problems["form-errors"] = _serious(page, axe_js)
    assert problems == {name: [] for name in problems}, problems
    assert Q.criteria  # the form had questions to check
