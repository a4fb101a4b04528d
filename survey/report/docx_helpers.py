"""Small python-docx helpers: Vietnamese number format, tables, images."""
from __future__ import annotations

import io
import math

from docx.document import Document
from docx.shared import Cm, Pt


def num(x, digits: int = 2) -> str:
    """A number the Vietnamese way (decimal comma); a dash when undefined."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}".replace(".", ",")


def interval(low, high) -> str:
    return f"{num(low)} – {num(high)}"


def table(doc: Document, headers: list[str], rows: list[list[str]], widths: list[float] | None = None):
    """A bordered table with a bold header row."""
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
    for row in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).font.size = Pt(9)
    if widths:
        for row in t.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Cm(w)
    doc.add_paragraph()
    return t


def picture(doc: Document, png: bytes, width_cm: float = 15.5) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
