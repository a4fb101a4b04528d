"""Run an export to a file or a download, and record it in the audit log."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import IO, Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from survey import db
from survey.exports.contents import tables
from survey.exports.indices import period_text
from survey.exports.writer import csv_chunks, write_csv, write_xlsx
from survey.models import Unit
from survey.results.config import Method
from survey.results.filters import Filters, Period


def sidecar_path(out: Path) -> Path:
    """Where a CSV export's data dictionary goes: beside it, `<name>.dictionary.csv`."""
    return out.with_name(out.stem + ".dictionary.csv")


def describe(kind: str, fmt: str, f: Filters) -> str:
    """The audit detail of an export: what was selected, never the data."""
    period = [f.period.start.isoformat(), f.period.end.isoformat()] if f.period else None
    return json.dumps({"kind": kind, "format": fmt, "units": f.unit_ids, "period": period,
                       "field": f.field_id, "service": f.service_id, "point": f.service_point_id,
                       "channel": f.channel, "flagged": f.include_flagged}, ensure_ascii=False)


def heading(f: Filters, shown: Period | None = None) -> str:
    """The title row of every sheet: which units and which period (`UBND Xã An Lão · 01/01/2026 – …`)."""
    if f.unit_ids is None:
        units = _("Mọi đơn vị")
    else:
        rows = db.session().execute(select(Unit.id, Unit.name, Unit.parent_id).where(Unit.id.in_(f.unit_ids))).all()
        top = [name for _id, name, parent in rows if parent not in f.unit_ids]  # a city above its communes
        units = "; ".join(f"UBND {name[:1].lower()}{name[1:]}" for name in sorted(top)[:3]) + (" …" if len(top) > 3 else "")
    return _("%(units)s · Kỳ: %(period)s", units=units, period=period_text(shown or f.period))


def write_file(kind: str, fmt: str, f: Filters, method: Method, out: Path) -> list[Path]:
    """Write an export to `out` (and a dictionary sidecar for CSV); return the paths written."""
    parts = tables(kind, fmt, f, method)
    if fmt == "xlsx":
        write_xlsx(parts, str(out), heading(f))
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


def xlsx_file(kind: str, f: Filters, method: Method, shown: Period | None = None) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound (deleted when closed).

    ``shown``: the period its title rows name, e.g. a plan's own dates.
    """
    target = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(tables(kind, "xlsx", f, method, shown), target, heading(f, shown))
    target.seek(0)
    return target
