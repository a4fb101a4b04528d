"""`sipas catalogue import` and `sipas counters`: the rest of going live from the command line."""
from __future__ import annotations

from sqlalchemy import select

from survey import db
from survey.catalogue import operations as ops
from survey.models import Service, ServicePoint


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _names(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        return {v.code: (v.name, v.field.name) for v in db.session().scalars(select(Service))}


def test_catalogue_import_then_reimport_updates_names(app, runner, tmp_path):
    first = _write(tmp_path, "tthc.csv", "Mã thủ tục,Tên thủ tục,Lĩnh vực\n"
                   "1.001193,Đăng ký khai sinh,Hộ tịch\n2.000815,Chứng thực bản sao,Chứng thực\n")
    result = runner.invoke(args=["catalogue", "import", first])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged" in result.output
    second = _write(tmp_path, "tthc2.csv", "Mã thủ tục,Tên thủ tục,Lĩnh vực\n"
                    "1.001193,Thủ tục đăng ký khai sinh,Hộ tịch\n2.000815,Chứng thực bản sao,Chứng thực\n")
    result = runner.invoke(args=["catalogue", "import", second])
    assert "0 created, 1 updated, 1 unchanged" in result.output
    assert _names(app) == {"1.001193": ("Thủ tục đăng ký khai sinh", "Hộ tịch"),
                           "2.000815": ("Chứng thực bản sao", "Chứng thực")}


def test_catalogue_import_reports_bad_rows_by_line_and_exits_non_zero(app, runner, tmp_path):
    path = _write(tmp_path, "tthc.csv", "Mã thủ tục,Tên thủ tục,Lĩnh vực\n"
                  "1.001193,Đăng ký khai sinh,Hộ tịch\n,Không mã,Hộ tịch\n")
    result = runner.invoke(args=["catalogue", "import", path])
    assert result.exit_code == 1
    assert "line 3: Thiếu mã thủ tục." in result.output
    assert "1 row(s) refused (listed above); the other rows were imported." in result.output
    assert set(_names(app)) == {"1.001193"}
    missing = runner.invoke(args=["catalogue", "import", _write(tmp_path, "x.csv", "A,B\n1,2\n")])
    assert missing.exit_code == 1 and "Chưa chọn cột" in missing.output


def _catalogue(app):
    with app.app_context():
        s = db.session()
        city = ops.upsert_unit(s, "31", "Thành phố Hải Phòng", "city")
        ops.upsert_unit(s, "11311", "Xã An Lão", "commune", city)
        civil = ops.upsert_field(s, "ho-tich", "Hộ tịch")
        notary = ops.upsert_field(s, "chung-thuc", "Chứng thực")
        ops.upsert_service(s, "1.001193", "Đăng ký khai sinh", civil)
        ops.upsert_service(s, "1.000894", "Đăng ký kết hôn", civil)
        ops.upsert_service(s, "2.000815", "Chứng thực bản sao", notary)
        s.commit()


def _offered(app, name: str) -> tuple[str, list[str]]:
    with app.app_context():
        point = db.session().scalar(select(ServicePoint).where(ServicePoint.name == name))
        return point.token, sorted(v.code for v in point.services)


def test_counters_create_is_idempotent_and_keeps_the_qr_token(app, runner, client):
    _catalogue(app)
    made = runner.invoke(args=["counters", "create", "Quầy 1", "--unit", "11311", "--field", "ho-tich"])
    assert made.exit_code == 0, made.output
    token, codes = _offered(app, "Quầy 1")
    assert codes == ["1.000894", "1.001193"]
    assert f"http://sipas.test/s/{token}" in made.output
    again = runner.invoke(args=["counters", "create", "Quầy 1", "--unit", "11311", "--all-services"])
    assert again.exit_code == 0, again.output
    assert _offered(app, "Quầy 1") == (token, ["1.000894", "1.001193", "2.000815"])
    assert client.get(f"/s/{token}").status_code == 200
    listed = runner.invoke(args=["counters", "list", "--unit", "11311"]).output
    assert f"\t11311\tQuầy 1\t3\thttp://sipas.test/s/{token}" in listed


def test_counters_create_refuses_unknown_codes_and_an_empty_choice(app, runner):
    _catalogue(app)
    cases = {
        ("--unit", "99999", "--all-services"): "no unit with code '99999'",
        ("--unit", "11311", "--service", "9.999999"): "no procedure with code 9.999999",
        ("--unit", "11311", "--field", "khac"): "no field with code khac",
        ("--unit", "11311"): "say which procedures it offers",
    }
    for args, message in cases.items():
        result = runner.invoke(args=["counters", "create", "Quầy 2", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    with app.app_context():
        assert db.session().scalar(select(ServicePoint)) is None
