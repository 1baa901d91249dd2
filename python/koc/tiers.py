"""Tier classification: policies, classify, explain and what-if, with pandas at the edges."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _columns, _core
from . import tables as _tables
from ._errors import detail, error, reraise_at
from ._policy_text import policy_text

METRICS: tuple[str, ...] = tuple(_core.metric_names())
_TRANSITIONS = tuple(_core.tier_transition_names())
_FLAGS = ("honorary", "invited", "clearance")


class TierPolicy:
    """A tier policy (schema ``koc.tier_policy/1``): ladder, weights, normalisations, gates, hysteresis.

    Immutable; validated on construction. Load with :meth:`from_json`, :meth:`load` or :meth:`default`;
    save with :meth:`to_json` / :meth:`save`. Pickles as its JSON.
    """

    __slots__ = ("_json", "_ladder", "_parsed")

    def __init__(self, policy: Union[str, bytes, dict, os.PathLike, "TierPolicy"]) -> None:
        # Parsed and validated once here; every call into the engine passes the parsed policy.
        self._parsed = policy._parsed if isinstance(policy, TierPolicy) else \
            _core.ParsedTierPolicy(policy_text(policy, "TierPolicy"))
        self._json: str = self._parsed.to_json()
        self._ladder: tuple[str, ...] = tuple(self._parsed.ladder)

    @classmethod
    def default(cls) -> "TierPolicy":
        """entry < active < core < ambassador, honorary floor 'active' (see koc/tiers/policy.hpp)."""
        return cls(_core.default_tier_policy_json())

    @classmethod
    def from_json(cls, text: str) -> "TierPolicy":
        return cls(text)

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "TierPolicy":
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
    def tiers(self) -> tuple[str, ...]:
        """Ladder names, lowest first."""
        return self._ladder

    @property
    def metrics_used(self) -> tuple[str, ...]:
        """The metrics the policy reads (in its score, even at weight 0, its gates or its honorary rule): the
        roster columns :func:`koc.classify` requires, built-in ones in METRICS order, then declared ones."""
        return tuple(self._parsed.metrics_used)

    @property
    def declared_metrics(self) -> tuple[str, ...]:
        """The policy's own metrics (its ``metric_declarations``), beyond :data:`koc.METRICS`, in declaration
        order: each a numeric roster column of that name."""
        return tuple(d["name"] for d in self.to_dict().get("metric_declarations", ()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TierPolicy) and other._json == self._json

    def __hash__(self) -> int:
        return hash(self._json)

    def __repr__(self) -> str:
        d = self.to_dict()
        weights = ", ".join(f"{m['metric']}={m['weight']:g}" for m in d["metrics"] if m["weight"])
        thresholds = ", ".join(f"{t['name']}>={t['promote_threshold']:g}" for t in d["tiers"])
        return f"TierPolicy(ladder=[{thresholds}], weights=[{weights}], honorary_floor={d['honorary']['floor']!r})"

    def __reduce__(self):
        return (TierPolicy, (self._json,))


PolicyLike = Union[TierPolicy, str, dict, None]


def _policy(p: PolicyLike) -> TierPolicy:
    return TierPolicy.default() if p is None else (p if isinstance(p, TierPolicy) else TierPolicy(p))


def _id_column(table: Any) -> str:
    names = _columns.column_names(table)
    for c in ("id", "koc_id"):
        if c in names:
            return c
    raise error("invalid_argument", "the roster needs an 'id' (or 'koc_id') column"
                + _columns.missing_column_hint("id", names), None, "id")


def _with_column_hint(e: _core.Error, roster: Any, policy: Optional["TierPolicy"] = None) -> _core.Error:
    """The engine's error, with the roster's closest column named when it refused a missing one (a
    misspelt metric: 'folowers' for 'followers')."""
    names = _columns.column_names(roster)
    if e.field and e.field not in names and (e.field in METRICS or (policy is not None and e.field in policy.metrics_used)):
        hint = _columns.missing_column_hint(e.field, names)
        if hint:
            return reraise_at(e, message=detail(e) + hint)
    return e


def classify_columns(names: Sequence[str], policy: TierPolicy) -> list[str]:
    """The columns of a roster with these names that classify reads (the id, the built-in metrics, the
    metrics the policy declares and uses, the flags, last period's tier and periods below), in the roster's
    order: what roster_columns reads. The engines send only these to their workers, after checking every
    name once on the driver (tables.check_names)."""
    used = set(policy.metrics_used)
    read = set(METRICS) | {m for m in policy.declared_metrics if m in used} | set(_FLAGS) | {"periods_below", "previous_tier"}
    read.add("id" if "id" in names else "koc_id")
    return [n for n in names if n in read]


def roster_columns(roster: Any, policy: TierPolicy) -> tuple[dict, Optional[np.ndarray]]:
    """Typed columns for the core, and the original id labels when they are not integers. A column that
    looks like a misspelt one koc reads is refused (koc.tables.problems)."""
    _tables.check_names(roster, "roster", "roster", policy.declared_metrics)
    names = _columns.column_names(roster)
    cols: dict[str, np.ndarray] = {}
    id_col = _id_column(roster)
    cols["id"], labels = _columns.ids(_columns.get(roster, id_col), id_col)
    for name in METRICS:
        if name in names:
            cols[name] = _columns.typed(_columns.get(roster, name), np.float64, name)
    used = set(policy.metrics_used)
    for name in policy.declared_metrics:  # the policy's own metrics, by column name
        if name in names and name in used:
            cols[name] = _columns.typed(_columns.get(roster, name), np.float64, name)
    for name in _FLAGS:
        if name in names:
            cols[name] = _columns.typed(_columns.get(roster, name), np.uint8, name)
    if "periods_below" in names:
        cols["periods_below"] = _columns.typed(_columns.get(roster, "periods_below"), np.int32, "periods_below")
    if "previous_tier" in names:
        cols["previous_tier"] = _previous_tier(_columns.get(roster, "previous_tier"), policy)
    return cols, labels


def _previous_tier(values: Any, policy: TierPolicy) -> np.ndarray:
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if s.dtype.kind in "iu":
        return _columns.typed(s, np.int32, "previous_tier")
    ladder = {name: i for i, name in enumerate(policy.tiers)}
    if _all_text(s):
        # Tier names (the usual case, a text or categorical column): each distinct name is looked up once,
        # then the rows take their name's index, with no Python per row. Same rule and errors as below.
        codes, names = pd.factorize(s, use_na_sentinel=True)
        index = np.array([-1 if v == "" else ladder.get(v, -2) for v in names], dtype=np.int32)
        out = np.full(len(s), -1, dtype=np.int32)
        known = codes >= 0
        out[known] = index[codes[known]]
        unknown = np.flatnonzero(out == -2)
        if unknown.size == 0:
            return out
        row = int(unknown[0])
        raise _unknown_tier(s.iloc[row], row, policy)
    out = np.full(len(s), -1, dtype=np.int32)
    for row, v in enumerate(s.to_numpy()):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v == "":
            continue
        if isinstance(v, (int, np.integer)):
            out[row] = int(v)
            continue
        if v not in ladder:
            raise _unknown_tier(v, row, policy)
        out[row] = ladder[v]
    return out


def _unknown_tier(v: Any, row: int, policy: TierPolicy) -> Exception:
    return error("unknown_name", f"unknown tier {v!r} (ladder: {', '.join(policy.tiers)})"
                 f"{_columns.unknown_column_hint(str(v), policy.tiers)}", row, "previous_tier")


def _all_text(s: pd.Series) -> bool:
    """Whether every present cell is a str (missing ones aside): then tier names can be looked up once per
    distinct name. Numbers beside names keep the row-by-row rule (1 and 1.0 must not be taken as one)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return pd.api.types.infer_dtype(s.cat.categories, skipna=True) in ("string", "empty")
    return pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")


_OVERRIDE_FIELDS = ("koc_id", "tier", "reason", "author", "expires_at")  # the core's fields of an override


def _text_column(values: Any) -> list[str]:
    """Text cells as strings; missing (None, NaN, NaT) as ""."""
    return ["" if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in np.asarray(values, dtype=object)]


def _expiry_column(values: Any, field: str) -> np.ndarray:
    """Expiry times as unix seconds, -1 (never) for missing cells; any time form koc reads."""
    return _columns.seconds(values, field, default=-1)


def _overrides(overrides: Any, policy: TierPolicy, labels: Optional[np.ndarray]):
    """koc_id (roster codes when ids are labels; -1 - row for an id the roster lacks), tier, reason, author
    and expires_at (unix seconds, -1 never) columns of an overrides table."""
    if overrides is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int32), [], [], np.zeros(0, np.int64)
    table = pd.DataFrame(overrides)
    for c in ("koc_id", "tier", "reason"):
        if c not in table.columns:
            raise error("invalid_argument", "overrides need columns koc_id, tier, reason (and optionally author, "
                        f"expires_at){_columns.missing_column_hint(c, list(table.columns))}", None, c)
    if labels is not None:
        lookup = {v: i for i, v in enumerate(labels)}
        ids = np.array([lookup.get(v, -1 - k) for k, v in enumerate(table["koc_id"])], dtype=np.int64)
    else:
        ids = _columns.typed(table["koc_id"], np.int64, "koc_id")
    tiers = _previous_tier(table["tier"], policy)
    reasons = [str(r) if r is not None else "" for r in table["reason"]]
    authors = _text_column(table["author"]) if "author" in table.columns else [""] * len(table)
    expires = _expiry_column(table["expires_at"], "expires_at") if "expires_at" in table.columns else \
        np.full(len(table), -1, np.int64)
    return ids, tiers, reasons, authors, expires


