"""The lowest element or criterion against the rest: a design-based test, checked against R.

tests/reference/versus_rest_reference.csv holds values computed by
tests/reference/make_versus_rest.R from tests/reference/srs.csv, each row
with the R call that produced it (svycontrast of the item minus the mean of
the others, the p-value from pt on degf(design), Holm by p.adjust). They are
compared always; when Rscript with survey is installed the script is rerun
and its fresh output compared too.
"""
import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, make_responses, rerun_r_script

from analysis import Scheme
from analysis.sufficient import estimate_from_stats, sufficient_stats
from analysis.versus_rest import versus_rest

CASES = {"pooled": dict(by=[]), "stratified": dict(by=[], strata="service"),
         "mean_of_services": dict(by=[], aggregation="mean_of_services"),
         "own": dict(by=["service"], strata="service")}


def load(path) -> pd.DataFrame:
    ref = pd.read_csv(path, keep_default_na=False, dtype=str)
    ref["value"] = ref["value"].astype(float)
    return ref


def check(ref: pd.DataFrame) -> int:
    stats = sufficient_stats(pd.read_csv(REFERENCE / "srs.csv"), by=["service"])
    checked = 0
    for case, rows in ref.groupby("case"):
        ours = versus_rest(stats, **CASES[case])
        for _, r in rows.iterrows():
            sel = (ours.level == r["level"]) & (ours.code == r["code"])
            if r["group"]:
                sel &= ours.service == r["group"]
            assert sel.sum() == 1
            got = ours[sel].iloc[0]
            scale = 100 if r["quantity"] in ("difference", "se") else 1
            assert got[r["quantity"]] / scale == pytest.approx(r["value"], rel=1e-9), r["call"]
            checked += 1
    return checked


def test_difference_se_p_and_holm_match_svycontrast():
    assert check(load(REFERENCE / "versus_rest_reference.csv")) == 504


def test_rerun_r_script(tmp_path):
    out = tmp_path / "fresh.csv"
    rerun_r_script("make_versus_rest.R", out)
    fresh, stored = load(out), load(REFERENCE / "versus_rest_reference.csv")
    np.testing.assert_allclose(fresh["value"], stored["value"], rtol=1e-9)
    assert check(fresh) == len(fresh)


def test_the_difference_is_of_the_published_figures():
    """estimate and rest are estimate_from_stats' figures; rest the plain mean of the others (by hand)."""
    df = make_responses(seed=3)
    stats = sufficient_stats(df, by=["service"])
    for options in (dict(by=[]), dict(by=[], aggregation="mean_of_services"),
                    dict(by=["service"], strata="service")):
        published = estimate_from_stats(stats, **options)
        ours = versus_rest(stats, **options)
        for keys, part in ours.groupby([*options["by"], "level"]):
            level = keys[-1]
            figures = published[published.level == level]
            for col, value in zip(options["by"], keys[:-1]):
                figures = figures[figures[col] == value]
            by_code = figures.set_index("code")["estimate"]
            for r in part.itertuples():
                assert r.estimate == pytest.approx(by_code[r.code], rel=1e-12)
                assert r.rest == pytest.approx(by_code.drop(r.code).mean(), rel=1e-12)
            assert part.lowest.sum() == 1 and part[part.lowest].code.iloc[0] == by_code.idxmin()


def test_holm_counts_every_item_the_lowest_was_picked_from():
    df = make_responses(seed=5)
    out = versus_rest(sufficient_stats(df), by=[])
    for _level, part in out.groupby("level"):
        p = np.sort(part.p_value.to_numpy())
        m = len(p)
        # Holm by hand: max over j <= i of (m - j + 1) p_(j), capped at 1
        expected = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p))
        np.testing.assert_allclose(np.sort(part.p_holm.to_numpy()), expected, rtol=1e-12)


def test_a_clearly_lower_element_is_significant_and_the_rest_is_not():
    df = make_responses(n=800, seed=9)
    worse = Scheme.sipas_service_delivery().elements[3].criteria  # KQ: one point lower for everyone
    df[list(worse)] = (df[list(worse)] - 1).clip(lower=1)
    out = versus_rest(sufficient_stats(df), by=[], levels=("element",))
    low = out[out.lowest].iloc[0]
    assert low.code == "KQ" and low.difference < 0 and low.p_holm < 0.001
    assert low.ci_high < 0


def test_a_single_response_has_no_test():
    df = make_responses(n=1, seed=1)
    out = versus_rest(sufficient_stats(df), by=[])
    assert out.se.isna().all() and out.p_value.isna().all() and out.p_holm.isna().all()
