"""The one generic writer: a table of (headers, rows) as streamed CSV or XLSX.

Rows are consumed lazily, so an export of a million responses holds one
batch of rows in memory whatever the format (XLSX: survey/exports/xlsx.py).
Formula neutralising is for CSV only, where a spreadsheet parses every
cell; an XLSX cell is typed, and its text is written exactly as given.
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

from survey.exports.xlsx import Sheet, write_workbook

BOM = "\ufeff"
# A spreadsheet treats a cell starting with one of these as a formula (or,
# for tab/CR, a cell that can be turned into one when pasted).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
CSV_FLUSH_ROWS = 200


@dataclass
class Table:
    """A sheet-to-be: a title, the header row and an iterable of rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    # Columns that can hold text (others hold only numbers, dates, booleans or
    # None, which no spreadsheet runs): only these are neutralised, which
    # halves the cost of a million-row export. None: any column may.
    text_columns: Sequence[int] | None = None
    # XLSX layout: columns of figures shown with one decimal, column widths in
    # characters (None: from the headers).
    decimals: Sequence[int] = ()
    widths: Sequence[float] | None = None
    notes: Sequence[str] = ()  # lines under the title row (what a mark or an abbreviation means)


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


def _text_cells(row: Sequence, columns: Sequence[int]) -> list:
    # A list is changed in place: rows are made for the writer, one export each.
    cells = row if type(row) is list else list(row)
    for j in columns:
        value = cells[j]
        if type(value) is str:
            if value and value[0] in _FORMULA_FIRST:
                cells[j] = "'" + value
        elif value is not None:
            cells[j] = neutralise(value)
    return cells


def _safe_rows(table: Table) -> Iterator[list]:
    """The header row then every row, each cell unable to run as a formula."""
    yield _cells(table.headers)
    if table.text_columns is None:
        yield from map(_cells, table.rows)
    else:
        columns = tuple(table.text_columns)
        for row in table.rows:
            yield _text_cells(row, columns)


def csv_chunks(table: Table) -> Iterator[bytes]:
    """Yield the CSV (UTF-8 with BOM, so Excel shows Vietnamese) in chunks as rows arrive."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    pending = 0
    for row in _safe_rows(table):
        out.writerow(row)
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


def _xlsx_rows(table: Table) -> Iterator[Sequence]:
    yield list(table.headers)
    yield from table.rows


def write_xlsx(tables: Iterable[Table], target: str | IO[bytes], heading: str = "") -> None:
    """Write each table as a sheet, streaming its rows (constant memory).

    Each sheet has a title row (the table's title and ``heading``, e.g. the
    unit and period), then its header, frozen and filtered.
    """
    write_workbook([Sheet(table.title, _xlsx_rows(table),
                          [f"{table.title} – {heading}" if heading else table.title, *table.notes],
                          table.widths, table.decimals, header=True) for table in tables], target)