def _as_of(as_of: Any) -> int:
    """The period's date as unix seconds (-1: not given)."""
    if as_of is None:
        return -1
    return int(_columns.seconds(pd.Series([as_of], dtype=object), "as_of")[0])


def _expiry_times(seconds: np.ndarray) -> pd.Series:
    """Unix seconds (-1 never) as UTC datetimes (NaT never)."""
    s = np.asarray(seconds, dtype=np.int64)
    return pd.Series(pd.to_datetime(np.where(s >= 0, s, 0), unit="s", utc=True)).where(s >= 0)


def reference_metrics(policy: PolicyLike) -> dict[str, set]:
    """Metrics whose normalisation reads the whole roster: metric -> {"percentile", "min_max"} (the ones used).

    Empty for the default policy: then every row is classified from its own values only, and a roster can
    be cut into partitions freely.
    """
    out: dict[str, set] = {}
    for m in _policy(policy).to_dict()["metrics"]:
        if m["normalisation"] in ("percentile", "min_max"):
            out.setdefault(m["metric"], set()).add(m["normalisation"])
    return out


def roster_reference(roster: Any, policy: PolicyLike = None) -> dict:
    """Roster-wide statistics (single node) that :func:`classify` needs to classify one partition of this
    roster exactly as the whole: ``classify(part, policy, reference=dict(ref, row_offset=first_row))``.

    For each percentile metric the distinct values and how many roster values lie below each; for each
    min_max metric the two smallest and two largest values and the rows of the first minimum and maximum.
    koc.dask and koc.spark build the same dictionary with distributed value counts.
    """
    pol = _policy(policy)
    names = _columns.column_names(roster)
    n = _columns.n_rows(roster)
    metrics: dict[str, dict] = {}
    for name, norms in reference_metrics(pol).items():
        if name not in names:
            continue  # the core reports the missing column
        col = _columns.typed(_columns.get(roster, name), np.float64, name)
        entry: dict[str, Any] = {}
        if "percentile" in norms:
            values, counts = np.unique(col, return_counts=True)
            entry.update(percentile_entry(values, counts))
        if "min_max" in norms:
            entry.update(minmax_entry([(minmax_summary(col), 0)]))
        metrics[name] = entry
    return {"n": int(n), "row_offset": 0, "metrics": metrics}


