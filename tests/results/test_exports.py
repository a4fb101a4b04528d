"""Exports opened with csv/openpyxl and checked against numbers computed here."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import numpy as np
import openpyxl
import pytest

import analysis
from survey.exports.writer import BOM, Table, csv_chunks, neutralise, write_xlsx
from tests.results.seed import CRITERIA, Q

SCHEME = analysis.Scheme.from_mapping(Q.scheme_mapping())


def _csv(path):
    raw = path.read_bytes()
    assert raw.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_neutralise_text_keeps_numbers():
    for bad in ("=1+1", "+1", "-2 điểm", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(bad) == "'" + bad
    assert neutralise(-3) == -3 and neutralise(2.5) == 2.5 and neutralise(np.int64(4)) == 4
    assert isinstance(neutralise(np.int64(4)), int)
    assert neutralise("Hài lòng") == "Hài lòng" and neutralise(float("nan")) is None


def test_csv_streams_before_consuming_all_rows():
    consumed = []

    def rows():
        for i in range(10_000):
            consumed.append(i)
            yield [i, f"dòng {i}"]
    chunks = csv_chunks(Table("t", ["a", "b"], rows()))
    first = next(chunks)
    assert first.startswith(BOM.encode()) and len(consumed) < 10_000
    assert b"".join([first, *chunks]).decode("utf-8-sig").count("\r\n") == 10_001


def test_xlsx_text_cells_are_text_as_written(tmp_path):
    """An XLSX cell is typed: text that looks like a formula stays text, exactly as typed (no quote added)."""
    path = tmp_path / "t.xlsx"
    write_xlsx([Table("Thử", ["Góp ý", "n"], iter([["=HYPERLINK(\"x\")", 5], ["-2 điểm vì chờ lâu", -1.5]]))],
               str(path))
    sheet = openpyxl.load_workbook(path)["Thử"]  # row 1: the title, row 2: the header
    assert [c.value for c in sheet[3]] == ["=HYPERLINK(\"x\")", 5] and sheet["A3"].data_type == "s"
    assert sheet["A4"].value == "-2 điểm vì chờ lâu" and sheet["A4"].data_type == "s"
    assert sheet["B4"].value == -1.5 and sheet["B4"].data_type == "n"
    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and 't="inlineStr"><is><t xml:space="preserve">=HYPERLINK' in xml


def test_responses_csv_and_dictionary(runner, demo, raw, tmp_path):
    out = tmp_path / "phieu.csv"
    result = runner.invoke(args=["export", "responses", "--format", "csv", "--unit", demo.unit_code,
                                 "--from", "2024-02-01", "--to", "2024-04-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    head, body = rows[0], rows[1:]
    kept = raw[(raw.local_date >= date(2024, 2, 1)) & (raw.local_date <= date(2024, 4, 30))]
    assert len(body) == len(kept) and kept.flagged.any()  # flagged rows too, marked
    col = {h: i for i, h in enumerate(head)}
    assert all(c in col for c in CRITERIA + ["MM1", "NT1", "KENH"])
    by_id = {int(r[0]): r for r in body}
    for rec in kept.itertuples():
        row = by_id[rec.id]
        assert [int(row[col[c]]) for c in CRITERIA] == [int(getattr(rec, c)) for c in CRITERIA]
        assert row[col["Thời điểm gửi"]][:10] == rec.local_date.isoformat()
    comments = [r[col["Góp ý"]] for r in body if r[col["Góp ý"]]]
    assert comments and not any(c[0] in "=+-@" for c in comments)
    dictionary = _csv(out.with_name("phieu.dictionary.csv"))
    assert ["TC1", f"{Q.elements[0].title.vi}: {Q.criteria[0].text.vi}"] == dictionary[
        [r[0] for r in dictionary].index("TC1")][:2]


def test_indices_csv_matches_independent_estimate(runner, demo, raw, tmp_path):
    out = tmp_path / "chiso.csv"
    result = runner.invoke(args=["export", "indices", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    col = {h: i for i, h in enumerate(rows[0])}
    kept = raw[~raw.flagged]
    # each procedure is its own sample by default (SIPAS_PER_SERVICE_SAMPLE=own)
    expected = analysis.estimate(kept, SCHEME, by=["service"], strata="service").set_index(["service", "code"])
    overall = analysis.estimate(kept, SCHEME).set_index("code")
    checked = 0
    for r in rows[1:]:
        scope, code = r[col["Phạm vi"]], r[col["Mã chỉ số"]]
        if scope == "Thủ tục":
            exp = expected.loc[(r[col["Mã phạm vi"]], code)]
        elif scope == "Toàn bộ":
            exp = overall.loc[code]
        else:
            continue
        assert int(r[col["Số phiếu (n)"]]) == exp.n
        assert float(r[col["Chỉ số (%)"]]) == pytest.approx(exp.estimate, abs=1e-9)
        # an unknown bound (a single answer) is an empty cell
        low = r[col["Cận dưới (%)"]]
        assert float(low or "nan") == pytest.approx(exp.ci_low, abs=1e-9, nan_ok=True)
        assert (r[col["Ít phiếu (n dưới ngưỡng)"]] == "Có") == bool(exp.low_n)
        assert (r[col["Mã bảng hỏi"]], r[col["Phiên bản bảng hỏi"]]) == ("sipas-dv", "2024.1")
        checked += 1
    assert checked == 4 * (16 + 5 + 1 + 10)  # overall + 3 services; criteria, elements, SIPAS, MM
    sipas = [r for r in rows[1:] if r[col["Phạm vi"]] == "Toàn bộ" and r[col["Mã chỉ số"]] == "SIPAS"][0]
    assert float(sipas[col["Chỉ số (%)"]]) == pytest.approx(
        np.mean([np.mean([100 * (kept[c.code] >= 4).mean() for c in e.criteria]) for e in Q.elements]))


def test_indices_workbook(runner, demo, raw, tmp_path):
    out = tmp_path / "chiso.xlsx"
    result = runner.invoke(args=["export", "indices", "--format", "xlsx", "--unit", demo.unit_code,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Kết quả theo thủ tục", "Tổng hợp", "Tiêu chí", "Mong muốn", "Nhận thức và kênh",
                               "Phiếu khảo sát", "Từ điển dữ liệu", "Phương pháp"]
    kept = raw[~raw.flagged]
    summary = list(book["Tổng hợp"].values)[1:]  # row 1: the title
    col = {h: i for i, h in enumerate(summary[0])}
    overall = [r for r in summary if r[col["Phạm vi"]] == "Toàn bộ" and r[col["Mã chỉ số"]] == "SIPAS"][0]
    expected = analysis.estimate(kept, SCHEME).set_index("code").loc["SIPAS"]
    assert overall[col["Chỉ số (%)"]] == pytest.approx(expected.estimate)
    assert overall[col["Cận trên (%)"]] == pytest.approx(expected.ci_high)
    assert overall[col["Số phiếu (n)"]] == len(kept)
    responses = list(book["Phiếu khảo sát"].values)[1:]
    assert len(responses) - 1 == len(raw)
    rcol = {h: i for i, h in enumerate(responses[0])}
    assert isinstance(responses[1][rcol["TC1"]], int)
    nt1 = [r for r in book["Nhận thức và kênh"].values if r[0] == "NT1"]
    assert [r[3] for r in nt1] == [int((kept.NT1 == v).sum()) for v in (1, 2, 3)]
    assert nt1[0][4] == pytest.approx(100 * (kept.NT1 == 1).mean())


def test_unknown_unit_fails(runner, demo, tmp_path):
    result = runner.invoke(args=["export", "responses", "--format", "csv", "--unit", "NOPE",
                                 "--out", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "NOPE" in result.output


def test_no_cell_of_a_responses_export_can_run_as_a_formula(app, runner, demo, raw, tmp_path):
    """Text typed by staff (counter, unit, service names, flag reasons) or citizens (comments),
    in every text column of the CSV: a leading = + - @ tab or CR is defused. In the XLSX the
    same text is a typed text cell, written as typed: nothing in it can run."""
    from sqlalchemy import update

    from survey import db
    from survey.models import Response, Service, ServicePoint, Unit

    with app.app_context():
        s = db.session()
        s.execute(update(ServicePoint).values(name="=HYPERLINK(\"http://x\",\"Quầy\")"))
        s.execute(update(Unit).where(Unit.id == demo.unit_id).values(name="+Xã thử"))
        s.execute(update(Service).values(name="@SUM(A1)"))
        s.execute(update(Response).where(Response.flagged.is_(True)).values(flag_reason="-1+2"))
        s.commit()
    csv_out, xlsx_out = tmp_path / "p.csv", tmp_path / "p.xlsx"
    for fmt, out in (("csv", csv_out), ("xlsx", xlsx_out)):
        result = runner.invoke(args=["export", "responses", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
    csv_cells = [c for row in _csv(csv_out)[1:] for c in row]
    assert "'=HYPERLINK(\"http://x\",\"Quầy\")" in csv_cells and "'+Xã thử" in csv_cells
    assert "'@SUM(A1)" in csv_cells and "'-1+2" in csv_cells
    risky = [c for c in csv_cells if c and c[0] in "=+-@\t\r"]
    # In the CSV every cell is text: only numbers may start with a minus sign.
    assert all(c.lstrip("-").replace(".", "").isdigit() for c in risky), risky[:5]
    book = openpyxl.load_workbook(xlsx_out)
    xlsx_cells = [c for row in book.worksheets[0].iter_rows(min_row=3) for c in row if c.data_type == "s"]
    values = {c.value for c in xlsx_cells}
    assert {"=HYPERLINK(\"http://x\",\"Quầy\")", "+Xã thử", "@SUM(A1)", "-1+2"} <= values
    assert all(c.data_type != "f" for row in book.worksheets[0].iter_rows() for c in row)
