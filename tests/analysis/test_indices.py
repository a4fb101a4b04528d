"""Indices and their uncertainty: hand-computed cases that document the formulas."""
import numpy as np
import pandas as pd
import pytest
from conftest import make_responses

from analysis import InputError, Scheme, estimate

TINY = Scheme.from_mapping({"groups": [{"code": "DV", "elements": [
    {"code": "A", "criteria": ["A1", "A2"]}, {"code": "B", "criteria": ["B1"]}]}]})
#            r1   r2      r3   r4
TINY_DF = pd.DataFrame({"A1": [5, 4, 2, 5], "A2": [4, np.nan, 2, 5],
                        "B1": [3, 5, 4, np.nan]})
COLUMNS = ["level", "code", "n", "n_eff", "deff", "estimate", "se", "ci_low", "ci_high",
           "interval", "conf_level", "df", "index_method", "aggregation", "lonely_rule",
           "lonely_strata", "low_n", "note"]


def row(out, code, **keys):
    sel = out["code"] == code
    for k, v in keys.items():
        sel &= out[k] == v
    assert sel.sum() == 1
    return out[sel].iloc[0]


def test_columns_and_levels():
    out = estimate(make_responses(), by=["service"])
    assert list(out.columns) == ["service"] + COLUMNS
    per_group = out[out["service"] == "A"]
    assert list(per_group["level"].value_counts().sort_index().items()) == [
        ("criterion", 16), ("element", 5), ("expectation", 10), ("overall", 1)]
    assert row(out, "SIPAS", service="A")["interval"] == "logit-linearization"


def test_tiny_top2box_by_hand():
    out = estimate(TINY_DF, TINY, min_n=4)
    # criterion = satisfied (4-5) / answered
    assert row(out, "A1")["estimate"] == pytest.approx(100 * 3 / 4)
    assert row(out, "A2")["estimate"] == pytest.approx(100 * 2 / 3)
    assert row(out, "B1")["estimate"] == pytest.approx(100 * 2 / 3)
    # element = mean of criteria, overall = mean of elements
    assert row(out, "A")["estimate"] == pytest.approx(100 * (3 / 4 + 2 / 3) / 2)
    assert row(out, "SIPAS")["estimate"] == pytest.approx(100 * ((3 / 4 + 2 / 3) / 2 + 2 / 3) / 2)
    assert list(out["n"]) == [4, 3, 3, 4, 4, 4]
    assert list(out["low_n"]) == [False, True, True, False, False, False]
    # SE of a ratio: influence r_i = (y_i - R a_i) / sum a; V = N/(N-1) sum r_i²
    r_a1 = (np.array([1, 1, 0, 1]) - 3 / 4) / 4
    assert row(out, "A1")["se"] == pytest.approx(100 * np.sqrt(4 / 3 * (r_a1 ** 2).sum()))
    assert row(out, "A1")["se"] == pytest.approx(100 * np.sqrt(0.75 * 0.25 / 3))  # = p(1-p)/(n-1)
    r_a2 = (np.array([1, 0, 0, 1]) - 2 / 3 * np.array([1, 0, 1, 1])) / 3  # r2 did not answer
    assert row(out, "A2")["se"] == pytest.approx(100 * np.sqrt(4 / 3 * (r_a2 ** 2).sum()))
    # composite: influence is the same average of the criteria's influences
    r_el = (r_a1 + r_a2) / 2
    assert row(out, "A")["se"] == pytest.approx(100 * np.sqrt(4 / 3 * (r_el ** 2).sum()))


def test_tiny_mean_pct_by_hand():
    out = estimate(TINY_DF, TINY, method="mean_pct")
    assert row(out, "A1")["estimate"] == pytest.approx(100 * (4 - 1) / 4)     # mean 4
    assert row(out, "A2")["estimate"] == pytest.approx(100 * (11 / 3 - 1) / 4)
    assert row(out, "A1")["interval"] == "logit-linearization"  # not a proportion
    assert (out["index_method"] == "mean_pct").all()


