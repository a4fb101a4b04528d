"""Shares of categorical answers (perceptions, channel)."""
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis import shares

DF = pd.DataFrame({
    "unit": ["X"] * 6 + ["Y"] * 4,
    "harassment": ["none", "none", "some", "none", None, "many", "none", "none", "none", "none"],
    "channel": ["in_person"] * 5 + ["online"] * 5,
    "w": [1, 1, 1, 1, 1, 3, 1, 1, 1, 1],
})


def test_shares_by_hand_with_statsmodels_intervals():
    out = shares(DF, ["harassment", "channel"], by=["unit"])
    x = out[(out["unit"] == "X") & (out["question"] == "harassment")].set_index("option")
    assert x.loc["none", "n"] == 5 and x.loc["none", "count"] == 3  # missing left out
    assert x["estimate"].tolist() == pytest.approx([20.0, 60.0, 20.0])  # many, none, some
    low, high = proportion_confint(3, 5, method="wilson")
    assert x.loc["none", "ci_low"] == pytest.approx(100 * low)
    assert x.loc["none", "ci_high"] == pytest.approx(100 * high)
    y = out[(out["unit"] == "Y") & (out["question"] == "harassment")].set_index("option")
    assert y.loc["many", "estimate"] == 0 and y.loc["many", "ci_high"] > 0  # unseen option
    assert out.groupby(["unit", "question"])["estimate"].sum().tolist() == pytest.approx([100] * 4)


def test_weighted_shares_use_the_design_effective_size():
    part = DF[DF["unit"] == "X"]
    out = shares(part, ["harassment"], weight="w", ci="exact")
    many = out.set_index("option").loc["many"]
    assert many["estimate"] == pytest.approx(100 * 3 / 7)
    # by hand: p(1 - p) / Var, Var = N/(N-1) sum r², r = w ([x = many] - p) / sum w
    # (R: svymean(~I(x == "many"), subset(svydesign(ids = ~1, weights = ~w), !is.na(x))))
    answered = part[part["harassment"].notna()]
    w, y = answered["w"].to_numpy(float), (answered["harassment"] == "many").to_numpy(float)
    p = (w * y).sum() / w.sum()
    var = len(part) / (len(part) - 1) * ((w * (y - p) / w.sum()) ** 2).sum()
    assert many["n_eff"] == pytest.approx(p * (1 - p) / var, rel=1e-12)
    assert many["n_eff"] != pytest.approx(7 ** 2 / 13)  # not Kish's, which ignores the answers
    assert many["interval"] == "exact"


def test_missing_question_column():
    with pytest.raises(ValueError, match="harassment2"):
        shares(DF, ["harassment2"])
