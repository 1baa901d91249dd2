"""Matching: which KOC does which task, exactly, with reasons and a certificate (pandas at the edges)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from . import _columns, _core
from . import tables as _tables
from ._check import Check
from ._errors import detail, error
from ._policy_text import policy_text
from .tiers import PolicyLike as TierPolicyLike
from .tiers import TierPolicy, _policy, classify

ASSETS = ("social", "knowledge", "community", "intelligence")
HORIZONS = ("instant", "phased", "continuous", "identity")
DIRECTIONS = ("internal", "external")
# Opt-out bits (see koc/matching/profiles.hpp): assets 0-3, horizons 4-7, directions 8-9.
OPT_OUT_BITS = {**{a: 1 << i for i, a in enumerate(ASSETS)}, **{h: 1 << (4 + i) for i, h in enumerate(HORIZONS)},
                **{d: 1 << (8 + i) for i, d in enumerate(DIRECTIONS)}}
UNLIMITED_SLOTS = 2**31 - 1
MODES = {"optimal": "optimal", "stable": "stable_kocs_propose", "stable_kocs": "stable_kocs_propose",
         "stable_tasks": "stable_tasks_propose"}


class MatchingPolicy:
    """A matching policy (schema ``koc.matching_policy/1``): fit weights and the tier-fit table."""

    __slots__ = ("_json", "_parsed")

    def __init__(self, policy: Union[str, bytes, dict, os.PathLike, "MatchingPolicy"], tier_policy: TierPolicyLike = None) -> None:
        text = policy._json if isinstance(policy, MatchingPolicy) else policy_text(policy, "MatchingPolicy")
        tp = _policy(tier_policy)
        parsed = _core.ParsedMatchingPolicy(text, tp._parsed)
        self._json = parsed.to_json()
        # Parsed once per tier ladder it is used with (its tier names are that ladder's indices).
        self._parsed: dict = {tp.to_json(): parsed}

    def _parsed_for(self, tier_policy: TierPolicy) -> Any:
        """This policy parsed against ``tier_policy``'s ladder (kept for the next call with it)."""
        key = tier_policy.to_json()
        got = self._parsed.get(key)
        if got is None:
            got = self._parsed[key] = _core.ParsedMatchingPolicy(self._json, tier_policy._parsed)
        return got

    @classmethod
    def default(cls) -> "MatchingPolicy":
        return cls(_core.default_matching_policy_json())

    @classmethod
    def load(cls, path: Any, tier_policy: TierPolicyLike = None) -> "MatchingPolicy":
        with open(path, encoding="utf-8") as f:
            return cls(f.read(), tier_policy)

    def to_json(self) -> str:
        return self._json

    def to_dict(self) -> dict:
        return json.loads(self._json)

    def save(self, path: Any) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self._json + "\n")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MatchingPolicy) and other._json == self._json

    def __hash__(self) -> int:
        return hash(self._json)

    def __repr__(self) -> str:
        d = self.to_dict()
        weights = d.get("weights", {})
        return "MatchingPolicy(weights={" + ", ".join(f"{k}: {v:g}" for k, v in weights.items()) + "})"

    def __reduce__(self):
        return (MatchingPolicy, (self._json,))