def percentile_entry(values: np.ndarray, counts: np.ndarray) -> dict:
    """Reference entry of a percentile metric from its distinct values and their counts (any order)."""
    values = np.asarray(values, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    values, counts = values[order], counts[order]
    below = np.concatenate([[0], np.cumsum(counts)]).astype(np.uint64)
    return {"values": values, "below": below}


def minmax_summary(col: np.ndarray) -> Optional[dict]:
    """What a part of a column contributes to a min_max reference: its two smallest and two largest values
    and the positions of its first minimum and first maximum (None for an empty part)."""
    col = np.asarray(col, dtype=np.float64)
    if len(col) == 0:
        return None
    k = min(2, len(col))
    return {"i": int(np.argmin(col)), "j": int(np.argmax(col)),  # first occurrences, as the scan's strict < and >
            "lows": np.sort(np.partition(col, k - 1)[:k]).tolist(),
            "highs": (-np.sort(np.partition(-col, k - 1)[:k])).tolist()}  # descending


def minmax_entry(parts: Sequence[tuple[Optional[dict], int]]) -> dict:
    """Reference entry of a min_max metric from (minmax_summary of a part, roster row of the part's first
    value) in roster order: the two smallest / two largest values and first arg-extremes of classify's scan."""
    inf = float("inf")
    lows: list[float] = []
    highs: list[float] = []
    min1, max1, argmin, argmax = inf, -inf, 0, 0
    for s, offset in parts:
        if s is None:
            continue
        if s["lows"][0] < min1:
            min1, argmin = s["lows"][0], offset + s["i"]
        if s["highs"][0] > max1:
            max1, argmax = s["highs"][0], offset + s["j"]
        lows.extend(s["lows"])
        highs.extend(s["highs"])
    lows.sort()
    highs.sort(reverse=True)
    return {"min1": min1, "min2": lows[1] if len(lows) > 1 else inf, "max1": max1,
            "max2": highs[1] if len(highs) > 1 else -inf, "argmin": int(argmin), "argmax": int(argmax)}


def _state_ids(values: Any, labels: Optional[np.ndarray], field: str) -> np.ndarray:
    """State KOC ids in the roster's id space: the ints themselves, or (string ids) the roster's codes, with
    ids the roster does not list numbered after it (they match nothing)."""
    arr = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if labels is None:
        return _columns.typed(arr, np.int64, field)
    out = pd.Index(labels).get_indexer(pd.Index(arr)).astype(np.int64)
    unknown = out < 0
    if unknown.any():  # numbered after the roster's, one code per distinct id, in order of first appearance
        extra, _ = pd.factorize(pd.Series(arr[unknown], dtype=object))
        out[unknown] = len(labels) + extra
    return out


def _state_table(state: Any, policy: "TierPolicy", labels: Optional[np.ndarray]) -> tuple:
    """koc_id, tier, periods_below, honorary of a tier-state table (tier_state's, or classify's output)."""
    names = _columns.column_names(state)
    for c in ("koc_id", "tier", "periods_below", "honorary"):
        if c not in names:
            raise error("invalid_argument", f"the tier state needs a '{c}' column (koc.tier_state's table, or "
                        f"last period's koc.classify output){_columns.missing_column_hint(c, names)}", None,
                        f"state.{c}")
    ids = _state_ids(_columns.get(state, "koc_id"), labels, "state.koc_id")
    try:
        tier = _previous_tier(_columns.get(state, "tier"), policy)
    except _core.Error as e:
        raise error(e.code, detail(e), e.row, "state.tier") from None
    below = _columns.typed(_columns.get(state, "periods_below"), np.int32, "state.periods_below")
    honour = _columns.typed(_columns.get(state, "honorary"), np.uint8, "state.honorary")
    return ids, tier, below, honour


def _state_overrides(state: Any, policy: Any) -> tuple:
    """The state's standing-override columns (override_tier, reason, author, expires_at), or four empty
    ones when the state has none (a state written before overrides were kept, or without any)."""
    names = _columns.column_names(state)
    n = _columns.n_rows(state)
    if "override_tier" in names:
        try:
            tier = _previous_tier(_columns.get(state, "override_tier"), policy)
        except _core.Error as e:
            raise error(e.code, detail(e), e.row, "state.override_tier") from None
    elif "override_reason" in names:  # last period's classify output: the final tier of an overridden row
        applied = np.array([r != "" for r in _text_column(_columns.get(state, "override_reason"))], dtype=bool)
        tier = np.where(applied, _previous_tier(_columns.get(state, "tier"), policy), -1).astype(np.int32)
    else:
        return np.zeros(0, np.int32), [], [], np.zeros(0, np.int64)
    reason = _text_column(_columns.get(state, "override_reason")) if "override_reason" in names else [""] * n
    author = _text_column(_columns.get(state, "override_author")) if "override_author" in names else [""] * n
    expires = _expiry_column(_columns.get(state, "override_expires_at"), "state.override_expires_at") \
        if "override_expires_at" in names else np.full(n, -1, np.int64)
    return tier, reason, author, expires


def _revocations(revoked: Any, labels: Optional[np.ndarray]) -> tuple[np.ndarray, list[str]]:
    if revoked is None:
        return np.zeros(0, np.int64), []
    names = _columns.column_names(revoked)
    for c in ("koc_id", "reason"):
        if c not in names:
            raise error("invalid_argument", "revocations need columns koc_id and reason", None, f"revocations.{c}")
    ids = _state_ids(_columns.get(revoked, "koc_id"), labels, "revocations.koc_id")
    if labels is not None and (ids >= len(labels)).any():
        row = int(np.flatnonzero(ids >= len(labels))[0])
        raise error("unknown_id", f"revocation for KOC id {np.asarray(_columns.get(revoked, 'koc_id'))[row]!r}, "
                    "not in the roster", row, "revocations.koc_id")
    reasons = ["" if r is None or (isinstance(r, float) and np.isnan(r)) else str(r)
               for r in np.asarray(_columns.get(revoked, "reason"), dtype=object)]
    return ids, reasons


def _apply_state(cols: dict, labels: Optional[np.ndarray], pol: "TierPolicy", state: Any, revoked: Any) -> None:
    """Fills the roster columns previous_tier, periods_below and honorary from last period's state
    (koc::tier_state_for), in place; nothing when neither a state nor revocations are given."""
    if state is None and revoked is None:
        return
    for c in ("previous_tier", "periods_below"):
        if c in cols:
            raise error("invalid_argument", f"the roster has a '{c}' column and a state was given: give last "
                        "period's state or those columns, not both", None, c)
    if state is None:
        state = pd.DataFrame({"koc_id": np.zeros(0, np.int64), "tier": np.zeros(0, np.int32),
                              "periods_below": np.zeros(0, np.int32), "honorary": np.zeros(0, np.uint8)})
    sid, stier, sbelow, shon = _state_table(state, pol, labels)
    rev_ids, rev_reasons = _revocations(revoked, labels)
    cols.update(_core.tier_state_for(cols["id"], cols.get("honorary"), len(pol.tiers), sid, stier, sbelow, shon,
                                     rev_ids, rev_reasons))


def tier_state(tiers: pd.DataFrame, state: Any = None, *, policy: PolicyLike = None) -> pd.DataFrame:
    """The tier state after a period, to give :func:`classify` as ``state=`` next period.

    tiers: this period's :func:`classify` output. state: the state classify was given (None for the first
    period). Returns one row per KOC the programme has known: this period's KOCs in ``tiers`` order (final
    ``tier``, ``periods_below`` for the next period, ``honorary``: earned honours are kept for life), then
    the KOCs of ``state`` that were not classified this period, unchanged (nobody's history is lost by
    missing a period). Columns ``koc_id``, ``tier`` (ordered categorical on the ladder), ``periods_below``,
    ``honorary`` (bool). The rules are koc::next_tier_state's (include/koc/tiers/state.hpp)."""
    tier_col = tiers["tier"]
    if policy is not None:
        ladder = list(_policy(policy).tiers)
    elif isinstance(tier_col.dtype, pd.CategoricalDtype):
        ladder = list(tier_col.cat.categories)
    else:
        raise error("invalid_argument", "give policy= when the tier column is not classify's categorical", None, "tier")
    pol_like = _LadderOnly(tuple(ladder))
    ids, labels = _columns.ids(tiers["koc_id"], "koc_id")
    final = _previous_tier(tier_col, pol_like)
    below = _columns.typed(tiers["periods_below"], np.int32, "periods_below")
    honour = _columns.typed(tiers["honorary"], np.uint8, "honorary")
    if state is None:
        sid, stier, sbelow, shon = (np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32),
                                    np.zeros(0, np.uint8))
        state_labels = None
        last_ov: tuple = (np.zeros(0, np.int32), [], [], np.zeros(0, np.int64))
    else:
        sid, stier, sbelow, shon = _state_table(state, pol_like, labels)
        state_labels = np.asarray(_columns.get(state, "koc_id"))
        last_ov = _state_overrides(state, pol_like)
    # The override each row stood under (classify's override_* columns): it stands in the next state.
    row_ov: tuple = (np.zeros(0, np.int32), [], [], np.zeros(0, np.int64))
    if "override_reason" in tiers.columns:
        applied = np.array([r != "" for r in _text_column(tiers["override_reason"])], dtype=bool)
        if applied.any() or len(last_ov[0]):
            n = len(tiers)
            row_ov = (np.where(applied, final, -1).astype(np.int32), _text_column(tiers["override_reason"]),
                      _text_column(tiers["override_author"]) if "override_author" in tiers.columns else [""] * n,
                      _expiry_column(tiers["override_expires_at"], "override_expires_at")
                      if "override_expires_at" in tiers.columns else np.full(n, -1, np.int64))
    d = _core.next_tier_state(ids, final, below, honour, sid, stier, sbelow, shon, *row_ov, *last_ov)
    out_ids: Any = d["koc_id"]
    if labels is not None:  # back to the caller's labels: the roster's, then the state's own for absent KOCs
        table = np.asarray(labels, dtype=object)
        if state_labels is not None and len(sid) and sid.max() >= len(labels):
            extra = np.empty(int(sid.max()) + 1 - len(labels), dtype=object)
            absent = sid >= len(labels)
            extra[sid[absent] - len(labels)] = np.asarray(state_labels, dtype=object)[absent]
            table = np.concatenate([table, extra])
        out_ids = table[d["koc_id"]]
    m = len(d["koc_id"])
    ot = d.get("override_tier", np.full(m, -1, np.int32))
    has = ot >= 0
    text = lambda key: pd.Series(np.asarray(d.get(key, [""] * m), dtype=object), dtype=object).where(has, None)  # noqa: E731
    return pd.DataFrame({"koc_id": out_ids,
                         "tier": pd.Categorical.from_codes(d["tier"], categories=ladder, ordered=True),
                         "periods_below": d["periods_below"], "honorary": d["honorary"].astype(bool),
                         "override_tier": pd.Categorical.from_codes(ot, categories=ladder, ordered=True),
                         "override_reason": text("override_reason"), "override_author": text("override_author"),
                         "override_expires_at": _expiry_times(d.get("override_expires_at", np.full(m, -1, np.int64)))})


