"""Sufficient statistics: same estimates as from rows, additive, built from arrays."""
import numpy as np
import pandas as pd
import pytest
from conftest import make_responses
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import SufficientStats, estimate, estimate_from_stats, sufficient_stats

NUMERIC = ["n", "n_eff", "deff", "estimate", "se", "ci_low", "ci_high"]
ARRAYS = ["n", "answered", "satisfied", "aa", "ay", "yy"]


def assert_same_table(a, b):
    np.testing.assert_allclose(a[NUMERIC].to_numpy(float), b[NUMERIC].to_numpy(float),
                               rtol=1e-9, atol=1e-9, equal_nan=True)
    other = [c for c in a.columns if c not in NUMERIC]
    pd.testing.assert_frame_equal(a[other], b[other])


@pytest.mark.parametrize("method", ["top2box", "mean_pct"])
@pytest.mark.parametrize("ci", ["wilson", "exact"])
def test_same_as_estimate_from_rows(method, ci):
    df = make_responses(n=700, missing=0.2)
    stats = sufficient_stats(df, by=["service", "period"], method=method)
    assert_same_table(estimate_from_stats(stats, ci=ci),
                      estimate(df, by=["service", "period"], method=method, ci=ci))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 80), missing=st.floats(0, 0.6))
def test_same_as_estimate_property(seed, n, missing):
    df = make_responses(n=n, missing=missing, seed=seed)
    assert_same_table(estimate_from_stats(sufficient_stats(df, by=["service"])),
                      estimate(df, by=["service"]))


def test_stats_are_additive_over_disjoint_responses():
    df = make_responses(n=500)
    first, second = df.iloc[:230], df.iloc[230:].query("service != 'C'")
    union = pd.concat([first, second])
    added = sufficient_stats(first, by=["service"]) + sufficient_stats(second, by=["service"])
    whole = sufficient_stats(union, by=["service"])
    pd.testing.assert_frame_equal(added.keys, whole.keys)
    for name in ARRAYS:
        np.testing.assert_allclose(getattr(added, name), getattr(whole, name))
    assert_same_table(estimate_from_stats(added), estimate(union, by=["service"]))


def test_built_from_plain_arrays_as_sql_would():
    """The web app's SQL: SUM(a_j), SUM(y_j), SUM(a_j * a_k)... GROUP BY service."""
    df = make_responses(n=300, expectations=False)
    codes = [c for c in df.columns if c[:2] in ("TC", "TT", "CC", "KQ", "PA")]
    a = df[codes].notna().astype(float)
    y = (df[codes] >= 4).astype(float)
    rows, keys = [], []
    for service, idx in df.groupby("service").groups.items():  # stands in for SQL
        A, Y = a.loc[idx].to_numpy(), y.loc[idx].to_numpy()
        rows.append((len(idx), A.sum(0), Y.sum(0), A.T @ A, A.T @ Y, Y.T @ Y))
        keys.append(service)
    stats = SufficientStats(codes, *[np.array(col) for col in zip(*rows)],
                            keys=pd.DataFrame({"service": keys}))
    assert_same_table(estimate_from_stats(stats), estimate(df, by=["service"]))


def test_container_is_frozen_and_checks_shapes():
    stats = sufficient_stats(make_responses(n=50))
    with pytest.raises(AttributeError):
        stats.n = np.array([1.0])
    with pytest.raises(ValueError, match="shape"):
        SufficientStats(("A1", "A2"), [3], [[1, 2]], [[1, 1]], np.zeros((1, 2, 2)),
                        np.zeros((1, 2, 2)), np.zeros((1, 3, 3)))
    other = sufficient_stats(make_responses(n=50), method="mean_pct")
    with pytest.raises(ValueError, match="same items and method"):
        stats + other


def test_regroup_to_coarser_groups_and_total():
    df = make_responses(n=400)
    fine = sufficient_stats(df, by=["service", "period"])
    assert_same_table(estimate_from_stats(fine.regroup(["period"])),
                      estimate(df, by=["period"]))
    assert_same_table(estimate_from_stats(fine.regroup()), estimate(df))


