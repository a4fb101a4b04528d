"""The service's own responses export feeds `python -m analysis indices` as written."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.cli import main
from tests.results.seed import Q

SCHEME = analysis.Scheme.from_mapping(Q.scheme_mapping())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_responses_export_round_trips_through_the_analysis_command(runner, demo, raw, tmp_path,
                                                                    capsys, fmt):
    export = tmp_path / f"phieu.{fmt}"
    result = runner.invoke(args=["export", "responses", "--format", fmt, "--out", str(export)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "chiso.csv"
    # the export as written: Vietnamese headers, perception (NT1, NT2), channel
    # (KENH) and respondent (GIOI, TUOI...) columns, flagged rows marked
    code = main(["indices", str(export), "--by", "Mã thủ tục", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    kept = raw[~raw.flagged]
    assert raw.flagged.any() and f"used {len(kept)}" in err and "flagged" in err
    got = pd.read_csv(out, dtype={"Mã thủ tục": str}).set_index(["Mã thủ tục", "code"])
    expected = analysis.estimate(kept, SCHEME, by=["service"]).set_index(["service", "code"])
    assert len(got) == len(expected)
    for col in ("n", "estimate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(got[col].to_numpy(float),
                                   expected.loc[got.index, col].to_numpy(float),
                                   rtol=1e-9, equal_nan=True, err_msg=col)
    # --include-flagged keeps every exported row
    assert main(["indices", str(export), "--include-flagged", "--out", str(out)]) == 0
    assert f"used {len(raw)}" in capsys.readouterr().err
