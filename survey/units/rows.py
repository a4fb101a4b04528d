"""Read the official list of administrative units into checked rows; pure, no database.

One row per unit: its code, its name, its kind (xã, phường, đặc khu; or a
tỉnh / thành phố row on its own) and, for a commune-level unit, the code and
name of its province or centrally-run city. Headers are recognised without
case or diacritics (the General Statistics Office export's "Mã PX", "Phường
Xã", "Cấp", "Mã TP", "Tỉnh Thành Phố" among them); district columns of older
three-level lists are ignored.

Spreadsheets turn "00004" into the number 4, so all-digit codes are padded
back to the official widths: 5 digits for a commune, 2 for a province.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.frame.columns import plain

COLUMNS = ("code", "name", "kind", "parent_code", "parent_name", "name_en")
REQUIRED = ("code", "name")
LABELS = {"code": _l("Mã đơn vị"), "name": _l("Tên đơn vị"), "kind": _l("Cấp"),
          "parent_code": _l("Mã tỉnh/thành phố"), "parent_name": _l("Tên tỉnh/thành phố"),
          "name_en": _l("Tên tiếng Anh")}
ALIASES = {
    "code": ("ma px", "ma phuong xa", "ma xa", "ma xa phuong", "ma don vi", "ma dvhc",
             "ma don vi hanh chinh", "ma", "unit code", "code"),
    "name": ("phuong xa", "xa phuong", "ten phuong xa", "ten xa", "ten don vi", "ten dvhc",
             "ten don vi hanh chinh", "ten", "unit name", "name"),
    "kind": ("cap", "loai", "loai don vi", "cap don vi", "cap hanh chinh", "kind", "level"),
    "parent_code": ("ma tp", "ma tinh", "ma tinh thanh pho", "ma tinh tp", "ma cap tren",
                    "province code", "parent code"),
    "parent_name": ("tinh thanh pho", "tinh tp", "ten tinh", "ten tinh thanh pho", "ten tinh tp",
                    "tinh", "ten cap tren", "province", "province name", "parent name", "parent"),
    "name_en": ("ten tieng anh", "ten don vi tieng anh", "ten tieng anh cua don vi", "english name",
                "name (english)", "name en", "name_en"),
}

# Stored kind -> the word that starts an official name.
PREFIXES = {"province": "Tỉnh", "city": "Thành phố", "commune": "Xã", "ward": "Phường", "special": "Đặc khu"}
TOP_LEVEL = ("province", "city")
CODE_WIDTH = {"province": 2, "city": 2, "commune": 5, "ward": 5, "special": 5}
_KIND_WORDS = {
    "tinh": "province", "province": "province",
    "thanh pho": "city", "thanh pho truc thuoc trung uong": "city", "tp": "city", "city": "city",
    "xa": "commune", "commune": "commune",
    "phuong": "ward", "ward": "ward",
    "dac khu": "special", "special zone": "special", "special": "special",
}
# The six centrally-run cities, for a parent named without "Thành phố"/"Tỉnh".
CITIES = ("ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue")
MAX_CODE, MAX_NAME = 20, 200


@dataclass(frozen=True)
class UnitRow:
    """One unit as the file gives it; a top-level unit has no parent."""

    line: int
    code: str
    name: str
    kind: str
    parent_code: str | None = None
    parent_name: str | None = None
    parent_kind: str | None = None
    name_en: str | None = None  # None: the file has no English column (keep what is stored)


@dataclass
class ParsedList:
    """The checked rows, and the refused ones by line number (header = line 1)."""

    rows: list[UnitRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Map each column role to a header index, by the first alias found."""
    index = {plain(h): i for i, h in reversed(list(enumerate(headers)))}
    mapping: dict[str, int] = {}
    for role in COLUMNS:
        found = next((index[a] for a in ALIASES[role] if a in index and index[a] not in mapping.values()), None)
        if found is not None:
            mapping[role] = found
    return mapping


def clean(text: str) -> str:
    """Drop control characters (a stray tab or NUL from a spreadsheet) and outer spaces."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def kind_of(word: str) -> str | None:
    """Return the stored kind of a "Cấp" cell (Xã, Phường, Đặc khu, Tỉnh, Thành phố), or None."""
    return _KIND_WORDS.get(plain(word))


def kind_from_name(name: str) -> str | None:
    """Return the kind an official name starts with ("Phường Lê Chân" -> ward), or None."""
    text = plain(name)
    # Longest first: "thanh pho" before a shorter word that might start it.
    for kind, prefix in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(plain(prefix) + " "):
            return kind
    return None


def official_name(name: str, kind: str) -> str:
    """Return the name starting with its kind's word, as printed on posters ("Xã An Lão")."""
    return name if kind_from_name(name) == kind else f"{PREFIXES[kind]} {name}"


