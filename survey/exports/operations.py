"""Run an export to a file or a download, and record it in the audit log."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import IO, Iterator

from survey.exports.contents import tables
from survey.exports.writer import csv_chunks, write_csv, write_xlsx
from survey.results.config import Method
from survey.results.filters import Filters


def sidecar_path(out: Path) -> Path:
    """Where a CSV export's data dictionary goes: beside it, `<name>.dictionary.csv`."""
    return out.with_name(out.stem + ".dictionary.csv")


def describe(kind: str, fmt: str, f: Filters) -> str:
    """The audit detail of an export: what was selected, never the data."""
    period = [f.period.start.isoformat(), f.period.end.isoformat()] if f.period else None
    return json.dumps({"kind": kind, "format": fmt, "units": f.unit_ids, "period": period,
                       "field": f.field_id, "service": f.service_id, "point": f.service_point_id,
                       "channel": f.channel, "flagged": f.include_flagged}, ensure_ascii=False)


def write_file(kind: str, fmt: str, f: Filters, method: Method, out: Path) -> list[Path]:
    """Write an export to `out` (and a dictionary sidecar for CSV); return the paths written."""
    parts = tables(kind, fmt, f, method)
    if fmt == "xlsx":
        write_xlsx(parts, str(out))
        return [out]
    written = []
    for table, path in zip(parts, (out, sidecar_path(out))):
        with path.open("wb") as target:
            write_csv(table, target)
        written.append(path)
    return written


def csv_stream(kind: str, f: Filters, method: Method, part: int = 0) -> Iterator[bytes]:
    """The CSV bytes of one table of an export (0: the data, 1: the dictionary)."""
    return csv_chunks(tables(kind, "csv", f, method)[part])


def xlsx_file(kind: str, f: Filters, method: Method) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound (deleted when closed)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(tables(kind, "xlsx", f, method), target)
    target.seek(0)
    return target
