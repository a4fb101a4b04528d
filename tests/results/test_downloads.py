"""Browser downloads: same exports as the CLI, analyst only, audited, unit-scoped."""
from __future__ import annotations

import csv
import io

import openpyxl
from sqlalchemy import select

from survey import db
from survey.models import AuditEvent
from tests.staff.conftest import login, make_user, post_download

ARGS = "?ky=year&nam=2024"


def test_analyst_downloads_csv_and_xlsx(app, demo, client, raw):
    make_user(app, "phantich", "analyst", demo.unit_id)
    login(client, "phantich")
    response = post_download(client, "/staff/results/export/responses.csv" + ARGS)
    assert response.status_code == 200 and response.is_streamed
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) - 1 == len(raw) and "TC1" in rows[0]
    dictionary = post_download(client, "/staff/results/export/responses-dictionary.csv" + ARGS).get_data()
    assert "Từ điển".encode() not in dictionary[:3] and b"TC1" in dictionary
    xlsx = post_download(client, "/staff/results/export/indices.xlsx" + ARGS)
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.get_data()))
    assert "Phương pháp" in book.sheetnames
    with app.app_context():
        targets = db.session().scalars(select(AuditEvent.target).where(AuditEvent.action == "export")).all()
    assert sorted(targets) == ["indices.xlsx", "responses.csv", "responses.csv"]
    assert post_download(client, "/staff/results/export/nothing.csv").status_code == 404


def test_export_is_scoped_to_the_users_unit(app, demo, client, raw):
    from survey.catalogue import operations as ops
    from survey.models import Unit

    with app.app_context():
        s = db.session()
        other = ops.upsert_unit(s, "OTHER-04", "Xã Khác", "commune", s.get(Unit, demo.unit_id).parent)
        s.commit()
        other_id = other.id
    make_user(app, "khac", "analyst", other_id)
    login(client, "khac")
    body = post_download(client, f"/staff/results/export/responses.csv{ARGS}&don_vi={demo.unit_id}").get_data()
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 1  # header only
