"""The edges of small samples against R's survey package.

tests/reference/edges_reference.csv holds values computed by
tests/reference/make_edges.R from tests/reference/edges.csv (small strata,
one with a single response, one sampled in full); each row records the R
call that produced it. They are compared always; when Rscript with survey
is installed the script is rerun and its fresh output compared too.
"""

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, rerun_r_script

from analysis import compare, estimate, shares

DESIGNS = {"weighted": dict(weight="weight", strata="service"),
           "fpc": dict(weight="weight", strata="service", fpc="population")}


def load(path):
    ref = pd.read_csv(path, keep_default_na=False, dtype=str)
    ref["value"] = ref["value"].replace({"NA": "nan"}).astype(float)
    return ref


def edges():
    return pd.read_csv(REFERENCE / "edges.csv")


def ours(design, **options):
    return estimate(edges(), **DESIGNS[design], **options)


def pick(table, code, **keys):
    sel = table["code"] == code
    for k, v in keys.items():
        sel &= table[k] == v
    assert sel.sum() == 1, (code, keys)
    return table[sel].iloc[0]


def check_lonely(ref):
    part = ref[ref["case"] == "lonely"]
    for _, r in part.iterrows():
        if r["quantity"] == "error":
            with pytest.raises(ValueError, match="'E4' has only one response"):
                ours(r["design"], lonely="fail")
            assert "Stratum (E4) has only one PSU" in r["call"]
            continue
        table = ours(r["design"], lonely=r["lonely"])
        row = pick(table, r["code"])
        assert row["se"] / 100 == pytest.approx(r["value"], rel=1e-9), r["call"]
        assert row["lonely_rule"] == r["lonely"] and row["lonely_strata"] == 1
    return len(part)


def check_intervals(ref, case, method, ci):
    part = ref[ref["case"] == case]
    for (design, dof, by), rows in part.groupby(["design", "dof", "by"]):
        table = ours(design, by=[by] if by else [], method=method, ci=ci,
                     dof=dof or "degf")
        for _, r in rows.iterrows():
            keys = {by: r["group"]} if by else {}
            row = pick(table, r["code"], level="criterion", **keys)
            scale = 1 if r["quantity"] == "n_eff" else 100
            assert row[r["quantity"]] / scale == pytest.approx(r["value"], rel=1e-8), r["call"]
    return len(part)


def check_compare(ref):
    part = ref[ref["case"] == "compare"]
    for design, rows in part.groupby("design"):
        diff = compare(edges(), "period", 2025, 2024, **DESIGNS[design])
        for _, r in rows.iterrows():
            row = pick(diff, r["code"])
            col = "difference" if r["quantity"] == "estimate" else "se"
            assert row[col] / 100 == pytest.approx(r["value"], rel=1e-9), r["call"]
    return len(part)


def check_aggregation(ref):
    part = ref[ref["case"] == "aggregation"]
    for (design, rule), rows in part.groupby(["design", "by"]):
        table = ours(design, aggregation=rule)
        for _, r in rows.iterrows():
            row = pick(table, r["code"])
            assert row["aggregation"] == rule
            assert row[r["quantity"]] / 100 == pytest.approx(r["value"], rel=1e-9), r["call"]
    return len(part)


def check_shares(ref):
    part = ref[ref["case"] == "shares"]
    got = shares(edges(), ["TC1"], weight="weight").assign(option=lambda d: d["option"].astype(int))
    for _, r in part.iterrows():
        row = got[got["option"] == int(r["group"])].iloc[0]
        assert row["n_eff"] == pytest.approx(r["value"], rel=1e-9), r["call"]
    return len(part)


def check_all(ref):
    return (check_lonely(ref) + check_intervals(ref, "n_eff", "top2box", "exact")
            + check_intervals(ref, "logit_df", "mean_pct", "wilson") + check_compare(ref)
            + check_aggregation(ref) + check_shares(ref))


def test_shares_use_the_design_effective_size():
    assert check_shares(load(REFERENCE / "edges_reference.csv")) >= 4


def test_lonely_stratum_rules_match_r():
    assert check_lonely(load(REFERENCE / "edges_reference.csv")) == 14


def test_design_effective_size_and_beta_interval_match_svyciprop():
    assert check_intervals(load(REFERENCE / "edges_reference.csv"), "n_eff", "top2box",
                           "exact") > 200


def test_logit_interval_degrees_of_freedom_match_svyciprop():
    assert check_intervals(load(REFERENCE / "edges_reference.csv"), "logit_df", "mean_pct",
                           "wilson") > 300


def test_comparison_inside_one_sample_uses_the_joint_design():
    assert check_compare(load(REFERENCE / "edges_reference.csv")) == 68


def test_aggregation_rules_match_svycontrast_of_svyby():
    assert check_aggregation(load(REFERENCE / "edges_reference.csv")) == 136


def test_rerun_r_script(tmp_path):
    out = tmp_path / "fresh.csv"
    rerun_r_script("make_edges.R", out)
    fresh, stored = load(out), load(REFERENCE / "edges_reference.csv")
    assert len(fresh) == len(stored)
    np.testing.assert_allclose(fresh["value"], stored["value"], rtol=1e-9, equal_nan=True)
    assert check_all(fresh) == len(fresh)
