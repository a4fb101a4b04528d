"""The results page printed from Chromium is an A4 document: no navigation, black on white, tables and charts whole."""
from __future__ import annotations

import io

import pdfplumber
import pytest

from tests.browser.conftest import ARTIFACTS
from tests.results.seed import seed

pytestmark = pytest.mark.browser
PASSWORD = "Mật-khẩu-bản-in-2026"
A4_PT = (595.28, 841.89)  # 210 × 297 mm in PDF points
MM = 72 / 25.4


def _dark(colour) -> bool:
    """Text a monochrome printer renders black: every component of its fill at most 0.35 (0 black, 1 white)."""
    if colour is None:
        return True
    values = colour if isinstance(colour, (tuple, list)) else (colour,)
    if len(values) == 4:  # CMYK: dark when K is high or all inks are
        c, m, y, k = values
        return k >= 0.65 or min(c, m, y) >= 0.65
    return all(v <= 0.35 for v in values)


def test_printed_results_page_is_a4_without_navigation(app, staff_page, demo):
    seed(app, demo)
    page = staff_page("ban-in", "analyst", PASSWORD, "/staff/results/?ky=year&nam=2024")
    assert "Đăng xuất" in page.inner_text("body") and page.locator("#services").count() == 1
    page.emulate_media(media="print")
    # The stylesheet's own rules, as the print engine resolves them: charts and short tables are not cut,
    # and a long table repeats its header on each page.
    styles = page.evaluate("""() => ({
        svg: [...document.querySelectorAll('main svg')].map(e => getComputedStyle(e).breakInside),
        table: [...document.querySelectorAll('main table')].map(e => getComputedStyle(e).breakInside),
        thead: [...document.querySelectorAll('main thead')].map(e => getComputedStyle(e).display),
        rows: [...document.querySelectorAll('main tr')].map(e => getComputedStyle(e).breakInside),
    })""")
    assert len(styles["svg"]) == 2 and set(styles["svg"]) == {"avoid"}
    assert styles["table"] and set(styles["table"]) == {"avoid"} and set(styles["rows"]) == {"avoid"}
    assert set(styles["thead"]) == {"table-header-group"}
    # No format given: the page size and margins come from the stylesheet's @page (Chromium's default is Letter).
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "results-print.pdf").write_bytes(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = [(p.width, p.height, p.chars, p.extract_text() or "") for p in doc.pages]
    text = "\n".join(t for *_rest, t in pages)
    for width, height, chars, _text in pages:
        assert abs(width - A4_PT[0]) < 1 and abs(height - A4_PT[1]) < 1, (width, height)  # Letter is 612 × 792
        assert chars
        # Every glyph inside the @page margins (left 25 mm, right 15 mm, top and bottom 20 mm), less 1 mm slack.
        for ch in chars:
            assert ch["x0"] >= 24 * MM and ch["x1"] <= width - 14 * MM, ch["text"]
            assert ch["top"] >= 19 * MM and ch["bottom"] <= height - 19 * MM, ch["text"]
        light = [ch["text"] for ch in chars if not _dark(ch.get("non_stroking_color"))]
        assert not light, "".join(light)[:80]
    for absent in ("Đăng xuất", "Đổi mật khẩu", "Góp ý của người dân", "Tải về", "Tính cả phiếu bị gắn cờ",
                   "Chỉ số và dữ liệu (XLSX)"):
        assert absent not in text, absent
    for header in ("Kết quả khảo sát", "Các tiêu chí", "Khoảng tin cậy", "Theo thủ tục", "SIPAS", "Tiêu chí",
                   "Phương pháp tính"):
        assert header in text, header
