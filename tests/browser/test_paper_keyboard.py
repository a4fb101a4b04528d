"""Paper entry in a real browser, keyboard only: two clerks key a form, a difference is resolved.

Drives Debian's chromium (apt package `chromium`) through Playwright against
the app served on 127.0.0.1; no browser is downloaded.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey import db
from survey.models import PaperForm, Plan, Response, Service
from survey.plans.queries import definition
from tests.plans.helpers import make_plan
from tests.staff.conftest import PASSWORD, make_user, staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
SERVICES = ["1.000894", "1.001193"]  # keyed as 1 and 2, in code order
COMMENT = "Cán bộ tận tình"


def _clerk(chromium, server, username):
    """A fresh browser session logged in with the keyboard: name, Tab, password, Enter."""
    page = chromium.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server}/staff/login")
    page.wait_for_function("document.activeElement.name === 'username'")  # autofocus
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, page.inner_text("body")
    return page


def _focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.tagName")


def _key_form(page, number: str, digits: str, after_number: str):
    """Type the form number, move on with Enter or Tab, then one digit per box, the comment, Enter."""
    page.wait_for_function("document.activeElement.name === 'number'")  # autofocus
    page.keyboard.type(number)
    page.keyboard.press(after_number)
    assert _focused(page) == "service"
    page.keyboard.type(digits)  # each digit moves the cursor to the next box by itself
    assert _focused(page) == "comment"
    page.keyboard.type(COMMENT)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in the comment saves the form


def test_two_clerks_key_a_paper_form_and_resolve_a_difference(app, staff, server, chromium):
    make_user(app, "clerk2", "analyst", staff.demo.unit_id)
    plan_id = make_plan(app, staff.demo, services=SERVICES)
    with app.app_context():
        q = definition(db.session().get(Plan, plan_id))
    # service 2; criteria; expectations (0 = blank for MM10); NT1 NT2 KENH GIOI TUOI HOCVAN NGHE DANTOC
    criteria = "4545444534455444"
    first = "2" + criteria + "343434342" + "0" + "11221351"
    assert len(first) == 1 + len(q.criteria) + len(q.expectations) + len(q.choices)
    tt1 = 1 + 3  # TT1 is the 4th criterion: index 4 in the digit string (after the service)
    second = first[:tt1] + "2" + first[tt1 + 1:]  # clerk 2 reads TT1 as 2 (the paper says 2)
    entry = f"{server}/staff/plans/{plan_id}/paper/"

    page = _clerk(chromium, server, "analyst1")
    page.goto(entry)
    _key_form(page, "P17", first, "Enter")
    assert "Đã lưu lần nhập 1 của phiếu P17" in page.content()

    page2 = _clerk(chromium, server, "clerk2")
    page2.goto(entry)
    _key_form(page2, "P17", second, "Tab")
    assert "Phiếu P17 có chênh lệch giữa hai lần nhập" in page2.content()
    with app.app_context():
        assert db.session().query(Response).count() == 0  # a form counts only once resolved

    page2.goto(f"{server}/staff/plans/{plan_id}/paper/conflicts")
    rows = page2.inner_text("table").splitlines()
    assert rows[1:] == [f"TT1\t{first[tt1]}\t2"]  # the one difference: clerk 1 keyed 5, clerk 2 keyed 2
    assert _focused(page2) == "TT1"  # the cursor waits in the first yellow box
    page2.keyboard.type("2")  # the keyed 5 is selected: the digit from the paper replaces it, the cursor moves on
    assert _focused(page2) == "TT2"
    for _ in range(60):  # Enter walks the remaining boxes to the comment
        if _focused(page2) == "comment":
            break
        page2.keyboard.press("Enter")
    with page2.expect_navigation():
        page2.keyboard.press("Enter")
    assert "Phiếu P17 đã được đối chiếu và tính" in page2.content()

    with app.app_context():
        s = db.session()
        response = s.query(Response).one()
        answers = response.answer_values
        assert response.channel == "paper" and s.get(Service, response.service_id).code == SERVICES[1]
        expected = dict(zip([c.code for c in q.criteria], map(int, criteria)))
        expected["TT1"] = 2
        expected.update(zip([m.code for m in q.expectations][:9], map(int, "343434342")))
        expected.update(zip([c.code for c in q.choices], map(int, "11221351")))
        assert answers == expected  # MM10 keyed 0: no answer stored
        assert response.comment.text == COMMENT
        assert s.query(PaperForm).one().status == "counted"


def _key_sheet(page, number: str, service: str, digits: str, move_on: str) -> None:
    """Key a sheet as a clerk does: number, Enter; the service number, then `move_on`; one digit per item."""
    page.wait_for_function("document.activeElement.name === 'number'")
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    assert _focused(page) == "service"
    page.keyboard.type(service)
    assert _focused(page) == "service"  # a two-digit box never moves on before the clerk says so
    page.keyboard.press(move_on)
    assert _focused(page) == "TC1"
    page.keyboard.type(digits)
    assert _focused(page) == "comment"
    page.keyboard.type(COMMENT)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_two_digit_procedure_number_is_stored_as_typed_in_both_keyings(app, staff, server, chromium):
    with app.app_context():
        catalogue = db.session().scalars(select(Service.code).order_by(Service.code)).all()
    assert len(catalogue) >= 10  # the demo catalogue: procedure numbers run past 9
    make_user(app, "clerk2", "analyst", staff.demo.unit_id)
    plan_id = make_plan(app, staff.demo, services=catalogue)
    with app.app_context():
        q = definition(db.session().get(Plan, plan_id))
    # The sheet: procedure 10 (the tenth in code order); criteria; expectations; choices.
    criteria, expectations, choices = "5435444534455443", "3434343421", "11221351"
    digits = criteria + expectations + choices
    assert len(digits) == len(q.criteria) + len(q.expectations) + len(q.choices)
    entry = f"{server}/staff/plans/{plan_id}/paper/"

    page = _clerk(chromium, server, "analyst1")
    page.goto(entry)
    assert page.get_attribute("input[name=service]", "maxlength") == "2"
    _key_sheet(page, "P210", "10", digits, "Enter")
    assert "Đã lưu lần nhập 1 của phiếu P210" in page.content(), page.inner_text("body")

    page2 = _clerk(chromium, server, "clerk2")
    page2.goto(entry)
    _key_sheet(page2, "P210", "10", digits, "Tab")
    assert "Phiếu P210 khớp hai lần nhập và đã được tính" in page2.content(), page2.inner_text("body")

    with app.app_context():
        s = db.session()
        response = s.query(Response).one()
        assert response.channel == "paper"
        assert s.get(Service, response.service_id).code == catalogue[9]
        expected = dict(zip([c.code for c in q.criteria], map(int, criteria)))
        expected.update(zip([m.code for m in q.expectations], map(int, expectations)))
        expected.update(zip([c.code for c in q.choices], map(int, choices)))
        assert response.answer_values == expected
        assert response.comment.text == COMMENT
        assert s.query(PaperForm).one().status == "counted"
