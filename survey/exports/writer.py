"""The one generic writer: a table of (headers, rows) as streamed CSV or XLSX.

Rows are consumed lazily, so an export of a million responses holds one
row (CSV) or one row plus openpyxl's write-only buffer (XLSX) in memory.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Iterable, Iterator, Sequence

import numpy as np
from openpyxl import Workbook

BOM = "\ufeff"
# A spreadsheet treats a cell starting with one of these as a formula (or,
# for tab/CR, a cell that can be turned into one when pasted).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_FLUSH_ROWS = 200


@dataclass
class Table:
    """A sheet-to-be: a title, the header row and an iterable of rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]


def neutralise(value):
    """Return a cell value that cannot run as a formula; numbers stay numbers."""
    if isinstance(value, np.generic):  # figures coming from pandas
        value = value.item()
    if value is None or isinstance(value, (bool, int, Decimal, datetime, date)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cells(row: Sequence) -> list:
    return [neutralise(v) for v in row]


def csv_chunks(table: Table) -> Iterator[bytes]:
    """Yield the CSV (UTF-8 with BOM, so Excel shows Vietnamese) in chunks as rows arrive."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    out.writerow(_cells(table.headers))
    pending = 0
    for row in table.rows:
        out.writerow(_cells(row))
        pending += 1
        if pending >= CSV_FLUSH_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def write_csv(table: Table, target: IO[bytes]) -> None:
    for chunk in csv_chunks(table):
        target.write(chunk)


def write_xlsx(tables: Iterable[Table], target: str | IO[bytes]) -> None:
    """Write each table as a sheet in write-only mode (constant memory)."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(title=table.title[:31])
        sheet.append(_cells(table.headers))
        for row in table.rows:
            sheet.append(_cells(row))
    book.save(target)
