"""Exports cover every questionnaire in the selection; each row carries its questionnaire code and version."""
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

import analysis
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT
from tests.results.seed import seed
from tests.staff.conftest import login, make_user, post_download

POPULATION = ("sipas-population", "2024.1")


def _csv(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


@pytest.fixture
def three(app, demo, raw, next_version):
    """Responses on sipas-dv 2024.1 (raw), sipas-dv 2025.1 and sipas-population 2024.1."""
    later = seed(app, demo, rng_seed=11, key=next_version, plan=[("1.001193", 20), ("1.000894", 12)])
    population = seed(app, demo, rng_seed=3, key=POPULATION, plan=[("1.001193", 31), ("2.000815", 9)])
    return raw, later, population


def test_responses_csv_holds_every_questionnaire(runner, demo, three, tmp_path):
    raw, later, population = three
    out = tmp_path / "phieu.csv"
    result = runner.invoke(args=["export", "responses", "--format", "csv", "--unit", demo.unit_code,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    col = {h: i for i, h in enumerate(rows[0])}
    by_id = {int(r[0]): r for r in rows[1:]}
    assert len(by_id) == len(raw) + len(later) + len(population)
    for frame in (raw, later, population):
        for rec in frame.itertuples():
            row = by_id[rec.id]
            assert (row[col["Mã bảng hỏi"]], row[col["Phiên bản bảng hỏi"]]) == rec.questionnaire
            q = shipped()[rec.questionnaire]
            assert [int(row[col[c.code]]) for c in q.criteria] == [int(getattr(rec, c.code)) for c in q.criteria]
    # Items one form does not ask are empty on its rows.
    assert all(by_id[i][col["XD1"]] == "" for i in raw.id)
    assert all(by_id[i][col["MM10"]] == "" for i in later.id)
    dictionary = _csv(out.with_name("phieu.dictionary.csv"))
    meaning = {r[0]: r[1] for r in dictionary}
    assert "XD1" in meaning and "sipas-population 2024.1" in meaning["XD1"]
    assert "(chỉ có trong: sipas-dv 2024.1, sipas-population 2024.1)" in meaning["MM10"]
    notes = [r[1] for r in dictionary if r[0] == ""]
    assert any("sipas-dv phiên bản 2025.1" in n for n in notes) and any("sipas-population" in n for n in notes)


def test_indices_csv_has_each_form_with_its_own_figures(runner, demo, three, tmp_path):
    raw, later, population = three
    out = tmp_path / "chiso.csv"
    result = runner.invoke(args=["export", "indices", "--format", "csv", "--unit", demo.unit_code,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    col = {h: i for i, h in enumerate(rows[0])}
    overall = {(r[col["Mã bảng hỏi"]], r[col["Phiên bản bảng hỏi"]], r[col["Mã chỉ số"]]): r
               for r in rows[1:] if r[col["Phạm vi"]] == "Toàn bộ"}
    dv = pd.concat([raw, later], ignore_index=True)
    dv = dv[~dv.flagged]
    pop = population[~population.flagged]
    # References: analysis.estimate over each form's raw rows (the two sipas-dv versions at once).
    dv_scheme = analysis.Scheme.from_mapping(shipped()[DEFAULT].scheme_mapping())
    pop_scheme = analysis.Scheme.from_mapping(shipped()[POPULATION].scheme_mapping())
    expected = {("sipas-dv", "2024.1, 2025.1"): analysis.estimate(dv, dv_scheme).set_index("code"),
                ("sipas-population", "2024.1"): analysis.estimate(pop, pop_scheme).set_index("code")}
    for (code, version), table in expected.items():
        for item in ("SIPAS", "TC1", "TC"):
            r = overall[(code, version, item)]
            assert int(r[col["Số phiếu (n)"]]) == table.loc[item].n
            assert float(r[col["Chỉ số (%)"]]) == pytest.approx(table.loc[item].estimate, abs=1e-9)
            assert float(r[col["Cận dưới (%)"]]) == pytest.approx(table.loc[item].ci_low, abs=1e-9)
    assert ("sipas-population", "2024.1", "XD1") in overall
    assert ("sipas-dv", "2024.1, 2025.1", "XD1") not in overall


def test_browser_workbook_holds_every_questionnaire(app, client, demo, three):
    raw, later, population = three
    make_user(app, "phantich", "analyst", demo.unit_id)
    login(client, "phantich")
    got = post_download(client, "/staff/results/export/indices.xlsx?ky=year&nam=2024")
    assert got.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(got.data))
    responses = list(book["Phiếu khảo sát"].values)[1:]  # under the title row
    rcol = {h: i for i, h in enumerate(responses[0])}
    forms = pd.Series([(r[rcol["Mã bảng hỏi"]], r[rcol["Phiên bản bảng hỏi"]]) for r in responses[1:]])
    assert forms.value_counts().to_dict() == {DEFAULT: len(raw), ("sipas-dv", "2025.1"): len(later),
                                              POPULATION: len(population)}
    summary = list(book["Tổng hợp"].values)[1:]  # under the title row
    scol = {h: i for i, h in enumerate(summary[0])}
    assert {r[scol["Mã bảng hỏi"]] for r in summary[1:]} == {"sipas-dv", "sipas-population"}
    shares = list(book["Nhận thức và kênh"].values)[1:]  # under the title row
    nt1 = [r for r in shares if r[0] == "NT1" and r[5] == "sipas-population"]
    pop = population[~population.flagged]
    assert [r[3] for r in nt1] == [int((pop.NT1 == v).sum()) for v in (1, 2, 3)]


def test_plan_on_the_population_form_reports_its_responses(app, client, demo, raw):
    """A plan on sipas-population: its workbook and report read that form, and name the other."""
    from docx import Document

    from tests.plans.helpers import make_plan

    population = seed(app, demo, rng_seed=3, key=POPULATION, plan=[("1.001193", 31)])
    plan_id = make_plan(app, demo, start=date(2024, 1, 1), end=date(2024, 6, 30),
                        questionnaire=POPULATION, services=["1.001193"])
    make_user(app, "phantich", "analyst", demo.unit_id)  # the plan workbook holds raw responses
    login(client, "phantich")
    book = openpyxl.load_workbook(io.BytesIO(post_download(client, f"/staff/plans/{plan_id}/indices.xlsx").data))
    summary = list(book["Tổng hợp"].values)[1:]  # under the title row
    col = {h: i for i, h in enumerate(summary[0])}
    sipas = [r for r in summary if r[col["Phạm vi"]] == "Toàn bộ" and r[col["Mã chỉ số"]] == "SIPAS"]
    kept = population[~population.flagged]
    expected = analysis.estimate(kept, analysis.Scheme.from_mapping(shipped()[POPULATION].scheme_mapping()))
    # The plan's form first, then the sipas-dv responses of the same unit and period.
    assert [r[col["Mã bảng hỏi"]] for r in sipas] == ["sipas-population", "sipas-dv"]
    assert sipas[0][col["Số phiếu (n)"]] == len(kept) and sipas[1][col["Số phiếu (n)"]] == (~raw.flagged).sum()
    assert sipas[0][col["Chỉ số (%)"]] == pytest.approx(expected.set_index("code").loc["SIPAS"].estimate)
    report = post_download(client, f"/staff/plans/{plan_id}/report.docx")
    assert report.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(report.data)).paragraphs)
    assert (f"có {(~raw.flagged).sum()} phiếu theo bảng hỏi “{shipped()[DEFAULT].title.vi}” (sipas-dv 2024.1)"
            in text)
