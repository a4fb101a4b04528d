"""The units import page: a city's administrator uploads its communes; all rows or none; nobody else's."""
from __future__ import annotations

import io

from sqlalchemy import select

from survey import db
from survey.models import AuditEvent, Unit
from tests.staff.conftest import csrf_from, login, staff  # noqa: F401  (fixture)

URL = "/staff/admin/units/import"


def _upload(client, text: str, name: str = "dvhc.csv"):
    token = csrf_from(client.get(URL))
    return client.post(URL, data={"csrf_token": token, "file": (io.BytesIO(text.encode("utf-8")), name)},
                       content_type="multipart/form-data")


def _units(app) -> dict[str, tuple[str, str | None]]:
    with app.app_context():
        return {u.code: (u.name, u.parent.code if u.parent else None) for u in db.session().scalars(select(Unit))}


def test_city_admin_imports_its_communes_and_reimport_renames(app, client, staff):
    login(client, "cityadmin")
    assert "Nhập danh sách đơn vị hành chính" in client.get("/staff/admin/counters").get_data(as_text=True)
    header = "Mã,Tên,Cấp,Mã tỉnh,Tên tỉnh\n"
    first = _upload(client, header + "11312,Phường Lê Chân,Phường,31,Thành phố Hải Phòng\n"
                    "11313,Đặc khu Cát Hải,Đặc khu,31,Thành phố Hải Phòng\n")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert 'class="created">2<' in html
    assert _units(app)["11313"] == ("Đặc khu Cát Hải", "31")
    again = _upload(client, header + "11312,Phường Lê Chân Mới,Phường,31,Thành phố Hải Phòng\n")
    assert again.status_code == 200 and _units(app)["11312"] == ("Phường Lê Chân Mới", "31")
    with app.app_context():
        events = list(db.session().scalars(select(AuditEvent).where(AuditEvent.action == "units_import")))
    assert len(events) == 2 and events[0].user_id == staff.users["city_admin"]


def test_a_bad_row_or_another_province_imports_nothing(app, client, staff):
    login(client, "cityadmin")
    before = _units(app)
    answer = _upload(client, "Mã,Tên,Cấp,Mã tỉnh,Tên tỉnh\n"
                     "11320,Xã Mới,Xã,31,Thành phố Hải Phòng\n"      # line 2: fine on its own
                     "22001,Xã Vân Đồn,Xã,22,Tỉnh Quảng Ninh\n"      # line 3: another province
                     "11321,Thôn Đông,Thôn,31,Thành phố Hải Phòng\n")  # line 4: not a unit kind
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "Không nhập dòng nào: 2 dòng có lỗi." in html
    assert "<td class=\"n\">3</td><td>Đơn vị 22001 không thuộc Thành phố Hải Phòng.</td>" in html
    assert "Không rõ cấp của đơn vị (&#39;Thôn&#39;)" in html
    assert _units(app) == before


def test_only_a_city_administrator_may_import(app, client, staff):
    login(client, "admin1")  # a commune's administrator: sent back with the reason, nothing imported
    before = _units(app)
    refused = client.get(URL, follow_redirects=True)
    assert refused.request.path == "/staff/admin/counters"
    assert "Chỉ quản trị viên của tỉnh/thành phố nhập được" in refused.get_data(as_text=True)
    token = csrf_from(client.get("/staff/admin/counters"))
    sent = client.post(URL, data={"csrf_token": token, "file": (io.BytesIO(
        "Mã,Tên,Cấp,Mã tỉnh\n11399,Xã Lạ,Xã,31\n".encode()), "x.csv")}, content_type="multipart/form-data")
    assert sent.status_code == 302 and _units(app) == before
    assert "units/import" not in client.get("/staff/admin/counters").get_data(as_text=True)
    analyst = app.test_client()
    login(analyst, "analyst1")
    assert analyst.get(URL).status_code == 403
