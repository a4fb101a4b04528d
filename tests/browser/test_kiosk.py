"""A counter tablet in kiosk mode returns to a fresh form, in real Chromium."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey import db
from survey.catalogue.operations import register_kiosk
from survey.models import Response, ServicePoint
from tests.citizen.helpers import Q

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk_url(app, demo, server):
    app.config["SIPAS_KIOSK_IDLE_SECONDS"] = 2  # 90 s in service; short so the test is quick
    with app.app_context():
        s = db.session()
        token = register_kiosk(s.get(ServicePoint, demo.points[0].id))
        s.commit()
    return f"{server}/k/{token}"


def _key(page) -> str:
    return page.locator("input[name=submission_key]").get_attribute("value")


def test_idle_kiosk_discards_half_answers_and_shows_a_fresh_form(kiosk_url, phone):
    page = phone()
    page.goto(kiosk_url)
    first = _key(page)
    page.check("input[name='TC1'][value='2']")
    # After the idle time (no input), the tablet reloads a blank form. (Polled from
    # Python: the page's CSP rightly forbids the string evaluation wait_for_function uses.)
    with page.expect_navigation(timeout=10_000):
        pass
    page.wait_for_load_state()
    assert _key(page) != first
    assert page.url == kiosk_url
    assert not page.is_checked("input[name='TC1'][value='2']")


def test_kiosk_returns_to_a_fresh_form_after_submitting(app, kiosk_url, phone, demo):
    page = phone()
    page.goto(kiosk_url)
    page.locator("input[name=service]").first.check()
    for c in Q.criteria:
        page.check(f"input[name='{c.code}'][value='5']")
    page.click("form button[type=submit]")
    page.wait_for_url("**/cam-on")
    # The thank-you page sends the tablet back by itself (meta refresh, no JS needed).
    page.wait_for_url(kiosk_url, timeout=15_000)
    assert not page.is_checked(f"input[name='{Q.criteria[0].code}'][value='5']")
    with app.app_context():
        assert db.session().scalars(select(Response.channel)).all() == ["kiosk"]
