"""A streaming XLSX writer: each row goes straight into the zipped sheet XML.

Why not openpyxl or XlsxWriter: both handle every cell as an object or a
call (about 5 and 3.5 µs a cell here), which put a million responses × 38
columns past three minutes; this builds each row as one string (well under
1 µs a cell) and memory stays constant (one batch of rows). The package holds
what Excel, LibreOffice and openpyxl need (ECMA-376 part 1, SpreadsheetML):
content types, relationships, the workbook, styles (dates, one decimal, a
bold header, a title), and one worksheet per table with inline strings, its
header frozen and filtered and its column widths set. Cells are values only,
and inline strings are never read as formulas, so text is written as given.

Every sheet prints usably as it is: A4 landscape scaled to the page's width
(as many pages down as it takes), the header row repeated on each page
(the print titles), margins, the sheet's name in the page header and the
page number in the footer. Without this a plan workbook printed on 53
portrait pages, most holding two stray columns.

A table longer than a sheet (1,048,576 rows) goes on in further sheets,
each with the heading and header again: the sheet count is known only at the
end, so worksheets take their content type from the package default and the
workbook part, which lists them, is written after them.
"""
from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Iterable, Iterator, Sequence

import numpy as np
from flask_babel import gettext as _

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_EPOCH = datetime(1899, 12, 30)
_ROWS_PER_WRITE = 500
MAX_CELL_TEXT = 32767  # Excel's limit per cell
MAX_ROWS = 1_048_576  # Excel's rows per sheet (read at call time, so a test can lower it)
MAX_WIDTH = 60  # characters: longer text wraps in the cell instead
# Cell styles (cellXfs in _STYLES, in this order).
DATETIME, DATE, DECIMAL, HEADER, TITLE = 1, 2, 3, 4, 5
# Page setup of every sheet (CT_Worksheet order: sheetPr first; margins,
# page setup and header/footer after the filter). Margins are in inches;
# paperSize 9 is A4. The header names the sheet (&A), the footer numbers
# the page (&P of &N), both free of words so they need no translation.
_SHEET_PR = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
_PRINT = ('<printOptions horizontalCentered="1"/>'
          '<pageMargins left="0.6" right="0.4" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
          '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
          '<headerFooter><oddHeader>&amp;L&amp;A</oddHeader><oddFooter>&amp;C&amp;P / &amp;N</oddFooter>'
          '</headerFooter>')


@dataclass
class Sheet:
    """A worksheet to stream: ``rows`` starts with the header row when ``header`` is set."""

    title: str
    rows: Iterable[Sequence]
    heading: Sequence[str] = ()  # title lines above the header (the unit and period)
    widths: Sequence[float] | None = None  # column widths in characters; None: from the header
    decimals: Sequence[int] = ()  # columns whose numbers show one decimal
    header: bool = False  # first row is a header: bold, frozen below, filtered

# Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, and the
# two non-characters) are dropped; markup characters are escaped.
# A carriage return is written as a reference: XML readers turn a literal one into a newline.
_TEXT = {**{c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)},
         0xFFFE: None, 0xFFFF: None, ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
         0x0D: "&#13;"}
_ATTR = {**_TEXT, ord('"'): "&quot;"}
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _serial(value: datetime | date) -> str:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EXCEL_EPOCH
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400e6)
    return str((value - _EXCEL_EPOCH.date()).days)


