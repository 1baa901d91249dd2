"""Reading the user's files for the CLI: CSV or Parquet, checked column by column against the table formats.

Every problem names the file, the 0-based data row (and the line of a CSV file) and the column, so a
user can fix it without reading Python. Checks collect every problem instead of stopping at the first,
which is what ``koc validate`` prints.
"""
from __future__ import annotations

import difflib
import io
import json
import pathlib
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from .. import Error, tables
from .. import datasets as _datasets

# Exit codes (documented in `koc --help`).
EXIT_OK = 0
EXIT_INTERNAL = 1     # a bug in koc: please report it
EXIT_USAGE = 2        # wrong command line
EXIT_INPUT = 3        # an input file is missing, unreadable or has bad columns or values
EXIT_POLICY = 4       # a policy file is invalid
EXIT_OUTPUT = 5       # an output could not be written
EXIT_TIMEOUT = 6      # the matching did not finish within --time-limit


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: Optional[int] = None      # 0-based data row
    field: Optional[str] = None
    line: Optional[int] = None     # 1-based line of a CSV file (header = line 1)
    warning: bool = False

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line is not None else ""))
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{'warning' if self.warning else 'error'}: {', '.join(where)}: {self.message}"


class UserError(Exception):
    """A mistake in the user's input: printed as a list of problems, never as a traceback."""

    def __init__(self, problems: list[Problem], exit_code: int = EXIT_INPUT) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.exit_code = exit_code


# Column kinds: int, float, flag (0/1), str, id (KOC and task ids: whole numbers, or text ids such as
# "KOC-100001" or "T-2026-07" as CRM exports hold them, for the whole column), time (unix seconds or
# ISO-8601 text, "2026-03-31 05:30:40+08:00"; naive = UTC). `required` per table; everything else optional.
_SKILL_LEVEL = "level"
# The roster, task and completion tables are the library's (koc.tables); amounts stay text, which
# koc.rewards reads exactly in the row's currency.
ROSTER_COLUMNS: dict[str, str] = {c.name: c.kind for c in tables.ROSTER.values()}
TASK_COLUMNS: dict[str, str] = {c.name: "str" if c.kind == "amount" else c.kind for c in tables.TASKS.values()}
COMPLETION_COLUMNS: dict[str, str] = {c.name: "str" if c.kind == "amount" else c.kind for c in tables.COMPLETIONS.values()}
TIERS_COLUMNS: dict[str, str] = {"koc_id": "id", "tier": "str"}
PREFIXES = {"roster": tables.ROSTER_PREFIX, "tasks": tables.TASK_PREFIX}

ASSETS = ("social", "knowledge", "community", "intelligence")
HORIZONS = ("instant", "phased", "continuous", "identity")
DIRECTIONS = ("internal", "external")
KINDS = ASSETS + HORIZONS + DIRECTIONS

_NON_NEGATIVE = {"capacity", "periods_below", "recent_tasks", "views", "interactions", "days_served", "days_on_site",
                 "travel_claimed", "travel_claimed_minor", "period_days"}


def _line(row: int, is_csv: bool) -> Optional[int]:
    return row + 2 if is_csv else None


def read_table(path: str, label: Optional[str] = None) -> tuple[pd.DataFrame, bool]:
    """All columns as strings (CSV) or as stored (Parquet); raises UserError for unreadable files."""
    p = pathlib.Path(path)
    name = label or str(path)
    if not p.exists():
        raise UserError([Problem(name, "file not found")])
    if p.is_dir():
        raise UserError([Problem(name, "is a folder, expected a CSV or Parquet file")])
    if p.suffix.lower() in (".parquet", ".pq"):
        try:
            return pd.read_parquet(p), False
        except Exception as e:  # pyarrow raises many types for a damaged file
            raise UserError([Problem(name, f"cannot read as Parquet: {e}")]) from None
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise UserError([Problem(name, f"not UTF-8 text: byte 0x{raw[e.start]:02x} at line {line}; "
                                       "save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)")]) from None
    if not text.strip():
        raise UserError([Problem(name, "the file is empty (expected a header line and rows)")])
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.ParserError as e:
        raise UserError([Problem(name, f"not a valid CSV file: {e}")]) from None
    return df, True


