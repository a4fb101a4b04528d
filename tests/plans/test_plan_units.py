"""Which unit a plan belongs to: a city account plans for its communes; a commune only for itself."""
from __future__ import annotations

from datetime import date

from survey import db
from survey.models import Plan
from tests.staff.conftest import csrf_from, login, make_user, post_download, staff  # noqa: F401  (fixture)


def _plan_form(token: str, unit_id: int | None, title: str) -> dict:
    data = {"csrf_token": token, "title": title, "start_date": "2025-01-01", "end_date": "2025-12-31",
            "questionnaire": "sipas-dv|2024.1", "target_margin": "5", "conf_level": "95",
            "sizing_method": "yamane", "allocation": "per_service", "expected_share": "90"}
    if unit_id is not None:
        data["unit"] = str(unit_id)
    return data


def _plans(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [(p.title, p.unit_id) for p in db.session().query(Plan).order_by(Plan.id)]


def test_city_account_creates_a_plan_for_one_of_its_communes(app, client, staff):
    make_user(app, "cityanalyst", "analyst", staff.demo.city_id)
    login(client, "cityanalyst")
    page = client.get("/staff/plans/new")
    html = page.get_data(as_text=True)
    assert 'name="unit"' in html and f'value="{staff.other_unit_id}"' in html and f'value="{staff.demo.unit_id}"' in html
    made = client.post("/staff/plans/new", data=_plan_form(csrf_from(page), staff.other_unit_id, "KH xã khác"))
    assert made.status_code == 303
    assert _plans(app) == [("KH xã khác", staff.other_unit_id)]
    plan_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert client.get(f"/staff/plans/{plan_id}").status_code == 200
    assert "KH xã khác" in client.get("/staff/plans/").get_data(as_text=True)


def test_commune_account_cannot_plan_or_see_for_another_commune(app, client, staff):
    login(client, "analyst1")
    page = client.get("/staff/plans/new")
    assert 'name="unit"' not in page.get_data(as_text=True)  # one visible unit: nothing to choose
    token = csrf_from(page)
    assert client.post("/staff/plans/new", data=_plan_form(token, staff.other_unit_id, "lén")).status_code == 404
    assert client.post("/staff/plans/new", data=_plan_form(token, staff.demo.city_id, "lên")).status_code == 404
    assert _plans(app) == []
    assert client.post("/staff/plans/new", data=_plan_form(token, None, "của xã")).status_code == 303
    assert _plans(app) == [("của xã", staff.demo.unit_id)]

    with app.app_context():  # a plan of the other commune, made by the city
        s = db.session()
        other = Plan(unit_id=staff.other_unit_id, title="KH bí mật", questionnaire_code="sipas-dv",
                     questionnaire_version="2024.1", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        s.add(other)
        s.commit()
        other_id = other.id
    assert "KH bí mật" not in client.get("/staff/plans/").get_data(as_text=True)
    for url in (f"/staff/plans/{other_id}", f"/staff/plans/{other_id}/paper/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/staff/plans/{other_id}/report.docx", f"/staff/plans/{other_id}/indices.xlsx",
                f"/staff/plans/{other_id}/call-list.csv", f"/staff/plans/{other_id}/slips.pdf"):
        assert post_download(client, url).status_code == 404, url
    assert client.post(f"/staff/plans/{other_id}/sample", data={"csrf_token": token}).status_code == 404
