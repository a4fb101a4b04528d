"""No questionnaire is invisible: versions of one form are pooled, other forms are shown one at a time."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import analysis
from survey.charts import pct
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT
from tests.results.seed import seed
from tests.staff.conftest import login, make_user

YEAR = "/staff/results/?ky=year&nam=2024"
POPULATION = ("sipas-population", "2024.1")


@pytest.fixture
def viewer(app, demo, client):
    make_user(app, "xem", "viewer", demo.unit_id)
    login(client, "xem")
    return client


def _cell(html, attr, value):
    m = re.search(rf'data-{attr}="{re.escape(value)}">([^<*]+)', html)
    return m.group(1).strip()


def _scheme(key):
    return analysis.Scheme.from_mapping(shipped()[key].scheme_mapping())


def test_next_version_of_the_form_is_pooled(viewer, app, demo, raw, next_version):
    later = seed(app, demo, rng_seed=11, key=next_version, plan=[("1.001193", 20), ("1.000894", 12)])
    html = viewer.get(YEAR).get_data(as_text=True)
    both = pd.concat([raw, later], ignore_index=True)
    kept = both[~both.flagged]
    assert f'id="n-responses">{len(kept)}<' in html
    assert "sipas-dv 2024.1, 2025.1" in html and 'id="other-forms"' not in html
    # Reference: analysis.estimate over the raw rows of both versions at once (MM10 is
    # not asked in 2025.1, so those rows have no MM10 answer).
    scheme = analysis.Scheme.from_mapping({**shipped()[next_version].scheme_mapping(),
                                           "expectations": [e.code for e in shipped()[DEFAULT].expectations]})
    expected = analysis.estimate(kept, scheme).set_index("code")
    for code in ("TC1", "KQ2", "PA3"):
        assert _cell(html, "code", code) == pct(expected.loc[code].estimate)
    by_service = analysis.estimate(kept, scheme, by=["service"]).set_index(["service", "code"])
    assert _cell(html, "service", "1.001193") == pct(by_service.loc[("1.001193", "SIPAS")].estimate)
    mm10 = shipped()[DEFAULT].expectations[-1].text.vi  # asked in 2024.1 only, still shown
    assert f'<td>{mm10}</td><td class="n">{int(expected.loc["MM10"].n)}</td>' in html
    assert int(expected.loc["MM10"].n) == kept[kept.questionnaire == DEFAULT].MM10.notna().sum()


def test_other_form_is_named_counted_and_one_click_away(viewer, app, demo, raw):
    population = seed(app, demo, rng_seed=3, key=POPULATION, plan=[("1.001193", 31), ("2.000815", 9)])
    html = viewer.get(YEAR).get_data(as_text=True)
    kept_dv = raw[~raw.flagged]
    assert f'id="n-responses">{len(kept_dv)}<' in html  # the form with most responses first
    assert 'data-form="sipas-dv:2024.1"' in html
    kept = population[~population.flagged]
    link = re.search(r'<li><a href="([^"]+)" data-form="sipas-population:2024.1">[^<]*</a>: '
                     r'<strong>(\d+) phiếu</strong>', html)
    assert link and int(link.group(2)) == len(kept)
    shown = viewer.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f'id="n-responses">{len(kept)}<' in shown
    assert 'id="form-shown" data-form="sipas-population:2024.1"' in shown
    expected = analysis.estimate(kept, _scheme(POPULATION)).set_index("code")
    for code in ("XD1", "TC1", "PA3"):
        assert _cell(shown, "code", code) == pct(expected.loc[code].estimate)
    method = re.search(r'id="method">(.*?)</section>', shown, re.S).group(1)
    assert "chỉ số chung là trung bình các chỉ số nhóm" in method  # two groups: policy and delivery
    # ...and the default form is now the one named and counted as "other".
    assert re.search(rf'data-form="sipas-dv:2024.1">[^<]*</a>: <strong>{len(kept_dv)} phiếu', shown)


def test_a_unit_with_only_the_population_form_sees_it(viewer, app, demo):
    population = seed(app, demo, rng_seed=5, key=POPULATION, plan=[("1.001193", 12)])
    html = viewer.get(YEAR).get_data(as_text=True)
    assert f'id="n-responses">{(~population.flagged).sum()}<' in html
    assert 'id="form-shown" data-form="sipas-population:2024.1"' in html


def test_public_page_names_the_form_and_links_the_other(client, app, demo, raw):
    population = seed(app, demo, rng_seed=3, key=POPULATION, plan=[("1.001193", 31), ("2.000815", 9)])
    html = client.get(f"/cong-khai/{demo.unit_code}?nam=2024").get_data(as_text=True)
    assert f"Số phiếu: {(~raw.flagged).sum()}" in html and 'data-form="sipas-dv:2024.1"' in html
    kept = population[~population.flagged]
    link = re.search(r'<a href="([^"]+)" data-form="sipas-population:2024.1">[^<]*</a>: (\d+) phiếu', html)
    assert link and int(link.group(2)) == len(kept)
    shown = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f"Số phiếu: {len(kept)}" in shown
    expected = analysis.estimate(kept, _scheme(POPULATION)).set_index("code")
    for code in ("SIPAS", "XD", "TC"):  # SIPAS here: both groups (policy and service delivery) measured
        row = expected.loc[code]
        assert f"{pct(row.ci_low)} – {pct(row.ci_high)}" in shown
    assert "Khoảng tin cậy 95%: Wilson" in shown


def test_public_page_pools_the_next_version(client, app, demo, raw, next_version):
    later = seed(app, demo, rng_seed=11, key=next_version, plan=[("1.001193", 20)])
    html = client.get(f"/cong-khai/{demo.unit_code}?nam=2024").get_data(as_text=True)
    assert f"Số phiếu: {(~raw.flagged).sum() + (~later.flagged).sum()}" in html
    assert "sipas-dv 2024.1, 2025.1" in html


def test_comments_of_every_form_are_listed_and_tagged_with_their_own_elements(app, demo, client, raw):
    from sqlalchemy import select

    from survey import db
    from survey.models import Comment
    from tests.staff.conftest import csrf_from

    population = seed(app, demo, rng_seed=3, key=POPULATION, plan=[("1.001193", 8)])
    make_user(app, "phantich", "analyst", demo.unit_id)
    login(client, "phantich")
    page = client.get("/staff/results/comments")
    html = page.get_data(as_text=True)
    commented = population[population.comment.notna()]
    assert len(commented) == 2
    assert f"<p>{len(commented) + (raw.comment.notna() & ~raw.flagged).sum()} góp ý</p>" in html
    assert 'value="XD"' in html  # the population form's own elements are offered
    token = csrf_from(page)
    theirs, ours = int(commented.id.iloc[0]), int(raw[raw.comment.notna()].id.iloc[0])
    assert client.post(f"/staff/results/comments/{theirs}/tag",
                       data={"element": "XD", "csrf_token": token}).status_code == 302
    # XD is an element of the population form only: a sipas-dv comment cannot take it.
    assert client.post(f"/staff/results/comments/{ours}/tag",
                       data={"element": "XD", "csrf_token": token}).status_code == 400
    with app.app_context():
        tags = dict(db.session().execute(select(Comment.response_id, Comment.element_code)
                                         .where(Comment.response_id.in_([theirs, ours]))).all())
    assert tags == {theirs: "XD", ours: None}
