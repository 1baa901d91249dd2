"""Rewards: what each KOC earns, line by line and in exact integer money, with pandas at the edges.

    policy = koc.RewardPolicy.load("examples/data/reward_policy.json")
    ledger = koc.rewards(assignments, completions, policy, tasks=tasks, kocs=koc.classify(roster))
    ledger.lines                 # one row per ledger line, amounts in int64 minor units and exact Decimals
    ledger.totals_by_koc         # what to pay whom, per currency
    ledger.explain(3)            # "stepped bonus: 120,000 views ≥ 100,000 step → +300.00 CNY"

The rules, rounding (half to even, once per line), budgets and line order are those of the C++ engine
(include/koc/rewards/ledger.hpp); the policy schema is docs/reward-policy.md.
"""
from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from . import _columns, _core
from . import tables as _tables
from ._check import Check
from ._errors import detail, error, reraise_at
from ._policy_text import policy_text

#: Currency code -> number of minor-unit digits (CNY 2, JPY 0, KWD 3; "PTS" = points, 0).
CURRENCIES: dict[str, int] = dict(_core.currencies())
_CODES: tuple[str, ...] = tuple(code for code, _ in _core.currencies())
_EXPONENTS = np.array([e for _, e in _core.currencies()] + [0] * (256 - len(_CODES)), dtype=np.int64)
_NO_CURRENCY = 255
_NO_DEADLINE = np.iinfo(np.int64).max  # an empty window_end: never late
_UNRESOLVED = "?"  # currency of a completion whose assignment row is invalid


def parse_amount(text: Union[str, Decimal, int], currency: str) -> int:
    """Exact minor units of a decimal amount in major units: ``parse_amount("300.00", "CNY") == 30000``.

    Refuses signs, exponents and more fractional digits than the currency has ("1.000" CNY).
    """
    return _core.parse_amount(_amount_text(text), currency)


def _amount_text(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        text = repr(float(v))  # the shortest repr: 1500.5 reads as "1500.5", never as its binary value
        return text[:-2] if text.endswith(".0") else text
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def format_amount(minor_units: int, currency: str) -> str:
    """``format_amount(12000000, "CNY") == "120,000.00 CNY"``."""
    return _core.format_amount(int(minor_units), currency)


def display_amount(minor_units: int, currency: Optional[str]) -> str:
    """An amount for display in a report or a summary, never failing: :func:`format_amount` in a known
    currency, the bare number without one (points of identity rules), else the minor units and the code."""
    if not currency:
        return str(int(minor_units))
    try:
        return _core.format_amount(int(minor_units), currency)
    except Exception:
        return f"{int(minor_units)} {currency} (minor units)"


def to_decimal(minor_units: int, currency: str) -> Decimal:
    """Exact Decimal in major units: ``to_decimal(30005, "CNY") == Decimal("300.05")``."""
    if currency not in CURRENCIES:
        raise error("unknown_name", f"unknown currency code {currency!r}", None, "currency")
    return Decimal(int(minor_units)).scaleb(-CURRENCIES[currency])


class RewardPolicy:
    """A reward policy (schema ``koc.reward_policy/1``): rules, tier multipliers and entitlements, quality
    gates and campaign budgets (docs/reward-policy.md).

    Immutable; validated on construction (errors name the JSON path, e.g. ``rules[2].steps[1].bonus``).
    Load with :meth:`from_json` or :meth:`load`; save with :meth:`to_json` / :meth:`save`. Kept as
    canonical JSON (compact, keys sorted): equal policies compare equal. Pickles as its JSON.
    """

    __slots__ = ("_json", "_rules", "_tiers", "_parsed")

    def __init__(self, policy: Union[str, bytes, dict, os.PathLike, "RewardPolicy"]) -> None:
        text = policy._json if isinstance(policy, RewardPolicy) else policy_text(policy, "RewardPolicy")
        self._json: str = _core.reward_policy_normalise(text)
        # Parsed once here; every call into the engine passes the parsed policy.
        self._parsed = policy._parsed if isinstance(policy, RewardPolicy) else _core.ParsedRewardPolicy(self._json)
        summary = _core.reward_policy_summary(self._parsed)
        self._rules: tuple[tuple[str, str, str], ...] = tuple(tuple(r) for r in summary["rules"])
        self._tiers: tuple[tuple[str, int], ...] = tuple(tuple(t) for t in summary["tiers"])

    @classmethod
    def from_json(cls, text: str) -> "RewardPolicy":
        return cls(text)

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "RewardPolicy":
        with open(path, encoding="utf-8") as f:
            return cls(f.read())

    def to_json(self) -> str:
        return self._json

    def to_dict(self) -> dict:
        return json.loads(self._json)

    def save(self, path: Union[str, os.PathLike]) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self._json + "\n")

    @property
    def rules(self) -> tuple[str, ...]:
        """Rule ids, in policy order (the index a task's ``rule`` may also be given as)."""
        return tuple(r[0] for r in self._rules)

    @property
    def tiers(self) -> tuple[str, ...]:
        """Names of the policy's tiers (matched by name against the KOCs' tier ladder)."""
        return tuple(t[0] for t in self._tiers)

    def rule_currency(self, rule: str) -> Optional[str]:
        """Currency code of a rule (None for identity rules, which pay no amount)."""
        for rid, _, cur in self._rules:
            if rid == rule:
                return cur or None
        raise error("unknown_name", f"no rule {rule!r} in the policy{_columns.unknown_column_hint(rule, self.rules)}",
                    None, "rule")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RewardPolicy) and other._json == self._json

    def __hash__(self) -> int:
        return hash(self._json)

    def __repr__(self) -> str:
        rules = ", ".join(f"{rid}:{kind}" + (f"[{cur}]" if cur else "") for rid, kind, cur in self._rules)
        tiers = ", ".join(f"{name}x{bp / 10000:g}" for name, bp in self._tiers)
        return f"RewardPolicy(rules=[{rules}], tiers=[{tiers}])"

    def __reduce__(self):
        return (RewardPolicy, (self._json,))


