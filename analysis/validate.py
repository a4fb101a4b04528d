"""Input checks that name the column and the first offending row.

Row numbers count data rows from 1 (the first row after a CSV header), so an
analyst can find the row in a spreadsheet; they are positions, not index
labels.
"""
from __future__ import annotations

import unicodedata
from typing import Sequence

import numpy as np
import pandas as pd


class InputError(ValueError):
    """Bad input, located at a column and a (1-based) data row.

    ``row`` is None for a problem with the column itself (found in the
    header); ``column`` is None for a problem with the whole file.
    """

    def __init__(self, column: str | None, row: int | None, problem: str):
        self.column, self.row, self.problem = column, row, problem
        if column is None:
            where = "file"
        else:
            where = f"column {column!r}" + (f", row {row}" if row is not None else " (header)")
        super().__init__(f"{where}: {problem}")


def nfc(series: pd.Series) -> pd.Series:
    """Text in Unicode normal form C, so that "Hộ tịch" typed two ways is one name.

    A file saved on Windows in code page 1258 spells Vietnamese letters as a
    base letter and combining marks (NFD-like); a UTF-8 file as precomposed
    letters. Only the distinct values are checked, so this costs little.
    """
    if not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
        return series
    values = pd.unique(series.dropna())
    change = {v: unicodedata.normalize("NFC", v) for v in values
              if isinstance(v, str) and not unicodedata.is_normalized("NFC", v)}
    return series.replace(change) if change else series


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def numeric_column(series: pd.Series, column: str) -> np.ndarray:
    """Return a float array; blank text is missing, other text is an error."""
    if pd.api.types.is_bool_dtype(series.dtype):
        raise InputError(column, 1, "expected numbers, found true/false values")
    if pd.api.types.is_numeric_dtype(series.dtype):
        numbers: np.ndarray = series.to_numpy(dtype=float, na_value=np.nan)
        return numbers
    text = series.astype("string").str.strip()
    blank = text.isna() | (text == "")
    values = pd.to_numeric(text.mask(blank), errors="coerce")
    bad = (values.isna() & ~blank).to_numpy()
    if bad.any():
        i = _first(bad)
        raise InputError(column, i + 1, f"{series.iloc[i]!r} is not a number")
    parsed: np.ndarray = values.to_numpy(dtype=float, na_value=np.nan)
    return parsed


def scores(df: pd.DataFrame, codes: Sequence[str], scale: tuple[int, int],
           out: np.ndarray | None = None) -> np.ndarray:
    """Answers as an ``(n, k)`` float array, NaN where not answered.

    Written into ``out`` when given (any float dtype). Raises
    :class:`InputError` for a missing column, text, or a value that is not a
    whole number on ``scale``.
    """
    lo, hi = scale
    if out is None:
        out = np.empty((len(df), len(codes)), order="F")  # column-major: see design.group_sum
    for j, code in enumerate(codes):
        if code not in df.columns:
            raise InputError(code, None, "not in the data")
        x = numeric_column(df[code], code)
        fraction = ~np.isnan(x) & np.isfinite(x) & (x != np.round(x))
        if fraction.any():
            i = _first(fraction)
            raise InputError(code, i + 1, f"{x[i]:g} is not a whole number "
                             f"(answers are {lo}-{hi})")
        bad = ~np.isnan(x) & ((x < lo) | (x > hi))
        if bad.any():
            i = _first(bad)
            raise InputError(code, i + 1, f"{x[i]:g} is outside the scale {lo}-{hi}")
        out[:, j] = x
    return out


def design_columns(df: pd.DataFrame, weight: str | None, strata: str | None,
                   fpc: str | None) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Check and return ``(w, strata_codes, population)`` arrays (or None).

    Weights must be positive and present; strata present; the finite
    population (fpc) present, constant within a stratum and at least the
    stratum's sample size.
    """
    for col in (weight, strata, fpc):
        if col is not None and col not in df.columns:
            raise InputError(col, None, "not in the data")
    w = None
    if weight is not None:
        w = numeric_column(df[weight], weight)
        bad = ~(w > 0) | ~np.isfinite(w)
        if bad.any():
            i = _first(bad)
            raise InputError(weight, i + 1, "weight must be a positive number, "
                             f"got {df[weight].iloc[i]!r}")
    h = None
    if strata is not None:
        # blank text is no stratum, the same as a missing value: the command
        # line reads every cell as text, the API may get NaN
        col = nfc(df[strata])
        missing = col.isna().to_numpy()
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            missing = missing | (col.astype("string").str.strip() == "").fillna(True).to_numpy()
        if missing.any():
            raise InputError(strata, _first(missing) + 1, "stratum is empty")
        h = pd.factorize(col, sort=True)[0]
    pop = None
    if fpc is not None:
        pop = numeric_column(df[fpc], fpc)
        hh = h if h is not None else np.zeros(len(df), dtype=np.intp)
        n_h = np.bincount(hh)
        first = pd.Series(pop).groupby(hh).transform("first").to_numpy()
        bad = ~np.isfinite(pop) | (pop != first)
        if bad.any():
            i = _first(bad)
            raise InputError(fpc, i + 1, "population size must be a number, the same "
                             "for every row of a stratum")
        short = pop < n_h[hh]
        if short.any():
            i = _first(short)
            raise InputError(fpc, i + 1, f"population size {pop[i]:g} is smaller than "
                             f"the {n_h[hh[i]]} responses of its stratum")
    return w, h, pop
