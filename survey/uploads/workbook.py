"""XLSX: check the archive before openpyxl opens it, then stream the first sheet.

openpyxl trusts what a workbook says about itself: a sheet that declares
``A1:XFD1048576`` is padded to that size, a part that unpacks to gigabytes is
unpacked, and a DTD may define entities. So the archive is checked first
(entry count, declared and real unpacked sizes, compression ratio, no DTD in
any XML part), then the sheet is read in openpyxl's streaming mode with its
declared dimension checked and then ignored, one row at a time.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.uploads.limits import Budget, TableLimits, UploadError

_BAD = UploadError(_l("Không đọc được tệp Excel (.xlsx)."))
_HOSTILE = UploadError(_l("Tệp Excel có cấu trúc không an toàn (khai báo DTD hoặc thực thể XML) nên bị từ chối."))
_BOMB = UploadError(_l("Tệp Excel giải nén ra quá lớn so với kích thước tệp; hãy lưu lại bằng Excel hoặc dùng CSV."))
_CHUNK = 1024 * 1024
# Parts openpyxl parses whole into memory have a tighter ceiling than sheets.
_SHEET_PREFIX = "xl/worksheets/"
_STRINGS = "xl/sharedStrings.xml"
MAX_SHARED_STRINGS = 64 * 1024 * 1024
MAX_OTHER_PART = 16 * 1024 * 1024


def _ceiling(name: str, limits: TableLimits) -> int:
    if name.startswith(_SHEET_PREFIX):
        return limits.max_unpacked
    return MAX_SHARED_STRINGS if name == _STRINGS else MAX_OTHER_PART


def _scan_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> int:
    """Read one XML part unpacked, refusing a DTD; return its real size."""
    size, tail = 0, b""
    with archive.open(info) as part:
        first = True
        while chunk := part.read(_CHUNK):
            if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or chunk[1:2] == b"\x00"):
                raise _HOSTILE  # UTF-16 would hide a DTD from the byte search below
            first = False
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise _HOSTILE
            tail = window[-9:]
            size += len(chunk)
            budget.check_time()
    return size


def _check_archive(data: bytes, budget: Budget) -> None:
    limits = budget.limits
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _BAD from exc
    with archive:
        if len(infos) > limits.max_entries:
            raise _BAD
        if sum(i.file_size for i in infos) > limits.max_unpacked:
            raise _BOMB
        unpacked = 0
        for info in infos:
            if info.file_size > _ceiling(info.filename, limits):
                raise _BOMB
            if info.file_size > _CHUNK and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise _BOMB
            if info.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    unpacked += _scan_xml(archive, info, budget)
                except UploadError:
                    raise
                except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
                    raise _BAD from exc
            if unpacked > limits.max_unpacked:
                raise _BOMB


def _text(value: object) -> str:
    # Spreadsheet dates arrive as datetimes: write them day-first like the CSV exports.
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _declared_fits(sheet, limits: TableLimits) -> None:
    rows, columns = sheet.max_row, sheet.max_column
    if (rows or 0) > limits.max_rows + 1 or (columns or 0) > limits.max_columns:
        raise UploadError(_(
            "Trang tính khai báo vùng dữ liệu %(rows)s dòng × %(columns)s cột, vượt giới hạn "
            "%(max_rows)s dòng × %(max_columns)s cột; hãy xóa định dạng thừa hoặc dùng CSV.",
            rows=rows or 0, columns=columns or 0, max_rows=limits.max_rows, max_columns=limits.max_columns))
    sheet.reset_dimensions()  # never pad rows to a declared size: read what is there


def rows(data: bytes, budget: Budget) -> list[list[str]]:
    """Return the first sheet's non-blank rows as text, in file order."""
    from openpyxl import load_workbook

    _check_archive(data, budget)
    out: list[list[str]] = []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            _declared_fits(sheet, budget.limits)
            for values in sheet.iter_rows(values_only=True):
                width = len(values)
                while width and values[width - 1] is None:  # formatted but empty cells
                    width -= 1
                budget.row(width)
                row = [budget.cell(_text(v)) for v in values[:width]]
                if any(row):
                    out.append(row)
        finally:
            book.close()
    except UploadError:
        raise
    except Exception as exc:  # noqa: BLE001  any parser failure on a hostile file is the file's fault
        raise _BAD from exc
    return out
