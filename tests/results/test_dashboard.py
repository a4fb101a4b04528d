"""The dashboard shows the figures of analysis/ for the selection, within the user's units."""
from __future__ import annotations

import re

import pytest

import analysis
from survey.charts import pct
from tests.results.seed import Q
from tests.staff.conftest import login, make_user, post_download

SCHEME = analysis.Scheme.from_mapping(Q.scheme_mapping())
YEAR = "/staff/results/?ky=year&nam=2024"


@pytest.fixture
def viewer(app, demo, client):
    make_user(app, "xem", "viewer", demo.unit_id)
    login(client, "xem")
    return client


def _cell(html, attr, value):
    m = re.search(rf'data-{attr}="{re.escape(value)}">([^<*]+)', html)
    return m.group(1).strip()


def test_dashboard_figures_equal_analysis(viewer, raw):
    page = viewer.get(YEAR)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    kept = raw[~raw.flagged]
    assert f'id="n-responses">{len(kept)}<' in html
    overall = analysis.estimate(kept, SCHEME).set_index("code")
    for code in ("TC1", "TT4", "PA3"):
        assert _cell(html, "code", code) == pct(overall.loc[code].estimate)
    by_service = analysis.estimate(kept, SCHEME, by=["service"]).set_index(["service", "code"])
    for service in ("1.001193", "1.000894", "2.000815"):
        assert _cell(html, "service", service) == pct(by_service.loc[(service, "SIPAS")].estimate)
    # SIPAS label in the chart carries the interval as whiskers; low-n service is starred.
    assert "<svg" in html and "(n = %d)" % len(kept) in html
    assert re.search(r'data-service="2.000815">[^<]*\*', html)
    assert 'style="' not in html


def test_filters_narrow_the_figures(viewer, raw, demo):
    html = viewer.get("/staff/results/?ky=month&nam=2024&thang=3&gan_co=1").get_data(as_text=True)
    march = raw[raw.month == "2024-03"]
    assert f'id="n-responses">{len(march)}<' in html
    expected = analysis.estimate(march, SCHEME).set_index("code")
    assert _cell(html, "code", "CC2") == pct(expected.loc["CC2"].estimate)


def test_other_commune_sees_no_data(app, client, raw, demo):
    from survey import db
    from survey.catalogue import operations as ops
    from survey.models import Unit

    with app.app_context():
        s = db.session()
        other = ops.upsert_unit(s, "OTHER-02", "Xã Khác", "commune", s.get(Unit, demo.unit_id).parent)
        s.commit()
        other_id = other.id
    make_user(app, "khac", "viewer", other_id)
    login(client, "khac")
    html = client.get(YEAR + f"&don_vi={demo.unit_id}").get_data(as_text=True)
    assert 'id="n-responses">0<' in html


def test_city_account_sees_communes(app, client, raw, demo):
    make_user(app, "thanhpho", "viewer", demo.city_id)
    login(client, "thanhpho")
    html = client.get(YEAR).get_data(as_text=True)
    assert f'id="n-responses">{(~raw.flagged).sum()}<' in html


def test_anonymous_is_sent_to_login(client):
    response = client.get("/staff/results/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_viewer_cannot_export(viewer):
    assert post_download(viewer, "/staff/results/export/indices.csv").status_code == 403
