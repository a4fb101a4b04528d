"""Units against the city figure: difference, SE and adjusted p-values against independent references."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

import analysis
from analysis.ranking import against_combination
from tests.analysis.conftest import make_responses


def test_hand_computation_three_units():
    # Hand computation, mean of units (w = 1/3):
    # R = (80, 70, 60), SE = (3, 4, 5); C = 70; Var C = (9 + 16 + 25) / 9 = 50/9.
    # d_1 = 10, Var d_1 = (2/3)^2 9 + (1/9)(16 + 25) = 4 + 41/9 = 77/9.
    # d_2 = 0; d_3 = -10, Var d_3 = (4/9) 25 + (9 + 16)/9 = 125/9.
    out = against_combination([80, 70, 60], [3, 4, 5], [1, 1, 1])
    assert out.combined.iloc[0] == pytest.approx(70)
    assert out.combined_se.iloc[0] == pytest.approx(np.sqrt(50 / 9))
    assert out.difference.tolist() == pytest.approx([10, 0, -10])
    assert out.se.tolist() == pytest.approx([np.sqrt(77 / 9), np.sqrt(4 / 9 * 16 + 34 / 9), np.sqrt(125 / 9)])
    z = np.array([10 / np.sqrt(77 / 9), 0, -10 / np.sqrt(125 / 9)])
    p = 2 * stats.norm.sf(np.abs(z))  # scipy.stats.norm, independent of analysis' ndtr
    assert out.p_value.tolist() == pytest.approx(p.tolist())
    # statsmodels.stats.multitest.multipletests(p, alpha=0.05, method="holm")
    reject, p_holm, _, _ = multipletests(p, alpha=0.05, method="holm")
    assert out.p_adjusted.tolist() == pytest.approx(p_holm.tolist())
    assert out.direction.tolist() == [("above" if d > 0 else "below") if r else ""
                                      for d, r in zip([10, 0, -10], reject)]


def test_bh_and_flags_equal_statsmodels_on_many_units():
    rng = np.random.default_rng(3)
    est = rng.uniform(55, 95, 40)
    se = rng.uniform(0.5, 6, 40)
    w = rng.integers(50, 500, 40).astype(float)
    out = against_combination(est, se, w, adjust="bh")
    share = w / w.sum()
    combined = np.sum(share * est)
    # the contrast e_u - w as a matrix product over the diagonal covariance
    contrast = np.eye(40) - share[None, :]
    var_d = np.einsum("ij,j,ij->i", contrast, se ** 2, contrast)
    assert out.difference.to_numpy() == pytest.approx(est - combined)
    assert out.se.to_numpy() == pytest.approx(np.sqrt(var_d))
    p = 2 * stats.norm.sf(np.abs((est - combined) / np.sqrt(var_d)))
    # statsmodels: multipletests(p, alpha=0.05, method="fdr_bh")
    reject, p_bh, _, _ = multipletests(p, alpha=0.05, method="fdr_bh")
    assert out.p_adjusted.to_numpy() == pytest.approx(p_bh)
    assert (out.direction != "").tolist() == reject.tolist()
    assert 0 < reject.sum() < 40  # the data make some, not all, units differ


def test_mean_of_units_equals_analysis_estimate():
    """The combination of per-unit estimates is analysis' own mean_of_units figure, SE included."""
    df = make_responses(n=900, groups=("A", "B", "C"), seed=5).rename(columns={"service": "unit"})
    df["service"] = "S"
    units = analysis.estimate(df, by=["unit"])
    city = analysis.estimate(df, aggregation="mean_of_units")
    for code in ("SIPAS", "TC", "TC1"):
        per = units[units.code == code]
        out = against_combination(per.estimate, per.se, np.ones(len(per)))
        top = city[city.code == code].iloc[0]
        assert out.combined.iloc[0] == pytest.approx(top.estimate, abs=1e-9)
        assert out.combined_se.iloc[0] == pytest.approx(top.se, rel=1e-9)


def test_missing_unit_and_zero_se_get_no_test():
    out = against_combination([80, float("nan"), 100, 60], [3, float("nan"), 0, 5], [1, 1, 1, 1])
    assert out.combined.iloc[0] == pytest.approx(80)  # (80 + 100 + 60) / 3
    assert np.isnan(out.difference.iloc[1]) and np.isnan(out.p_value.iloc[1])
    # a unit at 100 % with SE 0 is still tested: the others' variance is in its difference
    assert out.se.iloc[2] == pytest.approx(np.sqrt((9 + 25) / 9))
    assert out.direction.iloc[1] == ""
    with pytest.raises(ValueError):
        against_combination([1], [1], [1], adjust="bonferroni")


def test_result_is_a_frame_in_input_order():
    out = against_combination(pd.Series([60.0, 90.0]), pd.Series([1.0, 1.0]), [1, 1])
    assert list(out.direction) == ["below", "above"]
