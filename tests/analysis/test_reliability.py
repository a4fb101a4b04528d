"""Cronbach's alpha and Feldt's interval."""
import numpy as np
import pytest
from conftest import make_responses
from scipy import stats

from analysis import Scheme, cronbach_alpha, reliability

ITEMS = np.array([[5, 4, 5], [4, 4, 3], [4, 5, 4], [3, 3, 2], [5, 5, 4],
                  [2, 2, 1], [4, 3, 4], [5, 5, 4], [3, 3, 3], [4, 4, 5]], dtype=float)


def test_alpha_matches_pingouin_and_hand_formula():
    # pingouin 0.7.0: cronbach_alpha(DataFrame(ITEMS), ci=.95)
    #   -> (0.9078947368421053, array([0.73 , 0.975]))  (bounds rounded to 3 places)
    r = cronbach_alpha(ITEMS)
    assert r.alpha == pytest.approx(0.9078947368421053, rel=1e-12)
    assert (round(r.ci_low, 3), round(r.ci_high, 3)) == (0.73, 0.975)
    c = np.cov(ITEMS, rowvar=False)  # k/(k-1) (1 - trace(C) / sum(C))
    assert r.alpha == pytest.approx(3 / 2 * (1 - np.trace(c) / c.sum()), rel=1e-12)
    f_hi, f_lo = stats.f.ppf([0.975, 0.025], 9, 18)
    assert (r.ci_low, r.ci_high) == pytest.approx((1 - (1 - r.alpha) * f_hi,
                                                   1 - (1 - r.alpha) * f_lo))
    assert (r.n, r.k) == (10, 3)


def test_listwise_deletion_and_undefined_cases():
    x = np.vstack([ITEMS, [np.nan, 1, 1]])
    assert cronbach_alpha(x).n == 10
    assert np.isnan(cronbach_alpha(ITEMS[:, :1]).alpha)          # one item
    assert np.isnan(cronbach_alpha(np.full((5, 3), 4.0)).alpha)  # no variation
    assert cronbach_alpha(ITEMS, level=0.99).ci_low < cronbach_alpha(ITEMS).ci_low


def test_reliability_table_per_element_and_scale():
    out = reliability(make_responses(n=500))
    assert out["code"].tolist() == ["TC", "TT", "CC", "KQ", "PA", "SIPAS"]
    assert out["k"].tolist() == [3, 4, 3, 3, 3, 16]
    assert ((out["ci_low"] < out["alpha"]) & (out["alpha"] < out["ci_high"])).all()
    assert out["alpha"].iloc[-1] > 0.8  # one 'mood' drives all items in the fixture
    single = Scheme.from_mapping({"groups": [{"code": "G", "elements": [
        {"code": "X", "criteria": ["TC1"]}, {"code": "Y", "criteria": ["TC2", "TC3"]}]}]})
    table = reliability(make_responses(n=100), single)
    assert np.isnan(table["alpha"].iloc[0]) and not np.isnan(table["alpha"].iloc[1])
