"""Slips, cards and posters keep every line inside their box, for the longest names a catalogue allows."""
from __future__ import annotations

import io
from datetime import date

import pdfplumber
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from survey.invitations import slips
from survey.posters import CARD_COLUMNS, CARD_ROWS, Sheet, counter_posters, service_cards

# As long as the catalogue's columns allow (service names 500 characters, unit and counter 200).
LONG_SERVICE = ("Thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi "
                "theo cơ chế liên thông điện tử giữa các cơ quan ") * 4
LONG_SERVICE = LONG_SERVICE[:500]
LONG_UNIT = ("Xã Nguyễn Bỉnh Khiêm thuộc thành phố Hải Phòng sau khi sắp xếp đơn vị hành chính cấp xã " * 3)[:200]
LONG_COUNTER = ("Quầy 12 – Hộ tịch, Chứng thực, Bảo trợ xã hội, Giảm nghèo, Hộ kinh doanh, Hòa giải cơ sở " * 3)[:200]
LONG_URL = "https://dichvucong-khaosat-hailong.nguyenbinhkhiem.haiphong.gov.vn/khao-sat-su-hai-long-nguoi-dan"
LONG_ROWS = [{"code": "ABCDEFGH", "unit": LONG_UNIT, "service": LONG_SERVICE, "expires": date(2026, 12, 31)},
             {"code": "JKLMNPQR", "unit": "Xã An Lão", "service": "Đăng ký khai sinh", "expires": date(2026, 12, 31)}]


def _chars(pdf: bytes):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [(page.page_number, page.height, page.chars, page.images) for page in doc.pages]


def _inside(char, box, tolerance=0.5) -> bool:
    x0, y0, x1, y1 = box
    return (char["x0"] >= x0 - tolerance and char["x1"] <= x1 + tolerance
            and char["top"] >= y0 - tolerance and char["bottom"] <= y1 + tolerance)


def assert_slip_text_inside(pdf: bytes, slips_on_page: int) -> list[dict]:
    """Every glyph of a one-page slips PDF lies inside its slip's box (2 pt in from the cut lines) and off
    the QR codes; return the glyphs. Shared with tests/printouts/test_rendered.py."""
    page_w, page_h = A4
    margin = 10 * mm
    w, h = (page_w - 2 * margin) / slips.COLS, (page_h - 2 * margin) / slips.ROWS
    boxes = [(margin + col * w, margin + row * h, margin + (col + 1) * w, margin + (row + 1) * h)
             for row in range(slips.ROWS) for col in range(slips.COLS)]  # top-down, as pdfplumber measures
    [(_number, _height, chars, images)] = _chars(pdf)
    assert chars and len(images) == slips_on_page
    for char in chars:
        box = next((b for b in boxes if b[0] <= (char["x0"] + char["x1"]) / 2 <= b[2]
                    and b[1] <= (char["top"] + char["bottom"]) / 2 <= b[3]), None)
        assert box is not None and _inside(char, (box[0] + 2, box[1] + 2, box[2] - 2, box[3] - 2)), char["text"]
        for image in images:  # no text over the QR code
            assert not (char["x1"] > image["x0"] and char["x0"] < image["x1"]
                        and char["bottom"] > image["top"] and char["top"] < image["bottom"]), char["text"]
    return chars


def test_slip_text_stays_inside_its_slip_and_off_the_qr():
    chars = assert_slip_text_inside(slips.slips_pdf(LONG_ROWS * 5, LONG_URL), 10)
    text = "".join(c["text"] for c in chars)  # drawn slip by slip, line by line
    assert text.count("ABCD-EFGH") == 5 and text.count("JKLM-NPQR") == 5
    assert text.count("Đăng ký khai sinh") >= 5  # a short name is printed whole
    assert text.count("…") >= 5  # the 500-character name was shortened, not drawn over the cut line


def test_posters_stay_on_one_page_and_cards_inside_their_cut_lines():
    sheets = [Sheet(LONG_UNIT, LONG_COUNTER, LONG_URL), Sheet("Xã An Lão", "Quầy 1", "https://sipas.test/s/abc")]
    width, height = A4
    pages = _chars(counter_posters(sheets))
    assert len(pages) == 2  # one A4 page per counter, however long its names
    margin = 15 * mm
    for _number, _height, chars, _images in pages:
        assert chars and all(_inside(ch, (margin, margin, width - margin, height - margin)) for ch in chars)
    cards = _chars(service_cards([Sheet(LONG_UNIT, LONG_COUNTER, LONG_URL, LONG_SERVICE)]))
    assert len(cards) == 1
    gap, m = 6 * mm, 10 * mm
    w = (width - 2 * m - (CARD_COLUMNS - 1) * gap) / CARD_COLUMNS
    h = (height - 2 * m - (CARD_ROWS - 1) * gap) / CARD_ROWS
    boxes = [(m + col * (w + gap), m + row * (h + gap), m + col * (w + gap) + w, m + row * (h + gap) + h)
             for row in range(CARD_ROWS) for col in range(CARD_COLUMNS)]
    [(_n, _h, chars, _i)] = cards
    for char in chars:
        assert any(_inside(char, box) for box in boxes), char["text"]
    per_card = len(chars) / len(boxes)
    assert per_card == int(per_card)  # every card has the same text, none spilt into its neighbour


def test_poster_qr_keeps_its_size_beside_long_names():
    """The QR of a poster with the longest names is still at least MIN_QR of the width (vector squares)."""
    from survey.posters import MIN_QR

    pdf = counter_posters([Sheet(LONG_UNIT, LONG_COUNTER, LONG_URL)])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        squares = [r for r in doc.pages[0].rects if r["fill"] and r["non_stroking_color"] in ((0,), [0], (0, 0, 0), 0)]
        white = max((r for r in doc.pages[0].rects if abs(r["width"] - r["height"]) < 0.01), key=lambda r: r["width"])
    inner = A4[0] - 2 * 15 * mm - 2 * 8 * mm
    assert white["width"] >= MIN_QR * inner - 1 and squares