RewardPolicyLike = Union[RewardPolicy, str, dict]


# ---- input tables ---------------------------------------------------------------------------------

def _names(table: Any) -> list[str]:
    return _columns.column_names(table)


def _require(table: Any, name: str, what: str) -> Any:
    names = _names(table)
    if name not in names:
        raise error("invalid_argument", f"the {what} table needs a '{name}' column"
                    f"{_columns.missing_column_hint(name, names)}", None, name)
    return _columns.get(table, name)


def _array(values: Any) -> np.ndarray:
    return values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)


def _missing(arr: np.ndarray) -> np.ndarray:
    """Rows that hold None, NaN, NaT or "" (an absent optional value)."""
    if arr.dtype.kind in "fc":
        return np.isnan(arr)
    if arr.dtype.kind in "mM":
        return np.isnat(arr)
    if arr.dtype.kind == "O":  # column-wise: None, NaN, NaT and pd.NA by pd.isna, then empty text
        missing = np.array(pd.isna(arr), dtype=bool)
        present = ~missing  # compared with "" apart: pd.NA == "" is neither true nor false
        missing[present] = np.asarray(arr[present] == "", dtype=bool)
        return missing
    return np.zeros(len(arr), dtype=bool)


def _fill(arr: np.ndarray, missing: np.ndarray) -> np.ndarray:
    return np.where(missing, 0, arr) if missing.any() else arr


def _seconds(values: Any, field: str, default: Optional[int]) -> np.ndarray:
    """Unix seconds from ints, datetimes or ISO-8601 text (koc._columns.seconds); missing -> `default`."""
    return _columns.seconds(values, field, default)


def _optional_int(values: Any, dtype: Any, field: str, default: int) -> np.ndarray:
    """Integers with missing values (None/NaN, e.g. a float column with gaps) replaced by `default`."""
    arr = _array(values)
    missing = _missing(arr)
    out = _columns.typed(_fill(arr, missing), dtype, field)
    if missing.any():
        out = out.copy()
        out[missing] = default
    return out


def _minor_units(values: Any, currencies: list[Optional[str]], field: str, default: int) -> np.ndarray:
    """Major-unit amounts (Decimal, decimal str, int, or float read by its shortest repr) to exact int64
    minor units of each row's currency; missing -> `default`."""
    arr = _array(values)
    out = np.empty(len(arr), dtype=np.int64)
    for row, (v, cur) in enumerate(zip(arr, currencies)):
        if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and np.isnan(v)) or v == "":
            out[row] = default
            continue
        if isinstance(v, (bool, np.bool_)):
            raise error("invalid_value", f"amount must be a number, not {v!r}", row, field)
        if cur is None:
            raise error("invalid_value", "an amount on a task of an identity rule (no currency)", row, field)
        if cur is _UNRESOLVED:  # the row names no valid assignment: the core reports that, not the amount
            out[row] = 0
            continue
        text = _amount_text(v)
        try:
            out[row] = _core.parse_amount(text, cur)
        except _core.Error as e:
            raise reraise_at(e, row=row, field=field, message=f"amount {text!r} in {cur}: {detail(e)}") from None
    return out


def _rule_index(values: Any, policy: RewardPolicy) -> np.ndarray:
    arr = _array(values)
    if arr.dtype.kind in "iu":
        return _columns.typed(arr, np.int32, "rule")
    index = {rid: i for i, rid in enumerate(policy.rules)}
    out = np.empty(len(arr), dtype=np.int32)
    for row, v in enumerate(arr):
        if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            out[row] = int(v)
        elif v in index:
            out[row] = index[v]
        else:
            raise error("unknown_name", f"no rule {v!r} in the policy"
                        f"{_columns.unknown_column_hint(str(v), policy.rules)}", row, "rule")
    return out


def _task_columns(tasks: Any, policy: RewardPolicy) -> tuple[dict, list[Optional[str]]]:
    _tables.check_names(tasks, "tasks", "task")
    names = _names(tasks)
    cols: dict[str, np.ndarray] = {}
    cols["task_id"] = _columns.typed(_require(tasks, "task_id", "task"), np.int64, "task_id")
    cols["rule"] = _rule_index(_require(tasks, "rule", "task"), policy)
    n_rules = len(policy.rules)
    bad = (cols["rule"] < 0) | (cols["rule"] >= n_rules)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise error("unknown_id", f"rule index {cols['rule'][row]} is not a rule of the policy", row, "rule")
    currencies = [policy._rules[r][2] or None for r in cols["rule"]]
    if "currency" in names:
        for row, (given, cur) in enumerate(zip(_array(_columns.get(tasks, "currency")), currencies)):
            if given is None or (isinstance(given, float) and np.isnan(given)):
                continue
            if given not in CURRENCIES:
                raise error("unknown_name", f"unknown currency code {given!r}"
                            f"{_columns.unknown_column_hint(str(given), list(CURRENCIES))}", row, "currency")
            if given != cur:
                raise error("invalid_value", f"the task's rule pays in {cur or 'no currency'}, not {given}", row, "currency")
    if "campaign_id" in names:
        cols["campaign_id"] = _optional_int(_columns.get(tasks, "campaign_id"), np.int64, "campaign_id", -1)
    if "window_start" in names:
        cols["window_start"] = _seconds(_columns.get(tasks, "window_start"), "window_start", 0)
    if "window_end" in names:
        cols["window_end"] = _seconds(_columns.get(tasks, "window_end"), "window_end", _NO_DEADLINE)
    if "period_days" in names:
        cols["period_days"] = _optional_int(_columns.get(tasks, "period_days"), np.int32, "period_days", 0)
    if "budget" in names:
        cols["budget"] = _minor_units(_columns.get(tasks, "budget"), currencies, "budget", -1)
    elif "budget_minor" in names:
        cols["budget"] = _optional_int(_columns.get(tasks, "budget_minor"), np.int64, "budget_minor", -1)
    return cols, currencies


