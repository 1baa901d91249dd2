"""Turning user tables (pandas DataFrames or dicts of arrays) into the typed columns the core reads.

No copy is made when a column already has the core's dtype and is contiguous.
"""
from __future__ import annotations

import difflib
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ._errors import error

Table = Any  # a pandas DataFrame or a mapping of column name -> 1-D array-like


def column_names(table: Table) -> list[str]:
    if isinstance(table, pd.DataFrame):
        return [str(c) for c in table.columns]
    if isinstance(table, Mapping):
        return [str(c) for c in table.keys()]
    raise TypeError(f"expected a pandas DataFrame or a dict of arrays, got {type(table).__name__}")


def get(table: Table, name: str) -> Any:
    return table[name]


def n_rows(table: Table) -> int:
    if isinstance(table, pd.DataFrame):
        return len(table)
    lengths = {len(np.asarray(v)) for v in table.values()}
    return lengths.pop() if len(lengths) == 1 else -1


def unknown_column_hint(name: str, known: Sequence[str]) -> str:
    """' (did you mean 'x'?)' when one of `known` is close to `name`, else ''."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def missing_column_hint(expected: str, present: Sequence[str]) -> str:
    """' (closest column: 'x')' when the table has a column close to the expected name, else ''."""
    close = difflib.get_close_matches(expected, list(present), n=1)
    return f" (closest column: '{close[0]}')" if close else ""


def typed(values: Any, dtype: Any, field: str) -> np.ndarray:
    """1-D contiguous array of `dtype`; raises koc.InvalidValueError naming the field and first bad row."""
    arr = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if arr.ndim != 1:
        raise error("invalid_argument", "column must be 1-D", None, field)
    if arr.dtype == dtype and arr.flags.c_contiguous:
        return arr
    if np.dtype(dtype).kind in "iub" and arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.floor(arr))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise error("invalid_value", f"expected a whole number, got {arr[row]!r}", row, field)
    if arr.dtype.kind in "OUS" and np.dtype(dtype).kind in "fiub":
        for row, v in enumerate(arr):
            try:
                float(v)
            except (TypeError, ValueError):
                raise error("invalid_value", f"not a number: {v!r}", row, field) from None
    if np.dtype(dtype).kind in "iu" and arr.dtype.kind in "iufO" and arr.size:
        # A whole number past the column's type would wrap around silently in the conversion: refuse it.
        info = np.iinfo(dtype)
        if arr.dtype.kind == "O":
            outside = np.array([isinstance(v, (int, np.integer)) and not (info.min <= v <= info.max) for v in arr])
        else:
            outside = (arr < info.min) | (arr > info.max)
        if outside.any():
            row = int(np.flatnonzero(outside)[0])
            raise error("out_of_range", f"{arr[row]} is outside the range of this column ({info.min} to {info.max})",
                        row, field)
    return np.ascontiguousarray(arr, dtype=dtype)


def seconds(values: Any, field: str, default: int | None = None) -> np.ndarray:
    """Unix seconds (int64) from any time column a CRM export or a notebook has: integers (unix seconds),
    datetimes (naive = UTC; tz-aware converted to UTC), or ISO-8601 text ("2026-03-31 05:30:40",
    "2026-03-31T05:30:40+08:00", "2026-03-31"; naive = UTC). Missing values (None, NaN, NaT, "") become
    ``default``, or are refused when it is None. Sub-second parts are truncated toward the past."""
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values) if not isinstance(values, pd.Index) else values.to_numpy())
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        text = s.astype(object)
        blank = text.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v)) or
                         (isinstance(v, str) and v.strip() == "")).to_numpy(bool)
        numeric = text.map(lambda v: isinstance(v, (int, np.integer)) or (isinstance(v, str) and v.strip().lstrip("-").isdigit()))
        if bool((numeric | blank).all()):
            s = pd.Series([None if b else int(v) for v, b in zip(text, blank)], dtype="Int64")
        else:
            parsed = pd.to_datetime(text.where(~blank, None), format="ISO8601", utc=True, errors="coerce")
            bad = parsed.isna().to_numpy() & ~blank
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise error("invalid_value", f"not a time: {text.iloc[row]!r} (expected ISO-8601 such as "
                            "'2026-03-31 05:30:40+08:00' or unix seconds)", row, field)
            s = parsed.dt.tz_localize(None)
    if s.dtype.kind == "M":
        missing = s.isna().to_numpy()
        out = s.to_numpy().astype("datetime64[s]").astype(np.int64)
    else:
        arr = s.to_numpy(dtype=object) if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.to_numpy()
        missing = pd.isna(arr) if arr.dtype.kind in "fO" else np.zeros(len(arr), dtype=bool)
        out = typed(np.where(missing, 0, arr) if missing.any() else arr, np.int64, field)
    if missing.any():
        if default is None:
            raise error("invalid_value", "time is missing", int(np.flatnonzero(missing)[0]), field)
        out = out.copy()
        out[missing] = default
    return out


def ids(values: Any, field: str = "id") -> tuple[np.ndarray, np.ndarray | None]:
    """int64 ids for the core, plus the original labels when they were not integers (strings, say)."""
    arr = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if arr.dtype.kind in "iu":
        return typed(arr, np.int64, field), None
    if arr.dtype.kind == "f":
        return typed(arr, np.int64, field), None
    codes, uniques = pd.factorize(pd.Series(arr), sort=False)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise error("invalid_value", "id is missing", row, field)
    if len(uniques) != len(arr):
        seen: dict[Any, int] = {}
        for row, v in enumerate(arr):
            if v in seen:
                raise error("duplicate_id", f"duplicate KOC id {v!r} (first at row {seen[v]})", row, field)
            seen[v] = row
    return codes.astype(np.int64), arr
