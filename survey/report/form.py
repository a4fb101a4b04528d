"""The administrative form of the report (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Header in two blocks side by side (issuing body and number; national title,
motto, place and date), the document type and summary, "Kính gửi", and at
the end the recipients on the left beside the signature block on the right.
What the data cannot know (number, day of signing, the signer's name when
not set on the plan) is left as dots to be filled in by hand, never invented.
"""
from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from survey.models import Plan
from survey.report.docx_helpers import paragraph

CENTER = WD_ALIGN_PARAGRAPH.CENTER
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_SYMBOL = "BC-UBND"
ARCHIVE = "Lưu: VT, VH-XH."
BLANK = "…"
UNIT_PREFIXES = ("Xã ", "Phường ", "Đặc khu ", "Thị trấn ", "Thành phố ", "Tỉnh ")


def place_name(unit_name: str) -> str:
    """`Xã An Lão` → `An Lão`: the place in the date line carries no unit kind."""
    for prefix in UNIT_PREFIXES:
        if unit_name.startswith(prefix):
            return unit_name[len(prefix):]
    return unit_name


def in_sentence(name: str) -> str:
    """`Xã An Lão` inside a sentence: `xã An Lão`."""
    return name[:1].lower() + name[1:]


def issuing_body(plan: Plan) -> str:
    return f"UBND {plan.unit.name.upper()}"


def addressee(plan: Plan) -> str:
    """Reports go to the Department of Home Affairs of the unit's city or province."""
    parent = plan.unit.parent
    return f"Sở Nội vụ {in_sentence(parent.name)}" if parent else "Sở Nội vụ"


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _two_blocks(doc: Document, left_cm: float, right_cm: float):
    t = doc.add_table(rows=1, cols=2)
    _borderless(t)
    t.autofit = False
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), (left_cm, right_cm)):
        col.set(qn("w:w"), str(int(w * 567)))
    for cell, w in zip(t.rows[0].cells, (left_cm, right_cm)):
        cell.width = Cm(w)
    return t.rows[0].cells


def _line(cell, text: str, *, bold=False, italic=False, underline=False, size=13, align=CENTER, first=False):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)
    return p


def header(doc: Document, plan: Plan, year: int, summary: str, to: str | None = None) -> None:
    """The two header blocks, then BÁO CÁO and its summary, then "Kính gửi" (`to`, else the plan's)."""
    left, right = _two_blocks(doc, 6.0, 10.5)
    _line(left, issuing_body(plan), bold=True, first=True)
    if plan.report_office:
        _line(left, plan.report_office.upper(), bold=True)
    _line(left, "")
    _line(left, f"Số: {plan.report_number or BLANK}/{DOCUMENT_SYMBOL}")
    _line(right, NATIONAL_TITLE, bold=True, size=12, first=True)
    _line(right, MOTTO, bold=True, underline=True)
    _line(right, "")
    _line(right, f"{place_name(plan.unit.name)}, ngày {BLANK} tháng {BLANK} năm {year}", italic=True)
    paragraph(doc, "")
    paragraph(doc, "BÁO CÁO", bold=True, size=14, align=CENTER, space_after=0)
    paragraph(doc, summary, bold=True, align=CENTER)
    p = paragraph(doc, f"Kính gửi: {to or addressee(plan)}.", align=CENTER, space_after=12)
    p.paragraph_format.space_before = Pt(6)


def signature(doc: Document, plan: Plan) -> None:
    """`Nơi nhận` on the left, the signature block on the right, at the same height."""
    paragraph(doc, "")
    left, right = _two_blocks(doc, 7.5, 9.0)
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    recipients = ["Như trên;"]
    recipients += [f"{r.rstrip(';.')};" for r in plan.report_recipients.splitlines() if r.strip()]
    for r in recipients + [ARCHIVE]:
        _line(left, f"- {r}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    title = plan.signer_title.strip().upper() or "CHỦ TỊCH"
    _line(right, "TM. ỦY BAN NHÂN DÂN", bold=True, first=True)
    if title != "CHỦ TỊCH":
        _line(right, "KT. CHỦ TỊCH", bold=True)  # a deputy signs on the chair's behalf
    _line(right, title, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _line(right, "")
    if plan.signer_name:
        _line(right, plan.signer_name, bold=True)
    else:
        _line(right, "[Họ và tên người ký]", italic=True)
