"""The statistical rules are settings, used by every figure and recorded beside it (issue 13)."""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest

import analysis
from survey import db
from survey.config import ConfigError, from_environment
from survey.results.config import Method
from survey.results.filters import Filters
from survey.results.scopes import scoped_estimates
from tests.results.seed import Q

SCHEME = analysis.Scheme.from_mapping(Q.scheme_mapping())


def _scoped(app, demo, **settings):
    app.config.update(settings)
    with app.app_context():
        method = Method.from_config()
        return method, scoped_estimates(db.session(), Filters(unit_ids=(demo.unit_id,)), method)


def _close(got, expected, cols=("n", "estimate", "se", "ci_low", "ci_high")):
    for col in cols:
        np.testing.assert_allclose(got[col].to_numpy(float), expected[col].to_numpy(float),
                                   rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=col)


def test_aggregation_rule_is_used_and_recorded(app, demo, raw):
    kept = raw[~raw.flagged]
    method, table = _scoped(app, demo, SIPAS_AGGREGATION="mean_of_services")
    assert method.aggregation == "mean_of_services"
    overall = table[table.scope == "overall"].sort_values(["level", "code"])
    expected = analysis.estimate(kept, SCHEME, aggregation="mean_of_services").sort_values(
        ["level", "code"])
    _close(overall, expected)
    assert (overall["aggregation"] == "mean_of_services").all()
    # by hand: the plain mean of the procedures' SIPAS
    per = analysis.estimate(kept, SCHEME, by=["service"])
    sipas = overall.set_index("code").loc["SIPAS", "estimate"]
    assert sipas == pytest.approx(per[per.code == "SIPAS"]["estimate"].mean(), rel=1e-12)
    pooled = analysis.estimate(kept, SCHEME).set_index("code").loc["SIPAS", "estimate"]
    assert sipas != pytest.approx(pooled, abs=1e-6)
    # a procedure's own row is the same under either rule
    services = table[table.scope == "service"]
    assert (services["aggregation"] == "mean_of_services").all()


def test_per_service_figures_are_their_own_sample_unless_set_otherwise(app, demo, raw):
    kept = raw[~raw.flagged]
    for setting, strata in (("own", "service"), ("domain", None)):
        _, table = _scoped(app, demo, SIPAS_PER_SERVICE_SAMPLE=setting)
        got = table[table.scope == "service"].sort_values(["scope_code", "level", "code"])
        # the seed's service column holds the procedure code, the export's scope code
        expected = analysis.estimate(kept, SCHEME, by=["service"], strata=strata).sort_values(
            ["service", "level", "code"])
        assert list(got["scope_code"]) == list(expected["service"])
        _close(got, expected)


def test_rules_are_written_in_the_indices_export_and_method_sheet(app, runner, demo, raw, tmp_path):
    app.config.update(SIPAS_AGGREGATION="mean_of_services", SIPAS_LONELY_STRATA="certainty")
    out = tmp_path / "chiso.csv"
    result = runner.invoke(args=["export", "indices", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    col = {h: i for i, h in enumerate(rows[0])}
    assert {r[col["Cách tổng hợp"]] for r in rows[1:]} == {"mean_of_services"}
    assert {r[col["Tầng một phiếu"]] for r in rows[1:]} == {"certainty"}
    overall = [r for r in rows[1:] if r[col["Mã chỉ số"]] == "SIPAS"]
    # an exit survey measures service delivery only: not plain "SIPAS"
    assert {r[col["Cấp chỉ số"]] for r in overall} == {"Chỉ số chung (SIPAS-DV)"}
    xlsx = tmp_path / "chiso.xlsx"
    result = runner.invoke(args=["export", "indices", "--format", "xlsx", "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    import openpyxl
    book = openpyxl.load_workbook(xlsx, read_only=True)
    sheet = next(ws for ws in book.worksheets if ws.title == "Phương pháp")
    text = {str(r[0]): str(r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert text["Cách tổng hợp trên một thủ tục"].startswith("mean_of_services – trung bình các thủ tục (tính "
                                                             "chỉ số của từng")
    assert text["Tầng chỉ có một phiếu"].startswith("certainty – ")
    assert text["Mẫu của từng thủ tục"].startswith("own – ")
    assert text["Bậc tự do của khoảng tin cậy"].startswith("degf – ")


@pytest.mark.parametrize("name, value", [("SIPAS_AGGREGATION", "mean"),
                                         ("SIPAS_LONELY_STRATA", "remove"),
                                         ("SIPAS_CI_DF", "30"),
                                         ("SIPAS_PER_SERVICE_SAMPLE", "yes")])
def test_bad_rule_settings_refuse_to_start(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        from_environment(tmp_path)