def _completion_columns(completions: Any, a_koc: np.ndarray, a_task: np.ndarray, task_cols: dict,
                        task_currency: list[Optional[str]]) -> dict:
    _tables.check_names(completions, "completions", "completion")
    names = _names(completions)
    cols: dict[str, np.ndarray] = {}
    if "assignment" in names:
        cols["assignment"] = _columns.typed(_columns.get(completions, "assignment"), np.int64, "assignment")
    else:
        c_koc = _columns.typed(_require(completions, "koc_id", "completion"), np.int64, "koc_id")
        c_task = _columns.typed(_require(completions, "task_id", "completion"), np.int64, "task_id")
        pairs = pd.MultiIndex.from_arrays([a_koc, a_task])
        if not pairs.is_unique:
            row = int(np.flatnonzero(pairs.duplicated())[0])
            raise error("duplicate_id", f"KOC {a_koc[row]} is assigned task {a_task[row]} twice, so completions cannot name "
                        "the assignment by (koc_id, task_id): give an 'assignment' column", row, "task_id")
        found = pairs.get_indexer(pd.MultiIndex.from_arrays([c_koc, c_task])) if len(c_koc) else np.zeros(0, np.int64)
        if (found < 0).any():
            row = int(np.flatnonzero(found < 0)[0])
            raise error("unknown_id", f"KOC {c_koc[row]} was not assigned task {c_task[row]}", row, "task_id")
        cols["assignment"] = found.astype(np.int64)
    n = len(cols["assignment"])
    cols["delivered_at"] = _seconds(_require(completions, "delivered_at", "completion"), "delivered_at", None)
    if "accepted" in names:
        acc = _array(_columns.get(completions, "accepted"))
        if acc.dtype.kind == "O" and len(acc) and all(isinstance(v, (bool, np.bool_)) for v in acc):
            acc = acc.astype(bool)
        cols["accepted"] = _columns.typed(acc, np.uint8, "accepted")
    else:
        cols["accepted"] = np.ones(n, dtype=np.uint8)
    for name in ("quality", "duty_fulfilment"):
        if name in names:
            cols[name] = _columns.typed(_columns.get(completions, name), np.float64, name)
    for name in ("views", "interactions"):
        if name in names:
            cols[name] = _columns.typed(_columns.get(completions, name), np.int64, name)
    for name in ("days_served", "days_on_site"):
        if name in names:
            cols[name] = _columns.typed(_columns.get(completions, name), np.int32, name)
    if "travel_claimed" in names:
        # Each completion's currency is its task's: resolve through the assignment (unknown rows -> the core's error).
        task_row = {int(t): r for r, t in enumerate(task_cols["task_id"])}
        asg = cols["assignment"]
        cur = [task_currency[task_row[int(a_task[a])]] if 0 <= a < len(a_task) and int(a_task[a]) in task_row
               else _UNRESOLVED for a in asg]
        cols["travel_claimed"] = _minor_units(_columns.get(completions, "travel_claimed"), cur, "travel_claimed", 0)
    elif "travel_claimed_minor" in names:
        cols["travel_claimed"] = _columns.typed(_columns.get(completions, "travel_claimed_minor"), np.int64,
                                                "travel_claimed_minor")
    return cols


def _koc_columns(kocs: Any, a_koc: np.ndarray, policy: RewardPolicy) -> tuple[dict, list[str]]:
    if kocs is None:
        return {"koc_id": pd.unique(a_koc).astype(np.int64)}, []
    cols: dict[str, np.ndarray] = {"koc_id": _columns.typed(_require(kocs, "koc_id", "KOC"), np.int64, "koc_id")}
    if "tier" not in _names(kocs):
        return cols, []
    values = _columns.get(kocs, "tier")
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        # koc.classify's tier column: its categories are the tier ladder.
        cat = values.cat if isinstance(values, pd.Series) else pd.Series(values).cat
        cols["tier"] = cat.codes.to_numpy().astype(np.int32)
        return cols, [str(c) for c in cat.categories]
    arr = _array(values)
    ladder = list(policy.tiers)
    if arr.dtype.kind in "iu":
        cols["tier"] = _columns.typed(arr, np.int32, "tier")
        return cols, ladder
    index = {name: i for i, name in enumerate(ladder)}
    missing = _missing(arr)
    out = np.full(len(arr), -1, dtype=np.int32)
    for row, v in enumerate(arr):
        if missing[row]:
            continue
        if isinstance(v, (int, np.integer, float, np.floating)) and not isinstance(v, (bool, np.bool_)):
            if float(v) != int(v):
                raise error("invalid_value", f"tier index must be a whole number, got {v!r}", row, "tier")
            out[row] = int(v)
        elif v in index:
            out[row] = index[v]
        else:
            raise error("unknown_name", f"unknown tier {v!r} (policy tiers: {', '.join(ladder) or 'none'})"
                        f"{_columns.unknown_column_hint(str(v), ladder)}", row, "tier")
    cols["tier"] = out
    return cols, ladder


# ---- the ledger -----------------------------------------------------------------------------------

def _decimals(amount: np.ndarray, currency: np.ndarray) -> np.ndarray:
    """Exact Decimals in major units, column-wise (one scaleb per value; no float ever involved)."""
    out = np.empty(len(amount), dtype=object)
    exps = _EXPONENTS[currency.astype(np.int64)]
    for e in np.unique(exps):
        rows = np.flatnonzero(exps == e)
        out[rows] = [Decimal(int(v)).scaleb(-int(e)) for v in amount[rows]]
    return out


