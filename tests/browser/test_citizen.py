"""The citizen form in real Chromium at a 360x640 phone viewport."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey import db
from survey.models import Response
from tests.browser.conftest import shot
from tests.citizen.helpers import Q

pytestmark = pytest.mark.browser
CRITERIA = [c.code for c in Q.criteria]
SEND = "form button[type=submit]"  # the language switch in the header submits the form too


def _stored(app) -> list[dict[str, int]]:
    with app.app_context():
        return [r.answer_values for r in db.session().scalars(select(Response))]


def _fill_by_clicks(page) -> None:
    if page.locator("input[name=service]").count():
        page.locator("input[name=service]").first.check()
    for code in CRITERIA:
        page.check(f"input[name='{code}'][value='4']")
    page.fill("#comment", "Cán bộ hướng dẫn tận tình.")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_answers_submits_and_is_thanked(app, server, phone, demo, javascript):
    page = phone(java_script_enabled=javascript)
    page.goto(f"{server}/s/{demo.points[0].token}")
    assert page.viewport_size == {"width": 360, "height": 640}
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, f"citizen-form-{'js' if javascript else 'nojs'}")
    _fill_by_clicks(page)
    page.click(SEND)
    page.wait_for_url("**/cam-on")
    assert "Cảm ơn" in page.inner_text("h1")
    shot(page, f"citizen-thanks-{'js' if javascript else 'nojs'}")
    stored = _stored(app)
    assert len(stored) == 1 and all(stored[0][c] == 4 for c in CRITERIA)


def test_a_missing_answer_is_shown_and_nothing_stored(app, server, phone, demo):
    page = phone()
    page.goto(f"{server}/s/{demo.points[0].token}")
    _fill_by_clicks(page)
    # Without the browser's own check (an old phone), the server must catch the gap.
    page.evaluate(f"document.querySelectorAll(\"input[name='{CRITERIA[0]}']\")"
                  ".forEach(r => {{ r.checked = false; r.required = false; }})")
    page.click(SEND)
    page.locator("#errors").wait_for()  # the script posts, then lets the server show the errors
    assert page.locator("#errors[role=alert]").is_visible()
    shot(page, "citizen-form-error")
    assert _stored(app) == []


def test_the_whole_form_by_keyboard_only(app, server, phone, demo):
    page = phone()
    page.goto(f"{server}/s/{demo.points[0].token}")
    answered: set[str] = set()
    for _ in range(600):
        page.keyboard.press("Tab")
        el = page.evaluate("(() => { const e = document.activeElement;"
                           " return {tag: e.tagName, type: e.type || '', name: e.name || '',"
                           " send: !!e.closest('form') && e.type === 'submit'}; })()")
        if el["type"] == "radio" and el["name"] not in answered:
            page.keyboard.press("Space")  # choose the first option…
            if el["name"] != "service":
                page.keyboard.press("ArrowRight")  # …and move to the next one with an arrow key
            answered.add(el["name"])
        elif el["tag"] == "TEXTAREA":
            page.keyboard.type("Gõ bằng bàn phím.")
        elif el["tag"] == "BUTTON" and el["send"]:
            break
    else:
        pytest.fail("Tab never reached the submit button")
    chosen = page.evaluate("Object.fromEntries([...document.querySelectorAll('input[type=radio]:checked')]"
                           ".map(r => [r.name, r.value]))")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/cam-on")
    shot(page, "citizen-keyboard-thanks")
    stored = _stored(app)
    assert len(stored) == 1
    assert set(CRITERIA) <= set(stored[0])
    assert stored[0] == {k: int(v) for k, v in chosen.items() if k != "service"}
    assert all(stored[0][c] == 2 for c in CRITERIA)  # Space chose 1, the arrow moved to 2
