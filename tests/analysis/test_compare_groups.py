"""Comparisons between two periods or services and multiplicity adjustments."""
import numpy as np
import pandas as pd
import pytest
from conftest import make_responses
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.proportion import test_proportions_2indep as score_test

from analysis import benjamini_hochberg, compare, estimate, holm


def test_differences_per_criterion_and_composite():
    df = make_responses(n=800)
    out = compare(df, "period", "2025", "2024", by=["service"])
    a = estimate(df[df["period"] == "2025"], by=["service"])
    b = estimate(df[df["period"] == "2024"], by=["service"])
    assert len(out) == len(a)
    np.testing.assert_allclose(out["difference"], a["estimate"] - b["estimate"])
    crit = out[out["level"] == "criterion"].iloc[0]
    ea = a[(a["service"] == crit["service"]) & (a["code"] == crit["code"])].iloc[0]
    eb = b[(b["service"] == crit["service"]) & (b["code"] == crit["code"])].iloc[0]
    xa, xb = round(ea["estimate"] * ea["n"] / 100), round(eb["estimate"] * eb["n"] / 100)
    low, high = confint_proportions_2indep(xa, ea["n"], xb, eb["n"], method="newcomb")
    assert (crit["ci_low"], crit["ci_high"]) == pytest.approx((100 * low, 100 * high))
    score = score_test(xa, ea["n"], xb, eb["n"], method="score",
                                    correction=False)
    assert crit["interval"] == "newcombe"
    assert crit["p_value"] == pytest.approx(score.pvalue, rel=1e-6)
    comp = out[out["code"] == "SIPAS"].iloc[0]
    assert comp["interval"] == "wald-linearization"
    assert comp["ci_high"] - comp["difference"] == pytest.approx(1.959963984540054 * comp["se"])


def test_adjusted_p_values_match_statsmodels():
    out = compare(make_responses(n=600, seed=3), "service", "A", "B")
    p = out["p_value"].to_numpy()
    np.testing.assert_allclose(out["p_holm"], multipletests(p, method="holm")[1])
    np.testing.assert_allclose(out["p_bh"], multipletests(p, method="fdr_bh")[1])
    assert (out["p_holm"] >= out["p_bh"] - 1e-15).all() and (out["p_bh"] >= p - 1e-15).all()


def test_adjustments_skip_missing_p_values():
    p = np.array([0.01, np.nan, 0.04, 0.03])
    np.testing.assert_allclose(holm(p)[[0, 2, 3]], multipletests(p[[0, 2, 3]], method="holm")[1])
    assert np.isnan(benjamini_hochberg(p)[1])


def test_identical_sides_at_100_percent_are_not_different():
    df = pd.DataFrame({c: [5.0] * 40 for c in make_responses(n=1).columns[2:18]})
    df["period"] = ["a"] * 20 + ["b"] * 20
    out = compare(df, "period", "a", "b")
    assert (out["difference"] == 0).all() and (out["p_value"] == 1).all()
    assert (out["ci_low"] < 0).all() and (out["ci_high"] > 0).all()


def test_unknown_side():
    with pytest.raises(ValueError, match="no responses"):
        compare(make_responses(n=50), "period", "2024", "2030")
