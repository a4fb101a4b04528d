"""Read an uploaded CSV or XLSX table within fixed limits, refusing hostile files.

Every staff import (procedure catalogue, dossier frame, list of units) calls
``read_table``: it returns the header row and the data rows of the first
sheet, or raises ``UploadError`` with a message for the page (through gettext: Vietnamese, or English on request). The
limits are checked while reading, before a row is built, so a small file
that declares or unpacks to something huge costs milliseconds, not a worker
(docs/security.md lists them with the tests that hold them).
"""
from __future__ import annotations

from flask_babel import gettext as _

from survey.uploads.limits import DEFAULT_LIMITS, Budget, TableLimits, UploadError

__all__ = ["DEFAULT_LIMITS", "TableLimits", "UploadError", "read_table"]


def read_table(filename: str, data: bytes, limits: TableLimits = DEFAULT_LIMITS) -> tuple[list[str], list[list[str]]]:
    """Return (headers, rows) of the file's first sheet; blank rows are dropped."""
    from survey.uploads import delimited, workbook

    if len(data) > limits.max_bytes:
        raise UploadError(_("Tệp quá lớn (tối đa %(n)s MB).", n=limits.max_bytes // (1024 * 1024)))
    name = (filename or "").lower()
    budget = Budget(limits)
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise UploadError(_("Tệp .xlsx không đúng định dạng Excel."))
        rows = workbook.rows(data, budget)
    elif name.endswith((".csv", ".txt")):
        if data.startswith(b"PK") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise UploadError(_("Tệp có đuôi .csv nhưng là tệp Excel; hãy lưu lại đúng định dạng."))
        rows = delimited.rows(data, budget)
    else:
        raise UploadError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
    if not rows:
        raise UploadError(_("Tệp không có dữ liệu."))
    return rows[0], rows[1:]
