"""Printable QR posters (A4, one per counter) and card sheets (A4, one per service at a counter).

Drawn with reportlab; the QR is drawn as vector squares so it stays sharp at
any print size. Vietnamese needs a Unicode TrueType font: DejaVu Sans ships
inside matplotlib, so no system font is required.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from survey.pdf_fonts import FONT, register_fonts
from survey.pdf_fonts import FONT_BOLD as BOLD

RED = HexColor("#9b1010")
INSTRUCTIONS = (
    "1. Mở camera điện thoại, quét mã QR bên dưới.",
    "2. Trả lời phiếu khảo sát (khoảng 3 phút), không cần ghi tên.",
)
CARD_COLUMNS, CARD_ROWS = 2, 3


@dataclass(frozen=True)
class Sheet:
    """What one poster or card shows: the commune, the counter, maybe a service, and the URL."""

    unit_name: str
    counter_name: str
    url: str
    service_name: str | None = None
    loopback: bool = False  # the URL only reaches the server itself: warn on the page


def _qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    # Error level M and the 4-module quiet zone, as in survey.qr.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    c.setFillColor(white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(black)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                c.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)


def _centred(c: Canvas, text: str, font: str, size: float, centre: float, top: float, width: float) -> float:
    """Draw wrapped, centred text from ``top`` down; return the y below it."""
    c.setFont(font, size)
    for line in simpleSplit(text, font, size, width):
        top -= size * 1.25
        c.drawCentredString(centre, top, line)
    return top


def _block(c: Canvas, sheet: Sheet, x: float, y: float, w: float, h: float, scale: float) -> None:
    """Draw one poster or card inside the box (x, y, w, h); ``scale`` 1 is a full A4 poster."""
    centre, pad = x + w / 2, 8 * mm * scale
    c.setFillColor(RED)
    c.rect(x, y + h - 22 * mm * scale, w, 22 * mm * scale, stroke=0, fill=1)
    c.setFillColor(white)
    _centred(c, sheet.unit_name.upper(), BOLD, 16 * scale, centre, y + h - 6 * mm * scale, w - 2 * pad)
    c.setFillColor(black)
    top = _centred(c, "KHẢO SÁT SỰ HÀI LÒNG", BOLD, 26 * scale, centre, y + h - 28 * mm * scale, w - 2 * pad)
    top = _centred(c, sheet.counter_name, BOLD, 17 * scale, centre, top - 2 * mm * scale, w - 2 * pad)
    if sheet.service_name:
        top = _centred(c, sheet.service_name, FONT, 13 * scale, centre, top, w - 2 * pad)
    for line in INSTRUCTIONS:
        top = _centred(c, line, FONT, 12 * scale, centre, top - 1.5 * mm * scale, w - 2 * pad)
    url_size = 11 * scale
    url_top = y + pad + url_size * 2.6  # the URL sits at the bottom; the QR fills the space above
    qr_size = min(w - 2 * pad, top - url_top - pad / 2)
    _qr(c, sheet.url, centre - qr_size / 2, url_top + (top - url_top - qr_size) / 2, qr_size)
    c.setFillColor(RED)
    _centred(c, sheet.url, BOLD, url_size, centre, url_top, w - 2 * pad)
    c.setFillColor(black)


def _loopback_warning(c: Canvas, sheet: Sheet) -> None:
    """Across the top margin: this QR points at the server itself, no phone can open it."""
    if not sheet.loopback:
        return
    width, height = A4
    c.setFillColor(HexColor("#fff1f1"))
    c.rect(0, height - 9 * mm, width, 9 * mm, stroke=0, fill=1)
    c.setFillColor(RED)
    c.setFont(BOLD, 10)
    c.drawCentredString(width / 2, height - 6 * mm, "CẢNH BÁO: mã QR trỏ tới localhost, điện thoại không mở được. "
                        "Đặt SIPAS_BASE_URL rồi in lại.")
    c.setFillColor(black)


def _document(pages) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4)
    c.setTitle("Mã QR khảo sát sự hài lòng")
    count = 0
    for draw in pages:
        draw(c)
        c.showPage()
        count += 1
    if count == 0:
        raise ValueError("nothing to print: no counter with a live QR token")
    c.save()
    return buffer.getvalue()


def counter_posters(sheets: list[Sheet]) -> bytes:
    """Return a PDF with one A4 poster per counter."""
    width, height = A4
    margin = 15 * mm

    def page(c: Canvas, sheet: Sheet) -> None:
        _block(c, sheet, margin, margin, width - 2 * margin, height - 2 * margin, 1.0)
        _loopback_warning(c, sheet)

    return _document((lambda c, s=s: page(c, s)) for s in sheets)


def _card_page(c: Canvas, sheet: Sheet) -> None:
    width, height = A4
    margin, gap = 10 * mm, 6 * mm
    w = (width - 2 * margin - (CARD_COLUMNS - 1) * gap) / CARD_COLUMNS
    h = (height - 2 * margin - (CARD_ROWS - 1) * gap) / CARD_ROWS
    for row in range(CARD_ROWS):
        for col in range(CARD_COLUMNS):
            x, y = margin + col * (w + gap), height - margin - (row + 1) * h - row * gap
            c.setStrokeColor(HexColor("#999999"))
            c.setDash(3, 3)  # cutting guide
            c.rect(x, y, w, h, stroke=1, fill=0)
            c.setDash()
            _block(c, sheet, x, y, w, h, 0.5)
    _loopback_warning(c, sheet)


def service_cards(sheets: list[Sheet]) -> bytes:
    """Return a PDF with one A4 sheet of identical cards per (counter, service)."""
    return _document((lambda c, s=s: _card_page(c, s)) for s in sheets)


def counter_sheets(points) -> list[Sheet]:
    """One sheet per counter with a live token (needs an app context for the URL)."""
    from survey.links import loopback_base_url, survey_url

    loopback = loopback_base_url()
    return [Sheet(p.unit.name, p.name, survey_url(p), loopback=loopback) for p in points if p.token]


def service_sheets(points) -> list[Sheet]:
    """One sheet per service offered at each counter with a live token."""
    from survey.links import loopback_base_url, survey_url

    loopback = loopback_base_url()
    return [
        Sheet(p.unit.name, p.name, survey_url(p, v), v.name, loopback=loopback)
        for p in points if p.token for v in p.services
    ]