@dataclass(frozen=True)
class _LadderOnly:
    """What _previous_tier reads of a policy: its ladder."""
    tiers: tuple[str, ...]


def classify(roster: Any, policy: PolicyLike = None, overrides: Any = None, *, state: Any = None,
             revoked: Any = None, as_of: Any = None, growth_gaps: bool = True,
             reference: Optional[dict] = None) -> pd.DataFrame:
    """Places every KOC of the roster in a tier.

    roster: DataFrame (or dict of 1-D arrays) with an ``id`` column, one column per metric the policy uses
        (see ``koc.METRICS``), optional ``honorary``/``invited``/``clearance`` flags, ``previous_tier``
        (tier names or ladder indices; empty/NaN = new KOC) and ``periods_below``.
    overrides: optional table with columns ``koc_id``, ``tier``, ``reason`` (required), ``author`` and
        ``expires_at`` (a time, any form: the override no longer applies from then; empty = never). An
        override stands in the tier state from period to period until it expires; a new one for the same
        KOC replaces the standing one.
    as_of: the period's date (datetime, ISO-8601 text or unix seconds): needed when an override has an
        expiry. Expired overrides are not applied and are listed in ``result.attrs["expired_overrides"]`` (one dict
        per override: koc_id, tier, reason, author, expires_at).
    state: last period's tier state (:func:`tier_state`'s table, or last period's classify output as it
        is): fills ``previous_tier``, ``periods_below`` and ``honorary`` by KOC id (a KOC it does not list is
        new). The roster then must not carry ``previous_tier`` or ``periods_below`` itself; its ``honorary``
        flags are or-ed with the state's honours, which are kept for life once earned.
    revoked: honours taken away before this period is classified: a table with ``koc_id`` and ``reason``
        (required). The lifetime rule may grant the honour again.
    reference: when ``roster`` is one partition of a larger roster, the larger roster's statistics
        (:func:`roster_reference`, or koc.dask / koc.spark) with ``row_offset`` = the roster row of this
        partition's first row; the rows come out bit for bit as in the whole roster's classification.
        Only percentile and min_max terms read it; errors still name rows of ``roster``.
    Returns one row per KOC, in roster order: ``koc_id``, ``tier`` (final), ``computed_tier``,
    ``qualified_tier``, ``score``, ``contribution_<metric>``, ``blocked_tier``, ``blocked_gate``,
    ``transition``, ``periods_below``, ``honorary``, ``next_tier``, ``gap_<metric>`` (inf = no single
    metric suffices), ``override_reason``, ``override_author``, ``override_expires_at`` (the override that
    decided the row, if any).
    """
    pol = _policy(policy)
    cols, labels = roster_columns(roster, pol)
    _apply_state(cols, labels, pol, state, revoked)
    ov_ids, ov_tiers, ov_reasons, ov_authors, ov_expires = _overrides(overrides, pol, labels)
    added_ids = list(pd.DataFrame(overrides)["koc_id"]) if overrides is not None else []
    n_standing = 0
    if state is not None:
        standing = _state_overrides(state, pol)
        if len(standing[0]):  # koc::tier_overrides_for: the state's standing overrides, then the new ones
            sid, stier, sbelow, shon = _state_table(state, pol, labels)
            m = _core.tier_overrides_for(cols["id"], len(pol.tiers), sid, stier, sbelow, shon, *standing,
                                         ov_ids, ov_tiers, ov_reasons, ov_authors, ov_expires)
            n_standing = len(m["koc_id"]) - len(ov_ids)
            ov_ids, ov_tiers, ov_reasons, ov_authors, ov_expires = \
                m["koc_id"], m["tier"], m["reason"], m["author"], m["expires_at"]
    try:
        r = _core.classify(cols, pol._parsed, ov_ids, ov_tiers, ov_reasons, growth_gaps, reference,
                           ov_authors, ov_expires, _as_of(as_of))
    except _core.Error as e:
        if n_standing and e.field in _OVERRIDE_FIELDS and e.row is not None:
            # Rows of the list given to the core: the state's standing overrides first, then the table's.
            if e.row >= n_standing:
                raise error(e.code, detail(e), e.row - n_standing, e.field) from None
            raise error(e.code, detail(e), None, f"state.override_{e.field.removeprefix('koc_')}") from None
        raise _with_column_hint(e, roster, pol) from None
    ladder = list(pol.tiers)

    def tier_cat(codes: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=ladder, ordered=True)

    index = roster.index if isinstance(roster, pd.DataFrame) else None
    out: dict[str, Any] = {"koc_id": labels if labels is not None else cols["id"]}
    out["tier"] = tier_cat(r["final_tier"])
    out["computed_tier"] = tier_cat(r["computed_tier"])
    out["qualified_tier"] = tier_cat(r["qualified_tier"])
    out["score"] = r["score"]
    for k, name in enumerate(r["terms"]):
        out[f"contribution_{name}"] = r["contributions"][:, k]
    out["blocked_tier"] = tier_cat(r["blocked_tier"])
    # Gate descriptions as a categorical: code = offset of the tier's gates + gate index (no per-row loop).
    gates = pol._parsed.gate_descriptions
    offsets = np.cumsum([0] + [len(g) for g in gates])[:-1]
    bt, bg = r["blocked_tier"], r["blocked_gate"]
    codes = np.where(bt >= 0, offsets[np.maximum(bt, 0)] + bg, -1)
    categories = [f"{pol.tiers[t]}: {d}" for t, g in enumerate(gates) for d in g]
    out["blocked_gate"] = pd.Categorical.from_codes(codes, categories=categories) if categories else \
        pd.Categorical.from_codes(np.full(len(bt), -1), categories=["-"])
    out["transition"] = pd.Categorical.from_codes(r["transition"], categories=list(_TRANSITIONS))
    out["periods_below"] = r["periods_below"]
    out["honorary"] = r["honorary"].astype(bool)
    out["next_tier"] = tier_cat(r["next_tier"])
    if r["growth_gap"] is not None:
        for k, name in enumerate(r["gap_metrics"]):
            out[f"gap_{name}"] = r["growth_gap"][:, k]
    oi = r["override_index"]
    pick = np.where(oi >= 0, oi, len(ov_reasons))
    out["override_reason"] = pd.Series(np.asarray(list(ov_reasons) + [None], dtype=object)[pick], index=index, dtype=object)
    out["override_author"] = pd.Series(np.asarray(list(ov_authors) + [None], dtype=object)[pick], index=index, dtype=object)
    expiry = _expiry_times(np.append(np.asarray(ov_expires, np.int64), -1)[pick])
    expiry.index = index if index is not None else expiry.index
    out["override_expires_at"] = expiry
    result = pd.DataFrame(out, index=index)
    # Nothing given is dropped without a trace: the overrides that had expired, as given.
    gone = np.asarray(r["expired_overrides"], dtype=np.int64)

    def given_id(j: int) -> Any:
        if j >= n_standing:
            return added_ids[j - n_standing]
        return labels[ov_ids[j]] if labels is not None else int(ov_ids[j])
    # Records, not a table: attrs are compared when frames are concatenated (partitions of a distributed run).
    result.attrs["expired_overrides"] = [
        {"koc_id": given_id(int(j)), "tier": ladder[int(ov_tiers[int(j)])], "reason": ov_reasons[int(j)],
         "author": ov_authors[int(j)], "expires_at": pd.Timestamp(int(ov_expires[int(j)]), unit="s", tz="UTC")}
        for j in gone]
    return result