def _strings(table: Any, name: str, n: int) -> list[str]:
    if name not in _columns.column_names(table):
        return [""] * n
    out = []
    for v in pd.Series(_columns.get(table, name)).tolist():
        out.append("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    return out


def _names_to_codes(values: list[str], names: tuple[str, ...], fld: str) -> np.ndarray:
    lookup = {n: i for i, n in enumerate(names)}
    out = np.empty(len(values), dtype=np.uint8)
    for row, v in enumerate(values):
        if v not in lookup:
            raise error("unknown_name", f"unknown {fld} {v!r} (one of {', '.join(names)})"
                        + _columns.unknown_column_hint(v, names), row, fld)
        out[row] = lookup[v]
    return out


def _kinds_mask(values: list[str], fld: str) -> np.ndarray:
    out = np.zeros(len(values), dtype=np.uint32)
    for row, v in enumerate(values):
        for kind in filter(None, (s.strip() for s in v.split("|"))):
            if kind not in OPT_OUT_BITS:
                raise error("unknown_name", f"unknown task kind {kind!r}" + _columns.unknown_column_hint(kind, tuple(OPT_OUT_BITS)), row, fld)
            out[row] |= OPT_OUT_BITS[kind]
    return out


def _segment_masks(koc_values: list[str], task_values: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    vocab: dict[str, int] = {}
    for v in koc_values + task_values:
        for s in filter(None, (x.strip() for x in v.split("|"))):
            vocab.setdefault(s, len(vocab))
    if len(vocab) > 64:
        raise error("out_of_range", f"at most 64 audience segments are supported, found {len(vocab)}", None, "audience")

    def masks(values: list[str]) -> np.ndarray:
        out = np.zeros(len(values), dtype=np.uint64)
        for row, v in enumerate(values):
            for s in filter(None, (x.strip() for x in v.split("|"))):
                out[row] |= np.uint64(1) << np.uint64(vocab[s])
        return out

    return masks(koc_values), masks(task_values), list(vocab)


def _regions(koc_values: list[str], task_values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    vocab: dict[str, int] = {}
    for v in koc_values + task_values:
        if v:
            vocab.setdefault(v, len(vocab))
    enc = lambda vals: np.array([vocab[v] if v else -1 for v in vals], dtype=np.int32)  # noqa: E731
    return enc(koc_values), enc(task_values)


def _skills(roster: Any, tasks: Any, n_kocs: int, n_tasks: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rc, tc = _columns.column_names(roster), _columns.column_names(tasks)
    names = sorted({c[len("skill_"):] for c in rc if c.startswith("skill_")} | {c[len("req_"):] for c in tc if c.startswith("req_")})
    ks = np.zeros((n_kocs, len(names)), dtype=np.uint8)
    ts = np.zeros((n_tasks, len(names)), dtype=np.uint8)
    for j, s in enumerate(names):
        for table, prefix, out in ((roster, "skill_", ks), (tasks, "req_", ts)):
            if prefix + s in _columns.column_names(table):
                col = _columns.typed(_columns.get(table, prefix + s), np.int64, prefix + s)
                bad = (col < 0) | (col > 255)
                if bad.any():
                    row = int(np.flatnonzero(bad)[0])
                    raise error("out_of_range", "skill level must be in 0..255", row, prefix + s)
                out[:, j] = col
    return ks, ts, names


def _optional_seconds(table: Any, name: str) -> Optional[np.ndarray]:
    """A time column (unix seconds, datetimes or ISO-8601 text) when present."""
    return _columns.seconds(_columns.get(table, name), name) if name in _columns.column_names(table) else None


def _optional_int(table: Any, name: str, dtype: Any) -> Optional[np.ndarray]:
    return _columns.typed(_columns.get(table, name), dtype, name) if name in _columns.column_names(table) else None


@dataclass
class MatchResult:
    """Result of :func:`match`.

    ``assignments``: one row per chosen pair (koc_id, task_id, score); ``unassigned_kocs``: every KOC with
    spare capacity or nothing assigned, with its reason; ``unfilled_tasks``: every task short of its slots,
    with its reason, and every closed task (0 slots, reason ``no_slots``); ``exclusions``: per task, how many KOCs each hard rule excluded; ``total``: Σ score;
    ``certificate``: the duals (optimal mode) or ranks (stable mode); :meth:`verify` re-checks it.
    """

    assignments: pd.DataFrame
    unassigned_kocs: pd.DataFrame
    unfilled_tasks: pd.DataFrame
    exclusions: pd.DataFrame
    total: float
    mode: str
    certificate: dict = field(repr=False)
    _state: Any = field(repr=False, default=None)

    def __repr__(self) -> str:  # counts, not tables: a notebook cell stays one line
        return (f"MatchResult(mode={self.mode!r}, {len(self.assignments):,} assignments, total={self.total:.6g}, "
                f"{len(self.unassigned_kocs):,} KOCs with spare capacity, {len(self.unfilled_tasks):,} tasks not full)")

    def verify(self) -> Check:
        """Independently re-checks feasibility and optimality (or stability): a :class:`koc.Check`, truthy
        only when it holds (else ``.message`` names the first violation)."""
        return Check(*self._state.verify())


def _task_columns(tasks: Any, tp: TierPolicy, roster: Any = None) -> tuple:
    """The typed task columns of the matching core, and the roster's matching vocabulary built with them
    (audience segments, regions and skills are coded over both tables): (task_cols, (koc_audience,
    koc_region, koc_skill, skill_names), task_ids, task_labels, slots). Without a roster, the tasks alone."""
    _tables.check_names(tasks, "tasks", "task")
    roster = {} if roster is None else roster
    n = _columns.n_rows(roster) if _columns.column_names(roster) else 0
    if "task_id" not in _columns.column_names(tasks):
        raise error("invalid_argument", "the task table needs a 'task_id' column"
                    + _columns.missing_column_hint("task_id", _columns.column_names(tasks)), None, "task_id")
    task_ids, task_labels = _columns.ids(_columns.get(tasks, "task_id"), "task_id")
    m = len(task_ids)
    for req in _tables.required("tasks", _tables.MATCH)[1:]:  # after task_id: asset, horizon, direction, slots
        if req not in _columns.column_names(tasks):
            raise error("invalid_argument", f"the task table needs a '{req}' column"
                        + _columns.missing_column_hint(req, _columns.column_names(tasks)), None, req)
    koc_aud, task_aud, segments = _segment_masks(_strings(roster, "audience", n), _strings(tasks, "audience", m))
    koc_reg, task_reg = _regions(_strings(roster, "region", n), _strings(tasks, "region", m))
    koc_skill, task_skill, skill_names = _skills(roster, tasks, n, m)
    slots = _columns.typed(_columns.get(tasks, "slots"), np.int64, "slots")
    slots = np.where(slots == -1, UNLIMITED_SLOTS, slots)  # other negative counts: the core's slots check
    ladder = {name: i for i, name in enumerate(tp.tiers)}

    def tier_col(name: str) -> Optional[np.ndarray]:
        if name not in _columns.column_names(tasks):
            return None
        vals = _strings(tasks, name, m)
        out = np.empty(m, dtype=np.int32)
        for row, v in enumerate(vals):
            if v == "":
                out[row] = 0 if name == "min_tier" else len(ladder) - 1
            elif v in ladder:
                out[row] = ladder[v]
            else:
                raise error("unknown_name", f"unknown tier {v!r} (ladder: {', '.join(tp.tiers)})", row, name)
        return out

    task_cols = {
        "id": task_ids,
        "asset": _names_to_codes(_strings(tasks, "asset", m), ASSETS, "asset"),
        "horizon": _names_to_codes(_strings(tasks, "horizon", m), HORIZONS, "horizon"),
        "direction": _names_to_codes(_strings(tasks, "direction", m), DIRECTIONS, "direction"),
        "slots": _columns.typed(slots, np.int32, "slots"),
        "window_start": _optional_seconds(tasks, "window_start"),
        "window_end": _optional_seconds(tasks, "window_end"),
        "load": _optional_int(tasks, "load", np.int32),
        "required_skill": task_skill if skill_names else None,
        "audience": task_aud,
        "region": task_reg,
        "min_tier": tier_col("min_tier"),
        "max_tier": tier_col("max_tier"),
        "confidential": _optional_int(tasks, "confidential", np.uint8),
    }
    return task_cols, (koc_aud, koc_reg, koc_skill if skill_names else None, skill_names), task_ids, task_labels, slots


def validate_tasks(tasks: Any, tier_policy: TierPolicyLike = None, *, limit: int = 100) -> pd.DataFrame:
    """Every problem that would stop :func:`match` reading the task table, not only the first: one row per
    problem (at most ``limit``), in the order match meets them, with ``row`` (0-based, -1 for a whole
    column), ``task_id``, ``field``, ``code`` (the :class:`koc.Error` code) and ``message``. Empty when match
    accepts the table. Tier names are checked on ``tier_policy``'s ladder. A column that cannot be read at
    all (a name that is not an asset type, text in a number column) is one problem. A task with 0 slots is
    not a problem: it is closed, and match lists it in ``unfilled_tasks`` with the reason ``no_slots``."""
    tp = _policy(tier_policy)
    if int(limit) < 1:
        raise ValueError("limit must be at least 1")
    ids = None
    try:
        cols, _, task_ids, task_labels, _ = _task_columns(tasks, tp)
        ids = task_labels if task_labels is not None else task_ids
        found = _core.task_problems({k: v for k, v in cols.items() if v is not None}, len(tp.tiers), int(limit))
    except _core.Error as e:
        found = [(e.code, -1 if e.row is None else e.row, e.field or "", detail(e))]
    return _problem_frame(found, "task_id", ids)


def _problem_frame(found: list, id_name: str, ids: Any) -> pd.DataFrame:
    """(code, row, field, message) tuples as the problem table of koc.validate and its siblings."""
    rows = np.array([f[1] for f in found], dtype=np.int64)
    id_of = [None if r < 0 or ids is None or r >= len(ids) else ids[r] for r in rows]
    return pd.DataFrame({"row": rows, id_name: pd.Series(id_of, dtype=object),
                         **{c: pd.Series([f[k] for f in found], dtype=object) for c, k in (("field", 2), ("code", 0), ("message", 3))}})


def _pipeline_columns(roster: Any, tasks: Any, tp: TierPolicy, tiers: Optional[pd.DataFrame], declines: Any,
                      preferences: Any) -> tuple:
    """The typed task, KOC-profile and two-way columns of the matching core (shared by match and candidates)."""
    _tables.check_names(roster, "roster", "roster", tp.declared_metrics)
    _tables.check_names(tasks, "tasks", "task")
    if tiers is None:
        tiers = classify(roster, tp, growth_gaps=False)
    n = _columns.n_rows(roster)
    if len(tiers) != n:
        raise error("length_mismatch", f"tiers has {len(tiers)} rows, roster has {n}", None, "tiers")
    koc_ids, koc_labels = _columns.ids(_columns.get(roster, "id" if "id" in _columns.column_names(roster) else "koc_id"), "id")
    task_cols, (koc_aud, koc_reg, koc_skill, skill_names), task_ids, task_labels, slots = _task_columns(tasks, tp, roster)
    if "capacity" not in _columns.column_names(roster):
        raise error("invalid_argument", "the roster needs a 'capacity' column for matching"
                    + _columns.missing_column_hint("capacity", _columns.column_names(roster)), None, "capacity")
    ladder = {name: i for i, name in enumerate(tp.tiers)}
    tier_codes = np.asarray(tiers["tier"].cat.codes, dtype=np.int32) if hasattr(tiers["tier"], "cat") else \
        np.array([ladder[str(t)] for t in tiers["tier"]], dtype=np.int32)
    koc_cols = {
        "id": koc_ids,
        "tier": tier_codes,
        "capacity": _columns.typed(_columns.get(roster, "capacity"), np.int32, "capacity"),
        "skill": koc_skill if skill_names else None,
        "audience": koc_aud,
        "region": koc_reg,
        "available_start": _optional_seconds(roster, "available_start"),
        "available_end": _optional_seconds(roster, "available_end"),
        "opted_out": _kinds_mask(_strings(roster, "opted_out", n), "opted_out"),
        "recent_tasks": _optional_int(roster, "recent_tasks", np.int32),
        "clearance": _optional_int(roster, "clearance", np.uint8),
        "honorary": np.asarray(tiers["honorary"], dtype=np.uint8) if "honorary" in tiers else None,
        "quality": _columns.typed(_columns.get(roster, "quality"), np.float64, "quality") if "quality" in _columns.column_names(roster) else None,
        "on_time_rate": _columns.typed(_columns.get(roster, "on_time_rate"), np.float64, "on_time_rate") if "on_time_rate" in _columns.column_names(roster) else None,
    }

    def map_ids(values: Any, labels: Optional[np.ndarray], fld: str) -> np.ndarray:
        if labels is None:
            return _columns.typed(values, np.int64, fld)
        lookup = {v: i for i, v in enumerate(labels)}
        return np.array([lookup.get(v, -1 - k) for k, v in enumerate(pd.Series(values).tolist())], dtype=np.int64)

    two_way: dict[str, np.ndarray] = {}
    if declines is not None:
        d = pd.DataFrame(declines)
        two_way["decline_koc_id"] = map_ids(d["koc_id"], koc_labels, "koc_id")
        two_way["decline_task_id"] = map_ids(d["task_id"], task_labels, "task_id")
    if preferences is not None:
        p = pd.DataFrame(preferences)
        two_way["pref_koc_id"] = map_ids(p["koc_id"], koc_labels, "koc_id")
        two_way["pref_task_id"] = map_ids(p["task_id"], task_labels, "task_id")
        two_way["pref_rank"] = _columns.typed(p["rank"], np.int32, "rank")

    return task_cols, koc_cols, two_way, koc_ids, koc_labels, task_ids, task_labels, slots


def match(roster: Any, tasks: Any, policy: Union[MatchingPolicy, str, dict, None] = None, *, tiers: Optional[pd.DataFrame] = None,
          tier_policy: TierPolicyLike = None, declines: Any = None, preferences: Any = None, mode: str = "optimal",
          objective: str = "max_score", score_resolution: float = 1e-6, method: str = "auto",
          time_limit: Optional[float] = None, cancel: Any = None, progress: Any = None) -> MatchResult:
    """Chooses which KOC does which task.

    roster: KOC table (``id``, metrics for classification unless ``tiers`` is given, and the matching
        profile: ``capacity``, ``region``, ``audience`` ("a|b"), ``available_start``/``available_end``
        (unix s, datetimes or ISO-8601 text), ``opted_out`` ("social|instant|..."), ``recent_tasks``, ``clearance``, ``skill_<name>``).
    tasks: ``task_id``, ``asset``, ``horizon``, ``direction``, ``slots`` (-1 = as many as possible),
        ``window_start``/``window_end``, ``load``, ``req_<skill>``, ``audience``, ``region``,
        ``min_tier``/``max_tier`` (tier names), ``confidential``, ``campaign_id``, and the columns of
        :func:`koc.rewards` (``rule``, ``budget_minor`` or ``budget``, ...), which matching does not read: the
        same table goes to both stages. ``window_end`` is also the deadline koc.rewards pays late work by. A
        column koc does not read that looks meant for it (``deadline``, ``slot``) is refused with the name
        to use.
    mode: "optimal" (exact, maximum total fit; objective "max_score" or "max_fill") or "stable"
        ("stable_kocs" / "stable_tasks": which side proposes). declines: (koc_id, task_id) table;
        preferences: (koc_id, task_id, rank) table.
    method, time_limit, cancel, progress: the optimal solve's, as in :func:`koc.capacitated_assignment`.
    """
    tp = _policy(tier_policy)
    mp = policy if isinstance(policy, MatchingPolicy) else (MatchingPolicy.default() if policy is None else MatchingPolicy(policy, tp))
    if mode not in MODES:
        raise error("invalid_argument", f"unknown mode {mode!r} (optimal, stable, stable_kocs, stable_tasks)", None, "mode")
    task_cols, koc_cols, two_way, koc_ids, koc_labels, task_ids, task_labels, slots = \
        _pipeline_columns(roster, tasks, tp, tiers, declines, preferences)
    r = _core.match({k: v for k, v in task_cols.items() if v is not None}, {k: v for k, v in koc_cols.items() if v is not None},
                    mp._parsed_for(tp), tp._parsed, two_way, MODES[mode], objective, float(score_resolution), method,
                    time_limit, cancel, progress)

    kid = koc_labels if koc_labels is not None else koc_ids
    tid = task_labels if task_labels is not None else task_ids
    reasons = np.asarray(r["reasons"], dtype=object)
    assignments = pd.DataFrame({"koc_id": kid[r["koc"]], "task_id": tid[r["task"]], "score": r["score"]})
    capacity = koc_cols["capacity"].astype(np.int64)
    load = r["koc_load"].astype(np.int64)
    spare = (capacity - load > 0) | (load == 0)
    koc_reason = reasons[r["koc_reason"]]
    koc_reason = np.where((capacity == 0) & (load == 0), "no_capacity", koc_reason)
    unassigned = pd.DataFrame({"koc_id": kid, "capacity": capacity, "load": load, "capacity_left": capacity - load,
                               "reason": koc_reason})[spare].reset_index(drop=True)
    filled = r["task_filled"].astype(np.int64)
    user_slots = np.where(slots == UNLIMITED_SLOTS, -1, slots)
    # Short of slots, or closed (0 slots: reason no_slots): a task the caller gave is never silently absent.
    short = np.where(user_slots < 0, filled == 0, filled < user_slots) | (user_slots == 0)
    unfilled = pd.DataFrame({"task_id": tid, "slots": user_slots, "filled": filled,
                             "unfilled": np.where(user_slots < 0, 0, user_slots - filled),
                             "reason": reasons[r["task_reason"]], "n_eligible": r["n_eligible"]})[short].reset_index(drop=True)
    exclusions = pd.DataFrame(r["excluded"], columns=r["exclusion_rules"])
    exclusions.insert(0, "task_id", tid)
    exclusions.insert(1, "eligible", r["n_eligible"])
    cert = {k: r[k] for k in ("koc_potential", "task_potential", "source_potential", "scale", "epsilon", "pair_bonus",
                              "total_score_units") if k in r}
    cert["n_candidate_pairs"] = r["n_pairs"]
    return MatchResult(assignments=assignments, unassigned_kocs=unassigned, unfilled_tasks=unfilled, exclusions=exclusions,
                       total=float(r["total"]), mode=MODES[mode], certificate=cert, _state=r["state"])


def candidates(roster: Any, tasks: Any, policy: Union[MatchingPolicy, str, dict, None] = None, *,
               tiers: Optional[pd.DataFrame] = None, tier_policy: TierPolicyLike = None, declines: Any = None,
               preferences: Any = None) -> pd.DataFrame:
    """Stages 1 and 2 of :func:`match` alone: every eligible (KOC, task) pair with its fit score.

    Same inputs as :func:`match`. Returns one row per candidate pair, sorted by (KOC row, task row):
    ``koc_row`` / ``task_row`` (0-based rows of ``roster`` and ``tasks``), ``koc_id``, ``task_id`` and
    ``score``. Each pair depends only on its KOC's row and the task table, so a roster may be cut into
    partitions and the edges concatenated (what koc.dask / koc.spark do); solving the edges with
    :func:`koc.capacitated_assignment` gives the optimal total of ``match(..., mode="optimal")``.
    """
    tp = _policy(tier_policy)
    mp = policy if isinstance(policy, MatchingPolicy) else (MatchingPolicy.default() if policy is None else MatchingPolicy(policy, tp))
    task_cols, koc_cols, two_way, koc_ids, koc_labels, task_ids, task_labels, _ = \
        _pipeline_columns(roster, tasks, tp, tiers, declines, preferences)
    r = _core.candidates({k: v for k, v in task_cols.items() if v is not None},
                         {k: v for k, v in koc_cols.items() if v is not None}, mp._parsed_for(tp), tp._parsed, two_way)
    kid = koc_labels if koc_labels is not None else koc_ids
    tid = task_labels if task_labels is not None else task_ids
    k, t = r["koc"].astype(np.int64), r["task"].astype(np.int64)
    return pd.DataFrame({"koc_row": k, "task_row": t, "koc_id": kid[k], "task_id": tid[t], "score": r["score"]})
