"""The city view: every commune of one city side by side, the city figure, flags, sorting, filters, files."""
from __future__ import annotations

import io
import re

import numpy as np
import pytest
from docx import Document
from openpyxl import load_workbook
from scipy import stats
from statsmodels.stats.multitest import multipletests

import analysis
from tests.results.city_seed import COMMUNES, OTHER_CITY, seed_cities
from tests.staff.conftest import login, make_user, post_download

YEAR = "/staff/results/city?ky=year&nam=2024"


@pytest.fixture
def cities(app, demo):
    return seed_cities(app, demo)


@pytest.fixture
def city_analyst(app, demo, client, cities):
    make_user(app, "soNoiVu", "analyst", demo.city_id)
    login(client, "soNoiVu")
    return client


def _rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-unit="([^"]+)" data-direction="([^"]*)"', html)


def _reference(raw, level=0.95):
    """Per-commune SIPAS by analysis.estimate on the raw rows, the mean of communes, Holm by statsmodels."""
    mine = raw[raw.city != "TP-KHAC"]
    per = analysis.estimate(mine, by=["unit"], min_n=30)
    per = per[per.code == "SIPAS"].set_index("unit")
    est, se = per.estimate.to_numpy(), per.se.to_numpy()
    city = est.mean()
    u = len(est)
    # hand formula: Var(R_u - mean) = (1 - 1/U)^2 V_u + sum_{v != u} V_v / U^2
    var_d = (1 - 1 / u) ** 2 * se ** 2 + (np.sum(se ** 2) - se ** 2) / u ** 2
    p = 2 * stats.norm.sf(np.abs((est - city) / np.sqrt(var_d)))
    # statsmodels.stats.multitest.multipletests(p, alpha=0.05, method="holm")
    reject, p_holm, _, _ = multipletests(p, alpha=1 - level, method="holm")
    flags = {code: ("above" if e > city else "below") if r else "" for code, e, r in zip(per.index, est, reject)}
    return per, city, dict(zip(per.index, p_holm)), flags


def test_every_commune_of_the_city_and_none_of_another(city_analyst, demo, cities):
    html = city_analyst.get(YEAR).get_data(as_text=True)
    codes = [code for code, _ in _rows(html)]
    assert sorted(codes) == sorted([c[0] for c in COMMUNES] + [demo.unit_code])
    for code, name, *_ in OTHER_CITY:
        assert code not in codes and name not in html
    assert 'id="n-responses">%d<' % sum(c[3] for c in COMMUNES) in html
    assert 'data-rule="mean_of_units"' in html and "trung bình cộng chỉ số của các xã" in html
    assert "<svg" in html and "<script" not in html


def test_city_figure_and_flags_equal_an_independent_computation(app, city_analyst, cities):
    per, city, p_holm, flags = _reference(cities.raw)
    html = city_analyst.get(YEAR).get_data(as_text=True)
    shown = float(re.search(r'id="city-estimate">([^<]+)<', html).group(1).replace(",", "."))
    assert shown == pytest.approx(city, abs=0.05)
    assert dict(_rows(html))["C-HIGH"] == flags["C-HIGH"] == "above"
    assert dict(_rows(html))["C-LOW"] == flags["C-LOW"] == "below"
    assert {k: v for k, v in _rows(html) if k in flags} == flags
    from survey import db
    from survey.models import Unit
    from survey.results.city import city_view
    from survey.results.config import Method
    from survey.results.filters import Filters, year_period
    from tests.results.city_seed import Q
    with app.test_request_context():
        s = db.session()
        view = city_view(s, s.get(Unit, cities.city_id), Filters(unit_ids=None, period=year_period(2024)),
                         Method(), [e.code for e in Q.elements])
    rows = {r.code: r for r in view.rows}
    assert view.city_figures["SIPAS"].estimate == pytest.approx(city, abs=1e-9)
    for code in per.index:
        assert rows[code].sipas.estimate == pytest.approx(per.loc[code, "estimate"], abs=1e-9)
        assert rows[code].sipas.se == pytest.approx(per.loc[code, "se"], rel=1e-9)
        assert rows[code].p_adjusted == pytest.approx(p_holm[code], rel=1e-9)
    assert rows["C-FEW"].sipas.low_n and not rows["C-HIGH"].sipas.low_n


def test_benjamini_hochberg_setting(app, city_analyst, cities):
    app.config["SIPAS_CITY_ADJUSTMENT"] = "bh"
    html = city_analyst.get(YEAR).get_data(as_text=True)
    assert 'data-adjustment="bh"' in html and "Benjamini" in html


def test_pooled_city_figure_when_set(app, city_analyst, cities):
    app.config["SIPAS_CITY_AGGREGATION"] = "pooled"
    html = city_analyst.get(YEAR).get_data(as_text=True)
    mine = cities.raw[cities.raw.city != "TP-KHAC"]
    pooled = analysis.estimate(mine, min_n=30)
    pooled = pooled[pooled.code == "SIPAS"].estimate.iloc[0]
    shown = float(re.search(r'id="city-estimate">([^<]+)<', html).group(1).replace(",", "."))
    assert shown == pytest.approx(pooled, abs=0.05)
    assert 'data-rule="pooled"' in html


def test_sorting(city_analyst, cities):
    per, *_ = _reference(cities.raw)
    html = city_analyst.get(YEAR + "&sap_xep=SIPAS&chieu=desc").get_data(as_text=True)
    codes = [c for c, _ in _rows(html)]
    expected = list(per.sort_values("estimate", ascending=False).index)
    assert codes[:len(expected)] == expected  # the commune without responses last
    html = city_analyst.get(YEAR + "&sap_xep=SIPAS&chieu=asc").get_data(as_text=True)
    assert [c for c, _ in _rows(html)][:len(expected)] == expected[::-1]
    html = city_analyst.get(YEAR + "&sap_xep=name").get_data(as_text=True)
    names = re.findall(r'<td class="name"><a href="[^"]+">([^<]+)</a>', html)
    assert names == sorted(names)
    # An unknown column sorts by name; a direction other than asc/desc is refused with a message.
    assert city_analyst.get(YEAR + "&sap_xep=bogus").status_code == 200
    refused = city_analyst.get(YEAR + "&sap_xep=name&chieu=x")
    assert refused.status_code == 400 and "Chiều sắp xếp" in refused.get_data(as_text=True)


def test_filters_by_procedure_and_field(city_analyst, cities):
    service, field = cities.services[0]
    mine = cities.raw[cities.raw.city != "TP-KHAC"]
    html = city_analyst.get(YEAR + f"&thu_tuc={service}").get_data(as_text=True)
    assert 'id="n-responses">%d<' % (mine.service == service).sum() in html
    html = city_analyst.get(YEAR + f"&linh_vuc={field}").get_data(as_text=True)
    assert 'id="n-responses">%d<' % (mine.field == field).sum() in html


def test_drill_down_links_to_the_commune_results(city_analyst, cities):
    html = city_analyst.get(YEAR).get_data(as_text=True)
    link = re.search(r'<tr data-unit="C-HIGH"[^>]*>\s*<td class="name"><a href="([^"]+)"', html).group(1)
    assert f"don_vi={cities.ids['C-HIGH']}" in link and "nam=2024" in link
    page = city_analyst.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'id="n-responses">120<' in page


def test_commune_staff_have_no_city_view(app, client, demo, cities):
    make_user(app, "xa", "analyst", cities.ids["C-HIGH"])
    login(client, "xa")
    # their own unit has no communes: they are sent to their own results, the period kept
    response = client.get(YEAR)
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/results/?")
    assert "nam=2024" in response.headers["Location"]
    assert post_download(client, YEAR.replace("/city?", "/city.xlsx?")).status_code == 302
    # nor can they name a city above them
    assert client.get(YEAR + f"&thanh_pho={cities.city_id}").status_code == 404


def test_another_city_cannot_be_asked_for(city_analyst, cities):
    assert city_analyst.get(YEAR + f"&thanh_pho={cities.other_city_id}").status_code == 404


def test_counters_are_named_with_their_commune(city_analyst, demo, cities):
    html = city_analyst.get("/staff/results/?ky=year&nam=2024").get_data(as_text=True)
    assert "Quầy một cửa – Phường Cao" in html and "Quầy một cửa – Xã Thấp" in html


def test_workbook_one_row_per_commune(city_analyst, demo, cities):
    response = city_analyst.get(YEAR)
    response = post_download(city_analyst, YEAR.replace("/city?", "/city.xlsx?"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data), read_only=True)
    sheet = wb.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Mã đơn vị")
    data = [r for r in rows[header + 1:] if r and r[0]]
    assert data[0][2] == "Thành phố"
    codes = [r[0] for r in data[1:]]
    assert sorted(codes) == sorted([c[0] for c in COMMUNES] + [demo.unit_code])
    assert "D-ONE" not in codes
    notes = " ".join(str(r[0]) for r in rows[:header])
    assert "trung bình cộng" in notes
    per, city, p_holm, flags = _reference(cities.raw)
    col = rows[header].index("So với thành phố")
    by_code = {r[0]: r for r in data}
    assert by_code["C-HIGH"][col] == "Cao hơn" and by_code["C-LOW"][col] == "Thấp hơn"
    assert by_code["C-MID"][4] == pytest.approx(per.loc["C-MID", "estimate"], abs=1e-9)
    assert data[0][4] == pytest.approx(city, abs=1e-9)
    assert "mean_of_units" in [c for r in data for c in r]


def test_report_lists_the_communes_and_the_rule(city_analyst, cities):
    response = post_download(city_analyst, YEAR.replace("/city?", "/city.docx?"))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "BÁO CÁO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "trung bình cộng chỉ số của các xã" in text and "mean_of_units" not in text  # words, not the code
    for _code, name, *_ in COMMUNES:
        assert name in cells
    assert "Xã Thành Phố Khác" not in cells + text
    assert "Thấp hơn thành phố có ý nghĩa thống kê: Xã Thấp" in text


def test_viewer_cannot_download(app, client, demo, cities):
    make_user(app, "xemtp", "viewer", demo.city_id)
    login(client, "xemtp")
    assert client.get(YEAR).status_code == 200
    assert post_download(client, YEAR.replace("/city?", "/city.xlsx?")).status_code == 403


def test_city_results_link_to_the_comparison(city_analyst, cities):
    html = city_analyst.get("/staff/results/?ky=year&nam=2024").get_data(as_text=True)
    assert 'id="city-view-link"' in html


def test_mean_of_services_city_figure_when_set(app, city_analyst, cities):
    app.config["SIPAS_CITY_AGGREGATION"] = "mean_of_services"
    html = city_analyst.get(YEAR).get_data(as_text=True)
    mine = cities.raw[cities.raw.city != "TP-KHAC"]
    expected = analysis.estimate(mine, min_n=30, aggregation="mean_of_services")
    expected = expected[expected.code == "SIPAS"].estimate.iloc[0]
    shown = float(re.search(r'id="city-estimate">([^<]+)<', html).group(1).replace(",", "."))
    assert shown == pytest.approx(expected, abs=0.05)
    assert 'data-rule="mean_of_services"' in html