def validate(roster: Any, policy: PolicyLike = None, *, limit: int = 100) -> pd.DataFrame:
    """Every problem that would stop :func:`classify`, not only the first: one row per problem (at most
    ``limit``), in the order classify meets them, with ``row`` (0-based, -1 for a whole column),
    ``koc_id``, ``field``, ``code`` (the :class:`koc.Error` code) and ``message``. Empty when the roster
    classifies. A column that cannot be read at all (text in a number column, say) is one problem."""
    pol = _policy(policy)
    if int(limit) < 1:
        raise ValueError("limit must be at least 1")
    try:
        cols, labels = roster_columns(roster, pol)
        found = _core.roster_problems(cols, pol._parsed, int(limit))
    except _core.Error as e:
        found = [(e.code, -1 if e.row is None else e.row, e.field or "", str(e))]
        labels, cols = None, None
    rows = np.array([f[1] for f in found], dtype=np.int64)
    ids = labels if labels is not None else (cols["id"] if cols is not None else None)
    koc_ids = [None if r < 0 or ids is None else ids[r] for r in rows]
    return pd.DataFrame({"row": rows, "koc_id": pd.Series(koc_ids, dtype=object), "field": [f[2] for f in found],
                         "code": [f[0] for f in found], "message": [f[3] for f in found]})


