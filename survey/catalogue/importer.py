"""Import the national procedure list (CSV or XLSX) into fields and services.

Headers are recognised without case, diacritics or punctuation (the file
reader and ``plain`` are shared with the dossier-frame import); the user may
override the guess. Rows are keyed by the national procedure code, so a
re-import updates names and fields instead of adding duplicates. Bad rows
are reported by their line in the file and skipped; good rows still import.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.catalogue import operations as ops
from survey.forms_text import clean
from survey.frame.columns import plain
from survey.models import Field, Service
from survey.uploads import UploadError as FrameFileError
from survey.uploads import read_table

__all__ = ["COLUMNS", "FrameFileError", "ImportReport", "guess_mapping", "import_rows", "read_table"]

COLUMNS = ("code", "name", "field", "field_code", "name_en")
REQUIRED = ("code", "name", "field")
LABELS = {"code": _l("Mã thủ tục"), "name": _l("Tên thủ tục"), "field": _l("Lĩnh vực"),
          "field_code": _l("Mã lĩnh vực"), "name_en": _l("Tên tiếng Anh")}
ALIASES = {
    "code": ("ma thu tuc", "ma tthc", "ma so tthc", "ma thu tuc hanh chinh", "ma so", "ma",
             "procedure code", "code"),
    "name": ("ten thu tuc", "ten tthc", "ten thu tuc hanh chinh", "thu tuc hanh chinh", "thu tuc",
             "procedure name", "procedure", "name"),
    "field": ("linh vuc", "ten linh vuc", "field name", "field", "sector"),
    "field_code": ("ma linh vuc", "field code", "sector code"),
    "name_en": ("ten tieng anh", "ten thu tuc tieng anh", "ten thu tuc (tieng anh)", "english name",
                "name (english)", "name en", "name_en"),
}


def guess_mapping(headers: list[str], given: dict[str, int] | None = None) -> dict[str, int]:
    """Map each column role to a header index; ``given`` (role -> index) wins over guesses."""
    index = {plain(h): i for i, h in reversed(list(enumerate(headers)))}
    mapping = {k: v for k, v in (given or {}).items() if k in COLUMNS and 0 <= v < len(headers)}
    for role in COLUMNS:
        if role in mapping or (given and role in given):
            continue
        found = next((index[a] for a in ALIASES[role] if a in index), None)
        if found is not None and found not in mapping.values():
            mapping[role] = found
    return mapping


@dataclass
class ImportReport:
    """What an import did: counts and the rows it refused, by line number in the file."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = dc_field(default_factory=list)


def _field_code(name: str) -> str:
    return plain(name).upper().replace(" ", "-")[:40] or "KHAC"


def _check(values: dict[str, str], seen: dict[str, int]) -> str | None:
    if not values["code"]:
        return _("Thiếu mã thủ tục.")
    if len(values["code"]) > 20 or any(c.isspace() for c in values["code"]):
        return _("Mã thủ tục không hợp lệ (tối đa 20 ký tự, không có khoảng trắng).")
    if not values["name"]:
        return _("Thiếu tên thủ tục.")
    if len(values["name"]) > 500:
        return _("Tên thủ tục dài quá 500 ký tự.")
    if len(values.get("name_en") or "") > 500:
        return _("Tên tiếng Anh dài quá 500 ký tự.")
    if not values["field"]:
        return _("Thiếu lĩnh vực.")
    if values["code"] in seen:
        return _("Mã thủ tục trùng với dòng %(line)s.", line=seen[values["code"]])
    return None


Editable = Callable[[int | None], bool]


def _everyone(_owner: int | None) -> bool:
    return True


def _field(s: Session, cache: dict[str, Field], name: str, code: str,
           owner_id: int | None, editable: Editable) -> Field:
    key = plain(name)
    if key not in cache:
        existing = s.scalar(select(Field).where(Field.code == code)) if code else None
        if existing is None:  # match by name, so a file without field codes reuses ours
            existing = next((f for f in s.scalars(select(Field)) if plain(f.name) == key), None)
        if existing is not None and not editable(existing.unit_id):
            cache[key] = existing  # a shared field is used as it is, never renamed by a commune
        else:
            cache[key] = ops.upsert_field(s, existing.code if existing else (code or _field_code(name)), name,
                                          owner_id)
    return cache[key]


SHARED_ROW = _l("Thủ tục dùng chung: chỉ quản trị viên của đơn vị sở hữu (thành phố/tỉnh) được sửa; "
                "dòng này bị bỏ qua.")


def import_rows(s: Session, rows: list[list[str]], mapping: dict[str, int],
                owner_id: int | None = None, editable: Editable = _everyone) -> ImportReport:
    """Upsert every valid row; the caller commits. Line numbers count the header as 1.

    New rows are owned by ``owner_id`` (None = shared); an existing row that
    ``editable(row owner)`` refuses is reported, not changed.
    """
    missing = [str(LABELS[r]) for r in REQUIRED if r not in mapping]
    if missing:
        raise ValueError(_("Chưa chọn cột: %(columns)s", columns=", ".join(missing)))
    report = ImportReport()
    fields: dict[str, Field] = {}
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        values = {r: (clean(row[i]).strip() if i < len(row) else "") for r, i in mapping.items()}
        values.setdefault("field_code", "")
        problem = _check(values, seen)
        if problem:
            report.errors.append((line, problem))
            continue
        seen[values["code"]] = line
        before = s.scalar(select(Service).where(Service.code == values["code"]))
        if before is not None and not editable(before.unit_id):
            report.errors.append((line, str(SHARED_ROW)))
            continue
        field = _field(s, fields, values["field"], values["field_code"][:40], owner_id, editable)
        state = (before.name, before.field_id, before.name_en) if before else None
        # Without an English column the English names already stored stay.
        service = ops.upsert_service(s, values["code"], values["name"], field, values.get("name_en"), owner_id)
        if state is None:
            report.created += 1
        elif state == (service.name, service.field_id, service.name_en):
            report.unchanged += 1
        else:
            report.updated += 1
    return report