def _row_xml(number: int, row: Sequence, columns: list[str], styles: Sequence[str] = (),
             text_style: str = "", height: float | None = None) -> str:
    """One row; ``styles[j]`` is the style attribute of column j's numbers, ``text_style`` of its text."""
    cells: list[str] = []
    add = cells.append
    while len(columns) < len(row):
        columns.append(_column(len(columns)))
    for j, value in enumerate(row):
        if value is None:
            continue
        kind = type(value)
        ref = columns[j]
        if kind is str:
            text = value[:MAX_CELL_TEXT].translate(_TEXT)
            if text:  # an empty string is an empty cell
                add(f'<c r="{ref}{number}"{text_style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        elif kind is int:
            add(f'<c r="{ref}{number}"><v>{value}</v></c>')
        elif kind is bool:
            add(f'<c r="{ref}{number}" t="b"><v>{int(value)}</v></c>')
        elif kind is float or isinstance(value, float):  # numpy's float64 is a float
            value = float(value)
            if math.isfinite(value):
                style = styles[j] if j < len(styles) else ""
                add(f'<c r="{ref}{number}"{style}><v>{value!r}</v></c>')
        elif isinstance(value, datetime):
            add(f'<c r="{ref}{number}" s="{DATETIME}"><v>{_serial(value)}</v></c>')
        elif isinstance(value, date):
            add(f'<c r="{ref}{number}" s="{DATE}"><v>{_serial(value)}</v></c>')
        elif isinstance(value, (int, Decimal)):  # int subclasses
            add(f'<c r="{ref}{number}"><v>{value}</v></c>')
        elif isinstance(value, np.integer):  # figures straight from pandas
            add(f'<c r="{ref}{number}"><v>{int(value)}</v></c>')
        elif isinstance(value, np.bool_):
            add(f'<c r="{ref}{number}" t="b"><v>{int(value)}</v></c>')
        else:
            text = str(value)[:MAX_CELL_TEXT].translate(_TEXT)
            if text:
                add(f'<c r="{ref}{number}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    tall = f' ht="{height:.1f}" customHeight="1"' if height else ""
    return f'<row r="{number}"{tall}>{"".join(cells)}</row>'


def _sheet_name(title: str, taken: set[str]) -> str:
    name = _SHEET_NAME_BAD.sub(" ", title).strip("'")[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _widths(sheet: Sheet, header: Sequence | None) -> list[float]:
    if sheet.widths is not None:
        return [min(float(w), MAX_WIDTH) for w in sheet.widths]
    if header is None:
        return []
    return [min(max(len(str(h)) * 1.15 + 2, 9.0), MAX_WIDTH) for h in header]


def _sheet_head(sheet: Sheet, widths: list[float], frozen: int) -> str:
    view = (f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{frozen}" topLeftCell="A{frozen + 1}" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            if frozen else "")
    cols = "".join(f'<col min="{j}" max="{j}" width="{w:.1f}" customWidth="1"/>'
                   for j, w in enumerate(widths, start=1))
    return (f'{_HEAD}<worksheet xmlns="{_MAIN}">{_SHEET_PR}{view}' + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>")


def _lines(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines `text` wraps to in a cell `width` characters wide (an estimate: no font metrics)."""
    return max(1, math.ceil(len(text) * scale / max(width - 1, 1)))


def _top_rows(sheet: Sheet, header: Sequence | None, widths: list[float]) -> tuple[list[tuple], list[str]]:
    """The title lines and the header as (cells, style, height) rows, and the title lines' merged ranges.

    A title line spans the table's columns and wraps there: left to overflow
    to the right, a long line would widen the printed area and shrink the
    table to fit it. Rows that wrap get their height set, as neither Excel
    nor LibreOffice grows a row on opening.
    """
    span = sum(widths[:len(header)]) if header and widths else 0.0
    rows: list[tuple] = []
    merged: list[str] = []
    for number, line in enumerate(sheet.heading, start=1):
        if span:
            merged.append(f"A{number}:{_column(len(header) - 1)}{number}")  # type: ignore[arg-type]
        lines = _lines(line, span, 1.1) if span else 1
        rows.append(([line], f' s="{TITLE}"', 17.0 * lines))  # 13-point title: taller than a default row
    if header:
        lines = max((_lines(str(h), w, 1.1) for h, w in zip(header, widths)), default=1)
        rows.append((header, f' s="{HEADER}"', 15.0 * lines if lines > 1 else None))
    return rows, merged


@dataclass
class _Part:
    """One worksheet part written: its name, the range its filter covers and its header row (or None)."""

    name: str
    filter_ref: str | None
    header_row: int | None = None  # repeated at the top of every printed page


def _write_parts(book: zipfile.ZipFile, sheet: Sheet, first_index: int, name_of) -> list[_Part]:
    """Stream the sheet's rows into one worksheet part, or more when they exceed MAX_ROWS."""
    rows: Iterator[Sequence] = iter(sheet.rows)
    header = next(rows, None) if sheet.header else None
    widths = _widths(sheet, header)
    styles = [""] * max(len(widths), (max(sheet.decimals) + 1) if sheet.decimals else 0)
    for j in sheet.decimals:
        styles[j] = f' s="{DECIMAL}"'
    top, merged = _top_rows(sheet, header, widths)
    merge = (f'<mergeCells count="{len(merged)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
             + "</mergeCells>") if merged else ""
    limit = MAX_ROWS
    if limit <= len(top):
        raise ValueError("a sheet must hold more rows than its heading and header")
    parts: list[_Part] = []
    pending: Sequence | None = next(rows, None)
    while True:
        index = first_index + len(parts)
        columns: list[str] = []
        with book.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as part:
            part.write(_sheet_head(sheet, widths, len(top) if header else 0).encode())
            batch: list[str] = []
            number = 0
            for number, (cells, style, height) in enumerate(top, start=1):
                batch.append(_row_xml(number, cells, columns, (), style, height))
            width = len(header) if header else 0
            while pending is not None and number < limit:
                number += 1
                batch.append(_row_xml(number, pending, columns, styles))
                width = max(width, len(pending))
                if len(batch) >= _ROWS_PER_WRITE:
                    part.write("".join(batch).encode())
                    batch.clear()
                pending = next(rows, None)
            ref = None
            if header and width:
                ref = f"A{len(top)}:{_column(width - 1)}{max(number, len(top))}"
            tail = f'<autoFilter ref="{ref}"/>' if ref else ""
            part.write(("".join(batch) + f"</sheetData>{tail}{merge}{_PRINT}</worksheet>").encode())
        parts.append(_Part(name_of(sheet.title if not parts else _("%(title)s (tiếp %(n)s)", title=sheet.title,
                                                                      n=len(parts) + 1)), ref,
                           len(top) if header else None))
        if pending is None:
            return parts


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy"/><numFmt numFmtId="166" formatCode="0.0"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Times New Roman"/></font>'
    '<font><b/><sz val="11"/><name val="Times New Roman"/></font>'
    '<font><b/><sz val="13"/><name val="Times New Roman"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>'
    '</borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment wrapText="1" vertical="center" horizontal="center"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment wrapText="1" vertical="top"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def write_workbook(sheets: Iterable[Sheet | tuple[str, Iterable[Sequence]]], target: str | IO[bytes]) -> None:
    """Write each sheet (a Sheet, or a (title, rows) pair: plain values) to one workbook, streaming its rows."""
    specs = [s if isinstance(s, Sheet) else Sheet(s[0], s[1]) for s in sheets] or [Sheet("Sheet", [])]
    taken: set[str] = set()
    # Level 1: the sheet XML is repetitive, so it still shrinks about tenfold,
    # at a fraction of level 6's time.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        # [Content_Types].xml leads, as Office writes it; any .xml part not
        # named in it is a worksheet, so it need not know how many there are.
        book.writestr(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
        book.writestr("_rels/.rels",
                      f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
                      f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                      '</Relationships>')
        book.writestr("xl/styles.xml", _STYLES)
        parts: list[_Part] = []
        for spec in specs:
            parts += _write_parts(book, spec, len(parts) + 1, lambda title: _sheet_name(title, taken))
        count = len(parts)
        sheets_xml = "".join(f'<sheet name="{p.name.translate(_ATTR)}" sheetId="{i}" r:id="rId{i}"/>'
                             for i, p in enumerate(parts, start=1))
        names = _defined_names(parts)
        book.writestr("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                                         f'<sheets>{sheets_xml}</sheets>{names}</workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, count + 1))
        book.writestr("xl/_rels/workbook.xml.rels",
                      f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}'
                      f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                      '</Relationships>')


def _defined_names(parts: list[_Part]) -> str:
    """Each sheet's filter range (Excel keeps it in this hidden name too) and its print titles."""
    out = []
    for i, p in enumerate(parts):
        quoted = ("'" + p.name.replace("'", "''") + "'").translate(_TEXT)
        if p.filter_ref:
            out.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                       f"{quoted}!{_absolute(p.filter_ref)}</definedName>")
        if p.header_row:
            out.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                       f"{quoted}!${p.header_row}:${p.header_row}</definedName>")
    return f"<definedNames>{''.join(out)}</definedNames>" if out else ""


def _absolute(ref: str) -> str:
    """`A2:K20` → `$A$2:$K$20`."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", end) for end in ref.split(":"))
