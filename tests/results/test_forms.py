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
    # ...and the default form is now the one named and counted as "other".
    assert re.search(rf'data-form="sipas-dv:2024.1">[^<]*</a>: <strong>{len(kept_dv)} phiếu', shown)


def test_a_unit_with_only_the_population_form_sees_it(viewer, app, demo):
    population = seed(app, demo, rng_seed=5, key=POPULATION, plan=[("1.001193", 12)])
    html = viewer.get(YEAR).get_data(as_text=True)
    assert f'id="n-responses">{(~population.flagged).sum()}<' in html
    assert 'id="form-shown" data-form="sipas-population:2024.1"' in html