def _known(table: str, extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The table's columns and kinds; ``extra``: more for this run (a tier policy's declared metrics)."""
    known = {"roster": ROSTER_COLUMNS, "tasks": TASK_COLUMNS, "completions": COMPLETION_COLUMNS, "tiers": TIERS_COLUMNS}[table]
    return {**known, **extra} if extra else known


def check_columns(df: pd.DataFrame, table: str, name: str, required: tuple[str, ...],
                  extra: Optional[dict[str, str]] = None) -> list[Problem]:
    known = _known(table, extra)
    prefix = PREFIXES.get(table)
    cols = [str(c) for c in df.columns]
    problems = []
    for r in required:
        if r not in cols:
            close = difflib.get_close_matches(r, cols, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(name, f"missing required column '{r}'{hint}", field=r))
    if table in ("roster", "tasks", "completions"):
        # The library refuses these too: an error here, not a warning, so validate and run agree. A roster's
        # `extra` columns are the tier policy's declared metrics.
        what = "roster" if table == "roster" else table[:-1]
        declared = list(extra) if table == "roster" and extra else []
        return problems + [Problem(name, message, field=fld)
                           for _, message, _, fld in tables.problems(cols, table, what, declared)]
    vocabulary = list(known) + ([f"{prefix}{s}" for s in _datasets.SKILLS] if prefix else [])
    for c in cols:
        if c in known or (prefix and c.startswith(prefix)):
            continue
        close = difflib.get_close_matches(c, vocabulary, n=1, cutoff=0.75)
        if close and close[0] not in cols:
            problems.append(Problem(name, f"unknown column '{c}' is ignored (did you mean '{close[0]}'?)", field=c,
                                    warning=True))
    return problems


def convert(df: pd.DataFrame, table: str, name: str, is_csv: bool,
            extra: Optional[dict[str, str]] = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed copy of the known columns (int64, float64, str); a problem for the first bad value per column."""
    known = _known(table, extra)
    prefix = PREFIXES.get(table)
    out = {}
    problems: list[Problem] = []
    for c in df.columns:
        c = str(c)
        kind = known.get(c) or ("int" if prefix and c.startswith(prefix) else None)
        col = df[c]
        if kind is None:
            continue
        if kind == "str":
            s = col.astype(object).where(col.notna(), "")
            out[c] = s.map(lambda v: v if isinstance(v, str) else str(v)).astype(object)
            continue
        text = col.astype(object).where(col.notna(), "").map(lambda v: v.strip() if isinstance(v, str) else v)
        if kind == "id":
            if col.dtype.kind in "iu":  # Parquet integers
                out[c] = col.to_numpy(np.int64)
                continue
            empty = (text == "").to_numpy()
            if empty.any():
                row = int(np.flatnonzero(empty)[0])
                problems.append(Problem(name, "an empty id", row, c, _line(row, is_csv)))
                continue
            num = np.asarray(pd.to_numeric(text, errors="coerce"), dtype=np.float64)
            whole = np.isfinite(num) & (num == np.floor(num)) & (np.abs(num) <= 2.0**62) & \
                text.map(lambda v: isinstance(v, str) and v.lstrip("-").isdigit()).to_numpy(bool)
            out[c] = num.astype(np.int64) if whole.all() else text.map(str).astype(object)
            continue
        if kind == "time":  # unix seconds or ISO-8601 (offsets honoured): the library's one time reader
            try:
                out[c] = tables.unix_seconds(col if col.dtype.kind in "iuM" or isinstance(col.dtype, pd.DatetimeTZDtype)
                                          else text, c)
            except Error as e:
                row = -1 if getattr(e, "row", None) is None else int(e.row)
                problems.append(Problem(name, e.detail, row if row >= 0 else None, c,
                                        _line(row, is_csv) if row >= 0 else None))
            continue
        num = pd.to_numeric(text, errors="coerce")
        values = np.asarray(num, dtype=np.float64)
        bad = np.isnan(values)
        if kind in ("int", "flag"):
            bad |= np.isfinite(values) & (values != np.floor(values))
            bad |= np.abs(values) > 2.0**62
        else:
            bad |= ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            v = text.iloc[row]
            what = {"int": "a whole number", "flag": "0 or 1", "float": "a number"}[kind]
            got = "an empty value" if v == "" else repr(v)
            more = int(bad.sum()) - 1
            problems.append(Problem(name, f"expected {what}, got {got}" + (f" ({more} more rows like it)" if more else ""),
                                    row, c, _line(row, is_csv)))
            continue
        if kind == "flag" and not np.isin(values, (0, 1)).all():
            row = int(np.flatnonzero(~np.isin(values, (0, 1)))[0])
            problems.append(Problem(name, f"expected 0 or 1, got {text.iloc[row]!r}", row, c, _line(row, is_csv)))
            continue
        if (c in _NON_NEGATIVE or (prefix and c.startswith(prefix))) and (values < 0).any():
            for row in np.flatnonzero(values < 0):  # every row: the values are read, just not allowed
                problems.append(Problem(name, f"must be >= 0, got {text.iloc[int(row)]!r}", int(row), c,
                                        _line(int(row), is_csv)))
            continue
        out[c] = values.astype(np.int64) if kind in ("int", "flag") else values
    return pd.DataFrame(out, index=pd.RangeIndex(len(df))), problems


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _check_unique(df: pd.DataFrame, col: str, name: str, is_csv: bool) -> list[Problem]:
    if col not in df:
        return []
    dup = df[col].duplicated().to_numpy()
    if not dup.any():
        return []
    row = _first(dup)
    first = int(np.flatnonzero(df[col].to_numpy() == df[col].iloc[row])[0])
    return [Problem(name, f"duplicate id {df[col].iloc[row]} (first at row {first})", row, col, _line(row, is_csv))]


