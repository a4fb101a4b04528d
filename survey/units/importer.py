"""Write the official list of administrative units: all rows or none.

Units are keyed by their official code, so importing the list again updates
names, kinds and parents instead of adding duplicates. Every row is checked
(``rows.parse``, then the parents against the database) before anything is
written; if one row is refused the caller rolls back and nothing changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.catalogue import operations as ops
from survey.models import Unit
from survey.units import rows as unit_rows
from survey.units.rows import TOP_LEVEL, UnitRow


@dataclass
class UnitImportReport:
    """Units created, updated and unchanged (parents named in the rows included), or the refused lines."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


Parent = tuple[str, str, str | None]  # name, kind, English name (None: keep the stored one)


def _parents(s: Session, rows: list[UnitRow], errors: list[tuple[int, str]]) -> dict[str, Parent]:
    """Return code -> (name, kind, English name) of every top-level unit the rows need, from the file or the database."""
    wanted: dict[str, Parent] = {r.code: (r.name, r.kind, r.name_en) for r in rows if r.kind in TOP_LEVEL}
    for row in rows:
        if row.parent_code is None:
            continue
        stored = s.scalar(select(Unit).where(Unit.code == row.parent_code))
        if stored is not None and stored.parent_id is not None and row.parent_code not in wanted:
            errors.append((row.line, _("Mã %(code)s là một xã/phường, không phải tỉnh/thành phố.",
                                         code=row.parent_code)))
            continue
        given = wanted.get(row.parent_code)
        if row.parent_name is not None:
            if given is not None and given[0] != row.parent_name:
                errors.append((row.line, _("Mã %(code)s mang tên %(name)r, trong tệp ghi %(other)r.",
                                           code=row.parent_code, name=row.parent_name, other=given[0])))
            else:
                wanted.setdefault(row.parent_code, (row.parent_name, row.parent_kind or "province", None))
        elif given is None:
            if stored is None:
                errors.append((row.line, _("Không có tỉnh/thành phố mã %(code)s: "
                                           "thêm cột tên tỉnh/thành phố hoặc một dòng cho nó.",
                                           code=row.parent_code)))
                continue
            wanted[row.parent_code] = (stored.name, stored.kind, None)
    return wanted


def _upsert(s: Session, report: UnitImportReport, code: str, name: str, kind: str, parent: Unit | None,
            name_en: str | None) -> Unit:
    before = s.scalar(select(Unit).where(Unit.code == code))
    state = (before.name, before.kind, before.parent_id, before.name_en) if before else None
    unit = ops.upsert_unit(s, code, name, kind, parent, name_en)
    if state is None:
        report.created += 1
    elif state == (unit.name, unit.kind, unit.parent_id, unit.name_en):
        report.unchanged += 1
    else:
        report.updated += 1
    return unit


def _outside(s: Session, rows: list[UnitRow], within: Unit) -> list[tuple[int, str]]:
    """Rows a city's administrator may not write: another top-level unit, or a unit of another one."""
    errors = []
    for row in rows:
        if row.code == within.code:
            continue
        if row.parent_code != within.code:
            errors.append((row.line, _("Đơn vị %(code)s không thuộc %(name)s.", code=row.code, name=within.name)))
            continue
        stored = s.scalar(select(Unit).where(Unit.code == row.code))
        if stored is not None and stored.parent_id != within.id:
            errors.append((row.line, _("Mã %(code)s đã là mã của một đơn vị ngoài %(name)s.", code=row.code,
                                       name=within.name)))
    return errors


def import_units(s: Session, headers: list[str], table: list[list[str]],
                 within: Unit | None = None) -> UnitImportReport:
    """Check every row, then upsert them all (flush only; the caller commits or, on errors, rolls back).

    ``within`` (a province or city) limits the rows to that unit and the
    units directly under it: the web page gives a city's administrator that
    scope; the command line (the server's operator) has none. Raises
    ValueError when the table lacks a code or name column.
    """
    parsed = unit_rows.parse(headers, table)
    report = UnitImportReport(errors=parsed.errors)
    if within is not None:
        report.errors.extend(_outside(s, parsed.rows, within))
    parents = _parents(s, parsed.rows, report.errors)
    clash = [(r.line, _("Mã %(code)s đã là mã của một tỉnh/thành phố trong tệp.", code=r.code))
             for r in parsed.rows if r.kind not in TOP_LEVEL and r.code in parents]
    report.errors.extend(clash)
    if report.errors:
        report.errors.sort()
        return report
    top = {code: _upsert(s, report, code, name, kind, None, name_en)
           for code, (name, kind, name_en) in parents.items()}
    for row in parsed.rows:
        if row.parent_code is not None:
            _upsert(s, report, row.code, row.name, row.kind, top[row.parent_code], row.name_en)
    return report