def with_units(n=600, seed=3):
    df = make_responses(n=n, groups=("A", "B", "C", "D"), seed=seed)
    df["unit"] = df["service"].map({"A": "U1", "B": "U1", "C": "U2", "D": "U2"})
    df["field"] = df["service"].map({"A": "F1", "B": "F2", "C": "F1", "D": "F2"})
    return df


@pytest.mark.parametrize("by", [["service"], ["field"], [], ["period"]])
def test_stratified_by_service_same_as_estimate_from_rows(by):
    # each service its own sample (quota per procedure): R svydesign(strata = ~service)
    df = with_units()
    stats = sufficient_stats(df, by=["service", "field", "period"])
    ours = estimate_from_stats(stats, by=by, strata="service")
    assert_same_table(ours, estimate(df, by=by, strata="service"))


def test_per_service_figures_use_the_service_own_factor():
    df = with_units()
    stats = sufficient_stats(df, by=["service"])
    own = estimate_from_stats(stats, strata="service")
    domain = estimate_from_stats(stats)
    for service, part in df.groupby("service"):
        alone = estimate(part.reset_index(drop=True))  # svydesign(ids = ~1, data = part)
        mine = own[own["service"] == service].reset_index(drop=True)
        np.testing.assert_allclose(mine["se"], alone["se"], rtol=1e-10)
        # as a domain of the whole commune the factor is N/(N-1), not n_s/(n_s-1)
        n_s, n_all = len(part), len(df)
        ratio = (domain[domain["service"] == service]["se"].to_numpy() / mine["se"].to_numpy())
        ok = np.isfinite(ratio)
        np.testing.assert_allclose(ratio[ok], np.sqrt(n_all / (n_all - 1) * (n_s - 1) / n_s),
                                   rtol=1e-10)


@pytest.mark.parametrize("rule, over", [("mean_of_services", "service"), ("mean_of_units", "unit")])
@pytest.mark.parametrize("strata", [None, "service"])
def test_aggregation_rules_same_as_estimate_from_rows(rule, over, strata):
    df = with_units()
    stats = sufficient_stats(df, by=["service", "unit", "period"])
    for by in ([], ["period"]):
        ours = estimate_from_stats(stats, by=by, aggregation=rule, strata=strata)
        assert (ours["aggregation"] == rule).all()
        assert_same_table(ours, estimate(df, by=by, aggregation=rule, strata=strata))
    pooled = estimate_from_stats(stats, by=[]).set_index("code")
    mean = estimate_from_stats(stats, by=[], aggregation=rule).set_index("code")
    # by hand: the plain mean of the per-domain indices
    per = estimate_from_stats(stats, by=[over]).pivot(index="code", columns=over, values="estimate")
    np.testing.assert_allclose(mean.loc[per.index, "estimate"], per.mean(axis=1), rtol=1e-12)
    assert not np.allclose(mean["estimate"], pooled["estimate"])


def test_lonely_stratum_rule_through_statistics():
    df = with_units(n=200)
    df.loc[0, "service"] = "Z"  # a service with one response
    stats = sufficient_stats(df, by=["service"])
    for rule in ("certainty", "adjust", "average"):
        ours = estimate_from_stats(stats, by=[], strata="service", lonely=rule)
        assert_same_table(ours, estimate(df, strata="service", lonely=rule))
        assert (ours["lonely_strata"] == 1).all() and (ours["lonely_rule"] == rule).all()
    with pytest.raises(ValueError, match="only one response"):
        estimate_from_stats(stats, by=[], strata="service", lonely="fail")


def test_subset_keeps_the_chosen_groups_as_if_only_their_rows_were_given():
    df = make_responses(n=600, missing=0.2)
    stats = sufficient_stats(df, by=["service"])
    keep = stats.keys["service"].isin(sorted(df.service.unique())[::2]).to_numpy()
    part = stats.subset(keep)
    rows = df[df.service.isin(set(stats.keys["service"][keep]))]
    assert len(part.n) == keep.sum() < len(stats.n)
    assert_same_table(estimate_from_stats(part.regroup()), estimate(rows))