_POLICY_KINDS = {"tier": "TierPolicy", "matching": "MatchingPolicy", "reward": "RewardPolicy"}


def validate_policy(policy: Any, kind: str = "tier", *, tier_policy: PolicyLike = None, limit: int = 100) -> pd.DataFrame:
    """Every invalid field of a policy, not only the first: one row per problem (at most ``limit``), in the
    order the policy's reader meets them, with ``field`` (the JSON path, "tiers[2].keep_threshold"), ``code``
    (the :class:`koc.Error` code) and ``message``. Empty when the policy is valid. ``kind``: "tier",
    "matching" or "reward"; ``policy``: what the policy classes accept (an object, a dict, JSON text or the
    path of a JSON file). A matching policy's tier names are checked on ``tier_policy``'s ladder. Text
    that is not JSON, or a file that cannot be read, is one problem."""
    if kind not in _POLICY_KINDS:
        raise ValueError(f"kind must be one of {', '.join(_POLICY_KINDS)}, not {kind!r}")
    if int(limit) < 1:
        raise ValueError("limit must be at least 1")
    try:
        text = policy.to_json() if hasattr(policy, "to_json") else policy_text(policy, _POLICY_KINDS[kind])
        if kind == "tier":
            found = _core.tier_policy_problems(text, int(limit))
        elif kind == "matching":
            found = _core.matching_policy_problems(text, _policy(tier_policy)._parsed, int(limit))
        else:
            found = _core.reward_policy_problems(text, int(limit))
    except _core.Error as e:
        found = [(e.code, -1, e.field or "", detail(e))]
    return pd.DataFrame({c: pd.Series([f[k] for f in found], dtype=object)
                         for c, k in (("field", 2), ("code", 0), ("message", 3))})