def test_expectation_index_is_share_of_3_and_4_whatever_the_method():
    df = TINY_DF.assign(MM1=[1, 3, 4, np.nan])
    scheme = Scheme.from_mapping({"groups": [{"code": "DV", "elements": [
        {"code": "A", "criteria": ["A1", "A2"]}]}], "expectations": ["MM1"]})
    for method in ("top2box", "mean_pct"):
        mm = row(estimate(df, scheme, method=method), "MM1")
        assert mm["estimate"] == pytest.approx(100 * 2 / 3)
        assert mm["index_method"] == "top2box" and mm["level"] == "expectation"


def test_two_groups_overall_is_mean_of_group_indices():
    scheme = Scheme.from_mapping({"groups": [
        {"code": "CS", "elements": [{"code": "A", "criteria": ["A1", "A2"]}]},
        {"code": "DV", "elements": [{"code": "B", "criteria": ["B1"]},
                                    {"code": "C", "criteria": ["C1"]}]}]})
    df = TINY_DF.assign(C1=[5, 5, 1, 1])
    out = estimate(df, scheme)
    a, b, c = (row(out, k)["estimate"] for k in "ABC")
    assert row(out, "CS")["level"] == "group"
    assert row(out, "DV")["estimate"] == pytest.approx((b + c) / 2)
    assert row(out, "SIPAS")["estimate"] == pytest.approx((a + (b + c) / 2) / 2)
    assert row(out, "SIPAS")["estimate"] != pytest.approx((a + b + c) / 3)


def test_configured_criterion_weights():
    scheme = Scheme.from_mapping({"groups": [{"code": "DV", "elements": [
        {"code": "A", "criteria": ["A1", "A2"], "weights": [3, 1]}]}]})
    out = estimate(TINY_DF, scheme)
    assert row(out, "A")["estimate"] == pytest.approx(100 * (0.75 * 3 / 4 + 0.25 * 2 / 3))


def test_unanswered_criterion_is_undefined_not_zero():
    df = TINY_DF.assign(B1=np.nan)
    out = estimate(df, TINY)
    b1, b, a = row(out, "B1"), row(out, "B"), row(out, "A")
    assert b1["n"] == 0 and np.isnan(b1["estimate"]) and b1["low_n"]
    assert np.isnan(b["estimate"]) and np.isnan(row(out, "SIPAS")["estimate"])
    assert not np.isnan(a["estimate"])


def test_composite_at_100_percent_keeps_a_real_interval():
    df = pd.DataFrame({"A1": [5.0] * 30, "A2": [4.0] * 30, "B1": [5.0] * 30})
    out = estimate(df, TINY)
    for code in ("A1", "A", "SIPAS"):
        r = row(out, code)
        assert r["estimate"] == 100 and r["se"] == 0
        assert r["ci_low"] == pytest.approx(88.65, abs=0.005) and r["ci_high"] == pytest.approx(100)
    assert row(out, "SIPAS")["interval"] == "wilson-boundary"


def test_covariance_between_criteria_widens_composites():
    out = estimate(make_responses(n=2000, missing=0.0))
    crit = out[out["code"].str.match(r"^TT\d$")]
    independent = np.sqrt((crit["se"] ** 2).sum()) / len(crit)
    assert row(out, "TT")["se"] > 1.3 * independent


def test_groups_as_strata_equal_separate_analyses():
    df = make_responses(n=400)
    together = estimate(df, by=["service"], strata="service")
    for service, part in df.groupby("service"):
        alone = estimate(part.reset_index(drop=True), strata="service")
        mine = together[together["service"] == service]
        np.testing.assert_allclose(mine[["estimate", "se", "ci_low", "ci_high"]],
                                   alone[["estimate", "se", "ci_low", "ci_high"]], rtol=1e-12)