def _check_names(df: pd.DataFrame, col: str, allowed: tuple[str, ...], name: str, is_csv: bool,
                 allow_empty: bool = False, multi: bool = False) -> list[Problem]:
    if col not in df:
        return []
    values = df[col].to_numpy(object)
    allowed_set = set(allowed) | ({""} if allow_empty else set())
    problems = []  # every row with an unknown name (the first unknown name of the row)
    for row, v in enumerate(values):
        parts = [s.strip() for s in v.split("|") if s.strip()] if multi else [v]
        for part in parts:
            if part not in allowed_set:
                close = difflib.get_close_matches(part, list(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                shown = "an empty value" if part == "" else repr(part)
                problems.append(Problem(name, f"unknown {col.replace('_', ' ')} {shown}{hint}; expected one of: "
                                              f"{', '.join(allowed)}", row, col, _line(row, is_csv)))
                break
    return problems


def check_roster(df: pd.DataFrame, name: str, is_csv: bool, ladder: tuple[str, ...], *, for_tiers: tuple[str, ...] = (),
                 for_matching: bool = False) -> list[Problem]:
    problems = _check_unique(df, "id", name, is_csv)
    problems += _check_names(df, "previous_tier", ladder, name, is_csv, allow_empty=True)
    problems += _check_names(df, "opted_out", KINDS, name, is_csv, allow_empty=True, multi=True)
    for m in ("quality", "on_time_rate", "loyalty"):
        if m in df and ((df[m] < 0) | (df[m] > 1)).any():
            row = _first(((df[m] < 0) | (df[m] > 1)).to_numpy())
            problems.append(Problem(name, f"must be between 0 and 1, got {df[m].iloc[row]:g}", row, m, _line(row, is_csv)))
    if "available_start" in df and "available_end" in df:
        bad = (df["available_end"] < df["available_start"]).to_numpy()
        if bad.any():
            row = _first(bad)
            problems.append(Problem(name, "available_end is before available_start", row, "available_end", _line(row, is_csv)))
    return problems


def check_tasks(df: pd.DataFrame, name: str, is_csv: bool, ladder: tuple[str, ...],
                rule_ids: Optional[tuple[str, ...]] = None) -> list[Problem]:
    problems = _check_unique(df, "task_id", name, is_csv)
    problems += _check_names(df, "asset", ASSETS, name, is_csv)
    problems += _check_names(df, "horizon", HORIZONS, name, is_csv)
    problems += _check_names(df, "direction", DIRECTIONS, name, is_csv)
    problems += _check_names(df, "min_tier", ladder, name, is_csv, allow_empty=True)
    problems += _check_names(df, "max_tier", ladder, name, is_csv, allow_empty=True)
    if rule_ids is not None:
        problems += _check_names(df, "rule", rule_ids, name, is_csv)
    # The rules on values (slots, load, the window) are the library's: `koc validate` reports them from
    # koc.validate_tasks, every bad row, with the library's words. Only advice is given here.
    if "slots" in df:
        # A task with no slot takes nobody: say so for each (a closed task is allowed, a typo is likely).
        for row in np.flatnonzero((df["slots"] == 0).to_numpy()):
            problems.append(Problem(name, "slots is 0: the task takes nobody (it is counted as closed, not filled)",
                                    int(row), "slots", _line(int(row), is_csv), warning=True))
    return problems


def check_completions(df: pd.DataFrame, name: str, is_csv: bool, koc_ids: Optional[pd.Series],
                      task_ids: Optional[pd.Series]) -> list[Problem]:
    problems: list[Problem] = []
    for col, ids, what in (("koc_id", koc_ids, "roster"), ("task_id", task_ids, "tasks")):
        if ids is not None and col in df:
            bad = ~df[col].isin(ids).to_numpy()
            if bad.any():
                row = _first(bad)
                problems.append(Problem(name, f"{col} {df[col].iloc[row]} is not in the {what} file"
                                              + (f" ({int(bad.sum()) - 1} more rows like it)" if bad.sum() > 1 else ""),
                                        row, col, _line(row, is_csv)))
    if "koc_id" in df and "task_id" in df:
        dup = df.duplicated(["koc_id", "task_id"]).to_numpy()
        if dup.any():
            row = _first(dup)
            problems.append(Problem(name, f"a second completion of KOC {df['koc_id'].iloc[row]} on task "
                                          f"{df['task_id'].iloc[row]}", row, "task_id", _line(row, is_csv)))
    for m in ("quality", "duty_fulfilment"):
        if m in df:  # every row (the completions may be checked without their tasks, so without the library's list)
            for row in np.flatnonzero(((df[m] < 0) | (df[m] > 1)).to_numpy()):
                problems.append(Problem(name, f"must be between 0 and 1, got {df[m].iloc[int(row)]:g}", int(row), m,
                                        _line(int(row), is_csv)))
    return problems


def load(path: str, table: str, required: tuple[str, ...], label: Optional[str] = None,
         extra: Optional[dict[str, str]] = None) -> tuple[pd.DataFrame, bool, list[Problem]]:
    """Reads, checks the columns and converts a table; returns (typed table, is_csv, problems). ``extra``:
    columns this run knows beyond the table's own (name -> kind)."""
    name = label or pathlib.Path(path).name
    raw, is_csv = read_table(path, name)
    problems = check_columns(raw, table, name, required, extra)
    typed, more = convert(raw, table, name, is_csv, extra)
    return typed, is_csv, problems + more


def read_json_text(path: pathlib.Path, name: str) -> str:
    if not path.exists():
        raise UserError([Problem(name, "file not found")], EXIT_POLICY)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError([Problem(name, f"not UTF-8 text (byte {e.start})")], EXIT_POLICY) from None
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError([Problem(name, f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}")], EXIT_POLICY) from None
    return text


def raise_errors(problems: list[Problem], exit_code: int = EXIT_INPUT) -> list[Problem]:
    """Raises UserError when any problem is an error; returns the warnings."""
    errors = [p for p in problems if not p.warning]
    if errors:
        raise UserError(problems, exit_code)
    return problems
