"""The documents an office prints, as LibreOffice and poppler render them: one PNG of each kept for CI.

The report (DOCX from `sipas report`) and the plan workbook (XLSX) go through LibreOffice headless to PDF;
the invitation slips and the posters are PDFs already (LibreOffice opens a PDF only with Draw, which adds
nothing here), so they go straight to pdftoppm. The first page of each lands in artifacts/rendered/.
Without soffice or pdftoppm the test skips on a developer machine and fails under CI=true.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from sqlalchemy import select

from survey import db
from survey.exports.operations import xlsx_file
from survey.invitations.slips import slips_pdf
from survey.models import Plan, Service, Unit
from survey.plans.queries import results_filters, results_method
from survey.posters import Sheet, counter_posters
from tests.printouts.test_fit_the_paper import LONG_COUNTER, LONG_ROWS, LONG_URL, assert_slip_text_inside
from tests.report.helpers import plan_with, respond

pytestmark = pytest.mark.libreoffice
# One folder per database: CI runs the SQLite and PostgreSQL suites side by side.
RENDERED = (Path(__file__).resolve().parents[2] / "artifacts" / "rendered"
            / ("postgres" if os.environ.get("SIPAS_TEST_DATABASE_URL") else "sqlite"))
A, B, FEW = "1.001193", "1.000894", "2.000815"
A4_PT = (595.28, 841.89)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (.ci/system-deps installs it)")
        pytest.skip(f"{name} is not installed")
    return found


def _first_page_png(pdftoppm: str, pdf: Path, name: str) -> Path:
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(RENDERED / name)],
                   check=True, timeout=60)
    png = RENDERED / f"{name}.png"
    with Image.open(png) as image:
        grey = image.convert("L")
        assert grey.getextrema()[0] < 128, f"{name}: the page rendered blank"  # some ink on the page
        return png


def test_report_workbook_slips_and_posters_render(app, runner, demo, tmp_path):
    soffice, pdftoppm = _tool("soffice"), _tool("pdftoppm")
    plan_id = plan_with(app, demo, "Kế hoạch đo lường năm 2025", date(2025, 7, 1), date(2025, 12, 31), [A, B, FEW])
    respond(app, demo, A, date(2025, 9, 10), 60, 20)
    respond(app, demo, B, date(2025, 9, 11), 80, 0)
    respond(app, demo, FEW, date(2025, 9, 12), 9, 3)
    report = tmp_path / "bao-cao.docx"
    out = runner.invoke(args=["report", "--plan", str(plan_id), "--out", str(report)])
    assert out.exit_code == 0, out.output
    workbook = tmp_path / "chi-so.xlsx"
    with app.test_request_context():  # the export translates its headers
        s = db.session()
        plan = s.get(Plan, plan_id)
        with xlsx_file("indices", results_filters(s, plan), results_method(plan)) as f:
            workbook.write_bytes(f.read())
        unit = s.get(Unit, demo.unit_id).name
        services = list(s.scalars(select(Service.name).where(Service.code.in_([A, B, FEW])).order_by(Service.code)))
    # The demo commune's slips and posters beside the longest names the catalogue allows.
    rows = [{"code": f"DEMO{k:04d}", "unit": unit, "service": name, "expires": date(2025, 12, 31)}
            for k, name in enumerate(services)]
    slips = tmp_path / "phieu-moi.pdf"
    slips.write_bytes(slips_pdf((rows + LONG_ROWS * 4)[:10], LONG_URL))
    posters = tmp_path / "ap-phich.pdf"
    posters.write_bytes(counter_posters([Sheet(unit, "Quầy 1 – Một cửa", "https://sipas.test/s/demo"),
                                         Sheet(LONG_ROWS[0]["unit"], LONG_COUNTER, LONG_URL)]))

    converted = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()  # a throwaway profile: no clash with a running LibreOffice
    done = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(converted), str(report), str(workbook)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report_pdf, workbook_pdf = converted / "bao-cao.pdf", converted / "chi-so.pdf"
    assert report_pdf.is_file() and workbook_pdf.is_file(), done.stdout + done.stderr

    with pdfplumber.open(report_pdf) as doc:  # LibreOffice lays the report out on A4, with its Vietnamese text
        first = doc.pages[0]
        assert abs(first.width - A4_PT[0]) < 1 and abs(first.height - A4_PT[1]) < 1
        text = first.extract_text() or ""
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BÁO CÁO" in text
    with pdfplumber.open(workbook_pdf) as doc:
        assert "Kết quả theo thủ tục" in (doc.pages[0].extract_text() or "")
        # Printed as it is: A4 landscape fitted to the width, a handful of pages (53 portrait pages
        # before the page setup), each with the sheet's name on top and its number at the foot, and a
        # sheet that runs on repeats its header row.
        pages = [page.extract_text() or "" for page in doc.pages]
        assert len(pages) <= 12, len(pages)
        assert all(abs(p.width - A4_PT[1]) < 1 and abs(p.height - A4_PT[0]) < 1 for p in doc.pages)
        for k, text in enumerate(pages, start=1):
            assert f"{k} / {len(pages)}" in text, k
        sheets = [text.splitlines()[0] for text in pages]
        assert sheets.count("Tiêu chí") >= 2 and sheets[0] == "Kết quả theo thủ tục"
        for k in range(1, len(pages)):
            if sheets[k] == sheets[k - 1] == "Tiêu chí":
                assert "Mã chỉ số" in pages[k] and "Tên phạm vi" in pages[k], k
    assert_slip_text_inside(slips.read_bytes(), 10)
    with pdfplumber.open(io.BytesIO(posters.read_bytes())) as doc:
        assert len(doc.pages) == 2  # one A4 page per counter

    RENDERED.mkdir(parents=True, exist_ok=True)
    pngs = [_first_page_png(pdftoppm, pdf, name) for pdf, name in
            [(report_pdf, "report"), (workbook_pdf, "workbook"), (slips, "slips"), (posters, "posters")]]
    for png in pngs:
        with Image.open(png) as image:  # A4 portrait at 60 dpi: 496 × 702 px (the workbook may be landscape)
            assert max(image.size) in range(690, 715) and min(image.size) in range(485, 505), (png.name, image.size)
