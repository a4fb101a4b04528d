"""Small samples and awkward input, checked by hand computations written here.

(The R-checked edges -- lonely strata, svyciprop, joint comparisons,
aggregation -- are in test_edges_r.py.)
"""
import unicodedata

import numpy as np
import pandas as pd
import pytest
from conftest import make_responses

from analysis import estimate
from analysis.cli import main
from analysis.validate import InputError


def test_a_single_response_has_no_standard_error():
    df = make_responses(n=1, missing=0.0)
    out = estimate(df)
    assert (out["n"] == 1).all() and out["estimate"].notna().all()
    # R refuses a one-PSU design; 0 would claim a perfectly precise figure
    assert out[["se", "deff", "ci_low", "ci_high"]].isna().all().all()
    assert (out["interval"] == "").all()
    assert out["note"].str.contains("single answer").all() and out["low_n"].all()


def test_two_responses_do_have_one():
    df = make_responses(n=2, missing=0.0).assign(TC1=[4.0, 2.0])
    row = estimate(df).set_index("code").loc["TC1"]
    # by hand: p = 1/2, r_i = (y_i - p) / 2 = ±1/4, V = 2/(2-1) * 2 * (1/4)² = 1/4
    assert row["se"] == pytest.approx(50.0, rel=1e-12) and row["note"] == ""


def test_census_stratum_has_no_sampling_error():
    df = make_responses(n=10, missing=0.0).assign(
        TC1=[4, 4, 4, 2, 2, 5, 5, 2, 1, 3], N=10, s="only")
    row = estimate(df, strata="s", fpc="N").set_index("code").loc["TC1"]
    # every one of the 10 dossiers answered: 5/10 satisfied, exactly
    assert row["estimate"] == 50.0 and row["se"] == 0
    assert row["ci_low"] == row["ci_high"] == 50.0 and row["interval"] == "census"
    assert np.isinf(row["n_eff"]) and not row["low_n"]


def test_low_n_is_flagged_on_the_effective_size():
    # 99 answers, 9 of them carrying most of the weight
    y = np.r_[np.tile([5.0, 2.0, 4.0], 30), [5, 2, 2, 2, 2, 5, 2, 2, 2]]
    w = np.r_[np.ones(90), np.full(9, 40.0)]
    df = make_responses(n=99, missing=0.0).assign(TC1=y, w=w)
    row = estimate(df, weight="w").set_index("code").loc["TC1"]
    # by hand: R = sum w s / sum w, r_i = w_i (s_i - R) / sum w, V = n/(n-1) sum r²
    s = (y >= 4).astype(float)
    ratio = (w * s).sum() / w.sum()
    var = 99 / 98 * ((w * (s - ratio) / w.sum()) ** 2).sum()
    assert row["n"] == 99 and row["n_eff"] == pytest.approx(ratio * (1 - ratio) / var, rel=1e-12)
    assert row["n_eff"] < 30 and row["low_n"]


def test_blank_stratum_is_the_same_error_in_api_and_cli(tmp_path, capsys):
    df = make_responses(n=40).assign(s=["a", "b"] * 20)
    df.loc[6, "s"] = "  "
    with pytest.raises(InputError) as err:
        estimate(df, strata="s")
    assert (err.value.column, err.value.row, err.value.problem) == ("s", 7, "stratum is empty")
    path = tmp_path / "r.csv"
    df.to_csv(path, index=False)
    assert main(["indices", str(path), "--strata", "s"]) == 2
    assert "column 's', row 7: stratum is empty" in capsys.readouterr().err


def test_names_differing_only_in_normal_form_are_one_name(tmp_path, capsys):
    df = make_responses(n=60)
    composed = "Hộ tịch"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    df["field"] = [composed, decomposed] * 30
    out = estimate(df, by=["field"])
    assert list(out["field"].unique()) == [composed]
    assert out.set_index("code").loc["SIPAS", "n"] == 60
    path = tmp_path / "r.csv"
    df.to_csv(path, index=False)
    assert main(["indices", str(path), "--by", "field", "--out", str(tmp_path / "o.csv")]) == 0
    assert pd.read_csv(tmp_path / "o.csv")["field"].unique().tolist() == [composed]


def test_duplicated_header_is_an_error(tmp_path, capsys):
    df = make_responses(n=10)
    path = tmp_path / "r.csv"
    text = df.to_csv(index=False).replace("TC3,", "TC2,", 1)
    path.write_text(text, "utf-8")
    assert main(["indices", str(path)]) == 2
    err = capsys.readouterr().err
    assert "column 'TC2' (header): appears twice in the header (columns 4 and 5)" in err


def test_half_point_answer_is_not_a_whole_number(tmp_path, capsys):
    df = make_responses(n=10, missing=0.0)
    df["TC1"] = df["TC1"].astype(object)
    df.loc[3, "TC1"] = "4.5"
    path = tmp_path / "r.csv"
    df.to_csv(path, index=False)
    assert main(["indices", str(path)]) == 2
    assert "column 'TC1', row 4: 4.5 is not a whole number" in capsys.readouterr().err


TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text):
    """Encode as code page 1258 does: base letters (ô, ơ, ă...) precomposed, tones apart."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


def test_windows_1258_csv_is_read_and_normalised(tmp_path, capsys):
    df = make_responses(n=40).assign(field=["Hộ tịch", "Chứng thực"] * 20)
    path = tmp_path / "r.csv"
    # what Excel writes on a Vietnamese Windows: cp1258, tones as combining marks
    path.write_bytes(windows_1258(df.to_csv(index=False)))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert main(["indices", str(path), "--by", "field", "--out", str(tmp_path / "o.csv")]) == 0
    assert "read it as Windows-1258" in capsys.readouterr().err
    got = pd.read_csv(tmp_path / "o.csv")
    assert sorted(got["field"].unique()) == ["Chứng thực", "Hộ tịch"]
    expected = estimate(df, by=["field"])
    np.testing.assert_allclose(got["estimate"], expected["estimate"], rtol=1e-12)


def test_other_encodings_get_a_save_as_utf8_message(tmp_path, capsys):
    df = make_responses(n=10).assign(note="café")
    path = tmp_path / "r.csv"
    path.write_bytes(df.to_csv(index=False).encode("latin-1"))
    assert main(["indices", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is not UTF-8 text" in err and "CSV UTF-8" in err
