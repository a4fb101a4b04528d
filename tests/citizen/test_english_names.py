"""English names of procedures, units and counters: imported, edited by staff, shown in English (issue #15.4)."""
from __future__ import annotations

from sqlalchemy import select

from survey import db
from survey.catalogue.importer import guess_mapping, import_rows
from survey.models import Service, ServicePoint, Unit
from tests.staff.conftest import csrf_from, login, staff  # noqa: F401  (fixture)

HEADERS = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Tên tiếng Anh"]


def _names(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        return {v.code: (v.name, v.name_en) for v in db.session().scalars(select(Service))}


def test_the_catalogue_imports_an_optional_english_name(app):
    with app.app_context():
        s = db.session()
        mapping = guess_mapping(HEADERS)
        assert mapping["name_en"] == 3
        report = import_rows(s, [["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Birth registration"],
                                 ["2.000884", "Chứng thực chữ ký", "Chứng thực", ""]], mapping)
        s.commit()
        assert (report.created, report.errors) == (2, [])
    assert _names(app)["1.001193"] == ("Đăng ký khai sinh", "Birth registration")
    assert _names(app)["2.000884"] == ("Chứng thực chữ ký", "")
    with app.app_context():  # a file without the column keeps the English names already stored
        s = db.session()
        report = import_rows(s, [["1.001193", "Đăng ký khai sinh", "Hộ tịch"]], guess_mapping(HEADERS[:3]))
        s.commit()
        assert report.unchanged == 1
    assert _names(app)["1.001193"][1] == "Birth registration"
    with app.app_context():
        s = db.session()
        report = import_rows(s, [["1.001193", "Đăng ký khai sinh", "Hộ tịch", "x" * 501]], guess_mapping(HEADERS))
        assert report.errors == [(2, "Tên tiếng Anh dài quá 500 ký tự.")]
        s.rollback()


def test_the_english_form_shows_english_procedure_names_where_the_catalogue_has_them(app, client, demo):
    with app.app_context():  # one procedure without an English name falls back to Vietnamese
        s = db.session()
        s.scalars(select(Service).where(Service.code == "2.000884")).one().name_en = ""
        s.commit()
    html = client.get(f"/s/{demo.points[0].token}?lang=en").get_data(as_text=True)
    assert "Certified copy from the original" in html and "Chứng thực chữ ký" in html
    assert "Chứng thực bản sao từ bản chính" not in html
    html = client.get(f"/s/{demo.points[0].token}?lang=vi").get_data(as_text=True)
    assert "Chứng thực bản sao từ bản chính" in html and "Certified copy" not in html


def _english_names(app) -> dict[str, str]:
    with app.app_context():
        s = db.session()
        names = {u.code: u.name_en for u in s.scalars(select(Unit))}
        names |= {f"point:{p.id}": p.name_en for p in s.scalars(select(ServicePoint))}
        names |= {v.code: v.name_en for v in s.scalars(select(Service))}
        return names


def test_the_english_form_shows_english_unit_and_counter_names_and_falls_back_when_empty(app, client, demo):
    url = f"/s/{demo.points[0].token}"
    html = client.get(url + "?lang=en").get_data(as_text=True)
    assert "<strong>An Lao Commune</strong>" in html and "Counter 1 – Civil status, Certification" in html
    assert "Xã An Lão" not in html and "Quầy 1 – Hộ tịch" not in html
    assert "Birth registration" in html
    vietnamese = client.get(url + "?lang=vi").get_data(as_text=True)
    assert "<strong>Xã An Lão</strong>" in vietnamese and "Quầy 1 – Hộ tịch, Chứng thực" in vietnamese
    assert "An Lao Commune" not in vietnamese and "Counter 1" not in vietnamese
    with app.app_context():  # no English names: the English form shows the Vietnamese ones
        s = db.session()
        s.get(Unit, demo.unit_id).name_en = ""
        s.get(ServicePoint, demo.points[0].id).name_en = ""
        s.scalars(select(Service).where(Service.code == "1.001193")).one().name_en = ""
        s.commit()
    html = client.get(url + "?lang=en").get_data(as_text=True)
    assert "<strong>Xã An Lão</strong>" in html and "Quầy 1 – Hộ tịch, Chứng thực" in html
    assert "Đăng ký khai sinh" in html and "An Lao Commune" not in html


def test_an_invitation_form_in_english_shows_the_english_unit_and_procedure(app, client, demo):
    from tests.plans.helpers import make_plan
    from tests.plans.invite import issue_codes

    code = issue_codes(app, make_plan(app, demo), "1.001193", 1)[0]
    html = client.get(f"/m/{code}?lang=en").get_data(as_text=True)
    assert "An Lao Commune" in html and "Birth registration" in html and "Xã An Lão" not in html


def test_staff_edit_pages_save_english_names(app, client, staff):
    login(client, "admin1")
    # A unit: its own English name, on the units page.
    page = client.get("/staff/admin/units")
    assert page.status_code == 200 and 'value="An Lao Commune"' in page.get_data(as_text=True)
    answer = client.post(f"/staff/admin/units/{staff.demo.unit_id}/name-en",
                         data={"csrf_token": csrf_from(page), "name_en": "  An Lao  "})
    assert answer.status_code == 302
    assert _english_names(app)["31DEMO"] == "An Lao"
    refused = client.post(f"/staff/admin/units/{staff.demo.unit_id}/name-en", data={"name_en": "X"})
    assert refused.status_code == 400 and _english_names(app)["31DEMO"] == "An Lao"  # no CSRF token
    # A commune's administrator cannot name its city or another commune.
    for other in (staff.demo.city_id, staff.other_unit_id):
        assert client.post(f"/staff/admin/units/{other}/name-en",
                           data={"csrf_token": csrf_from(page), "name_en": "X"}).status_code == 404
    # A counter: the counter page, filled in, saves or clears it.
    point = staff.demo.points[0]
    page = client.get(f"/staff/admin/counters/{point.id}")
    html = page.get_data(as_text=True)
    assert 'name="name_en"' in html and 'value="Counter 1 – Civil status, Certification"' in html
    with app.app_context():
        unit_id = db.session().get(ServicePoint, point.id).unit_id
    form = {"csrf_token": csrf_from(page), "name": "Quầy 1", "unit_id": str(unit_id), "name_en": "Desk 1",
            "service_ids": []}
    assert client.post(f"/staff/admin/counters/{point.id}", data=form).status_code == 302
    assert _english_names(app)[f"point:{point.id}"] == "Desk 1"
    assert client.post(f"/staff/admin/counters/{point.id}", data={**form, "name_en": ""}).status_code == 302
    assert _english_names(app)[f"point:{point.id}"] == ""
    assert client.post(f"/staff/admin/counters/{point.id}",
                       data={**form, "name_en": "x" * 201}).status_code == 400


def test_the_procedure_pages_save_an_english_name(app, client, staff):
    login(client, "cityadmin")  # shared procedures are edited by the city
    page = client.get("/staff/admin/catalogue")
    assert 'name="name_en"' in page.get_data(as_text=True)
    with app.app_context():
        service = db.session().scalars(select(Service).where(Service.code == "1.001193")).one()
        service_id, field_id = service.id, service.field_id
    edit = client.get(f"/staff/admin/services/{service_id}")
    assert edit.status_code == 200 and 'value="Birth registration"' in edit.get_data(as_text=True)
    form = {"csrf_token": csrf_from(edit), "code": "1.001193", "name": "Đăng ký khai sinh", "field_id": str(field_id)}
    assert client.post("/staff/admin/services", data={**form, "edit": "1", "name_en": "Birth certificate"}
                       ).status_code == 302
    assert _english_names(app)["1.001193"] == "Birth certificate"
    # The blank add form, given an existing code and no English name, keeps the stored one ...
    assert client.post("/staff/admin/services", data={**form, "name_en": ""}).status_code == 302
    assert _english_names(app)["1.001193"] == "Birth certificate"
    # ... and the filled-in edit page clears it.
    assert client.post("/staff/admin/services", data={**form, "edit": "1", "name_en": ""}).status_code == 302
    assert _english_names(app)["1.001193"] == ""
    # A new procedure from the add form, with its English name.
    assert client.post("/staff/admin/services", data={**form, "code": "9.000001", "name": "Thủ tục mới",
                                                      "name_en": "New procedure"}).status_code == 302
    assert _english_names(app)["9.000001"] == "New procedure"
    assert client.get("/staff/admin/services/999999").status_code == 404


def test_units_import_reads_an_optional_english_name_column(app, runner, tmp_path):
    path = tmp_path / "dvhc.csv"
    path.write_text("Mã,Tên,Cấp,Mã tỉnh,Tên tỉnh,Tên tiếng Anh\n"
                    "31,Thành phố Hải Phòng,Thành phố,,,Hai Phong City\n"
                    "11311,Xã An Lão,Xã,31,Thành phố Hải Phòng,An Lao Commune\n"
                    "11312,Phường Lê Chân,Phường,31,Thành phố Hải Phòng,\n", encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 0, result.output
    names = _english_names(app)
    assert (names["31"], names["11311"], names["11312"]) == ("Hai Phong City", "An Lao Commune", "")
    # A list without the column keeps the English names already stored.
    path.write_text("Mã,Tên,Cấp,Mã tỉnh,Tên tỉnh\n11311,Xã An Lão,Xã,31,Thành phố Hải Phòng\n", encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 0 and "0 created, 0 updated, 2 unchanged" in result.output, result.output
    assert _english_names(app)["11311"] == "An Lao Commune"
    path.write_text("Mã,Tên,Cấp,Mã tỉnh,Tên tỉnh,Tên tiếng Anh\n"
                    f"11311,Xã An Lão,Xã,31,Thành phố Hải Phòng,{'x' * 201}\n", encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code != 0 and "Tên tiếng Anh dài quá 200 ký tự." in result.output


def test_counters_create_takes_an_english_name(app, runner, demo):
    made = runner.invoke(args=["counters", "create", "Quầy 3", "--unit", demo.unit_code, "--field", "ho-tich",
                               "--name-en", "Counter 3"])
    assert made.exit_code == 0, made.output
    with app.app_context():
        point = db.session().scalars(select(ServicePoint).where(ServicePoint.name == "Quầy 3")).one()
        assert point.name_en == "Counter 3"
    again = runner.invoke(args=["counters", "create", "Quầy 3", "--unit", demo.unit_code, "--all-services"])
    assert again.exit_code == 0, again.output
    with app.app_context():  # not given again: kept
        assert db.session().get(ServicePoint, point.id).name_en == "Counter 3"