def test_weights_scale_free_and_change_estimates():
    df = make_responses(n=300).assign(w=lambda d: np.where(d["period"] == "2024", 1.0, 3.0))
    one = estimate(df, weight="w")
    ten = estimate(df.assign(w=df["w"] * 10), weight="w")
    np.testing.assert_allclose(one[["estimate", "se", "n_eff"]], ten[["estimate", "se", "n_eff"]])
    plain = estimate(df)
    assert not np.allclose(one["estimate"], plain["estimate"])
    first = row(one, "TC1")
    assert first["n_eff"] < first["n"]  # Kish: unequal weights cost precision


def test_fpc_shrinks_standard_errors():
    df = make_responses(n=200).assign(N=250)
    assert (estimate(df, fpc="N")["se"] < estimate(df)["se"]).all()
    assert (estimate(df, fpc="N").query("level == 'criterion'")["deff"] < 1.01).all()


def test_bootstrap_agrees_with_linearization_and_is_seeded():
    df = make_responses(n=900)
    lin = estimate(df, by=["service"])
    boot = estimate(df, by=["service"], variance="bootstrap", replicates=400, seed=7)
    again = estimate(df, by=["service"], variance="bootstrap", replicates=400, seed=7)
    pd.testing.assert_frame_equal(boot, again)
    comp = lin["level"].isin(["element", "overall"]).to_numpy()
    ratio = boot["se"].to_numpy()[comp] / lin["se"].to_numpy()[comp]
    assert np.all(np.abs(ratio - 1) < 0.2) and abs(ratio.mean() - 1) < 0.05
    assert (boot.loc[comp, "interval"] == "percentile-bootstrap").all()
    np.testing.assert_allclose(boot["estimate"], lin["estimate"])


@pytest.mark.parametrize("change, column, row_no, text", [
    (lambda d: d.assign(TC2=d["TC2"].astype(object).where(d.index != 4, "abc")), "TC2", 5,
     "not a number"),
    (lambda d: d.assign(TC3=d["TC3"].where(d.index != 2, 6)), "TC3", 3, "outside the scale"),
    (lambda d: d.assign(MM1=d["MM1"].where(d.index != 0, 5)), "MM1", 1, "outside the scale"),
    (lambda d: d.assign(TC1=d["TC1"].where(d.index != 1, 4.5)), "TC1", 2, "not a whole number"),
    (lambda d: d.drop(columns="KQ2"), "KQ2", None, "not in the data"),
])
def test_bad_input_names_column_and_row(change, column, row_no, text):
    df = change(make_responses(n=40, missing=0.0))
    with pytest.raises(InputError, match=text) as err:
        estimate(df)
    assert err.value.column == column and err.value.row == row_no


def test_bad_design_columns():
    df = make_responses(n=40).assign(w=1.0, N=30)
    with pytest.raises(InputError) as err:
        estimate(df.assign(w=df["w"].where(df.index != 3, -1)), weight="w")
    assert (err.value.column, err.value.row) == ("w", 4)
    with pytest.raises(InputError, match="smaller than"):
        estimate(df, fpc="N")
    with pytest.raises(ValueError, match="method"):
        estimate(df, method="median")


def test_tiny_groups_and_empty_input(recwarn):
    df = make_responses(n=60)
    df.loc[0, "service"] = "Z"  # a service with a single response
    for variance in ("linearization", "bootstrap"):
        out = estimate(df, by=["service"], strata="service", variance=variance,
                       replicates=50, seed=1)
        z = out[out["service"] == "Z"]
        assert z["low_n"].all()
        undefined = z["estimate"].isna()
        assert z.loc[undefined, "se"].isna().all() and (z.loc[undefined, "interval"] == "").all()
        # one response: an estimate, but no standard error, deff or interval (R refuses)
        one = z[~undefined]
        assert len(one) and one[["se", "deff", "ci_low", "ci_high"]].isna().all().all()
        assert one["note"].str.contains("single answer").all()
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    with pytest.raises(ValueError, match="no responses"):
        estimate(df.iloc[:0])
