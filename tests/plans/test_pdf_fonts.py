"""One DejaVu registration serves the invitation slips and the QR posters."""
from __future__ import annotations

from datetime import date

from reportlab.pdfbase import pdfmetrics

from survey import pdf_fonts, posters
from survey.invitations import slips


def test_both_pdfs_use_the_shared_registration():
    assert slips.register_fonts is pdf_fonts.register_fonts is posters.register_fonts
    assert (slips.FONT, slips.FONT_BOLD) == (posters.FONT, posters.BOLD) == ("DejaVuSans", "DejaVuSans-Bold")
    pdf_fonts.register_fonts()
    pdf_fonts.register_fonts()  # a second call is a no-op, not a re-registration error
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= set(pdfmetrics.getRegisteredFontNames())


def test_slips_embed_dejavu_for_vietnamese():
    pdf = slips.slips_pdf([{"code": "ABCD2345", "unit": "Xã Thủy Nguyên", "service": "Đăng ký khai sinh",
                            "expires": date(2025, 12, 31)}], "http://sipas.test")
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf
