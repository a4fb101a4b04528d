"""The download buttons (POSTs with a CSRF token) download in Chromium, and Back still works after."""
from __future__ import annotations

import pytest

from tests.browser.conftest import shot
from tests.browser.test_staff_and_a11y import PASSWORD, _user
from tests.plans.helpers import add_responses, make_plan

pytestmark = pytest.mark.browser


def _login(page, server, username):
    page.goto(f"{server}/staff/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_download_buttons_download_and_back_works(app, server, phone, demo):
    plan_id = make_plan(app, demo)
    add_responses(app, plan_id, demo.points[0].services[0], 3, 1)
    page = phone()
    _login(page, server, _user(app, demo, "admin"))
    page.goto(f"{server}/staff/plans/")
    with page.expect_navigation():
        page.click(f"a[href='/staff/plans/{plan_id}']")
    shot(page, "plan-download-buttons")
    names = {}
    for label, suffix in (("Tải báo cáo (DOCX)", ".docx"), ("Tải chỉ số (XLSX)", ".xlsx"),
                          ("Danh sách hồ sơ được chọn (CSV)", ".csv"), ("In phiếu mời chưa dùng (PDF)", ".pdf")):
        with page.expect_download() as got:
            page.get_by_role("button", name=label).click()
        download = got.value
        assert download.failure() is None, label
        names[label] = download.suggested_filename
        assert download.suggested_filename.endswith(suffix), (label, download.suggested_filename)
        assert page.url.endswith(f"/staff/plans/{plan_id}"), page.url  # the page stayed put
    # Back goes to the list, Forward back to the plan: no "resubmit the form?" in between.
    page.go_back()
    assert page.url.endswith("/staff/plans/"), page.url
    page.go_forward()
    assert page.url.endswith(f"/staff/plans/{plan_id}"), page.url
    assert page.get_by_role("button", name="Tải báo cáo (DOCX)").is_visible()

    page.goto(f"{server}/staff/results/")
    for label, suffix in (("Chỉ số và dữ liệu (XLSX)", ".xlsx"), ("Phiếu (CSV)", ".csv")):
        with page.expect_download() as got:
            page.get_by_role("button", name=label).click()
        assert got.value.suggested_filename.endswith(suffix), got.value.suggested_filename
    page.goto(f"{server}/staff/posters/")
    with page.expect_download() as got:
        page.get_by_role("button", name="Áp phích A4 cho tất cả các quầy (PDF)").click()
    assert got.value.suggested_filename.endswith(".pdf")
    page.go_back()
    assert "/staff/results/" in page.url, page.url