def explain(roster: Any, policy: PolicyLike = None, rows: Union[int, Iterable[int], None] = None, *,
            ids: Any = None, state: Any = None, revoked: Any = None, tiers: Any = None) -> Union[str, list[str]]:
    """Readable explanations (score breakdown, gates, transition, growth challenge).

    Choose whom by KOC id (``ids=``: one id or a list, as in the roster's ``id``/``koc_id`` column, strings
    or integers) or by 0-based row position (``rows=``); neither explains every KOC. One id or row gives a
    string, a list gives a list. An id that is not in the roster raises :class:`koc.UnknownIdError`.
    ``state`` and ``revoked``: as for :func:`classify`, so the explanation is the classification's.
    ``tiers``: that classification, when already made (:func:`classify`'s table for this roster and policy,
    in roster order): the rows are explained from it, and nothing is classified again."""
    pol = _policy(policy)
    cols, labels = roster_columns(roster, pol)
    _apply_state(cols, labels, pol, state, revoked)
    if ids is not None and rows is not None:
        raise TypeError("explain takes ids= or rows=, not both")
    if ids is not None:
        single = isinstance(ids, (str, bytes, int, np.integer))
        wanted_ids = [ids] if single else list(ids)
        known = labels if labels is not None else cols["id"]
        index = pd.Index(known)
        positions = index.get_indexer(wanted_ids)
        for k, pos in enumerate(positions):
            if pos < 0:
                raise error("unknown_id", f"KOC id {wanted_ids[k]!r} is not in the roster", None, "koc_id")
        wanted = [int(p) for p in positions]
    else:
        single = isinstance(rows, (int, np.integer))
        wanted = [int(rows)] if single else (list(range(len(cols["id"]))) if rows is None else [int(x) for x in rows])
    if tiers is not None:
        texts = _explain_classified(cols, labels, pol, tiers, wanted)
    else:
        texts = _core.explain(cols, pol._parsed, wanted)
    if labels is not None:  # the engine names the KOC by its code: put the caller's id back
        texts = [t.replace(f"KOC {int(cols['id'][w])}:", f"KOC {labels[w]}:", 1) for t, w in zip(texts, wanted)]
    return texts[0] if single else texts


