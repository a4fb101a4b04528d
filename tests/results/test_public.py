"""The public page: indices with intervals and n, no comments or raw data, low-n hidden."""
from __future__ import annotations

import analysis
from survey.charts import pct
from tests.results.seed import COMMENTS, Q

SCHEME = analysis.Scheme.from_mapping(Q.scheme_mapping())


def test_public_page_shows_indices_without_login(client, demo, raw):
    response = client.get(f"/cong-khai/{demo.unit_code}?nam=2024")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    kept = raw[~raw.flagged]
    overall = analysis.estimate(kept, SCHEME).set_index("code")
    for code in ("SIPAS", "TC", "PA"):
        row = overall.loc[code]
        assert pct(row.estimate) in html and f"{pct(row.ci_low)} – {pct(row.ci_high)}" in html
    by_service = analysis.estimate(kept, SCHEME, by=["service"]).set_index(["service", "code"])
    assert pct(by_service.loc[("1.001193", "SIPAS")].estimate) in html
    assert "(1.001193)" in html and "(1.000894)" in html
    assert "(2.000815)" not in html  # 7 responses: under SIPAS_MIN_N
    assert "1 thủ tục chưa đủ 30 phiếu" in html
    for comment in COMMENTS:
        assert comment not in html and comment.replace("<", "&lt;") not in html
    assert "TC1" not in html  # no criterion-level raw detail
    assert 'style="' not in html


def test_public_page_hides_figures_below_minimum(app, client, demo, raw):
    app.config["SIPAS_MIN_N"] = 1000
    html = client.get(f"/cong-khai/{demo.unit_code}?nam=2024").get_data(as_text=True)
    assert "Chưa đủ số phiếu để công bố" in html and 'id="headline"' not in html


def test_unknown_unit_is_404(client, demo):
    assert client.get("/cong-khai/KHONG-CO").status_code == 404


def test_city_page_includes_its_communes(client, demo, raw):
    html = client.get("/cong-khai/31?nam=2024").get_data(as_text=True)
    assert f"Số phiếu: {(~raw.flagged).sum()}" in html


def test_public_page_in_english_shows_english_unit_and_procedure_names(app, client, demo, raw):
    from sqlalchemy import select

    from survey import db
    from survey.models import Service

    html = client.get(f"/cong-khai/{demo.unit_code}?nam=2024&lang=en").get_data(as_text=True)
    assert "<strong>An Lao Commune</strong>" in html and "An Lao Commune, Hai Phong City" in html
    assert "Birth registration <small>(1.001193)</small>" in html and "Xã An Lão" not in html
    with app.app_context():  # a procedure without an English name keeps its Vietnamese one
        s = db.session()
        s.scalars(select(Service).where(Service.code == "1.001193")).one().name_en = ""
        s.commit()
    html = client.get(f"/cong-khai/{demo.unit_code}?nam=2024&lang=en").get_data(as_text=True)
    assert "Đăng ký khai sinh <small>(1.001193)</small>" in html
    html = client.get(f"/cong-khai/{demo.unit_code}?nam=2024&lang=vi").get_data(as_text=True)
    assert "Xã An Lão, Thành phố Hải Phòng" in html and "Marriage registration" not in html