def _currency_labels(currency: np.ndarray) -> pd.Categorical:
    used = np.unique(currency[currency != _NO_CURRENCY])
    remap = np.full(256, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return pd.Categorical.from_codes(remap[currency.astype(np.int64)], categories=[_CODES[c] for c in used])


_KINDS: tuple[str, ...] = tuple(_core.line_kinds())
_SETTLED_COLUMNS = ("koc_id", "task_id", "campaign_id", "rule", "kind", "currency", "amount", "aux")


def _settled_columns(settled: Any) -> tuple[dict, list[str]]:
    """The lines earlier runs paid, as the engine's settled columns and rule names.

    ``settled``: a :class:`Ledger`, a table of ledger lines (``Ledger.lines``, or ledger.csv read back), or a
    list of them (concatenated in order). The row of an error is the row in that concatenation."""
    parts = list(settled) if isinstance(settled, (list, tuple)) else [settled]
    frames = [p.lines if isinstance(p, Ledger) else p for p in parts]
    cols: dict[str, list[np.ndarray]] = {c: [] for c in _SETTLED_COLUMNS}
    for f in frames:
        names = _names(f)
        for c in _SETTLED_COLUMNS:
            if c not in names:
                raise error("invalid_argument", f"the settled table needs a '{c}' column (the ledger lines of earlier "
                            f"runs, as Ledger.lines gives them){_columns.missing_column_hint(c, names)}", None,
                            f"settled.{c}")
            cols[c].append(_array(_columns.get(f, c)))
    joined = {c: (np.concatenate(v) if v else np.empty(0)) for c, v in cols.items()}
    out: dict[str, np.ndarray] = {}
    for c in ("koc_id", "task_id", "campaign_id", "amount", "aux"):
        out[c] = _optional_int(joined[c], np.int64, f"settled.{c}", -1 if c.endswith("_id") else 0)
    # Text columns, column-wise: rule ids (missing = no rule), kind names, currency codes (missing = none).
    n = len(out["amount"])
    rule_text = pd.Series(joined["rule"], dtype=object)
    missing_rule = _missing(rule_text.to_numpy())
    codes, uniques = pd.factorize(rule_text.where(~missing_rule).astype(object))
    rule_names: list[str] = [str(u) for u in uniques]
    rule = np.where(missing_rule, -1, codes).astype(np.int32)
    kind_codes = pd.Index(list(_KINDS)).get_indexer(pd.Series(joined["kind"], dtype=object).astype(str))
    if (kind_codes < 0).any():
        row = int(np.flatnonzero(kind_codes < 0)[0])
        raise error("invalid_value", f"{joined['kind'][row]!r} is not a ledger line kind (one of {', '.join(_KINDS)})",
                    row, "settled.kind")
    kind = kind_codes.astype(np.uint8)
    cur_text = pd.Series(joined["currency"], dtype=object)
    missing_cur = _missing(cur_text.to_numpy())
    cur_codes = pd.Index(list(_CODES)).get_indexer(cur_text.where(~missing_cur, "").astype(str))
    unknown = (cur_codes < 0) & ~missing_cur
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise error("unknown_name", f"{joined['currency'][row]!r} is not a currency code koc knows", row,
                    "settled.currency")
    currency = np.where(missing_cur, _NO_CURRENCY, cur_codes).astype(np.uint8) if n else np.zeros(0, np.uint8)
    out.update(rule=rule, kind=kind, currency=currency)
    return out, rule_names


class Ledger:
    """The rewards ledger of :func:`rewards`.

    ``lines``: one row per line (order: completions in row order, then campaign awards and prizes, tier
    entitlements and KOCs without completions, tasks without completions, budget cuts), columns
    ``koc_id`` (-1 on a task's no_completion line), ``task_id`` (-1 on tier entitlements and a KOC's
    no_completion line), ``campaign_id`` (-1 none), ``completion`` (row of the completions, -1 none),
    ``rule`` (rule id, or ``tier:<name>`` for tier entitlements), ``kind`` (fixed, speed_bonus, base,
    process_award, prize, retainer, creation_fee, step_bonus, day_fee, travel, entitlement, cap_cut,
    budget_cut, no_reward), ``reason`` (none, rejected, late, nothing_due, no_completion), ``currency``
    (code; NaN on entitlement and no_reward lines), ``amount`` (int64 minor units; negative only on
    cap_cut and budget_cut lines), ``amount_decimal`` (exact :class:`decimal.Decimal` in major units),
    ``gross`` (before gates, tier and rounding), ``gate_bp`` and ``tier_bp`` (10000 = x1), ``basis`` (the
    quantity behind the line: views, days, rank, budget...) and ``aux`` (rule-specific detail: the step
    index of a step bonus, the place of a prize...), ``run_id`` (the run that wrote the line), and
    ``explanation`` when computed with ``explain=True``.
    ``reason`` ``settled`` marks a completion whose every line an earlier run paid (``rewards(settled=...)``).

    ``totals_by_koc`` / ``_task`` / ``_campaign``: per (id, currency): ``amount``, ``amount_decimal`` and
    ``cut`` (what cap and budget cuts took back, >= 0, minor units). ``totals_by_currency``: per currency.
    Lines without a currency, and lines whose id is -1, are left out of the totals.
    """

    def __init__(self, raw: dict, koc_ids: Optional["_TextIds"] = None, task_ids: Optional["_TextIds"] = None) -> None:
        self._raw = raw
        self._state = raw["state"]
        self._lines: Optional[pd.DataFrame] = None
        self._totals: dict[str, pd.DataFrame] = {}
        # Text ids (see _TextIds): code i is labels[i]; None when the caller's ids are integers.
        self._kocs = koc_ids if koc_ids is not None else _TextIds("koc_id", [])
        self._tasks = task_ids if task_ids is not None else _TextIds("task_id", [])

    @staticmethod
    def _as_given(codes: np.ndarray, ids: "_TextIds") -> Any:
        """Ids as the caller gave them: the codes themselves, or the text ids (None for -1, none)."""
        if ids.labels is None:
            return codes
        codes = np.asarray(codes, dtype=np.int64)
        table = np.append(np.asarray(ids.labels, dtype=object), None)
        return table[np.where(codes >= 0, codes, len(ids.labels))]

    def _koc_ids(self, codes: np.ndarray) -> Any:
        return self._as_given(codes, self._kocs)

    def _task_ids(self, codes: np.ndarray) -> Any:
        return self._as_given(codes, self._tasks)

    def __len__(self) -> int:
        return len(self._raw["amount"])

    def __repr__(self) -> str:
        by_cur = ", ".join(f"{c}={format_amount(a, c)}" for c, a in zip(self.totals_by_currency["currency"],
                                                                     self.totals_by_currency["amount"]))
        return f"Ledger({len(self)} lines; {by_cur or 'nothing paid'})"

    @property
    def provenance(self) -> dict[str, str]:
        """What this ledger was computed from, for audit and replay: ``run_id`` (the caller's), ``koc_version``
        and ``policy_sha256`` (SHA-256 of the reward policy's canonical JSON: keys sorted, compact)."""
        r = self._raw
        return {"run_id": r["run_ids"][0] if r["run_ids"] else "", "koc_version": r["koc_version"],
                "policy_sha256": r["policy_digest"]}

    @property
    def rule_names(self) -> tuple[str, ...]:
        return tuple(self._raw["rule_names"])

    @property
    def lines(self) -> pd.DataFrame:
        if self._lines is None:
            r = self._raw
            rule = r["rule"]
            out: dict[str, Any] = {
                "koc_id": self._koc_ids(r["koc_id"]), "task_id": self._task_ids(r["task_id"]), "campaign_id": r["campaign_id"],
                "completion": r["completion"],
                "rule": pd.Categorical.from_codes(rule.astype(np.int64), categories=list(r["rule_names"])),
                "kind": pd.Categorical.from_codes(r["kind"].astype(np.int64), categories=list(r["kinds"])),
                "reason": pd.Categorical.from_codes(r["reason"].astype(np.int64), categories=list(r["reasons"])),
                "currency": _currency_labels(r["currency"]),
                "amount": r["amount"],
                "amount_decimal": _decimals(r["amount"], r["currency"]),
                "gross": r["gross"], "gate_bp": r["gate_bp"], "tier_bp": r["tier_bp"],
                "basis": r["basis"], "aux": r["aux"],
                "run_id": pd.Categorical.from_codes(
                    r["run"].astype(np.int64) if len(r["run"]) else np.zeros(len(r["amount"]), np.int64),
                    categories=list(r["run_ids"])),
            }
            if r["explanation"] is not None:
                out["explanation"] = np.asarray([self._say(x) for x in r["explanation"]], dtype=object) \
                    if self._tasks.labels is not None or self._kocs.labels is not None else np.asarray(r["explanation"], dtype=object)
            self._lines = pd.DataFrame(out)
        return self._lines

    def _group(self, key: str, id_name: Optional[str]) -> pd.DataFrame:
        if key not in self._totals:
            g = self._raw[key]
            out: dict[str, Any] = {}
            if id_name is not None:
                out[id_name] = self._koc_ids(g["id"]) if id_name == "koc_id" else \
                    self._task_ids(g["id"]) if id_name == "task_id" else g["id"]
            out["currency"] = np.asarray([_CODES[c] for c in g["currency"]], dtype=object)
            out["amount"] = g["amount"]
            out["amount_decimal"] = _decimals(g["amount"], g["currency"])
            out["cut"] = g["cut"]
            self._totals[key] = pd.DataFrame(out)
        return self._totals[key]

    @property
    def totals_by_koc(self) -> pd.DataFrame:
        return self._group("per_koc", "koc_id")

    @property
    def totals_by_task(self) -> pd.DataFrame:
        return self._group("per_task", "task_id")

    @property
    def totals_by_campaign(self) -> pd.DataFrame:
        return self._group("per_campaign", "campaign_id")

    @property
    def totals_by_currency(self) -> pd.DataFrame:
        return self._group("per_currency", None)

    def explain(self, line: int) -> str:
        """The readable sentence of one line (built on demand unless computed with ``explain=True``)."""
        return self._say(self._state.explain(int(line)))

    def _say(self, text: str) -> str:
        return _say_ids(text, self._kocs, self._tasks) if self._kocs.labels is not None or self._tasks.labels is not None else text

    def verify(self) -> Check:
        """Re-checks the ledger against its inputs without recomputing it (coverage, signs, rounding, prize
        sums, caps, budgets): a :class:`koc.Check`, truthy only when it holds (else ``.message`` names the
        first violation)."""
        return Check(*self._state.verify())


def _award_columns(awards: Any) -> dict:
    """The awards table (campaign_id, award, koc_id, optional rule) as the engine's columns."""
    names = _names(awards)
    for c in ("campaign_id", "award", "koc_id"):
        if c not in names:
            raise error("invalid_argument", f"the awards table needs a '{c}' column (one row per campaign, award and "
                        f"winning KOC){_columns.missing_column_hint(c, names)}", None, f"awards.{c}")

    def text(c: str) -> list[str]:
        vals = np.asarray(_array(_columns.get(awards, c)), dtype=object)
        missing = _missing(vals)
        return ["" if m else str(v) for v, m in zip(vals, missing)]

    out: dict[str, Any] = {
        "campaign_id": _columns.typed(_array(_columns.get(awards, "campaign_id")), np.int64, "awards.campaign_id"),
        "koc_id": _columns.typed(_array(_columns.get(awards, "koc_id")), np.int64, "awards.koc_id"),
        "award": text("award"),
    }
    if "rule" in names:
        out["rule"] = text("rule")
    return out


def holds_text_ids(values: Any) -> bool:
    """Whether an id column holds a text id, one that is not a whole number ("KOC-1"; "100002" read from a
    CSV is a number): then :func:`rewards` maps that id column as text (:class:`_TextIds`)."""
    arr = np.asarray(_array(values))
    if not (arr.dtype == object or arr.dtype.kind in "USO"):
        return False
    return any(isinstance(v, str) and not v.strip().lstrip("-").isdigit() and v.strip() != "" for v in arr)


class _TextIds:
    """Text ids (what CRM exports hold: "KOC-100001", "T-2026-07") in one id column (``koc_id`` or
    ``task_id``) across every table rewards reads, as the engine's integer codes: the distinct ids sorted as
    text get 0, 1, ... (so every tie the engine breaks by the lower id goes to the id first in text order).
    Integer ids pass through unchanged. ``text``: map the ids as text even when every id of these tables is
    a whole number (a part of a ledger whose other parts hold text ids, as the Dask and Spark fronts compute)."""

    def __init__(self, column: str, tables: list[tuple[Any, str]], text: bool = False) -> None:
        self.column = column
        self.labels: Optional[np.ndarray] = None
        columns = []
        for table, field in tables:
            if table is not None and column in _names(table):
                columns.append((np.asarray(_array(_columns.get(table, column))), field))
        if not text and not any(holds_text_ids(c) for c, _ in columns):
            return
        values = [v for c, _ in columns for v in c if not (v is None or (isinstance(v, float) and np.isnan(v)) or v == -1)]
        self.labels = np.asarray(sorted(set(values), key=lambda v: (str(v), type(v).__name__)), dtype=object)
        self._lookup = {v: i for i, v in enumerate(self.labels)}

    def recode(self, table: Any) -> Any:
        """The table with its id column as codes (missing or -1: -1); the table itself for integer ids."""
        if self.labels is None or table is None or self.column not in _names(table):
            return table
        vals = np.asarray(_array(_columns.get(table, self.column)), dtype=object)
        codes = np.array([-1 if v is None or (isinstance(v, float) and np.isnan(v)) or v == -1 else self._lookup[v]
                          for v in vals], dtype=np.int64)
        if isinstance(table, pd.DataFrame):
            return table.assign(**{self.column: codes})
        return {**dict(table), self.column: codes}

    def label(self, code: int) -> Any:
        return code if self.labels is None or not 0 <= code < len(self.labels) else self.labels[code]


def _say_ids(text: str, kocs: _TextIds, tasks: _TextIds) -> str:
    """An engine message or explanation with the caller's text ids in place of the engine's codes."""
    def name(noun: str, ids: _TextIds) -> Any:
        def sub(m: "re.Match") -> str:
            code = int(m.group(2))
            if ids.labels is None or code >= len(ids.labels):
                return m.group(0)
            v = ids.labels[code]
            return f"{m.group(1)}{v!r}" if isinstance(v, str) else f"{m.group(1)}{int(v)}"
        return sub
    if kocs.labels is not None:
        text = re.sub(r"(KOC (?:id )?|award winner )(\d+)", name("KOC", kocs), text)
    if tasks.labels is not None:
        text = re.sub(r"((?<!row )task (?:id )?)(\d+)", name("task", tasks), text)
    return text


def validate_rewards(completions: Any, policy: RewardPolicyLike, *, tasks: Any, assignments: Any = None, kocs: Any = None,
                     limit: int = 100) -> pd.DataFrame:
    """Every problem that would stop :func:`rewards` reading the tasks, completions and KOCs, not only the
    first: one row per problem (at most ``limit``), in the order rewards meets them, with ``table``
    ("tasks", "completions", "kocs" or "assignments"), ``row`` (0-based, -1 for a whole column), ``field``,
    ``code`` (the :class:`koc.Error` code) and ``message``. Empty when rewards accepts them. Arguments as
    for :func:`rewards`; without ``assignments``, each completion's (koc_id, task_id) is taken as assigned,
    so that the completions' own values are checked before the matching has run. A column that cannot be
    read at all (text in a number column, a rule the policy does not have) is one problem."""
    if int(limit) < 1:
        raise ValueError("limit must be at least 1")
    pol = policy if isinstance(policy, RewardPolicy) else RewardPolicy(policy)
    table = "completions"
    try:
        if assignments is None:
            _require(completions, "koc_id", "completion")
            _require(completions, "task_id", "completion")
            pairs = pd.DataFrame({"koc_id": pd.Series(_array(_columns.get(completions, "koc_id")), dtype=object),
                                  "task_id": pd.Series(_array(_columns.get(completions, "task_id")), dtype=object)})
            assignments = pairs.drop_duplicates().reset_index(drop=True)
        # Text KOC and task ids as rewards() maps them.
        ids = _TextIds("koc_id", [(assignments, "koc_id"), (completions, "koc_id"), (kocs, "koc_id")])
        task_ids = _TextIds("task_id", [(tasks, "task_id"), (assignments, "task_id"), (completions, "task_id")])
        tasks, assignments, completions, kocs = (task_ids.recode(ids.recode(t)) for t in (tasks, assignments, completions, kocs))
        table = "tasks"
        task_cols, task_currency = _task_columns(tasks, pol)
        table = "assignments"
        a_koc = _columns.typed(_require(assignments, "koc_id", "assignment"), np.int64, "koc_id")
        a_task = _columns.typed(_require(assignments, "task_id", "assignment"), np.int64, "task_id")
        table = "completions"
        done = _completion_columns(completions, a_koc, a_task, task_cols, task_currency)
        table = "kocs"
        koc_cols, ladder = _koc_columns(kocs, a_koc, pol)
        table = ""
        found = _core.reward_input_problems(pol._parsed, task_cols, {"koc_id": a_koc, "task_id": a_task}, done, koc_cols,
                                            ladder, int(limit))
    except _core.Error as e:
        found = [(e.code, -1 if e.row is None else e.row, (table + "." if table else "") + (e.field or ""), detail(e))]
    where = [f[2].split(".", 1) if f[2].split(".", 1)[0] in ("tasks", "completions", "kocs", "assignments")
             else ["completions", f[2]] for f in found]
    text = lambda values: pd.Series(values, dtype=object)  # noqa: E731 (text columns keep the object dtype)
    return pd.DataFrame({"table": text([w[0] for w in where]), "row": np.array([f[1] for f in found], dtype=np.int64),
                         "field": text([w[1] for w in where]), "code": text([f[0] for f in found]),
                         "message": text([f[3] for f in found])})


def rewards(assignments: Any, completions: Any, policy: RewardPolicyLike, *, tasks: Any, kocs: Any = None,
            explain: bool = False, settled: Any = None, awards: Any = None, run_id: str = "") -> Ledger:
    """Computes the rewards ledger: what each KOC earns for each completed assignment, line by line.

    Tables are pandas DataFrames or dicts of 1-D arrays. Campaign ids are integers (>= 0); KOC and task ids
    are integers (>= 0) or text ("KOC-100001", "T-2026-07", as CRM exports hold them), kept as given in the
    result, its explanations and its errors (text ids are ordered as text wherever the engine breaks a tie by
    id). Times are unix seconds
    (int), datetimes or ISO-8601 text (naive = UTC; offsets honoured). Money inputs are major units (Decimal, decimal string, int, or a float
    read by its shortest repr: 1500.5 means "1500.5") in the currency of the task's rule, converted
    exactly; ``*_minor`` variants take int minor units instead.

    tasks (one row per task): ``task_id``; ``rule`` (rule id of the policy, or its index); optional
        ``campaign_id`` (missing = none; required for campaign rules), ``window_start`` (for within-hours
        speed bonuses), ``window_end`` (the deadline: work delivered after it is late; missing = none),
        ``period_days`` (retainer rules; missing or 0 = the rule's calendar month, quarter or year that
        contains ``window_start``), ``budget`` or ``budget_minor`` (missing = none), ``currency``
        (checked against the rule's currency). The same table :func:`koc.match` reads; its other columns
        are ignored here, but a column koc does not read that looks meant for it (``deadline``, a
        misspelling) is refused with the name to use.
    assignments: ``koc_id``, ``task_id``.
    completions (one row per completed assignment): ``koc_id`` and ``task_id`` of the assignment (or
        ``assignment``, its row in ``assignments``); ``delivered_at``; optional ``accepted`` (bool,
        default True), ``quality`` and ``duty_fulfilment`` (in [0, 1], default 1), ``views``,
        ``interactions``, ``days_served``, ``days_on_site`` (default 0), ``travel_claimed`` or
        ``travel_claimed_minor`` (default 0).
    kocs: ``koc_id`` and optional ``tier``: tier names of the policy, a categorical whose categories are
        the ladder (the ``tier`` column of :func:`koc.classify`), or ladder indices; missing = no tier
        (x1). Default: every KOC of the assignments, without tier.
    explain: build every line's explanation now (``lines['explanation']``); otherwise :meth:`Ledger.explain`
        builds one on demand.
    settled: what earlier runs paid: their :class:`Ledger` objects or ledger line tables (``Ledger.lines``,
        or ledger.csv read back), one or a list, oldest first. The result then holds only what is new: a
        (KOC, task, line, step) an earlier run paid is not paid again (its completion gets a no_reward line
        ``settled`` when nothing else is due), per-KOC caps and budgets count what earlier runs paid, speed
        places go on from those given, and a campaign judged earlier pays no prize or award again. The
        completions may be all work to date (metrics grown since) or only the new work. The settlement
        state after this run is ``settled`` plus this ledger (see docs/state-tables.md).
    awards: the process-award winners of each campaign, the jury's decision as data: ``campaign_id``,
        ``award`` (the award's name in the rule), ``koc_id``, and ``rule`` when two campaign rules of one
        campaign have an award of that name. Each winner must have an accepted completion in that campaign.
        With a table, the policy's process awards list no winners.
    run_id: the caller's name for this run ("2026-06"), written on every line (``run_id`` column) and in
        :attr:`Ledger.provenance` with koc's version and the policy's SHA-256.

    Invalid input raises a :class:`koc.Error` subclass naming the row and the column.
    """
    return _ledger(assignments, completions, policy, tasks=tasks, kocs=kocs, explain=explain, settled=settled,
                   awards=awards, run_id=run_id)


def settled_lines(settled: Any) -> Optional[list]:
    """``rewards``'s ``settled`` argument as a list of line tables (None for none)."""
    if settled is None:
        return None
    return [p.lines if isinstance(p, Ledger) else p for p in (settled if isinstance(settled, (list, tuple)) else [settled])]


def _no_policy_winners(policy: RewardPolicy, tasks: Any) -> None:
    """A policy names process-award winners by integer KOC id; with text KOC ids none of them can be meant
    (and the engine would read the number as one of its own codes): refused, naming the winner's path, for
    the rules a task uses (the engine ignores the winners of the others)."""
    if '"winners"' not in policy.to_json():  # the common case: no winner named in the policy
        return
    used: set = set()
    if tasks is not None and "rule" in _names(tasks):
        for v in np.asarray(_array(_columns.get(tasks, "rule")), dtype=object):
            if isinstance(v, (int, np.integer)) and 0 <= int(v) < len(policy.rules):
                used.add(policy.rules[int(v)])
            elif isinstance(v, str):
                used.add(v)
    for i, r in enumerate(policy.to_dict()["rules"]):
        for a, award in enumerate(r.get("process_awards", [])):
            if award.get("winners") and r["id"] in used:
                raise error("invalid_argument", f"rule '{r['id']}' names process-award winners by integer id, but this "
                            "ledger's KOC ids are text: give the winners as an awards table (awards=, with "
                            "campaign_id, award, koc_id)", None, f"rules[{i}].process_awards[{a}].winners")


def _ledger(assignments: Any, completions: Any, policy: RewardPolicyLike, *, tasks: Any, kocs: Any = None,
            explain: bool = False, settled: Any = None, awards: Any = None, run_id: str = "",
            text_ids: tuple[bool, bool] = (False, False)) -> Ledger:
    """:func:`rewards`; ``text_ids`` = (KOC ids, task ids) mapped as text whatever these tables hold (see
    :class:`_TextIds`): the Dask and Spark fronts compute each part of a ledger with the choice the whole
    ledger's ids make, so that every part maps its ids in the same text order."""
    pol = policy if isinstance(policy, RewardPolicy) else RewardPolicy(policy)
    _require(assignments, "koc_id", "assignment")
    settled = settled_lines(settled)  # ledgers of earlier runs as their lines (text ids as given)
    ids = _TextIds("koc_id", [(assignments, "koc_id"), (completions, "koc_id"), (kocs, "koc_id"), (awards, "awards.koc_id")]
                   + [(p, "settled.koc_id") for p in (settled or [])], text=text_ids[0])
    task_ids = _TextIds("task_id", [(tasks, "task_id"), (assignments, "task_id"), (completions, "task_id")]
                        + [(p, "settled.task_id") for p in (settled or [])], text=text_ids[1])
    if ids.labels is not None:
        _no_policy_winners(pol, tasks)
    tasks, assignments, completions, kocs, awards = (task_ids.recode(ids.recode(t)) for t in (tasks, assignments, completions, kocs, awards))
    if settled is not None:
        settled = [task_ids.recode(ids.recode(p)) for p in settled]
    task_cols, task_currency = _task_columns(tasks, pol)
    a_koc = _columns.typed(_require(assignments, "koc_id", "assignment"), np.int64, "koc_id")
    a_task = _columns.typed(_require(assignments, "task_id", "assignment"), np.int64, "task_id")
    if len(a_koc) != len(a_task):
        raise error("length_mismatch", "assignment columns differ in length", None, "task_id")
    done = _completion_columns(completions, a_koc, a_task, task_cols, task_currency)
    koc_cols, ladder = _koc_columns(kocs, a_koc, pol)
    settled_cols, settled_rules = _settled_columns(settled) if settled is not None else ({}, [])
    try:
        raw = _core.compute_ledger(pol._parsed, task_cols, {"koc_id": a_koc, "task_id": a_task}, done, koc_cols,
                                   ladder, bool(explain), settled_cols, settled_rules,
                                   None if awards is None else _award_columns(awards), str(run_id))
    except _core.Error as e:
        if ids.labels is None and task_ids.labels is None:
            raise
        # The engine names KOCs and tasks by their codes: say the caller's ids.
        raise error(e.code, _say_ids(detail(e), ids, task_ids), e.row, e.field) from None
    return Ledger(raw, ids, task_ids)


_NO_EXPIRY = np.iinfo(np.int64).max


def points_balances(lots: Any, policy: RewardPolicyLike, as_of: Any, *, redemptions: Any = None) -> pd.DataFrame:
    """What each KOC holds in points as of a date, after expiry and redemptions, exactly.

    lots: the points a programme paid, dated: ledger lines (``Ledger.lines`` of several runs, or ledger.csv
    read back) with an ``earned_at`` column added, the date of the run that paid them (unix seconds,
    datetimes or ISO-8601 text). Only rows in points are read (``currency`` PTS, when the column is there);
    cut lines are netted with what they cut (same KOC and ``earned_at``).
    redemptions: optional table of what KOCs spent: ``koc_id``, ``amount`` (points, > 0), ``at``.
    Expiry follows the policy's ``points`` section (``expire_after_days`` after earned_at, or ``expire_on``).
    Redemptions spend the lot that expires first; one larger than what the KOC holds then is an error.
    Returns one row per KOC, ascending ``koc_id``: ``earned``, ``expired``, ``redeemed``, ``balance``
    (earned = expired + redeemed + balance), ``next_expiry_at`` (UTC datetime, NaT = never) and
    ``next_expiry_amount``. The rules are koc::points_balances' (include/koc/rewards/points.hpp).
    """
    pol = policy if isinstance(policy, RewardPolicy) else RewardPolicy(policy)
    ids = _TextIds("koc_id", [(lots, "lots.koc_id"), (redemptions, "redemptions.koc_id")])  # text ids as in rewards()
    lots, redemptions = ids.recode(lots), ids.recode(redemptions)
    names = _names(lots)
    for c in ("koc_id", "amount", "earned_at"):
        if c not in names:
            raise error("invalid_argument", f"the points lots need a '{c}' column"
                        f"{_columns.missing_column_hint(c, names)}", None, f"lots.{c}")
    keep = np.ones(_columns.n_rows(lots), dtype=bool)
    if "currency" in names:
        keep = np.asarray(_array(_columns.get(lots, "currency")).astype(object) == "PTS", dtype=bool)
    rows = np.flatnonzero(keep)
    koc_id = _columns.typed(_array(_columns.get(lots, "koc_id"))[rows], np.int64, "lots.koc_id")
    amount = _columns.typed(_array(_columns.get(lots, "amount"))[rows], np.int64, "lots.amount")
    earned_at = _seconds(_array(_columns.get(lots, "earned_at"))[rows], "lots.earned_at", None)
    if redemptions is None:
        r_koc = r_amount = r_at = np.zeros(0, np.int64)
    else:
        rn = _names(redemptions)
        for c in ("koc_id", "amount", "at"):
            if c not in rn:
                raise error("invalid_argument", f"the redemptions need a '{c}' column"
                            f"{_columns.missing_column_hint(c, rn)}", None, f"redemptions.{c}")
        r_koc = _columns.typed(_columns.get(redemptions, "koc_id"), np.int64, "redemptions.koc_id")
        r_amount = _columns.typed(_columns.get(redemptions, "amount"), np.int64, "redemptions.amount")
        r_at = _seconds(_columns.get(redemptions, "at"), "redemptions.at", None)
    when = int(_seconds(np.asarray([as_of], dtype=object), "as_of", None)[0])
    try:
        d = _core.points_balances(pol._parsed, koc_id, amount, earned_at, r_koc, r_amount, r_at, when)
    except _core.Error as e:
        if e.field and e.field.startswith("lots.") and e.row is not None and e.row >= 0:
            raise reraise_at(e, row=int(rows[e.row])) from None  # the row of the table given, not of its points rows
        raise
    nxt = d["next_expiry_at"]
    at = pd.to_datetime(np.where(nxt == _NO_EXPIRY, 0, nxt), unit="s", utc=True)
    out = pd.DataFrame({k: d[k] for k in ("koc_id", "earned", "expired", "redeemed", "balance")})
    if ids.labels is not None:
        out["koc_id"] = ids.labels[out["koc_id"].to_numpy()]
    out["next_expiry_at"] = pd.Series(at, index=out.index).where(nxt != _NO_EXPIRY)
    out["next_expiry_amount"] = d["next_expiry_amount"]
    return out

