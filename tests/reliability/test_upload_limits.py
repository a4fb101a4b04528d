"""Hostile uploads: each refused quickly, with little memory, as a 400 with a message.

The files are the ones that took a worker to gigabytes before the bounded
reader (issue 12.1): a tiny XLSX declaring A1:XFD1048576, a workbook that
unpacks to 78 MB, a CSV of a million columns, and malformed or hostile XML.
"""
from __future__ import annotations

import io
import resource
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from survey.uploads import TableLimits, UploadError, read_table
from tests.staff.conftest import csrf_from, login, staff  # noqa: F401  (fixture)

SECONDS = 2.0
MEGABYTES = 100


def _workbook(rows=(("Mã thủ tục", "Tên thủ tục", "Lĩnh vực"), ("1.001", "Cấp giấy", "Hộ tịch"))) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _replace_part(data: bytes, name: str, content: bytes, level: int = 6) -> bytes:
    """Return the workbook with one part's content replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def declared_dimension_bomb() -> bytes:
    """About 1.5 KB of XLSX whose sheet says it spans A1:XFD1048576."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b'><dimension ref="A1:XFD1048576"/>'
             b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
             b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return _replace_part(_workbook(), SHEET, sheet)


def unpacks_to_78_mb() -> bytes:
    """A workbook of a few hundred KB whose sheet unpacks to 78 MB."""
    row = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaa</t></is></c></row>'
    body = row * (78 * 1024 * 1024 // len(row))
    sheet = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b'><sheetData>' + body + b'</sheetData></worksheet>'
    return _replace_part(_workbook(), SHEET, sheet, level=9)


def million_columns_csv() -> bytes:
    """A 2 MB CSV whose one line holds a million columns."""
    return b"a," * 1_000_000 + b"\n"


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><sst ' + NS + b' count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   b'<worksheet ' + NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is>'
                   b'</c></row></sheetData></worksheet>')
UNCLOSED = b'<?xml version="1.0"?><worksheet ' + NS + b'><sheetData><row r="1"><c r="A1"><v>1</v>'
UTF16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]><worksheet/>').encode("utf-16")

HOSTILE = {
    "declared_dimension.xlsx": declared_dimension_bomb,
    "zip_bomb.xlsx": unpacks_to_78_mb,
    "million_columns.csv": million_columns_csv,
    "billion_laughs.xlsx": lambda: _replace_part(_workbook(), "xl/sharedStrings.xml", BILLION_LAUGHS),
    "external_entity.xlsx": lambda: _replace_part(_workbook(), SHEET, EXTERNAL_ENTITY),
    "unclosed_tags.xlsx": lambda: _replace_part(_workbook(), SHEET, UNCLOSED),
    "utf16_dtd.xlsx": lambda: _replace_part(_workbook(), SHEET, UTF16),
    "not_a_zip.xlsx": lambda: b"PK\x03\x04" + b"\x00" * 200,
    "long_cell.csv": lambda: b"a;b\n" + b"x" * 5000 + b";y\n",
    "quoted_giant_field.csv": lambda: b'a,b\n"' + b"x" * 3_000_000 + b'",y\n',
}


def _rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_refused_fast_and_small(name):
    data = HOSTILE[name]()
    rss_before = _rss_peak_mb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UploadError) as refused:
            read_table(name, data)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < SECONDS, f"{name}: {elapsed:.2f} s"
    assert peak < MEGABYTES * 1024 * 1024, f"{name}: {peak / 1e6:.0f} MB traced"
    assert _rss_peak_mb() - rss_before < MEGABYTES, name
    message = str(refused.value)
    assert message and any(ch in message for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹý"), message


def test_limits_hold_for_rows_columns_cells_and_time():
    csv = "\n".join(f"{i};x" for i in range(12)).encode()
    with pytest.raises(UploadError, match="quá 10 dòng"):
        read_table("f.csv", csv, TableLimits(max_rows=10))
    assert len(read_table("f.csv", csv, TableLimits(max_rows=11))[1]) == 11
    with pytest.raises(UploadError, match="quá 2 cột"):
        read_table("f.csv", b"a;b;c\n", TableLimits(max_columns=2))
    with pytest.raises(UploadError, match="quá 3 ký tự"):
        read_table("f.xlsx", _workbook((("abcd",),)), TableLimits(max_cell_chars=3))
    with pytest.raises(UploadError, match="thời gian"):
        read_table("f.xlsx", _workbook([("a", i) for i in range(3000)]), TableLimits(seconds=0))
    big = _workbook([("a", "b")] + [(str(i), "y" * 50) for i in range(20_000)])
    with pytest.raises(UploadError, match="giải nén"):
        read_table("f.xlsx", big, TableLimits(max_unpacked=len(big) * 2))


def test_real_files_still_read():
    headers, rows = read_table("f.xlsx", _workbook())
    assert headers == ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"] and rows == [["1.001", "Cấp giấy", "Hộ tịch"]]
    # A formatted but empty cell far to the right is not a column.
    padded = _replace_part(_workbook(), SHEET, (
        b'<?xml version="1.0"?><worksheet ' + NS + b'><dimension ref="A1:B2"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="XFD1" s="0"/></row>'
        b'<row r="2"><c r="A2"><v>7</v></c></row></sheetData></worksheet>'))
    assert read_table("f.xlsx", padded) == (["code"], [["7"]])
    assert read_table("f.csv", "a;b\n\"x;1\";ý\n".encode()) == (["a", "b"], [["x;1", "ý"]])


@pytest.mark.parametrize("name", ["declared_dimension.xlsx", "billion_laughs.xlsx", "million_columns.csv"])
def test_catalogue_and_frame_uploads_answer_400(app, client, staff, name):
    """Both upload pages turn a hostile file into a 400 page or a flashed message, never a 500."""
    from tests.plans.helpers import make_plan  # noqa: PLC0415

    data = HOSTILE[name]()
    login(client, staff.names["admin"])
    page = client.get("/staff/admin/import")
    answer = client.post("/staff/admin/import", data={"csrf_token": csrf_from(page), "file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    assert "Tệp" in answer.get_data(as_text=True)
    plan_id = make_plan(app, staff.demo)
    page = client.get(f"/staff/plans/{plan_id}")
    answer = client.post(f"/staff/plans/{plan_id}/frame", data={"csrf_token": csrf_from(page),
                         "file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                         follow_redirects=True)
    assert answer.status_code < 500
    assert "Tệp" in answer.get_data(as_text=True)