def pad(code: str, kind: str) -> str:
    """Put back the leading zeros a spreadsheet dropped from an all-digit code."""
    return code.zfill(CODE_WIDTH[kind]) if code.isdigit() else code


def _parent_kind(name: str) -> str:
    named = kind_from_name(name)
    if named in TOP_LEVEL:
        return named
    return "city" if plain(name).removeprefix("tp ") in CITIES else "province"


def _code_problem(code: str, parent: bool) -> str | None:
    if not code:
        return _("Thiếu mã tỉnh/thành phố.") if parent else _("Thiếu mã đơn vị.")
    if len(code) > MAX_CODE or any(c.isspace() for c in code):
        if parent:
            return _("Mã tỉnh/thành phố không hợp lệ (tối đa %(n)s ký tự, không có khoảng trắng): %(code)r.",
                     n=MAX_CODE, code=code)
        return _("Mã đơn vị không hợp lệ (tối đa %(n)s ký tự, không có khoảng trắng): %(code)r.",
                 n=MAX_CODE, code=code)
    return None


def _row(line: int, cells: dict[str, str], name_en: str | None) -> UnitRow | str:
    """Return the checked row, or the reason it is refused."""
    name = cells["name"]
    if not name:
        return _("Thiếu tên đơn vị.")
    if name_en is not None and len(name_en) > MAX_NAME:
        return _("Tên tiếng Anh dài quá %(n)s ký tự.", n=MAX_NAME)
    kind = kind_of(cells["kind"]) if cells["kind"] else kind_from_name(name)
    if kind is None:
        got = cells["kind"] or name
        return _("Không rõ cấp của đơn vị (%(got)r): cần Xã, Phường, Đặc khu, Tỉnh hoặc Thành phố.", got=got)
    name = official_name(name, kind)
    if len(name) > MAX_NAME:
        return _("Tên đơn vị dài quá %(n)s ký tự.", n=MAX_NAME)
    code = pad(cells["code"], kind)
    problem = _code_problem(code, parent=False)
    if problem:
        return problem
    if kind in TOP_LEVEL:
        return UnitRow(line, code, name, kind, name_en=name_en)
    parent_name = cells["parent_name"] or None
    parent_kind = _parent_kind(parent_name) if parent_name else None
    parent_code = pad(cells["parent_code"], parent_kind or "province")
    problem = _code_problem(parent_code, parent=True)
    if problem:
        return problem
    if parent_name:
        parent_name = official_name(parent_name, parent_kind or "province")
        if len(parent_name) > MAX_NAME:
            return _("Tên tỉnh/thành phố dài quá %(n)s ký tự.", n=MAX_NAME)
    if parent_code == code:
        return _("Đơn vị không thể trực thuộc chính nó.")
    return UnitRow(line, code, name, kind, parent_code, parent_name, parent_kind, name_en)


def parse(headers: list[str], rows: list[list[str]]) -> ParsedList:
    """Check every row; a code given twice (or a parent named two ways) is refused by line."""
    mapping = guess_mapping(headers)
    missing = [str(LABELS[r]) for r in REQUIRED if r not in mapping]
    if missing:
        raise ValueError(_("Không tìm thấy cột: %(missing)s. Các cột trong tệp: %(headers)s.",
                           missing=", ".join(missing), headers=", ".join(h for h in headers if h)))
    parsed = ParsedList()
    seen: dict[str, int] = {}
    parents: dict[str, tuple[int, str]] = {}
    for line, raw in enumerate(rows, start=2):
        cells = {r: clean(raw[mapping[r]]) if r in mapping and mapping[r] < len(raw) else "" for r in COLUMNS}
        row = _row(line, cells, cells["name_en"] if "name_en" in mapping else None)
        if isinstance(row, str):
            parsed.errors.append((line, row))
            continue
        if row.code in seen:
            parsed.errors.append((line, _("Mã đơn vị %(code)s trùng với dòng %(line)s.", code=row.code,
                                          line=seen[row.code])))
            continue
        if row.parent_code and row.parent_name:
            first = parents.setdefault(row.parent_code, (line, row.parent_name))
            if first[1] != row.parent_name:
                parsed.errors.append((line, _("Mã %(code)s mang tên %(name)r, dòng %(line)s ghi %(other)r.",
                                              code=row.parent_code, name=row.parent_name, line=first[0],
                                              other=first[1])))
                continue
        seen[row.code] = line
        parsed.rows.append(row)
    return parsed
