"""Proportion intervals against statsmodels, and the documented boundaries."""
import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from analysis import logit_interval, newcombe_difference, proportion_interval

N = np.arange(1, 501)
# every x for small n, and for each n the edges x = 0, 1, n - 1, n plus a middle value
GRID = np.array(sorted({(x, n) for n in N for x in
                        (range(n + 1) if n <= 40 else (0, 1, n // 3, n - 1, n))}))
X, NN = GRID[:, 0], GRID[:, 1]


@pytest.mark.parametrize("ours, theirs", [("wilson", "wilson"), ("exact", "beta"),
                                          ("jeffreys", "jeffreys")])
@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_matches_statsmodels_on_grid(ours, theirs, level):
    low, high = proportion_interval(X, NN, ours, level)
    ref_low, ref_high = proportion_confint(X, NN, alpha=1 - level, method=theirs)
    if ours == "jeffreys":  # Brown-Cai-DasGupta boundary modification, documented
        ref_low = np.where(X == 0, 0.0, ref_low)
        ref_high = np.where(X == NN, 1.0, ref_high)
    np.testing.assert_allclose(low, ref_low, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, rtol=1e-10, atol=1e-12)


def test_jeffreys_raw_quantile_would_exclude_zero():
    # why the modification: statsmodels' lower bound at x = 0 is above 0
    assert proportion_confint(0, 10, method="jeffreys")[0] > 0
    assert proportion_interval(0, 10, "jeffreys")[0] == 0


@pytest.mark.parametrize("method", ["wilson", "exact", "jeffreys"])
def test_never_zero_width_at_the_boundaries(method):
    low, high = proportion_interval(NN, NN, method)
    assert np.all(low < 1) and np.allclose(high, 1, rtol=0, atol=1e-12)
    low, high = proportion_interval(0 * NN, NN, method)
    assert np.allclose(low, 0, rtol=0, atol=1e-12) and np.all(high > 0)


def test_wilson_at_100_percent_with_30_answers():
    low, high = proportion_interval(30, 30, "wilson", 0.95)
    assert round(100 * float(low), 2) == 88.65
    z2 = 1.959963984540054 ** 2
    assert float(low) == pytest.approx(30 / (30 + z2), rel=1e-12)


def test_exact_is_wider_than_wilson_at_the_boundary():
    assert proportion_interval(30, 30, "exact")[0] < proportion_interval(30, 30, "wilson")[0]


def test_zero_trials_give_nan_and_fractional_counts_are_accepted():
    low, high = proportion_interval([0, 13.5], [0, 15.0], "wilson")
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert 0 < low[1] < 0.9 < high[1] < 1


def test_unknown_method_and_bad_level_are_rejected():
    with pytest.raises(ValueError, match="ci must be one of"):
        proportion_interval(1, 2, "wald")
    with pytest.raises(ValueError, match="level"):
        proportion_interval(1, 2, "wilson", 95)


def test_logit_interval_by_hand():
    # p = 0.8, se = 0.05: logit 1.386294 ± 1.959964 * 0.05 / 0.16
    low, high = logit_interval(0.8, 0.05, 0.95)
    half = 1.959963984540054 * 0.05 / 0.16
    assert float(low) == pytest.approx(1 / (1 + np.exp(-(np.log(4) - half))), rel=1e-12)
    assert float(high) == pytest.approx(1 / (1 + np.exp(-(np.log(4) + half))), rel=1e-12)
    assert 0 < low < 0.8 < high < 1
    assert np.isnan(logit_interval(1.0, 0.0)[0]) and np.isnan(logit_interval(0.5, 0.0)[0])


@pytest.mark.parametrize("x1, n1, x2, n2", [(27, 30, 20, 30), (30, 30, 25, 31),
                                            (0, 12, 3, 40), (56, 70, 48, 80)])
def test_newcombe_matches_statsmodels(x1, n1, x2, n2):
    ours = newcombe_difference(x1, n1, x2, n2, 0.95)
    theirs = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


@pytest.mark.parametrize("method", ["wilson", "exact", "jeffreys"])
def test_every_interval_holds_its_estimate_exactly_for_n_up_to_2000(method):
    # every x = 0..n for n = 1..2000: 2 million intervals, compared exactly
    n = np.repeat(np.arange(1, 2001), np.arange(1, 2001) + 1).astype(float)
    x = np.concatenate([np.arange(k + 1) for k in range(1, 2001)]).astype(float)
    low, high = proportion_interval(x, n, method)
    p = x / n
    assert (low <= p).all() and (p <= high).all()
    assert (low[x == 0] == 0).all() and (high[x == n] == 1).all()
    # as published, in percent: 100 % lies inside its own interval
    assert (100 * high[x == n] == 100 * p[x == n]).all()


def test_wilson_upper_bound_at_100_percent_is_exactly_one():
    # the audit's cases: the formula's rounding left 99.99999999999999 %
    low, high = proportion_interval([10, 13, 25, 30], [10, 13, 25, 30], "wilson")
    assert (high == 1.0).all()
    # lower bound still n / (n + z²) by hand (z = 1.959963984540054)
    z2 = 1.959963984540054 ** 2
    np.testing.assert_allclose(low, [n / (n + z2) for n in (10, 13, 25, 30)], rtol=1e-14)
