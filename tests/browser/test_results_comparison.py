"""The comparison tables of the results page on a phone: each scrolls inside its box, the page does not."""
from __future__ import annotations

import io
from datetime import date

import pdfplumber
import pytest

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.report.helpers import respond

pytestmark = pytest.mark.browser
PASSWORD = "Mật-khẩu-so-sánh-2026"
PAGE = "/staff/results/?ky=quarter&nam=2025&quy=3"
A, B = "1.001193", "1.000894"


def test_comparison_tables_scroll_in_their_box_on_a_phone(app, staff_page, demo):
    respond(app, demo, A, date(2025, 8, 5), 60, 20)
    respond(app, demo, A, date(2025, 5, 5), 30, 50)
    respond(app, demo, B, date(2025, 8, 6), 70, 10)
    respond(app, demo, B, date(2024, 8, 6), 60, 20)
    page = staff_page("so-sanh", "viewer", PASSWORD, PAGE)
    page.set_viewport_size(PHONE)
    page.reload()
    tables = page.locator("#comparisons table")
    assert tables.count() == 2  # the quarter before, and the same quarter of 2024
    box = page.evaluate("""() => {
        const wraps = [...document.querySelectorAll('#comparisons .table-wrap')];
        return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                wraps: wraps.map(w => [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX])};
    }""")
    assert box["page"] <= box["view"], box  # the page itself never scrolls sideways
    for scroll, client, overflow in box["wraps"]:
        assert overflow == "auto" and client <= PHONE["width"] and scroll > client, box  # the table does, in its box
    section = page.locator("#comparisons")
    section.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results-comparison-phone.png"))
    wrap = page.locator("#comparisons .table-wrap").first
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")  # swipe to the last columns: the verdict
    page.screenshot(path=str(ARTIFACTS / "results-comparison-phone-scrolled.png"))
    last = page.locator("#compare-previous tr[data-scope=''][data-code='SIPAS'] td.sig")
    assert last.is_visible() and last.inner_text() == "Có"
    # Printed, the tables lie flat on A4 inside the margins (the stylesheet drops the scroll box).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [(ch, p.width) for p in doc.pages for ch in p.chars]
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    assert "So với kỳ trước (01/04/2025 – 30/06/2025)" in text and "So với cùng kỳ năm trước" in text
    assert all(ch["x1"] <= width - 14 * 72 / 25.4 for ch, width in chars), "text past the right margin"
    # The language switch: the same tables in English.
    page.emulate_media(media="screen")
    page.goto(page.url + "&lang=en")
    assert page.locator("#comparisons h2").inner_text() == (
        "Compared with the previous period and the same period a year earlier")
    assert page.locator("#compare-previous th").nth(5).inner_text().startswith("Difference")
