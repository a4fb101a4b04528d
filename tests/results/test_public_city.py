"""The public city page: every commune's published figures, low n hidden, cacheable with a strong ETag."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

import analysis
from survey import db
from survey.charts import pct
from survey.models import Questionnaire, Response, ServicePoint
from tests.results.city_seed import COMMUNES, OTHER_CITY, Q, seed_cities

URL = "/cong-khai/{code}/cac-don-vi?nam=2024"


def _city_code(app, demo):
    from survey.models import Unit
    with app.app_context():
        return db.session().get(Unit, demo.city_id).code


def test_every_published_commune_with_intervals(app, client, demo):
    cities = seed_cities(app, demo)
    response = client.get(URL.format(code=_city_code(app, demo)))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = re.findall(r'<tr data-unit="([^"]+)"', html)
    assert sorted(shown) == ["C-HIGH", "C-LOW", "C-MID"]  # 120, 120, 80 responses; 12 and 0 are under 30
    assert "Xã Ít Phiếu" not in html and "2 đơn vị chưa đủ 30 phiếu" in html
    for _code, name, *_ in OTHER_CITY:
        assert name not in html
    mine = cities.raw[cities.raw.city != "TP-KHAC"]
    per = analysis.estimate(mine, by=["unit"]).set_index(["unit", "code"])
    for code in shown:
        for item in ("SIPAS", "TC", "PA"):
            r = per.loc[(code, item)]
            assert f"{pct(r.estimate)}<br><small>{pct(r.ci_low)} – {pct(r.ci_high)}</small>" in html
    # mean of units (the default rule) over the published communes only: C-FEW is in no figure
    city = per.xs("SIPAS", level="code").loc[shown].estimate.mean()
    assert f'<span class="big">{pct(city)}</span>' in html
    assert f"Số phiếu: {120 + 120 + 80}</p>" in html
    assert "<script" not in html and "nonce" not in html


def test_a_hidden_commune_cannot_be_read_off_the_page(app, client, demo):
    """Whatever a commune under the minimum n answered, the public page is the same bytes."""
    cities = seed_cities(app, demo)
    url = URL.format(code=_city_code(app, demo))
    before = client.get(url).get_data(as_text=True)
    with app.app_context():
        s = db.session()
        from sqlalchemy import select
        for r in s.scalars(select(Response).where(Response.unit_id == cities.ids["C-FEW"])):
            r.answers = s.get(Questionnaire, r.questionnaire_id).pack(dict.fromkeys((c.code for c in Q.criteria), 1))
        s.commit()
    after = client.get(url).get_data(as_text=True)
    assert "chỉ tính các đơn vị được công bố" in after
    assert after == before


def test_cache_headers_and_not_modified(app, client, demo):
    seed_cities(app, demo)
    url = URL.format(code=_city_code(app, demo))
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=300"
    tag = first.headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")  # strong
    assert "Set-Cookie" not in first.headers
    again = client.get(url)
    assert again.headers["ETag"] == tag and again.data == first.data  # same data, same bytes
    # the inline style is allowed by its hash, not by a per-request nonce
    assert "'sha256-" in first.headers["Content-Security-Policy"]
    cached = client.get(url, headers={"If-None-Match": tag})
    assert cached.status_code == 304 and cached.data == b""
    assert cached.headers["ETag"] == tag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etag_follows_the_data(app, client, demo):
    seed_cities(app, demo)
    url = URL.format(code=_city_code(app, demo))
    tag = client.get(url).headers["ETag"]
    with app.app_context():
        s = db.session()
        from sqlalchemy import select
        point = s.scalar(select(ServicePoint).where(ServicePoint.name == "Quầy một cửa"))
        service = point.services[0]
        for _ in range(5):
            questionnaire = s.get(Questionnaire, s.scalar(select(Response.questionnaire_id).limit(1)))
            s.add(Response(submission_key=uuid.uuid4().hex, questionnaire_id=questionnaire.id, unit_id=point.unit_id,
                service_id=service.id, service_point_id=point.id, channel="qr",
                submitted_at=datetime(2024, 3, 3, 3, tzinfo=timezone.utc),
                answers=questionnaire.pack(dict.fromkeys((c.code for c in Q.criteria), 1))))
        s.commit()
    fresh = client.get(url, headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != tag


def test_a_chosen_language_is_not_shared(app, client, demo):
    seed_cities(app, demo)
    response = client.get(URL.format(code=_city_code(app, demo)) + "&lang=en")
    assert response.headers["Cache-Control"].startswith("private")
    assert "Published results of the communes" in response.get_data(as_text=True)


def test_a_commune_has_no_city_page_and_links(app, client, demo):
    seed_cities(app, demo)
    assert client.get(URL.format(code="C-HIGH")).status_code == 404
    assert client.get(URL.format(code="KHONG-CO")).status_code == 404
    html = client.get(f"/cong-khai/{_city_code(app, demo)}?nam=2024").get_data(as_text=True)
    assert 'id="city-link"' in html
    assert len(COMMUNES) == 4
