"""Read an uploaded CSV or XLSX table within fixed limits, refusing hostile files.

Every staff import (procedure catalogue, dossier frame, list of units) calls
``read_table``: it returns the header row and the data rows of the first
sheet, or raises ``UploadError`` with a Vietnamese message for the page. The
limits are checked while reading, before a row is built, so a small file
that declares or unpacks to something huge costs milliseconds, not a worker
(docs/security.md lists them with the tests that hold them).
"""
from __future__ import annotations

from survey.uploads.limits import DEFAULT_LIMITS, Budget, TableLimits, UploadError

__all__ = ["DEFAULT_LIMITS", "TableLimits", "UploadError", "read_table"]


def read_table(filename: str, data: bytes, limits: TableLimits = DEFAULT_LIMITS) -> tuple[list[str], list[list[str]]]:
    """Return (headers, rows) of the file's first sheet; blank rows are dropped."""
    from survey.uploads import delimited, workbook

    if len(data) > limits.max_bytes:
        raise UploadError(f"Tệp quá lớn (tối đa {limits.max_bytes // (1024 * 1024)} MB).")
    name = (filename or "").lower()
    budget = Budget(limits)
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise UploadError("Tệp .xlsx không đúng định dạng Excel.")
        rows = workbook.rows(data, budget)
    elif name.endswith((".csv", ".txt")):
        if data.startswith(b"PK") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise UploadError("Tệp có đuôi .csv nhưng là tệp Excel; hãy lưu lại đúng định dạng.")
        rows = delimited.rows(data, budget)
    else:
        raise UploadError("Chỉ nhận tệp .csv hoặc .xlsx.")
    if not rows:
        raise UploadError("Tệp không có dữ liệu.")
    return rows[0], rows[1:]
