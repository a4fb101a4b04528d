"""group_rows without groupby, and SufficientStats.regroup by bincount, hold to what they replace."""
from __future__ import annotations

import datetime
import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.design import _factorized_groups, group_rows
from analysis.sufficient import SufficientStats


def _groupby(df: pd.DataFrame, by: list[str]):
    grouped = df.groupby(by, sort=True, dropna=False, observed=True)
    return grouped.ngroup().to_numpy(dtype=np.intp), grouped.size().index.to_frame(index=False)[by]


def _columns(n: int, rng) -> pd.DataFrame:
    return pd.DataFrame({
        "int": rng.integers(0, 5, n),
        "float_nan": np.where(rng.random(n) < .2, np.nan, rng.integers(0, 4, n).astype(float)),
        "object_int": np.array([int(x) for x in rng.integers(0, 6, n)], dtype=object),
        "object_none": np.array([None if x == 0 else int(x) for x in rng.integers(0, 4, n)], dtype=object),
        "object_date": np.array([datetime.date(2025, 1 + x, 1) for x in rng.integers(0, 3, n)], dtype=object),
        "bool": rng.random(n) < .5,
        "uint8": rng.integers(0, 3, n).astype(np.uint8),
    })


@pytest.mark.parametrize("n", [1, 7, 300])
def test_same_groups_keys_and_dtypes_as_groupby(n):
    df = _columns(n, np.random.default_rng(n))
    for k in (1, 2, 3):
        for by in itertools.permutations(df.columns, k):
            gid, keys = _factorized_groups(df, list(by))
            want_gid, want_keys = _groupby(df, list(by))
            np.testing.assert_array_equal(gid, want_gid)
            pd.testing.assert_frame_equal(keys, want_keys)
            for c in by:  # the values themselves: Python ints stay Python ints
                assert [type(v) for v in keys[c]] == [type(v) for v in want_keys[c]]


def test_other_columns_go_through_groupby():
    df = pd.DataFrame({"name": ["b", "a", "b"], "cat": pd.Categorical(["x", "y", "x"])})
    assert _factorized_groups(df, ["name"]) is None and _factorized_groups(df, ["cat"]) is None
    assert _factorized_groups(df.iloc[:0], ["name"]) is None
    gid, keys = group_rows(df, ["name"])
    assert list(gid) == [1, 0, 1] and list(keys["name"]) == ["a", "b"]


def test_regroup_sums_as_add_at_to_the_bit():
    rng = np.random.default_rng(3)
    g, k = 40, 3
    codes = ("C1", "C2", "E1")
    stats = SufficientStats(codes, rng.integers(1, 9, g), rng.random((g, k)) / 3, rng.random((g, k)) / 7,
                            rng.random((g, k, k)) / 3, rng.random((g, k, k)) / 7, rng.random((g, k, k)) / 11,
                            keys=pd.DataFrame({"a": rng.integers(0, 4, g), "b": rng.integers(0, 3, g)}))
    for by in ([], ["a"], ["b", "a"]):
        got = stats.regroup(by)
        gid, _ = group_rows(stats.keys, by)
        for name in ("n", "answered", "satisfied", "aa", "ay", "yy"):
            arr = getattr(stats, name)
            want = np.zeros((len(got.n),) + arr.shape[1:])
            np.add.at(want, gid, arr)
            assert np.array_equal(getattr(got, name), want)  # exact, not close


def test_regroup_of_no_groups():
    empty = SufficientStats(("C1",), np.zeros(0), np.zeros((0, 1)), np.zeros((0, 1)), np.zeros((0, 1, 1)),
                            np.zeros((0, 1, 1)), np.zeros((0, 1, 1)), keys=pd.DataFrame({"a": np.zeros(0, int)}))
    total = empty.regroup()
    assert total.n.tolist() == [0.0] and total.aa.shape == (1, 1, 1)
    assert len(empty.regroup(["a"]).n) == 0
