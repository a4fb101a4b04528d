"""Reading a responses file as its author saved it: CSV or XLSX, any header language.

Every cell arrives as text in Unicode normal form C (see
:func:`analysis.validate.nfc`); the checks of :mod:`analysis.validate` then
turn the answer columns into numbers. The service's own exports (``sipas
export responses``) read as written: Vietnamese headers, the flag column,
perception and respondent columns named by their questionnaire codes.
"""
from __future__ import annotations

import csv
import io
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .scheme import Scheme
from .validate import InputError

# the service's "flagged" column (Vietnamese header, and its English name) and
# the values that mean a flagged response
FLAG_HEADERS = ("Bị gắn cờ", "Flagged")
FLAGGED = ("có", "yes", "true", "1")
# letters only Vietnamese writes: a cp1258 decoding that yields none of them
# was probably some other code page, and guessing would garble names
_VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")
SAVE_AS_UTF8 = ("save it as UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma "
                "delimited) (*.csv)'; in LibreOffice, Save As > Text CSV, tick 'Edit filter "
                "settings' and choose 'Unicode (UTF-8)'")


def flag_column(df: pd.DataFrame) -> str | None:
    """The column marking flagged responses, if the file has one."""
    return next((c for c in FLAG_HEADERS if c in df.columns), None)


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        where = f"byte {err.start + 1}"
        try:
            text = raw.decode("cp1258")
        except UnicodeDecodeError:
            text = ""
        if _VIETNAMESE & set(text):
            print(f"note: {path} is not UTF-8; read it as Windows-1258 (Vietnamese)",
                  file=sys.stderr)
            return text
        raise InputError(None, None, f"{path} is not UTF-8 text ({where}): "
                         + SAVE_AS_UTF8) from None


def _check_header(header: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        name = name.strip()
        if name in seen:
            raise InputError(name, None, f"appears twice in the header (columns {seen[name]} "
                             f"and {i}): rename or delete one")
        seen[name] = i


def read_csv_text(path: str) -> pd.DataFrame:
    """A CSV file as text cells; UTF-8 (with or without BOM) or Windows-1258."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(None, None, f"{path}: no such file") from None
    text = unicodedata.normalize("NFC", _decode(raw, path))
    first = next(csv.reader(io.StringIO(text)), None)
    if not first:
        raise InputError(None, None, f"{path} is empty")
    _check_header(first)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(None, None, f"{path} is empty") from None
    df.columns = [c.strip() for c in df.columns]
    return df


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


HEADER_SEARCH_ROWS = 10


def read_workbook(path: str, scheme: Scheme) -> pd.DataFrame:
    """The sheet of an XLSX workbook that holds the answers, as text cells.

    The first sheet with a header (in its first ``HEADER_SEARCH_ROWS`` rows)
    that names every criterion of ``scheme``, else the first row of the
    first sheet.
    """
    import openpyxl  # only XLSX input pays for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(None, None, f"{path}: no such file") from None
    except Exception as err:  # not a workbook: zipfile/openpyxl errors vary
        raise InputError(None, None, f"{path} is not an XLSX workbook ({err})") from None
    try:
        # The service's workbooks put a title row (unit, period) and notes
        # above the header: the header is the first of the top rows that names
        # every criterion.
        chosen, skip = None, 0
        for sheet in book.worksheets:
            top = list(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))
            hit = next((k for k, row in enumerate(top)
                        if set(scheme.criteria) <= {_cell(v).strip() for v in row}), None)
            if chosen is None or hit is not None:
                chosen, skip = sheet, hit or 0
                if hit is not None:
                    break
        if chosen is None:
            raise InputError(None, None, f"{path} has no sheets")
        rows = chosen.iter_rows(values_only=True)
        for _ in range(skip):
            next(rows, None)
        header = [_cell(v).strip() for v in next(rows, ())]
        if not any(header):
            raise InputError(None, None, f"{path} is empty")
        _check_header(header)
        body = [[_cell(v) for v in row[:len(header)]] + [""] * (len(header) - len(row))
                for row in rows if any(v is not None for v in row)]
    finally:
        book.close()
    return pd.DataFrame(body, columns=header, dtype=str)
