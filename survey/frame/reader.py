"""Read an uploaded CSV or XLSX into a header row and data rows, refusing anything else."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000


class FrameFileError(ValueError):
    """The file cannot be read as a dossier list; the message is shown to staff."""


def _cell(value: object) -> str:
    # Spreadsheet dates arrive as datetimes: write them day-first like the CSV exports.
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FrameFileError("Không đọc được bảng mã của tệp CSV (hãy lưu dạng UTF-8).")
    if "\x00" in text:
        raise FrameFileError("Tệp CSV chứa ký tự không hợp lệ.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FrameFileError("Không đọc được tệp Excel (.xlsx).") from exc
    sheet = book.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Return (headers, rows) of the first sheet; rows keep their file order."""
    if len(data) > MAX_BYTES:
        raise FrameFileError("Tệp quá lớn (tối đa 10 MB).")
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise FrameFileError("Tệp .xlsx không đúng định dạng Excel.")
        rows = _xlsx(data)
    elif name.endswith((".csv", ".txt")):
        if data.startswith(b"PK") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise FrameFileError("Tệp có đuôi .csv nhưng là tệp Excel; hãy lưu lại đúng định dạng.")
        rows = _csv(data)
    else:
        raise FrameFileError("Chỉ nhận tệp .csv hoặc .xlsx.")
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        raise FrameFileError("Tệp không có dữ liệu.")
    if len(rows) - 1 > MAX_ROWS:
        raise FrameFileError(f"Tệp có quá {MAX_ROWS} dòng.")
    return rows[0], rows[1:]
