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
from reportlab.pdfgen.canvas import Canvas

from survey.pdf_fonts import FONT, register_fonts
from survey.pdf_fonts import FONT_BOLD as BOLD
from survey.pdf_text import LEADING, Fitted, fit, scaled

RED = HexColor("#9b1010")
INSTRUCTIONS = (
    "1. Mở camera điện thoại, quét mã QR bên dưới.",
    "2. Trả lời phiếu khảo sát (khoảng 3 phút), không cần ghi tên.",
)
CARD_COLUMNS, CARD_ROWS = 2, 3
MIN_QR = 0.55  # of the box's inner width: phones read a code this size from arm's length


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


def _centred(c: Canvas, piece: Fitted, centre: float, top: float) -> float:
    """Draw fitted lines centred from ``top`` down; return the y below them."""
    c.setFont(piece.font, piece.size)
    for line in piece.lines:
        top -= piece.size * LEADING
        c.drawCentredString(centre, top + piece.size * (LEADING - 1), line)
    return top


def _block(c: Canvas, sheet: Sheet, x: float, y: float, w: float, h: float, scale: float) -> None:
    """Draw one poster or card inside the box (x, y, w, h); ``scale`` 1 is a full A4 poster.

    Every text is fitted to the box (survey/pdf_text.py): long names wrap,
    shrink and at worst are shortened, and the QR keeps at least ``MIN_QR``
    of the box's inner width, so a poster stays on its page and a card
    inside its cut lines.
    """
    centre, pad, band = x + w / 2, 8 * mm * scale, 22 * mm * scale
    inner = w - 2 * pad
    c.setFillColor(RED)
    c.rect(x, y + h - band, w, band, stroke=0, fill=1)
    c.setFillColor(white)
    [unit] = scaled([(sheet.unit_name.upper(), BOLD, 16 * scale, 2, 7 * scale)], inner, band - 4 * mm * scale)
    _centred(c, unit, centre, y + h - (band - unit.height) / 2)
    c.setFillColor(black)
    url = fit(sheet.url, BOLD, 11 * scale, inner, 3, 6 * scale)
    url_top = y + pad + url.height  # the URL sits at the bottom; the QR fills the space between
    top = y + h - band - 6 * mm * scale
    pieces = [("KHẢO SÁT SỰ HÀI LÒNG", BOLD, 26 * scale, 2, 14 * scale),
              (sheet.counter_name, BOLD, 17 * scale, 3, 9 * scale)]
    if sheet.service_name:
        pieces.append((sheet.service_name, FONT, 13 * scale, 4, 7 * scale))
    pieces += [(line, FONT, 12 * scale, 2, 7 * scale) for line in INSTRUCTIONS]
    gap = 1.5 * mm * scale
    for piece in scaled(pieces, inner, top - url_top - MIN_QR * inner - pad, gap):
        top = _centred(c, piece, centre, top) - gap
    qr_size = max(0.0, min(inner, top - url_top - pad / 2))
    _qr(c, sheet.url, centre - qr_size / 2, url_top + (top - url_top - qr_size) / 2, qr_size)
    c.setFillColor(RED)
    _centred(c, url, centre, url_top)
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