def _explain_classified(cols: dict, labels: Optional[np.ndarray], pol: TierPolicy, tiers: Any, wanted: list) -> list[str]:
    """explain() of rows of a classification already made: its columns for those rows, as the engine's codes."""
    t = pd.DataFrame(tiers)
    n = len(cols["id"])
    if len(t) != n or "koc_id" not in t.columns:
        raise error("invalid_argument", f"tiers= must be koc.classify's table for this roster ({n:,} rows with koc_id), "
                    f"got {len(t):,} rows", None, "tiers")
    ids = labels if labels is not None else cols["id"]
    rows = np.asarray(wanted, dtype=np.int64)
    part = t.iloc[rows]
    for k, row in enumerate(rows):
        if part["koc_id"].iloc[k] != ids[row]:
            raise error("invalid_argument", f"tiers= row {int(row)} is KOC {part['koc_id'].iloc[k]!r}, the roster's is "
                        f"{ids[row]!r}: give koc.classify's table for this roster, in its order", int(row), "koc_id")
    ladder = {name: i for i, name in enumerate(pol.tiers)}

    def codes(c: str, names: dict) -> np.ndarray:
        v = part[c].astype(object).to_numpy()
        return np.array([-1 if x is None or (isinstance(x, float) and np.isnan(x)) else names.get(str(x), -2) for x in v],
                        dtype=np.int32)
    # Gate descriptions as koc.classify writes them ("core: tenure_days >= 180"): tier, then gate index.
    gates = {f"{pol.tiers[j]}: {d}": g for j, ds in enumerate(pol._parsed.gate_descriptions) for g, d in enumerate(ds)}
    terms = [m["metric"] for m in pol.to_dict()["metrics"]]
    result = {c: codes(c, ladder) for c in ("qualified_tier", "computed_tier", "next_tier", "blocked_tier")}
    result["final_tier"] = codes("tier", ladder)
    result["blocked_gate"] = codes("blocked_gate", gates)
    result["transition"] = codes("transition", {name: i for i, name in enumerate(_TRANSITIONS)})
    result["periods_below"] = part["periods_below"].to_numpy(np.int32)
    result["score"] = part["score"].to_numpy(np.float64)
    result["contributions"] = part[[f"contribution_{m}" for m in terms]].to_numpy(np.float64).ravel(order="F")
    gap_columns = [f"gap_{m}" for m in pol.metrics_used]
    if all(c in part.columns for c in gap_columns):
        result["growth_gap"] = part[gap_columns].to_numpy(np.float64).ravel(order="F")
    reasons = part["override_reason"].astype(object).to_numpy() if "override_reason" in part.columns else [None] * len(part)
    given = [r is not None and not (isinstance(r, float) and np.isnan(r)) for r in reasons]
    result["override_index"] = np.where(given, np.arange(len(part)), -1).astype(np.int32)
    previous = cols["previous_tier"][rows] if "previous_tier" in cols else np.full(len(rows), -1, np.int32)
    try:
        return _core.explain_classified(cols["id"][rows], np.asarray(previous, np.int32), pol._parsed, result,
                                        [str(r) if g else "" for r, g in zip(reasons, given)])
    except _core.Error as e:
        if e.row is None:
            raise
        raise error(e.code, detail(e), int(rows[e.row]), f"tiers.{e.field}") from None


@dataclass(frozen=True)
class WhatIf:
    """Who a policy change would move: ``matrix`` (current tier × proposed tier counts) and ``moved``."""

    matrix: pd.DataFrame
    moved: pd.DataFrame

    @property
    def n_moved(self) -> int:
        return len(self.moved)

    def __repr__(self) -> str:  # counts, not tables
        return f"WhatIf({self.n_moved:,} KOCs would change tier; .matrix {self.matrix.shape[0]}x{self.matrix.shape[1]}, .moved)"


def what_if(roster: Any, current: PolicyLike, proposed: PolicyLike) -> WhatIf:
    """Previews a tier-policy change: the transition matrix and the list of KOCs whose tier would change."""
    a, b = _policy(current), _policy(proposed)
    cols, labels = roster_columns(roster, a)
    names = _columns.column_names(roster)
    for name in b.declared_metrics:  # the proposed policy's own metrics, when the current one lacks them
        if name not in cols and name in names and name in b.metrics_used:
            cols[name] = _columns.typed(_columns.get(roster, name), np.float64, name)
    w = _core.what_if(cols, a._parsed, b._parsed)
    matrix = pd.DataFrame(w["counts"], index=pd.Index(w["current_tiers"], name="current"),
                          columns=pd.Index(w["proposed_tiers"], name="proposed"))
    rows = w["moved_rows"]
    ids = labels if labels is not None else cols["id"]
    moved = pd.DataFrame({
        "row": rows,
        "koc_id": ids[rows],
        "current_tier": np.asarray(w["current_tiers"], dtype=object)[w["current_tier"][rows]],
        "proposed_tier": np.asarray(w["proposed_tiers"], dtype=object)[w["proposed_tier"][rows]],
    })
    return WhatIf(matrix=matrix, moved=moved)
