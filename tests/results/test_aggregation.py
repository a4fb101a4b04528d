"""SQL sufficient statistics give exactly what analysis.estimate gives from raw rows."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

import analysis
from survey import db
from survey.results import queries
from survey.results.config import Method
from survey.results.filters import Filters, Period
from tests.results.seed import Q

SCHEME = analysis.Scheme.from_mapping(Q.scheme_mapping())
COLS = ["level", "code", "n", "estimate", "ci_low", "ci_high", "low_n"]


def _compare(got: pd.DataFrame, expected: pd.DataFrame, keys=()):
    got = got.sort_values([*keys, "level", "code"]).reset_index(drop=True)
    expected = expected.sort_values([*keys, "level", "code"]).reset_index(drop=True)
    assert list(got["code"]) == list(expected["code"])
    assert list(got["n"]) == list(expected["n"])
    assert list(got["low_n"]) == list(expected["low_n"])
    for col in ("estimate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(got[col].astype(float), expected[col].astype(float),
                                   rtol=1e-9, atol=1e-9, err_msg=col)


@pytest.mark.parametrize("index_method", ["top2box", "mean_pct"])
def test_overall_equals_analysis_estimate(app, demo, raw, index_method):
    method = Method(index=index_method)
    with app.app_context():
        f = Filters(unit_ids=(demo.unit_id,))
        got = queries.estimates(queries.cell_stats(db.session(), f, (), method), f, method)
    kept = raw[~raw.flagged]
    expected = analysis.estimate(kept, SCHEME, method=index_method)
    _compare(got, expected)


def test_hand_computed_criterion_index(app, demo, raw):
    with app.app_context():
        f = Filters(unit_ids=(demo.unit_id,))
        got = queries.estimates(queries.cell_stats(db.session(), f, (), Method()), f, Method())
    kept = raw[~raw.flagged]
    tc1 = got[got.code == "TC1"].iloc[0]
    assert tc1.n == len(kept)
    assert tc1.estimate == pytest.approx(100 * (kept.TC1 >= 4).mean())
    elements = {e.code: np.mean([100 * (kept[c.code] >= 4).mean() for c in e.criteria])
                for e in Q.elements}
    assert got[got.code == "SIPAS"].iloc[0].estimate == pytest.approx(np.mean(list(elements.values())))
    mm1 = got[got.code == "MM1"].iloc[0]
    assert mm1.n == kept.MM1.notna().sum()
    assert mm1.estimate == pytest.approx(100 * (kept.MM1.dropna() >= 3).mean())


def test_regrouped_cells_equal_grouped_estimate(app, demo, raw):
    method = Method()
    with app.app_context():
        f = Filters(unit_ids=(demo.unit_id,), include_flagged=True)
        cells = queries.cell_stats(db.session(), f, ("service", "month"), method)
        by_month = queries.estimates(queries.by(cells, "month"), f, method)
    expected = analysis.estimate(raw, SCHEME, by=["month"])
    _compare(by_month, expected, keys=["month"])


def test_period_uses_vietnamese_days(app, demo, raw):
    method = Method()
    with app.app_context():
        f = Filters(unit_ids=(demo.unit_id,), period=Period("custom", date(2024, 2, 1), date(2024, 3, 31)))
        got = queries.estimates(queries.cell_stats(db.session(), f, (), method), f, method)
    kept = raw[~raw.flagged & (raw.local_date >= date(2024, 2, 1)) & (raw.local_date <= date(2024, 3, 31))]
    assert got[got.code == "SIPAS"].iloc[0].n == len(kept)
    _compare(got, analysis.estimate(kept, SCHEME))


def test_other_unit_sees_nothing(app, demo, raw):
    with app.app_context():
        f = Filters(unit_ids=(demo.city_id,))
        cells = queries.cell_stats(db.session(), f, ("service",), Method())
    assert cells.n.sum() == 0
