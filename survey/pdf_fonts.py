"""The Unicode TrueType font the PDFs draw Vietnamese with.

DejaVu Sans ships inside matplotlib (already a dependency), so no system
font is needed, and it has every Vietnamese glyph; reportlab's built-in
Helvetica has none of the stacked diacritics.
"""
from __future__ import annotations

from pathlib import Path

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


def register_fonts() -> None:
    """Register DejaVu Sans and its bold with reportlab (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
