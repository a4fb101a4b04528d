"""CSV: decode, sniff the delimiter, then read record by record within the limits."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _

from survey.uploads.limits import Budget, UploadError


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):  # Excel on Vietnamese Windows saves cp1258
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError(_("Không đọc được bảng mã của tệp CSV (hãy lưu dạng UTF-8)."))


class _Lines:
    """Feed the csv reader line by line, refusing a record before it grows too big.

    The csv module builds a whole record before handing it over, so a 2 MB
    line of commas would become a list of a million strings; counting the
    characters of the record being read stops it at the line that overflows.
    """

    def __init__(self, text: str, max_chars: int) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self._max = max_chars
        self.pending = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.pending += len(line)
        if self.pending > self._max:
            raise UploadError(_("Tệp CSV có một dòng quá dài (quá nhiều cột hoặc ô quá dài)."))
        return line


def rows(data: bytes, budget: Budget) -> list[list[str]]:
    """Return the non-blank rows, stripped, in file order."""
    text = _decode(data)
    if "\x00" in text:
        raise UploadError(_("Tệp CSV chứa ký tự không hợp lệ."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = _Lines(text, budget.limits.max_record_chars)
    out: list[list[str]] = []
    try:
        for record in csv.reader(lines, dialect):
            lines.pending = 0
            budget.row(len(record))
            row = [budget.cell(c.strip()) for c in record]
            if any(row):
                out.append(row)
    except csv.Error as exc:
        raise UploadError(_("Tệp CSV không đúng định dạng ở dòng %(line)s.", line=budget.rows + 1)) from exc
    return out
