"""Printable invitation slips (A4 PDF, 10 per page) to staple to result receipts."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from survey import qr
from survey.invitations.codes import display
from survey.pdf_fonts import FONT, FONT_BOLD, register_fonts
from survey.pdf_text import LEADING, scaled

COLS, ROWS = 2, 5


PAD = 3 * mm  # inside the cut line


def slip_text(slip: dict, base: str) -> list[tuple[str, str, float, int, float]]:
    """The slip's lines as (text, font, size, most lines, least size), top to bottom."""
    return [
        (slip["unit"], FONT_BOLD, 9, 2, 6),
        ("Mời Ông/Bà đánh giá sự phục vụ đối với thủ tục:", FONT, 8, 2, 6),
        (slip["service"], FONT_BOLD, 8, 4, 5.5),
        (f"Quét mã QR, hoặc vào {base}/m và nhập mã:", FONT, 7.5, 3, 5.5),
        (display(slip["code"]), FONT_BOLD, 15, 1, 11),
        (f"Dùng một lần, đến hết ngày {slip['expires']:%d/%m/%Y}. "
         "Phiếu ẩn danh: không hỏi họ tên, không gắn với hồ sơ.", FONT, 6.5, 3, 5),
    ]


def _slip(c: canvas.Canvas, x: float, y: float, w: float, h: float, slip: dict, base: str) -> None:
    c.setDash(3, 3)
    c.rect(x, y, w, h)
    c.setDash()
    url = f"{base}/m/{slip['code']}"
    size = min(h - 2 * PAD, 0.4 * w)  # the QR, left; the text takes the rest of the slip
    c.drawImage(ImageReader(io.BytesIO(qr.png(url, box_size=6))), x + PAD, y + (h - size) / 2, size, size)
    tx = x + size + 2 * PAD
    width, top = x + w - PAD - tx, y + h - PAD
    pieces = scaled(slip_text(slip, base), width, h - 2 * PAD, gap=1.5)
    for piece in pieces:
        c.setFont(piece.font, piece.size)
        for line in piece.lines:
            top -= piece.size * LEADING
            c.drawString(tx, top + piece.size * (LEADING - 1), line)
        top -= 1.5


def slips_pdf(slips: list[dict], base_url: str) -> bytes:
    """Render slips ({code, unit, service, expires}) on A4 pages, cut lines dashed."""
    register_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle("Phiếu mời khảo sát")
    page_w, page_h = A4
    margin = 10 * mm
    w, h = (page_w - 2 * margin) / COLS, (page_h - 2 * margin) / ROWS
    base = base_url.rstrip("/")
    for i, slip in enumerate(slips):
        pos = i % (COLS * ROWS)
        if i and pos == 0:
            c.showPage()
        col, row = pos % COLS, pos // COLS
        _slip(c, margin + col * w, page_h - margin - (row + 1) * h, w, h, slip, base)
    if not slips:
        c.setFont(FONT, 12)
        c.drawString(margin, page_h - 2 * margin, "Không có mã mời nào chưa dùng.")
    c.save()
    return buffer.getvalue()
