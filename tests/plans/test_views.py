"""Staff plan pages: roles, the progress page, frame upload, sample, slips, report, paper entry."""
from __future__ import annotations

import io

from docx import Document

from survey import db
from survey.models import PaperForm, Plan, Response
from survey.plans.calendar import today
from tests.plans.frames import frame_csv
from tests.plans.helpers import make_plan
from tests.staff.conftest import csrf_from, login, post_download, staff  # noqa: F401  (fixture)

SERVICES = ["1.001193", "1.000894"]


def test_viewer_reads_analyst_edits(app, client, staff):
    plan_id = make_plan(app, staff.demo, services=SERVICES)
    login(client, "viewer1")
    assert client.get("/staff/plans/").status_code == 200
    page = client.get(f"/staff/plans/{plan_id}")
    assert page.status_code == 200 and "Tiến độ theo thủ tục" in page.get_data(as_text=True)
    assert client.post(f"/staff/plans/{plan_id}/sample", data={"csrf_token": csrf_from(page)}).status_code == 403
    report = post_download(client, f"/staff/plans/{plan_id}/report.docx")
    assert report.status_code == 200
    assert "KẾT LUẬN" in "\n".join(p.text for p in Document(io.BytesIO(report.data)).paragraphs)


def test_other_commune_plan_is_hidden(app, client, staff):
    with app.app_context():
        s = db.session()
        s.add(Plan(unit_id=staff.other_unit_id, title="x", questionnaire_code="sipas-dv",
                   questionnaire_version="2024.1", start_date=today(), end_date=today()))
        s.commit()
        other = s.query(Plan).one().id
    login(client, "analyst1")
    assert client.get(f"/staff/plans/{other}").status_code == 404


def test_analyst_runs_frame_sample_slips(app, client, staff):
    plan_id = make_plan(app, staff.demo, services=SERVICES)
    login(client, "analyst1")
    page = client.get(f"/staff/plans/{plan_id}")
    token = csrf_from(page)
    up = client.post(f"/staff/plans/{plan_id}/frame", data={
        "csrf_token": token, "file": (io.BytesIO(frame_csv({"1.001193": 30, "1.000894": 10})), "hoso.csv")},
        content_type="multipart/form-data")
    assert up.status_code == 200 and "Thêm mới" in up.get_data(as_text=True)
    assert client.post(f"/staff/plans/{plan_id}/sample", data={"csrf_token": token}).status_code == 303
    pdf = post_download(client, f"/staff/plans/{plan_id}/slips.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    calls = post_download(client, f"/staff/plans/{plan_id}/call-list.csv")
    assert calls.status_code == 200 and "1.001193-" in calls.get_data(as_text=True)
    xlsx = post_download(client, f"/staff/plans/{plan_id}/indices.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def _paper_form(token, number, base="4", **changes):
    from survey.questionnaire.loader import shipped
    q = shipped()[("sipas-dv", "2024.1")]
    data = {"csrf_token": token, "number": number, "service": "2", "comment": ""}
    data.update({c.code: base for c in q.criteria})
    data.update(changes)
    return data


def test_paper_entry_screen_double_entry(app, client, staff):
    from tests.staff.conftest import make_user
    make_user(app, "clerk2", "analyst", staff.demo.unit_id)
    plan_id = make_plan(app, staff.demo, services=SERVICES)
    login(client, "analyst1")
    page = client.get(f"/staff/plans/{plan_id}/paper/")
    html = page.get_data(as_text=True)
    assert 'name="TC1" maxlength="1" inputmode="numeric"' in html and "autofocus" in html
    token = csrf_from(page)
    assert client.post(f"/staff/plans/{plan_id}/paper/", data=_paper_form(token, "A7")).status_code == 303
    again = client.post(f"/staff/plans/{plan_id}/paper/", data=_paper_form(token, "A7"))
    assert again.status_code == 400 and "người khác" in again.get_data(as_text=True)
    client.post("/staff/logout", data={"csrf_token": token})
    login(client, "clerk2")
    token = csrf_from(client.get(f"/staff/plans/{plan_id}/paper/"))
    assert client.post(f"/staff/plans/{plan_id}/paper/", data=_paper_form(token, "A7", TT1="2")).status_code == 303
    conflicts = client.get(f"/staff/plans/{plan_id}/paper/conflicts").get_data(as_text=True)
    assert "A7" in conflicts and "TT1" in conflicts
    with app.app_context():
        assert db.session().query(Response).count() == 0
    fixed = client.post(f"/staff/plans/{plan_id}/paper/conflicts", data=_paper_form(token, "A7"))
    assert fixed.status_code == 303
    with app.app_context():
        assert db.session().query(Response).one().channel == "paper"
        assert db.session().query(PaperForm).one().status == "counted"
