"""Fixtures for the analysis package: seeded synthetic responses."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "reference"
# `pytest tests/analysis` without an installed package still imports the
# repository's analysis/, not this directory as a namespace package.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import Scheme  # noqa: E402


def make_responses(n=600, groups=("A", "B", "C"), missing=0.1, seed=0, expectations=True):
    """Correlated 1-5 answers (a respondent 'mood' moves all criteria)."""
    rng = np.random.default_rng(seed)
    crit = Scheme.sipas_service_delivery().criteria
    mood = rng.normal(0, 1, (n, 1))
    x = np.clip(np.rint(3.8 + mood + rng.normal(0, 0.8, (n, len(crit)))), 1, 5)
    x[rng.random(x.shape) < missing] = np.nan
    df = pd.DataFrame(x, columns=crit)
    df.insert(0, "service", rng.choice(list(groups), n))
    df.insert(1, "period", rng.choice(["2024", "2025"], n))
    if expectations:
        for j in range(1, 11):
            mm = rng.integers(1, 5, n).astype(float)
            mm[rng.random(n) < missing] = np.nan
            df[f"MM{j}"] = mm
    return df


@pytest.fixture
def responses():
    return make_responses()


@pytest.fixture
def scheme():
    return Scheme.sipas_service_delivery()


def rerun_r_script(script: str, out) -> None:
    """Run tests/reference/<script> with Rscript, writing its CSV to ``out``.

    Skips on a developer machine without R's survey package; fails under CI,
    whose system-deps install r-cran-survey.
    """
    import os
    import shutil
    import subprocess

    import pytest

    if not shutil.which("Rscript") or subprocess.run(["Rscript", "-e", "library(survey)"],
                                                     capture_output=True).returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("Rscript with the survey package is required under CI")
        pytest.skip("Rscript with the survey package is not installed")
    subprocess.run(["Rscript", f"tests/reference/{script}", str(out)], cwd=ROOT, check=True, capture_output=True)
