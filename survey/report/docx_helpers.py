"""Small python-docx helpers: Vietnamese numbers, fonts, page set-up, tables sized to their content."""
from __future__ import annotations

import io
import math

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 13, 10
# Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PAGE_MM = (210, 297)
# Width of Times New Roman characters at 10 pt, in cm, by kind (capitals are
# wider than digits, digits than small letters); scaled for other sizes.
_WIDE_CM, _CAPITAL_CM, _DIGIT_CM, _SMALL_CM, _OTHER_CM = 0.32, 0.26, 0.18, 0.17, 0.12
CELL_PAD_CM = 0.5  # both cell margins (0.19 cm each in Word and LibreOffice) and a little room
LOW_N_MARK = "(*)"


def num(x, digits: int = 1) -> str:
    """A number the Vietnamese way (decimal comma, one decimal); a dash when undefined."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}".replace(".", ",")


def interval(low, high, digits: int = 1) -> str:
    """An interval as `80,5 – 87,6`."""
    if low is None or high is None or any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return "–"
    return f"{num(low, digits)} – {num(high, digits)}"


def set_font(element, name: str = FONT) -> None:
    """Give a style or run element the font for every script (no theme font left to override it)."""
    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        element.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def use_times_everywhere(doc: Document) -> None:
    """Times New Roman, black, in the document defaults and every style python-docx's template has."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        set_font(rpr_default)
    for style in doc.styles:
        if getattr(style, "element", None) is None or style.type not in (1, 2, 3):  # paragraph, character, table
            continue
        set_font(style.element)
        font = getattr(style, "font", None)
        if font is not None and style.type in (1, 2):
            font.color.rgb = RGBColor(0, 0, 0)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", BODY_PT), ("Heading 2", BODY_PT)):
        style = doc.styles[name]
        style.font.size, style.font.bold, style.font.italic = Pt(size), True, False
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(6)


def a4_portrait(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)


def text_width_cm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def _field(paragraph, instruction: str) -> None:
    """A Word field (e.g. PAGE) that Word and LibreOffice update when they lay out the page."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def page_numbers_from_page_two(section) -> None:
    """Page number top centre on every page but the first (Nghị định 30/2020)."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(p, "PAGE")


def paragraph(doc_or_cell, text: str = "", *, bold=False, italic=False, size=None, align=None,
              underline=False, space_after=None):
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def text_cm(text: str, size: int = TABLE_PT) -> float:
    """About how wide `text` prints in Times New Roman at `size` pt."""
    width = sum(_WIDE_CM if c in "MWmw" else _CAPITAL_CM if c.isupper() else _DIGIT_CM if c.isdigit() else _SMALL_CM if c.isalpha()
                else _OTHER_CM for c in text)
    return width * size / 10


def column_widths(headers: list[str], rows: list[list[str]], total_cm: float, size: int = TABLE_PT) -> list[float]:
    """Widths that fit each column's longest word (codes never break) and share the rest by text length."""
    cols = range(len(headers))
    cells = [[headers[j]] + [str(r[j]) for r in rows] for j in cols]
    least = [max(text_cm(w, size) for text in col for w in (text.split() or [""])) + CELL_PAD_CM for col in cells]
    full = [max(text_cm(text, size) for text in col) + CELL_PAD_CM for col in cells]
    if sum(full) <= total_cm:
        return full
    if sum(least) >= total_cm:
        return [w * total_cm / sum(least) for w in least]
    spare, want = total_cm - sum(least), [f - m for f, m in zip(full, least)]
    return [m + spare * w / sum(want) for m, w in zip(least, want)]


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        props.append(el)


def _keep_row_whole(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _set_widths(table, widths: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(w * 567)))  # twentieths of a point per cm
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = Cm(w)


def table(doc: Document, headers: list[str], rows: list[list[str]], numeric: set[int] | None = None,
          width_cm: float | None = None, size: int = TABLE_PT):
    """A bordered table: bold header row repeated on every page, widths sized to the content.

    ``numeric``: columns aligned right (figures).
    """
    numeric = numeric or set()
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, headers):
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.font.size = True, Pt(size)
    _repeat_header(t.rows[0])
    for row in rows:
        r = t.add_row()
        _keep_row_whole(r)
        for j, (cell, text) in enumerate(zip(r.cells, row)):
            cell.text = ""
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            if j in numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.add_run(str(text)).font.size = Pt(size)
    total = width_cm or text_width_cm(doc.sections[-1])
    _set_widths(t, column_widths(headers, [[str(c) for c in r] for r in rows], total, size))
    return t


def note(doc: Document, text: str) -> None:
    """A footnote under a table, in small italics."""
    paragraph(doc, text, italic=True, size=TABLE_PT + 1, space_after=6)


def for_people(doc: Document, text: str) -> None:
    """A passage only the office can write: bracketed, italic, so nobody sends it unread."""
    p = paragraph(doc, f"[{text}]", italic=True)
    p.runs[0].font.highlight_color = 7  # yellow: WD_COLOR_INDEX.YELLOW


def picture(doc: Document, png: bytes, width_cm: float = 15.5) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
