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

COLS, ROWS = 2, 5


def _slip(c: canvas.Canvas, x: float, y: float, w: float, h: float, slip: dict, base: str) -> None:
    c.setDash(3, 3)
    c.rect(x, y, w, h)
    c.setDash()
    url = f"{base}/m/{slip['code']}"
    size = h - 12 * mm
    c.drawImage(ImageReader(io.BytesIO(qr.png(url, box_size=6))), x + 4 * mm, y + 6 * mm, size, size)
    tx, top = x + size + 7 * mm, y + h - 8 * mm
    c.setFont(FONT_BOLD, 9)
    c.drawString(tx, top, slip["unit"][:40])
    c.setFont(FONT, 8)
    c.drawString(tx, top - 11, "Mời Ông/Bà đánh giá sự phục vụ")
    c.drawString(tx, top - 21, "đối với thủ tục:")
    c.setFont(FONT_BOLD, 8)
    c.drawString(tx, top - 31, slip["service"][:42])
    c.setFont(FONT, 7.5)
    c.drawString(tx, top - 45, "Quét mã QR, hoặc vào địa chỉ")
    c.drawString(tx, top - 54, f"{base}/m và nhập mã:")
    c.setFont(FONT_BOLD, 15)
    c.drawString(tx, top - 73, display(slip["code"]))
    c.setFont(FONT, 7)
    c.drawString(tx, y + 8 * mm, f"Dùng một lần, đến hết ngày {slip['expires']:%d/%m/%Y}.")
    c.drawString(tx, y + 4 * mm, "Phiếu ẩn danh: không hỏi họ tên, không gắn với hồ sơ.")


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
