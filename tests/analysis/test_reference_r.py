"""Indices, standard errors and design effects against R's survey package.

tests/reference/survey_reference.csv holds values computed by
tests/reference/make_reference.R (each row records its R call); they are
compared always. When Rscript with survey is installed the script is rerun
and its fresh output compared too.
"""

import numpy as np
import pandas as pd
from conftest import REFERENCE, rerun_r_script

from analysis import estimate

DESIGNS = {"srs": {}, "stratified": dict(weight="weight", strata="service", fpc="population"),
           "fpc_only": dict(strata="service", fpc="population")}


def load_reference(path):
    ref = pd.read_csv(path, keep_default_na=False, dtype=str)
    for col in ("estimate", "se", "deff"):
        ref[col] = ref[col].replace({"NA": "nan"}).astype(float)
    return ref


def check_against(ref):
    """Compare analysis.estimate with every reference row; return the row count."""
    checked = 0
    for (design, dataset, by, method), part in ref.groupby(["design_id", "dataset", "by",
                                                           "method"]):
        df = pd.read_csv(REFERENCE / f"{dataset}.csv")
        ours = estimate(df, by=[by] if by else [], method=method, **DESIGNS[design])
        ours["group"] = ours[by].astype(str) if by else ""
        merged = part.merge(ours, on=["group", "level", "code"], suffixes=("_r", ""))
        assert len(merged) == len(part), f"{dataset}/{by}/{method}: rows missing"
        for col, scale in (("estimate", 100), ("se", 100), ("deff", 1)):
            np.testing.assert_allclose(merged[col] / scale, merged[f"{col}_r"], rtol=1e-6,
                                       atol=0, equal_nan=True,
                                       err_msg=f"{dataset} by={by!r} {method} {col}")
        checked += len(merged)
    return checked


def test_stored_reference_values():
    ref = load_reference(REFERENCE / "survey_reference.csv")
    assert check_against(ref) == len(ref) > 400
    # what the file covers: both designs, domains, item non-response, composites
    assert set(ref["design_id"]) == {"srs", "stratified", "fpc_only"}
    assert {"criterion", "element", "overall", "expectation"} <= set(ref["level"])
    assert ref["call"].str.startswith(("svyratio(", "svycontrast(")).all()
    strat = ref[ref["dataset"] == "stratified"]
    assert (strat["deff"].dropna() != 1).all()


def test_boundary_criterion_has_zero_se_and_undefined_deff_like_r():
    ref = load_reference(REFERENCE / "survey_reference.csv")
    row = ref[(ref["dataset"] == "srs") & (ref["by"] == "service") & (ref["group"] == "A")
              & (ref["code"] == "TC2") & (ref["method"] == "top2box")].iloc[0]
    assert row["estimate"] == 1 and row["se"] == 0 and np.isnan(row["deff"])


def test_rerun_r_script(tmp_path):
    out = tmp_path / "fresh.csv"
    rerun_r_script("make_reference.R", out)
    fresh = load_reference(out)
    stored = load_reference(REFERENCE / "survey_reference.csv")
    assert len(fresh) == len(stored)
    np.testing.assert_allclose(fresh[["estimate", "se", "deff"]].to_numpy(),
                               stored[["estimate", "se", "deff"]].to_numpy(),
                               rtol=1e-9, equal_nan=True)
    check_against(fresh)
