"""English procedure names: imported with the catalogue, shown on the English form (issue #15.4)."""
from __future__ import annotations

from sqlalchemy import select

from survey import db
from survey.catalogue.importer import guess_mapping, import_rows
from survey.models import Service

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
