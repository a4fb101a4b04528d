"""python -m analysis: outputs, and one-line errors naming column and row."""
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT, make_responses

from analysis.cli import main


def run(*args, cwd=ROOT):
    """The real command, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def run_here(capsys, *args):
    """The same entry point in this process (faster for the many error cases)."""
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


@pytest.fixture
def csv(tmp_path):
    df = make_responses(n=120, seed=5)
    for col in df.columns[2:]:
        df[col] = df[col].astype("Int64")  # whole numbers, empty cells for no answer
    df["dossiers"] = 1.5
    path = tmp_path / "responses.csv"
    df.to_csv(path, index=False)
    return path


def test_indices_to_csv_json_and_xlsx(csv, tmp_path):
    done = run("indices", csv, "--by", "service", "--ci", "exact", "--level", "0.9")
    assert done.returncode == 0, done.stderr
    from io import StringIO
    table = pd.read_csv(StringIO(done.stdout))
    assert {"service", "level", "code", "n_eff", "ci_low", "interval", "low_n"} <= set(table)
    assert set(table["conf_level"]) == {0.9}
    assert "read 120 rows, used 120; excluded: none" in done.stderr
    out = tmp_path / "out.json"
    assert run("indices", csv, "--weight", "dossiers", "--out", out).returncode == 0
    payload = json.loads(out.read_text())
    assert payload["rows_used"] == 120 and len(payload["estimates"]) == 32
    xlsx = tmp_path / "out.xlsx"
    assert run("indices", csv, "--method", "mean_pct", "--out", xlsx).returncode == 0
    assert pd.read_excel(xlsx, sheet_name="estimates")["index_method"].iloc[0] == "mean_pct"


def test_excluded_rows_are_counted_and_reported(csv, tmp_path):
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    df.loc[3, "service"] = ""
    crit = [c for c in df.columns if c[:2] in ("TC", "TT", "CC", "KQ", "PA", "MM")]
    df.loc[7, crit] = ""
    df.to_csv(csv, index=False)
    out = tmp_path / "out.json"
    done = run("indices", csv, "--by", "service", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "used 118; excluded: empty 'service' (1), no answer (1)" in done.stderr
    payload = json.loads(out.read_text())
    assert payload["excluded"] == {"empty 'service'": 1, "no answer": 1}


def test_compare_and_samplesize(csv, capsys):
    done = run_here(capsys, "compare", csv, "--between", "period", "2025", "2024", "--by", "service")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("service,level,code,n_a,n_b")
    assert "p_holm" in done.stdout and "p_bh" in done.stdout
    assert run_here(capsys, "samplesize", "--population", 1000).stdout.strip() == "286"
    assert run_here(capsys, "samplesize", "--population", 1000, "--formula", "cochran",
                    "--p", 0.5).stdout.strip() == "278"
    assert run_here(capsys, "samplesize", "--population", 100000, "--formula", "wilson",
                    "--p", 1, "--margin", 0.05).stdout.strip() == "35"
    bad = run_here(capsys, "samplesize", "--population", 1000, "--margin", 5)
    assert bad.returncode == 2 and "margin" in bad.stderr


def edit(path, row, column, value):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row - 1, column] = value
    df.to_csv(path, index=False)


@pytest.mark.parametrize("mutate, args, expected", [
    (lambda p: edit(p, 7, "TC2", "abc"), [], "column 'TC2', row 7: 'abc' is not a number"),
    (lambda p: edit(p, 4, "MM3", "5"), [], "column 'MM3', row 4: 5 is outside the scale 1-4"),
    (lambda p: edit(p, 9, "KQ1", "0"), [], "column 'KQ1', row 9: 0 is outside the scale 1-5"),
    (lambda p: edit(p, 5, "dossiers", "-2"), ["--weight", "dossiers"],
     "column 'dossiers', row 5: weight must be a positive number"),
    (lambda p: edit(p, 11, "dossiers", ""), ["--weight", "dossiers"],
     "column 'dossiers', row 11: weight must be a positive number"),
    (lambda p: edit(p, 2, "dossiers", "many"), ["--weight", "dossiers"],
     "column 'dossiers', row 2: 'many' is not a number"),
    (lambda p: pd.read_csv(p).assign(TC4=3).to_csv(p, index=False), [],
     "column 'TC4' (header): not a criterion or expectation code"),
    (lambda p: p.write_text(""), [], "file: "),
    (lambda p: p.write_text(""), [], "responses.csv is empty"),
    (lambda p: p.write_text("service,TC1\n"), [], "has no responses (only a header)"),
    (lambda p: None, ["--by", "district"], "column 'district' (header): not in the file"),
])
def test_bad_input_one_line_and_non_zero_exit(csv, mutate, args, expected, capsys):
    mutate(csv)
    done = run_here(capsys, "indices", csv, *args)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], done.stderr
    assert done.stdout == ""


def test_error_rows_count_in_the_file_even_after_exclusions(csv, capsys):
    edit(csv, 2, "service", "")          # excluded
    edit(csv, 6, "dossiers", "0")         # still row 6 of the file
    done = run_here(capsys, "indices", csv, "--by", "service", "--weight", "dossiers")
    assert "column 'dossiers', row 6" in done.stderr
    edit(csv, 6, "dossiers", "1")
    pd.read_csv(csv).assign(N=3).to_csv(csv, index=False)  # fpc below a stratum's size,
    done = run_here(capsys, "indices", csv, "--by", "service", "--strata", "service",
                    "--fpc", "N")                          # found after the exclusion
    assert done.returncode != 0 and "column 'N', row 1: population size 3" in done.stderr


def test_real_command_fails_with_one_line(csv):
    edit(csv, 7, "TC2", "abc")
    done = run("indices", csv)
    assert done.returncode == 2 and done.stderr.strip() == (
        "error: column 'TC2', row 7: 'abc' is not a number")
