"""Engine-neutral pieces of koc.dask and koc.spark: what runs on one partition, and how partial results
are combined on the driver. Pure pandas/numpy; no Dask or Spark import here.

The three stages and what crosses partitions:

* tiers: a KOC's row depends on its own values, except for ``percentile`` and ``min_max`` terms, which
  read the whole roster. Those need a reference (koc.tiers.roster_reference's dictionary): the exact
  distinct values with counts (percentile) and the two smallest / largest values with the first
  arg-extremes (min_max), gathered from per-partition partials. Cost: one extra pass and, per
  percentile metric, O(distinct values) memory on the driver and on every worker (broadcast).
* rewards: ledger lines depend on one completion, except first-N speed bonuses and task budgets (per
  task), prize pools, process awards and campaign budgets (per campaign / rule), and per-KOC caps
  (per rule). :func:`reward_scopes` cuts the task table into scopes that close over all of those, the
  completions are grouped by scope, each group is computed by koc.rewards, and every line gets a sort
  key that restores the single-node line order (:data:`ORDER`). Earlier ledgers (``settled=``) are
  validated on the driver and each scope gets the earlier lines of its tasks, campaigns and coupled rules
  (:func:`route_settled`); text KOC and task ids are mapped by each part as koc.rewards maps them, in
  text order, whether they are text being decided once for the whole ledger (:func:`text_id_choice`).
* matching: eligibility and fit depend on one KOC row and the (broadcast) task table; the edge list is
  gathered and solved on one node by koc.capacitated_assignment.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._errors import detail, error, reraise_at
from .tiers import METRICS
from .matching import MatchingPolicy, candidates as _candidates
from .rewards import RewardPolicy, _ledger, holds_text_ids
from .tiers import TierPolicy, classify as _classify, minmax_entry, minmax_summary, percentile_entry, reference_metrics

_METRIC_SET = frozenset(METRICS)

#: Sort columns that put distributed ledger lines into the single-node order: sort by them, ascending.
ORDER = ["order_section", "order_a", "order_b", "order_c", "order_d"]

LINE_COLUMNS = ["koc_id", "task_id", "campaign_id", "completion", "rule", "kind", "reason", "currency", "amount",
                "gross", "gate_bp", "tier_bp", "basis", "aux", "run_id"]


def engine_missing(name: str, error: Exception) -> ImportError:
    return ImportError(f"koc.{name} needs the {name} engine: pip install 'koc[{name}]' ({error})")


# ---- tiers -------------------------------------------------------------------------------------------

def id_column(columns: Sequence[str]) -> str:
    for c in ("id", "koc_id"):
        if c in columns:
            return c
    raise error("invalid_argument", "the roster needs an 'id' (or 'koc_id') column", None, "id")


def partition_partials(pdf: pd.DataFrame, policy: TierPolicy, validate: bool = True) -> dict:
    """What one partition contributes to the roster reference: its length, value counts of percentile
    metrics, its two smallest / largest values (with first positions) of min_max metrics, and the range of
    its ids (see ids_disjoint)."""
    out: dict[str, Any] = {"n": len(pdf), "counts": {}, "minmax": {}, "error": None, "ids": None}
    if validate and len(pdf):
        # Validation here makes bad input fail in this eager pass, on the client, as a koc.Error; its row is
        # moved to roster rows by combine_partials (the partition's offset is not known yet).
        try:
            _classify(pdf.reset_index(drop=True), policy, growth_gaps=False)
        except _core.Error as e:
            out["error"] = e
            return out
    if len(pdf):
        out["ids"] = id_range(pdf[id_column(list(pdf.columns))], distinct=validate)
    for name, norms in reference_metrics(policy).items():
        if name not in pdf.columns:
            continue
        col = pd.to_numeric(pdf[name], errors="coerce").to_numpy(np.float64)
        if "percentile" in norms:
            v, c = np.unique(col, return_counts=True)
            out["counts"][name] = (v, c)
        if "min_max" in norms:
            out["minmax"][name] = minmax_summary(col)
    return out


def combine_partials(partials: Sequence[dict], policy: TierPolicy) -> tuple[dict, np.ndarray]:
    """Roster reference (koc.tiers.classify's ``reference``) and the row offset of every partition, from
    the partitions' partials in roster order."""
    lengths = np.array([p["n"] for p in partials], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    for p, off in zip(partials, offsets):
        if p.get("error") is not None:
            raise shift_error(p["error"], int(off))
    metrics: dict[str, dict] = {}
    for name, norms in reference_metrics(policy).items():
        entry: dict[str, Any] = {}
        if "percentile" in norms:
            vs = [p["counts"][name][0] for p in partials if name in p["counts"]]
            cs = [p["counts"][name][1] for p in partials if name in p["counts"]]
            if vs:
                s = pd.Series(np.concatenate(cs)).groupby(np.concatenate(vs)).sum()
                entry.update(percentile_entry(s.index.to_numpy(np.float64), s.to_numpy(np.int64)))
        if "min_max" in norms:
            parts = [(p["minmax"][name], int(off)) for p, off in zip(partials, offsets) if name in p["minmax"]]
            if parts:
                entry.update(minmax_entry(parts))
        if entry:
            metrics[name] = entry
    return {"n": int(lengths.sum()), "row_offset": 0, "metrics": metrics}, offsets


def id_range(ids: pd.Series, distinct: bool) -> Optional[tuple]:
    """(smallest, largest) id of a partition whose ids are all distinct, else None. ``distinct``: known
    already (koc.classify refuses an id repeated within the partition, and the eager pass ran it)."""
    if not distinct and not ids.is_unique:
        return None
    try:
        return (ids.min(), ids.max())
    except TypeError:  # ids of mixed kinds (numbers beside text): no order to rely on
        return None


def ids_disjoint(partials: Sequence[dict]) -> bool:
    """Whether no id can repeat across partitions: each partition's ids are distinct and the partitions' id
    ranges do not overlap (rosters exported in id order, or numbered by partition). A sufficient test from
    the eager pass's partials; when it fails, the engines count the ids over the whole roster (a shuffle).
    A repeated id lies in two partitions' ranges, so overlapping ranges are all it can hide in."""
    ranges = [p.get("ids") for p in partials if p["n"]]
    if any(r is None for r in ranges):
        return False
    try:
        ranges.sort(key=lambda r: r[0])
        return all(a[1] < b[0] for a, b in zip(ranges, ranges[1:]))
    except TypeError:  # numbers in one partition, text in another
        return False


def duplicate_error(id_value: Any, rows: Sequence[int]) -> Exception:
    r0, r1 = sorted(int(r) for r in rows)[:2]
    return error("duplicate_id", f"duplicate KOC id {id_value} (first at row {r0})", r1, "id")


def shift_error(e: Exception, offset: int) -> Exception:
    """The same koc.Error with its row moved from partition rows to roster rows (rows of another table, the
    state or the revocations or overrides, stay as they are)."""
    row = getattr(e, "row", None)
    field = getattr(e, "field", "") or ""
    if offset == 0 or row is None or row < 0 or field.startswith(("state.", "revocations.")) or field in OVERRIDE_FIELDS:
        return e
    return reraise_at(e, row=row + offset)


OVERRIDE_FIELDS = ("tier", "reason", "author", "expires_at")  # an override's fields (koc_id is the roster's too)


def check_revoked(revoked: Any, found_ids: Any) -> None:
    """Every revocation names a KOC of the roster (found_ids: the roster ids among the revoked ones, gathered
    by the engine): partitions apply only their own KOCs' revocations, so the whole roster is checked here."""
    if revoked is None:
        return
    found = set(pd.Series(found_ids).tolist())
    for row, v in enumerate(pd.Series(revoked["koc_id"]).tolist()):
        if v not in found:
            raise error("unknown_id", f"revocation for KOC id {v}, not in the roster", row, "revocations.koc_id")


def own_revocations(revoked: Any, pdf: pd.DataFrame) -> Any:
    """The revocations of this partition's KOCs."""
    if revoked is None:
        return None
    ids = pdf[id_column(list(pdf.columns))]
    return revoked[pd.Series(revoked["koc_id"]).isin(ids).to_numpy()]


def classify_partition(pdf: pd.DataFrame, policy_json: str, reference: Optional[dict], row_offset: int,
                       growth_gaps: bool, as_strings: bool, state: Any = None, revoked: Any = None,
                       as_of: Any = None) -> pd.DataFrame:
    """koc.classify of one partition with the roster reference and last period's state (each partition looks
    its KOCs up in the whole state by id); categoricals as strings for Spark."""
    ref = None if reference is None else dict(reference, row_offset=int(row_offset))
    try:
        out = _classify(pdf, TierPolicy(policy_json), growth_gaps=growth_gaps, reference=ref, state=state,
                        revoked=own_revocations(revoked, pdf), as_of=as_of)
    except _core.Error as e:
        raise shift_error(e, int(row_offset)) from None
    if as_strings:
        for c in out.columns:
            if isinstance(out[c].dtype, pd.CategoricalDtype):
                out[c] = out[c].astype(object).where(out[c].notna(), None)
        out["override_reason"] = out["override_reason"].astype(object)
        out["override_author"] = out["override_author"].astype(object)
    return out.reset_index(drop=True)


def classify_meta(columns: Sequence[str], policy: TierPolicy, growth_gaps: bool, text_ids: bool = False) -> pd.DataFrame:
    """An empty frame with the output columns and dtypes of koc.classify (for Dask's meta and Spark's
    schema); ``text_ids``: the roster's ids are text (CRM exports), so ``koc_id`` is too."""
    # One dummy row (an empty roster has no growth-gap matrix), then no rows. Its metric values are the
    # bottom of each metric's valid range: 0 for the built-in ones, the declared min for a policy's own.
    lowest = {m: 0.0 for m in _METRIC_SET}
    lowest.update({d["name"]: float(d["min"]) for d in policy.to_dict().get("metric_declarations", ())})
    empty: dict[str, Any] = {c: np.full(1, lowest[c]) for c in columns if c in lowest}
    empty[id_column(columns)] = np.zeros(1, np.int64)
    ref = {"n": 1, "row_offset": 0, "metrics": {}}
    for name, norms in reference_metrics(policy).items():
        e: dict[str, Any] = {}
        v = lowest[name]
        if "percentile" in norms:
            e.update({"values": np.array([v]), "below": np.array([0, 1], np.uint64)})
        if "min_max" in norms:
            e.update({"min1": v, "min2": float("inf"), "max1": v, "max2": float("-inf"), "argmin": 0, "argmax": 0})
        ref["metrics"][name] = e
    meta = _classify(pd.DataFrame(empty), policy, growth_gaps=growth_gaps, reference=ref).iloc[:0]
    return meta.astype({"koc_id": object}) if text_ids else meta


def describe(ref: dict, pol: TierPolicy) -> dict:
    """How a distributed classify obtained roster-wide statistics (the ``koc_normalisation`` attribute)."""
    used = reference_metrics(pol)
    if not used:
        return {"method": "row-local", "detail": "no percentile or min_max term: each partition is classified alone"}
    sizes = {m: len(e.get("values", ())) for m, e in ref["metrics"].items() if "values" in e}
    parts = []
    if sizes:
        parts.append("percentile: exact, gathered distinct value counts " + ", ".join(f"{m}={k:,}" for m, k in sizes.items()))
    if any("min_max" in n for n in used.values()):
        parts.append("min_max: exact, two smallest/largest values per partition")
    return {"method": "exact", "n": ref["n"], "metrics": {m: sorted(n) for m, n in used.items()}, "detail": "; ".join(parts)}



# ---- rewards -----------------------------------------------------------------------------------------

def coupled_rules(policy: RewardPolicy) -> list[int]:
    """Indices of the rules whose lines couple all their tasks: amplification rules with a per-KOC cap (the
    cap runs over all the KOC's completions of the rule) and rules with process awards (their winners are
    checked over all the rule's campaigns)."""
    return [i for i, r in enumerate(policy.to_dict()["rules"])
            if (r.get("kind") == "amplification" and r.get("cap_per_koc") is not None) or bool(r.get("process_awards"))]


def _rule_of_tasks(tasks: pd.DataFrame, policy: RewardPolicy) -> np.ndarray:
    rule_index = {r: i for i, r in enumerate(policy.rules)}
    return np.array([int(v) if isinstance(v, (int, np.integer)) else rule_index.get(v, -1) for v in tasks["rule"].to_numpy()],
                    dtype=np.int64)


def _campaigns(values: Any) -> np.ndarray:
    """Campaign ids as int64, missing = -1."""
    return pd.to_numeric(pd.Series(values), errors="coerce").fillna(-1).to_numpy(np.int64)


def reward_scopes(tasks: pd.DataFrame, policy: RewardPolicy) -> pd.Series:
    """Scope of every task (task_id -> scope number): tasks whose ledger lines can depend on each other are
    in the same scope. Joined: tasks of the same campaign (prize pools, process awards, campaign budgets),
    all tasks of a rule with process awards (their winners are checked over all the rule's campaigns) and
    all tasks of an amplification rule with a per-KOC cap (the cap runs over all the KOC's completions of
    the rule). First-N speed bonuses and task budgets stay within their task. Scopes are numbered by their
    first task row. Task ids as given (integers or text)."""
    rule_of = _rule_of_tasks(tasks, policy)
    m = len(tasks)
    parent = np.arange(m)

    def find(a: int) -> int:
        # A parent always has a lower row than its child (join_all links the higher root under the
        # lower), so the walk ends within a steps.
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join_all(rows: np.ndarray) -> None:
        if len(rows) > 1:
            root = find(int(rows[0]))
            for r in rows[1:]:
                ra = find(int(r))
                if ra != root:
                    parent[max(ra, root)] = min(ra, root)
                    root = min(ra, root)

    if "campaign_id" in tasks.columns:
        camp = _campaigns(tasks["campaign_id"])
        for c in np.unique(camp[camp >= 0]):
            join_all(np.flatnonzero(camp == c))
    for i in coupled_rules(policy):
        join_all(np.flatnonzero(rule_of == i))
    roots = np.array([find(i) for i in range(m)], dtype=np.int64)
    return pd.Series(roots, index=pd.Index(tasks["task_id"].to_numpy()), name="scope")


def settled_table(settled: Any) -> Optional[pd.DataFrame]:
    """koc.rewards's ``settled`` (Ledgers or line tables, one or a list) as one table of the columns the
    engine reads, text columns as objects; None for none."""
    from . import _columns
    from .rewards import _SETTLED_COLUMNS, _settled_columns, settled_lines
    parts = settled_lines(settled)
    if parts is None:
        return None
    if any(c not in _columns.column_names(p) for p in parts for c in _SETTLED_COLUMNS):
        _settled_columns(parts)  # raises koc.rewards's error naming the missing column
    frames = []
    for p in parts:
        cols = {c: pd.Series(np.asarray(_columns.get(p, c))) for c in _SETTLED_COLUMNS}
        frames.append(pd.DataFrame({c: v.astype(object) if c in ("rule", "kind", "currency") else v for c, v in cols.items()}))
    return pd.concat(frames, ignore_index=True) if frames else None


def route_settled(settled: Optional[pd.DataFrame], tasks: pd.DataFrame, policy: RewardPolicy) -> dict:
    """The earlier lines each reward scope needs (scope -> table, rows in settled order), read as the engine
    reads them (koc::detail::settlement): lines of the scope's tasks (settled (KOC, task, kind, step) keys,
    task budget spend, first-N places given), lines of its campaigns (campaign budget spend, also of tasks
    this run does not list; prizes and process awards judged before) and lines of its coupled rules (per-KOC
    cap use over all the rule's tasks). A line goes to every scope it concerns (at most three); a line no
    scope needs (tier entitlements, tasks and campaigns this run does not list) goes nowhere. ``tasks``:
    the prepared task table (``_scope``)."""
    if settled is None or not len(settled):
        return {}
    scope = tasks["_scope"].to_numpy(np.int64)
    found = pd.Index(tasks["task_id"].to_numpy()).get_indexer(settled["task_id"].to_numpy())
    by_task = np.where(found >= 0, scope[np.clip(found, 0, None)], -1)
    by_campaign = np.full(len(settled), -1, np.int64)
    if "campaign_id" in tasks.columns:
        camp = _campaigns(tasks["campaign_id"])
        first = pd.Series(scope[camp >= 0]).groupby(camp[camp >= 0]).first()  # one scope per campaign
        by_campaign = pd.Series(_campaigns(settled["campaign_id"])).map(first).fillna(-1).to_numpy(np.int64)
    by_rule = np.full(len(settled), -1, np.int64)
    rule_of = _rule_of_tasks(tasks, policy)
    coupled = {policy.rules[i]: int(scope[rule_of == i][0]) for i in coupled_rules(policy) if (rule_of == i).any()}
    if coupled:
        by_rule = pd.Series(settled["rule"].to_numpy(object)).map(coupled).fillna(-1).to_numpy(np.int64)
    rows = np.tile(np.arange(len(settled), dtype=np.int64), 3)
    scopes = np.concatenate([by_task, by_campaign, by_rule])
    pairs = pd.DataFrame({"scope": scopes, "row": rows})
    pairs = pairs[pairs["scope"] >= 0].drop_duplicates().sort_values(["scope", "row"], kind="stable")
    return {int(sc): settled.iloc[g["row"].to_numpy()].reset_index(drop=True) for sc, g in pairs.groupby("scope")}


def raw_lines(led: Any, explain: bool) -> pd.DataFrame:
    """Ledger lines straight from the core's columns (no Decimal column): strings, None where missing; KOC
    and task ids as the caller gave them (text ids as text, None for none), explanations naming them."""
    from .rewards import _CODES
    r = led._raw
    rule_names = np.asarray(list(r["rule_names"]) + [None], dtype=object)
    rule = np.asarray(r["rule"], dtype=np.int64)
    codes = np.asarray(list(_CODES) + [None] * (256 - len(_CODES)), dtype=object)
    out = pd.DataFrame({
        "koc_id": led._koc_ids(np.asarray(r["koc_id"], np.int64)), "task_id": led._task_ids(np.asarray(r["task_id"], np.int64)),
        "campaign_id": np.asarray(r["campaign_id"], np.int64), "completion": np.asarray(r["completion"], np.int64),
        "rule": rule_names[np.where(rule >= 0, rule, len(rule_names) - 1)],
        "kind": np.asarray(r["kinds"], dtype=object)[np.asarray(r["kind"], np.int64)],
        "reason": np.asarray(r["reasons"], dtype=object)[np.asarray(r["reason"], np.int64)],
        "currency": codes[np.asarray(r["currency"], np.int64)],
        "amount": np.asarray(r["amount"], np.int64), "gross": np.asarray(r["gross"], np.int64),
        "gate_bp": np.asarray(r["gate_bp"], np.int64), "tier_bp": np.asarray(r["tier_bp"], np.int64),
        "basis": np.asarray(r["basis"], np.int64), "aux": np.asarray(r["aux"], np.int64)})
    run_ids = np.asarray(list(r["run_ids"]) or [""], dtype=object)
    out["run_id"] = run_ids[np.asarray(r["run"], np.int64)] if len(r["run"]) else np.full(len(out), run_ids[0], dtype=object)
    if explain:
        said = r["explanation"]
        if led._kocs.labels is not None or led._tasks.labels is not None:
            said = [led._say(x) for x in said]  # as Ledger.lines says them
        out["explanation"] = np.asarray(said, dtype=object)
    return out


def _section_keys(lines: pd.DataFrame, led: Any, completion_rows: np.ndarray, task_row: dict,
                  policy: RewardPolicy) -> pd.DataFrame:
    """Adds the ORDER columns to one group's lines (see module docstring) and maps completion rows."""
    n = len(lines)
    kind = lines["kind"].to_numpy(object)
    comp = lines["completion"].to_numpy(np.int64)
    task_code = np.asarray(led._raw["task_id"], np.int64)  # -1: none (whatever the ids' type)
    koc_code = np.asarray(led._raw["koc_id"], np.int64)
    camp = lines["campaign_id"].to_numpy(np.int64)
    rules = {r: i for i, r in enumerate(policy.rules)}
    budgets = {(int(b["campaign"]), b["currency"]): i for i, b in enumerate(policy.to_dict().get("campaign_budgets", []))}
    sec = np.zeros(n, np.int64)
    a = np.zeros(n, np.int64)
    b = np.zeros(n, np.int64)
    c = np.zeros(n, np.int64)
    glob_comp = np.full(n, -1, np.int64)
    if len(completion_rows):
        glob_comp = np.where(comp >= 0, completion_rows[np.clip(comp, 0, len(completion_rows) - 1)], -1)
    a[:] = glob_comp  # section 0: completion lines, by roster-wide completion row
    trow = np.full(n, -1, np.int64)
    has_task = task_code >= 0
    if has_task.any():
        trow[has_task] = pd.Series(lines["task_id"].to_numpy(object)[has_task]).map(task_row).fillna(-1).to_numpy(np.int64)
    award = (kind == "process_award") | (kind == "prize")
    sec[award] = 1
    a[award] = [rules.get(x, -1) for x in lines["rule"].to_numpy(object)[award]]
    b[award] = camp[award]
    idle = (koc_code == -1) & (lines["reason"].to_numpy(object) == "no_completion")
    sec[idle], a[idle] = 3, trow[idle]
    sec[(task_code == -1) & ~idle] = 2  # KOC lines come from the KOC pass, not from groups
    cur = lines["currency"].to_numpy(object)
    for i in np.flatnonzero(kind == "budget_cut"):  # few lines: the explanation says which budget
        if led._state.explain(int(i)).startswith("task "):
            sec[i], a[i] = 4, trow[i]
        else:
            sec[i], a[i] = 5, budgets.get((int(camp[i]), cur[i]), len(budgets))
    out = lines.copy()
    out["completion"] = glob_comp
    out["order_section"], out["order_a"], out["order_b"], out["order_c"], out["order_d"] = sec, a, b, c, np.arange(n, dtype=np.int64)
    return out


def _plain(lines: pd.DataFrame, explain: bool) -> pd.DataFrame:
    return lines[LINE_COLUMNS + (["explanation"] if explain else [])]


def id_text(v: Any) -> str:
    """An id in a message as koc.rewards names it: text ids quoted, integers plain."""
    return repr(v) if isinstance(v, str) else str(int(v))


def unknown_koc_error(group: pd.DataFrame) -> Optional[Exception]:
    """The error for the first completion (by completion row) whose KOC the KOC table lacks (``_tier_known``
    missing after the join), or None."""
    unknown = group["_tier_known"].isna().to_numpy()
    if not unknown.any():
        return None
    rows = group["_row"].to_numpy(np.int64)
    first = int(np.flatnonzero(unknown)[np.argmin(rows[unknown])])
    return error("unknown_id", f"KOC {id_text(group['koc_id'].iloc[first])} of a completion is not in the KOC table",
                 int(rows[first]), "koc_id")


def rewards_group(group: pd.DataFrame, policy_json: str, tasks: pd.DataFrame, ladder: Optional[list],
                  explain: bool, settled: Optional[dict] = None, text_ids: tuple = (False, False),
                  awards: Optional[dict] = None, run_id: str = "") -> pd.DataFrame:
    """Ledger lines of one scope: koc.rewards on the scope's completions and tasks. ``group`` holds the
    completion columns plus ``_row`` (roster-wide completion row) and ``tier`` (the KOC's tier name,
    None = no tier, or the column absent). ``settled``: route_settled's tables by scope; ``text_ids``:
    whether the whole ledger's KOC and task ids are text (so this part maps them in the same text order);
    ``awards``: route_awards's tables by scope; ``run_id``: written on every line."""
    bad = unknown_koc_error(group) if "_tier_known" in group.columns else None
    if bad is not None:
        raise bad
    policy = RewardPolicy(policy_json)
    group = group.sort_values("_row", kind="stable").reset_index(drop=True)
    scope_tasks = tasks[tasks["task_id"].isin(group["task_id"].unique()) | tasks["_scope"].isin(group["_scope"].unique())]
    task_row = dict(zip(scope_tasks["task_id"].to_numpy(), scope_tasks["_task_row"].to_numpy(np.int64)))
    scope_tasks = scope_tasks.drop(columns=["_scope", "_task_row"]).reset_index(drop=True)
    kocs = group.drop_duplicates("koc_id")[["koc_id"] + (["tier"] if "tier" in group.columns else [])].reset_index(drop=True)
    if "tier" in kocs.columns and ladder is not None:
        kocs["tier"] = pd.Categorical(kocs["tier"], categories=ladder, ordered=True)
    done = group.drop(columns=[c for c in ("_row", "_scope", "_g", "tier", "_tier_known") if c in group.columns])
    assignments = done[["koc_id", "task_id"]]
    rows = group["_row"].to_numpy(np.int64)
    earlier = None
    if settled:
        earlier = settled.get(int(group["_scope"].iloc[0])) if len(group) else None
    won = awards.get(int(group["_scope"].iloc[0])) if awards and len(group) else None
    try:
        led = _ledger(assignments, done, policy, tasks=scope_tasks, kocs=kocs, explain=explain, settled=earlier,
                      text_ids=text_ids, awards=None if won is None else won.drop(columns=["_arow"]),
                      run_id=run_id)
    except _core.Error as e:
        raise _shift_award_error(_shift_completion_error(e, rows), won) from None
    lines = _section_keys(raw_lines(led, explain), led, rows, task_row, policy)
    lines = lines[lines["order_section"] != 2]  # KOC lines: from the KOC pass
    return pd.concat([_plain(lines, explain), lines[ORDER]], axis=1).reset_index(drop=True)


def _shift_award_error(e: Exception, won: Optional[pd.DataFrame]) -> Exception:
    """An error on a row of a scope's awards, moved to that row of the caller's awards table."""
    row = getattr(e, "row", None)
    if won is None or row is None or not 0 <= row < len(won) or not (getattr(e, "field", "") or "").startswith("awards."):
        return e
    return reraise_at(e, row=int(won["_arow"].iloc[int(row)]))


def route_awards(awards: Any, tasks: pd.DataFrame, policy: RewardPolicy, settled: Optional[pd.DataFrame],
                 text_ids: tuple) -> dict:
    """The awards table's rows by the reward scope of their campaign (scope -> table with ``_arow``, the
    caller's row). The table is validated here, on the driver, against every task, as the single-node call
    does (its columns, its campaigns and awards, repeated winners); whether each winner completed work in
    the campaign is checked in the campaign's scope, which holds its completions."""
    if awards is None:
        return {}
    table = pd.DataFrame(awards).reset_index(drop=True)
    plain = tasks.drop(columns=["_scope", "_task_row"])
    empty, done_c = _no_work(None, text_ids)
    try:
        _ledger(empty, done_c, policy, tasks=plain, settled=settled, awards=table, text_ids=text_ids)
    except _core.Error as e:
        # With no completions every winner is unpaid: that one check belongs to the scopes.
        if not (e.code == "unknown_id" and getattr(e, "field", None) == "awards.koc_id" and detail(e).startswith("award winner")):
            raise
    camp = _campaigns(tasks["campaign_id"]) if "campaign_id" in tasks.columns else np.full(len(tasks), -1, np.int64)
    scope = tasks["_scope"].to_numpy(np.int64)
    first = pd.Series(scope[camp >= 0]).groupby(camp[camp >= 0]).first()  # one scope per campaign
    of_row = pd.Series(table["campaign_id"].to_numpy(np.int64)).map(first).to_numpy(np.int64)  # validated: all found
    table["_arow"] = np.arange(len(table), dtype=np.int64)
    return {int(sc): table[of_row == sc].reset_index(drop=True) for sc in np.unique(of_row)}


def check_idle_awards(awards: dict, busy_scopes: set, tasks: pd.DataFrame, policy: RewardPolicy,
                      settled: dict, text_ids: tuple) -> None:
    """Awards of campaigns whose tasks have no completion this run: the single-node call refuses a winner
    without an accepted completion (unless the campaign's awards were judged by an earlier run)."""
    for sc, won in sorted(awards.items()):
        if sc in busy_scopes:
            continue
        t = tasks[tasks["_scope"] == sc].drop(columns=["_scope", "_task_row"]).reset_index(drop=True)
        empty, done_c = _no_work(None, text_ids)
        try:
            _ledger(empty, done_c, policy, tasks=t, settled=settled.get(sc), awards=won.drop(columns=["_arow"]),
                    text_ids=text_ids)
        except _core.Error as e:
            raise _shift_award_error(e, won) from None


def _shift_completion_error(e: Exception, rows: np.ndarray) -> Exception:
    row = getattr(e, "row", None)
    completion_fields = {"delivered_at", "accepted", "quality", "views", "interactions", "days_served",
                         "duty_fulfilment", "days_on_site", "travel_claimed", "travel_claimed_minor", "koc_id",
                         "task_id", "assignment"}
    if row is None or row < 0 or row >= len(rows) or getattr(e, "field", None) not in completion_fields:
        return e
    return shift_error(e, int(rows[row]) - int(row))


def _no_work(kocs: Any, text_ids: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Empty assignments and completions whose id columns have the ledger's id type."""
    dt = [object if t else np.int64 for t in text_ids]
    ids = {"koc_id": np.zeros(0, dt[0]), "task_id": np.zeros(0, dt[1])}
    return pd.DataFrame(ids), pd.DataFrame({**ids, "delivered_at": np.zeros(0, np.int64)})


def koc_lines(kocs: pd.DataFrame, policy_json: str, ladder: Optional[list], explain: bool,
              text_ids: tuple = (False, False), run_id: str = "") -> pd.DataFrame:
    """Tier entitlements and 'no_completion' lines of a partition of the KOC table. ``kocs`` holds
    ``koc_id``, optional ``tier``, ``_krow`` (roster-wide row of the KOC table) and ``_done`` (the KOC
    has at least one completion). Earlier runs' lines change none of these (entitlements are a state,
    written on every run), so no settled lines come here."""
    policy = RewardPolicy(policy_json)
    k = kocs.sort_values("_krow", kind="stable").reset_index(drop=True)
    table = k[["koc_id"] + (["tier"] if "tier" in k.columns else [])].copy()
    if "tier" in table.columns and ladder is not None:
        table["tier"] = pd.Categorical(table["tier"], categories=ladder, ordered=True)
    empty_tasks = pd.DataFrame({"task_id": np.zeros(0, object if text_ids[1] else np.int64), "rule": np.zeros(0, np.int64)})
    empty, done_c = _no_work(table, text_ids)
    try:
        led = _ledger(empty, done_c, policy, tasks=empty_tasks, kocs=table, explain=explain, text_ids=text_ids,
                      run_id=run_id)
    except _core.Error as e:
        raise shift_error(e, 0) from None
    lines = raw_lines(led, explain)
    # Each line's KOC position in the table (every KOC once), by id as given.
    pos = pd.Index(k["koc_id"].to_numpy()).get_indexer(lines["koc_id"].to_numpy()) if len(lines) else np.zeros(0, np.int64)
    done = k["_done"].to_numpy(bool)[pos]
    keep = ~((lines["reason"].to_numpy(object) == "no_completion") & done)
    lines = lines[keep].reset_index(drop=True)
    pos = pos[keep]
    out = _plain(lines, explain)
    order = pd.DataFrame({"order_section": np.full(len(lines), 2, np.int64),
                          "order_a": k["_krow"].to_numpy(np.int64)[pos],
                          "order_b": np.zeros(len(lines), np.int64), "order_c": np.zeros(len(lines), np.int64),
                          "order_d": np.arange(len(lines), dtype=np.int64)})
    return pd.concat([out, order], axis=1)


def idle_task_lines(tasks: pd.DataFrame, idle_task_ids: Sequence[Any], policy: RewardPolicy, explain: bool,
                    text_ids: tuple = (False, False), run_id: str = "") -> pd.DataFrame:
    """'no_completion' lines of tasks without any completion (computed on the driver: tasks are few; earlier
    runs' lines change none of them)."""
    t = tasks[tasks["task_id"].isin(list(idle_task_ids))]
    task_row = dict(zip(t["task_id"].to_numpy(), t["_task_row"].to_numpy(np.int64)))
    t = t.drop(columns=["_scope", "_task_row"]).reset_index(drop=True)
    empty, done_c = _no_work(None, text_ids)
    led = _ledger(empty, done_c, policy, tasks=t, kocs=pd.DataFrame({"koc_id": empty["koc_id"]}), explain=explain,
                  text_ids=text_ids, run_id=run_id)
    lines = _section_keys(raw_lines(led, explain), led, np.zeros(0, np.int64), task_row, policy)
    return pd.concat([_plain(lines, explain), lines[ORDER]], axis=1).reset_index(drop=True)


def text_id_choice(tasks: Any, settled: Optional[pd.DataFrame], kocs_hold_text: bool,
                   awards: Any = None) -> tuple[bool, bool]:
    """Whether the whole ledger's KOC ids and task ids are text, as koc.rewards decides it over all its
    tables (rewards.holds_text_ids): the KOC ids from the KOC table (``kocs_hold_text``, found by the
    engine; a completion's KOC must be in it) and the earlier lines, the task ids from the task table and
    the earlier lines (a completion's task must be in the table)."""
    koc_text = bool(kocs_hold_text) or (settled is not None and holds_text_ids(settled["koc_id"]))
    if awards is not None and "koc_id" in pd.DataFrame(awards).columns:  # the awards table's winners count too
        koc_text = koc_text or holds_text_ids(pd.DataFrame(awards)["koc_id"])
    task_text = holds_text_ids(pd.DataFrame(tasks)["task_id"]) if "task_id" in pd.DataFrame(tasks).columns else False
    task_text = task_text or (settled is not None and holds_text_ids(settled["task_id"]))
    return koc_text, task_text


def prepare_tasks(tasks: Any, policy: RewardPolicy, settled: Optional[pd.DataFrame] = None,
                  text_ids: tuple = (False, False)) -> pd.DataFrame:
    """The task table (pandas; tasks are few and broadcast) with its scope and row. The task table and the
    earlier lines (``settled``, see settled_table) are validated here, on the driver, exactly as the
    single-node call does (errors name the task row, or the row of the earlier lines)."""
    t = pd.DataFrame(tasks).reset_index(drop=True).copy()
    if "task_id" not in t.columns or "rule" not in t.columns:
        raise error("invalid_argument", "the task table needs 'task_id' and 'rule' columns", None, "task_id")
    # Process-award winners are checked against the completions of their rule, in that rule's scope: the
    # driver, which has no completions, validates with a copy of the policy that names no winners.
    d = policy.to_dict()
    for r in d["rules"]:
        for award in r.get("process_awards", []):
            award.pop("winners", None)
    empty, done_c = _no_work(None, text_ids)
    _ledger(empty, done_c, RewardPolicy(d), tasks=t, settled=settled, text_ids=text_ids)
    scopes = reward_scopes(t, policy)
    t["_scope"] = scopes.to_numpy()
    t["_task_row"] = np.arange(len(t), dtype=np.int64)
    return t


def lines_meta(explain: bool, text_ids: tuple = (False, False)) -> pd.DataFrame:
    """Column names and dtypes of the distributed ledger lines: text KOC and task ids are objects (strings)."""
    cols: dict[str, Any] = {}
    for c in LINE_COLUMNS:
        text = c in ("rule", "kind", "reason", "currency", "run_id") or (c == "koc_id" and text_ids[0]) or (c == "task_id" and text_ids[1])
        cols[c] = pd.Series([], dtype=object if text else np.int64)
    if explain:
        cols["explanation"] = pd.Series([], dtype=object)
    for c in ORDER:
        cols[c] = pd.Series([], dtype=np.int64)
    return pd.DataFrame(cols)


# ---- matching ----------------------------------------------------------------------------------------

def candidates_partition(pdf: pd.DataFrame, tasks: pd.DataFrame, policy_json: str, tier_policy_json: str,
                         row_offset: int, reference: Optional[dict]) -> pd.DataFrame:
    """Candidate edges of one roster partition against the whole task table: koc_row (roster row), task_row,
    koc_id, task_id, score, and the KOC's capacity (so the gather needs no second pass). The KOCs' tiers
    are those of koc.classify(roster, tier_policy, growth_gaps=False) (what koc.match uses), computed
    here with the roster reference."""
    tp = TierPolicy(tier_policy_json)
    pdf = pdf.reset_index(drop=True)
    try:
        ref = None if reference is None else dict(reference, row_offset=int(row_offset))
        tiers = _classify(pdf, tp, growth_gaps=False, reference=ref)
        e = _candidates(pdf, tasks, MatchingPolicy(policy_json, tp), tiers=tiers, tier_policy=tp)
    except _core.Error as err:
        raise shift_error(err, int(row_offset)) from None
    cap = pdf["capacity"].to_numpy(np.int64)
    e["capacity"] = cap[e["koc_row"].to_numpy()] if len(e) else np.zeros(0, np.int64)
    e["koc_row"] = e["koc_row"] + int(row_offset)
    return e


def edges_meta() -> pd.DataFrame:
    return pd.DataFrame({"koc_row": pd.Series([], dtype=np.int64), "task_row": pd.Series([], dtype=np.int64),
                         "koc_id": pd.Series([], dtype=np.int64), "task_id": pd.Series([], dtype=np.int64),
                         "score": pd.Series([], dtype=np.float64), "capacity": pd.Series([], dtype=np.int64)})


def solve_edges(edges: pd.DataFrame, tasks: pd.DataFrame, *, objective: str = "max_score",
                score_resolution: float = 1e-6):
    """Solves the gathered candidate edges exactly on this node (koc.capacitated_assignment). KOCs without
    any candidate cannot be assigned and are left out of the solve; returns (assignments, result)."""
    from .assignment import capacitated_assignment
    edges = edges.sort_values(["koc_row", "task_row"], kind="stable").reset_index(drop=True)
    kocs, k = np.unique(edges["koc_row"].to_numpy(np.int64), return_inverse=True)
    first = np.searchsorted(edges["koc_row"].to_numpy(np.int64), kocs)
    capacity = edges["capacity"].to_numpy(np.int64)[first]
    slots = task_slots(tasks)
    res = capacitated_assignment((k.astype(np.int64), edges["task_row"].to_numpy(np.int64), edges["score"].to_numpy(np.float64)),
                                 capacity, slots, objective=objective, score_resolution=score_resolution)
    chosen = edges.iloc[res.edge]
    assignments = pd.DataFrame({"koc_id": chosen["koc_id"].to_numpy(), "task_id": chosen["task_id"].to_numpy(),
                                "score": chosen["score"].to_numpy()})
    return assignments, res


# ---- matching by distributed pricing ---------------------------------------------------------------
#
# Column generation over the candidate edges: the driver solves the edges it holds (its graph) exactly,
# with every KOC that has a candidate in its index space; the workers check every edge they hold against
# that solve's certificate (koc::capacitated_violations, verify()'s condition on one pair) and send back
# the edges that break it; the driver adds them and solves again, until no worker finds one. Then the
# driver's assignment is optimal over the whole candidate graph and its duals are the certificate over all
# of it, checked edge by edge on the workers (the node conditions do not depend on the edges, and the
# index spaces, hence the certificate's scale bound, are those of the whole graph). Each round adds at
# least one edge the driver did not hold (an edge it holds satisfies its own solve's certificate), so the
# loop ends. max_score only: a maximum fill is a property of the whole graph that an edge-by-edge check
# cannot prove.

def task_slots(tasks: pd.DataFrame) -> np.ndarray:
    """Each task's slots for the solve: -1 (unlimited) becomes koc.matching.UNLIMITED_SLOTS."""
    from .matching import UNLIMITED_SLOTS
    slots = pd.to_numeric(tasks["slots"]).to_numpy(np.int64)
    return np.where(slots == -1, UNLIMITED_SLOTS, slots)


def partition_kocs(pdf: pd.DataFrame) -> pd.DataFrame:
    """The KOCs of one partition's edges: (koc_row, koc_id, capacity), one row each."""
    return pdf[["koc_row", "koc_id", "capacity"]].drop_duplicates("koc_row")


#: The columns of an edge the driver holds (ids and capacities are looked up by row at the end).
HELD = ["koc_row", "task_row", "score"]


def _best_first(pdf: pd.DataFrame) -> np.ndarray:
    """Row order by KOC, then decreasing score, then task (the tie rule of the seeds and the additions)."""
    return np.lexsort((pdf["task_row"].to_numpy(np.int64), -pdf["score"].to_numpy(np.float64),
                       pdf["koc_row"].to_numpy(np.int64)))


def _first_per_group(keys: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Mask of the first limit[i] rows of each run of equal keys (rows sorted by key)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=bool)
    start = np.r_[True, keys[1:] != keys[:-1]]
    idx = np.arange(len(keys))
    rank = idx - np.maximum.accumulate(np.where(start, idx, 0))
    return rank < limit


def sorted_member(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """keys[i] in sorted_keys (ascending), by binary search."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def seed_partition(pdf: pd.DataFrame, slots: np.ndarray, per_koc: int = 0, per_task: Optional[int] = None,
                   positive_only: bool = True) -> pd.DataFrame:
    """The edges of one partition that start the driver's graph: each task's ``per_task`` best (2 x slots, at
    most 1,024, when None) and each KOC's ``per_koc`` best within the partition, by decreasing score, ties to
    the lower KOC / task row. With ``positive_only`` (max_score) edges with score <= 0 are left out: they are
    never taken (the pricing still checks them). Measured on generated programmes (benchmarks/RESULTS.md),
    the tasks' best alone (per_koc = 0) end with the smallest graph on the driver."""
    keep_rows = pdf["score"].to_numpy(np.float64) > 0 if positive_only else np.ones(len(pdf), dtype=bool)
    pos = pdf.loc[keep_rows, HELD].reset_index(drop=True)
    if len(pos) == 0:
        return pos
    by_koc = pos.iloc[_best_first(pos)]
    keep = by_koc[_first_per_group(by_koc["koc_row"].to_numpy(np.int64), np.full(len(by_koc), int(per_koc)))]
    order = np.lexsort((pos["koc_row"].to_numpy(np.int64), -pos["score"].to_numpy(np.float64), pos["task_row"].to_numpy(np.int64)))
    by_task = pos.iloc[order]
    t = by_task["task_row"].to_numpy(np.int64)
    keep_t = by_task[_first_per_group(t, np.minimum(2 * slots[t], 1024) if per_task is None else np.full(len(t), int(per_task)))]
    out = pd.concat([keep, keep_t]).drop_duplicates(["koc_row", "task_row"])
    return out.iloc[_best_first(out)].reset_index(drop=True)


@dataclass(frozen=True)
class PricingDuals:
    """What the workers need to check their edges against the driver's solve: the KOC rows of the index
    space (ascending), the potentials, the certificate's integers and the chosen pairs as ascending keys
    koc_row * n_tasks + task_row."""
    koc_rows: np.ndarray
    koc_potential: np.ndarray
    task_potential: np.ndarray
    scale: int
    epsilon: int
    pair_bonus: int
    chosen_keys: np.ndarray
    n_tasks: int
    score_resolution: float
    fill_bonus: Optional[int] = None  # max_fill: the solve's scores are score units + fill_bonus (see fill_bonus())


def integer_units(score: np.ndarray, resolution: float) -> np.ndarray:
    """llround(score / resolution), half away from zero: the solver's own integerised scores."""
    return _core.score_units(np.ascontiguousarray(score, dtype=np.float64), float(resolution))


def fill_bonus(lo: float, hi: float, resolution: float, n_kocs: int, n_tasks: int) -> int:
    """The bonus per pair that makes max_score on score units + bonus a max_fill solve: one more pair beats
    any exchange along an augmenting path (at most min(KOCs, tasks) pairs given up), B = L (wmax - wmin) -
    wmin + 1 from the whole graph's score range (koc's auction uses the same bound)."""
    wmin, wmax = (int(v) for v in integer_units(np.array([lo, hi]), resolution))
    bonus = min(n_kocs, n_tasks) * (wmax - wmin) - wmin + 1
    if max(bonus + wmax, abs(bonus + wmin)) >= 2**52:
        raise error("overflow", "scores too large for solve='priced' under max_fill (score units plus the fill bonus "
                    "must stay below 2^52): raise score_resolution", None, "score")
    return max(bonus, 1)


def solve_scores(score: np.ndarray, d: "PricingDuals | None", resolution: float, bonus: Optional[int]) -> tuple:
    """The scores and resolution the solve and the pricing use: the raw scores (max_score), or score units
    plus the fill bonus at resolution 1 (max_fill; exact in doubles below 2^52)."""
    if bonus is None:
        return np.ascontiguousarray(score, dtype=np.float64), resolution
    return (integer_units(score, resolution) + bonus).astype(np.float64), 1.0


def price_partition(pdf: pd.DataFrame, d: PricingDuals, add_per_koc: int) -> pd.DataFrame:
    """The edges of one partition that break the driver's certificate, at most ``add_per_koc`` per KOC (the
    most improving): none when the partition's part of the certificate holds."""
    if len(pdf) == 0:
        return pdf[HELD].iloc[:0]
    krow = pdf["koc_row"].to_numpy(np.int64)
    trow = pdf["task_row"].to_numpy(np.int64)
    k = np.searchsorted(d.koc_rows, krow)
    if np.any(k >= len(d.koc_rows)) or np.any(d.koc_rows[np.minimum(k, len(d.koc_rows) - 1)] != krow):
        raise error("internal", "an edge's KOC is not in the driver's index space", None, "koc_row")
    chosen = sorted_member(d.chosen_keys, krow * d.n_tasks + trow)
    score, resolution = solve_scores(pdf["score"].to_numpy(np.float64), d, d.score_resolution, d.fill_bonus)
    rows = _core.capacitated_violations(k.astype(np.int32), trow.astype(np.int32), score,
                                        chosen.astype(np.uint8), d.koc_potential, d.task_potential, int(d.scale),
                                        int(d.epsilon), int(d.pair_bonus), "max_score", float(resolution))
    if len(rows) == 0:
        return pdf[HELD].iloc[:0]
    bad = pdf[HELD].iloc[rows].reset_index(drop=True)
    # Most improving first: the negated reduced cost, in doubles (it only orders the edges; whether an edge
    # breaks the certificate was decided exactly above). Ties to the lower task row.
    gain = (d.scale * np.round(score[rows] / resolution)
            - d.task_potential[trow[rows]].astype(np.float64) + d.koc_potential[k[rows]].astype(np.float64))
    bad = bad.iloc[np.lexsort((bad["task_row"].to_numpy(np.int64), -gain, bad["koc_row"].to_numpy(np.int64)))]
    return bad[_first_per_group(bad["koc_row"].to_numpy(np.int64), np.full(len(bad), int(add_per_koc)))].reset_index(drop=True)


def check_solve(solve: str, objective: str, seed_per_koc: int = 0, add_per_koc: int = 1) -> None:
    """The distributed match's ``solve``, the objectives it proves and the pricing's sizes (a round that
    sent back no violating edge would end the loop without proof, hence add_per_koc >= 1)."""
    if solve not in ("gather", "priced"):
        raise error("invalid_argument", f"unknown solve '{solve}' (gather, priced)", None, "solve")
    if isinstance(seed_per_koc, bool) or not isinstance(seed_per_koc, (int, np.integer)) or seed_per_koc < 0:
        raise error("invalid_argument", f"seed_per_koc must be an integer >= 0, got {seed_per_koc!r}", None, "seed_per_koc")
    if isinstance(add_per_koc, bool) or not isinstance(add_per_koc, (int, np.integer)) or add_per_koc < 1:
        raise error("invalid_argument", f"add_per_koc must be an integer >= 1, got {add_per_koc!r}", None, "add_per_koc")
    if objective not in ("max_score", "max_fill"):
        raise error("invalid_argument", f"unknown objective '{objective}' (max_score, max_fill)", None, "objective")


def priced_match(kocs: pd.DataFrame, seeds: pd.DataFrame, n_edges: int, price: Any, tasks: pd.DataFrame, *,
                 objective: str, score_resolution: float, timings: dict, seed_per_koc: int = 0,
                 score_range: Optional[tuple] = None) -> "DistributedMatch":
    """The driver's loop of distributed pricing. ``kocs``: (koc_row, koc_id, capacity) of every KOC with a
    candidate; ``seeds``: the partitions' seed_partition() edges, of which the same selection is kept over
    the whole graph (each partition sent a superset of its share); ``price(duals) -> DataFrame``: the
    violating edges gathered from every partition (empty when the certificate holds everywhere). The driver
    holds three columns per edge (HELD); ids are looked up by row for the chosen pairs.

    max_fill: solved as max_score on score units plus fill_bonus() (from ``score_range``, the whole graph's
    lowest and highest score), every pair positive and one more pair worth more than any exchange, so the
    optimum is a maximum fill with the best score; the pricing proves it over every edge as for max_score.
    ``result`` is then the solve of those bonus scores (its verify() checks that problem)."""
    import time
    from .assignment import capacitated_assignment
    check_solve("priced", objective)
    kocs = kocs.drop_duplicates("koc_row").sort_values("koc_row", kind="stable")
    koc_rows = kocs["koc_row"].to_numpy(np.int64)
    capacity = kocs["capacity"].to_numpy(np.int64)
    koc_ids = kocs["koc_id"].to_numpy()
    del kocs
    slots = task_slots(tasks)
    n_tasks = len(slots)
    bonus = None
    if objective == "max_fill":
        lo, hi = score_range if score_range is not None else (0.0, 0.0)
        bonus = fill_bonus(lo, hi, score_resolution, len(koc_rows), n_tasks)
    held = seed_partition(seeds[HELD].drop_duplicates(["koc_row", "task_row"]), slots, seed_per_koc,
                          positive_only=bonus is None)
    del seeds
    rounds: list[dict] = []
    timings = dict(timings, solve=0.0, pricing=0.0)
    while True:
        t0 = time.perf_counter()
        held = held.iloc[np.lexsort((held["task_row"].to_numpy(np.int64), held["koc_row"].to_numpy(np.int64)))]
        held = held.reset_index(drop=True)
        krow = held["koc_row"].to_numpy(np.int64)
        score, resolution = solve_scores(held["score"].to_numpy(np.float64), None, score_resolution, bonus)
        res = capacitated_assignment((np.searchsorted(koc_rows, krow), held["task_row"].to_numpy(np.int64), score),
                                     capacity, slots, score_resolution=resolution)
        t1 = time.perf_counter()
        chosen = held.iloc[res.edge]
        cert = res.certificate
        duals = PricingDuals(koc_rows=koc_rows, koc_potential=np.asarray(cert["koc_potential"], np.int64),
                             task_potential=np.asarray(cert["task_potential"], np.int64), scale=int(cert["scale"]),
                             epsilon=int(cert["epsilon"]), pair_bonus=int(cert["pair_bonus"]),
                             chosen_keys=np.sort(chosen["koc_row"].to_numpy(np.int64) * n_tasks + chosen["task_row"].to_numpy(np.int64)),
                             n_tasks=n_tasks, score_resolution=float(score_resolution), fill_bonus=bonus)
        bad = price(duals)
        t2 = time.perf_counter()
        timings["solve"] += t1 - t0
        timings["pricing"] += t2 - t1
        units = int(cert["total_score_units"]) - (bonus or 0) * len(chosen)  # in score units, bonus taken off
        rounds.append({"round": len(rounds) + 1, "driver_edges": len(held), "violations_added": len(bad),
                       "total_units": units, "assigned": len(chosen), "solve_s": t1 - t0, "pricing_s": t2 - t1})
        if len(bad) == 0:
            break
        keys = krow * n_tasks + held["task_row"].to_numpy(np.int64)  # ascending: held is sorted by KOC, task
        bad = bad.drop_duplicates(["koc_row", "task_row"])
        new = bad[~sorted_member(keys, bad["koc_row"].to_numpy(np.int64) * n_tasks + bad["task_row"].to_numpy(np.int64))]
        if len(new) == 0:  # an edge the driver holds satisfies its own certificate: cannot happen
            raise error("internal", "pricing returned only edges the driver already holds", None, None)
        held = pd.concat([held, new], ignore_index=True)
    assignments = pd.DataFrame({"koc_id": koc_ids[np.searchsorted(koc_rows, chosen["koc_row"].to_numpy(np.int64))],
                                "task_id": tasks["task_id"].to_numpy()[chosen["task_row"].to_numpy(np.int64)],
                                "score": chosen["score"].to_numpy()})
    total = res.total if bonus is None else float(chosen["score"].sum())  # max_fill: res.total has the bonus in it
    return DistributedMatch(assignments=assignments, total=total, total_units=units,
                            n_edges=int(n_edges), result=res, timings=timings, solve="priced", rounds=rounds)


@dataclass
class DistributedMatch:
    """Result of :func:`match` (koc.dask / koc.spark): the optimal assignment of the candidate edges.
    ``assignments`` (koc_id, task_id, score); ``total`` and ``total_units`` (Σ score, exactly in units of
    score_resolution: equal to koc.match's ``certificate['total_score_units']``); ``n_edges`` (all candidate
    edges); ``result`` the koc.CapacitatedResult of the solve on this node (``verify()`` re-checks its
    certificate over the edges this node held: all of them with ``solve="gather"``; with ``solve="priced"``
    the workers checked the same certificate on every edge); ``timings`` in seconds: candidates
    (distributed eligibility + fit), gather and solve; or seed (the candidates are computed within it),
    solve and pricing (summed over the rounds); ``solve``: "gather" or "priced"; ``rounds`` (priced): per
    round the edges held on this node, the violating edges the workers sent back, the round's optimal total
    in units, and its times."""

    assignments: pd.DataFrame
    total: float
    total_units: int
    n_edges: int
    result: Any = field(repr=False)
    timings: dict = field(default_factory=dict)
    solve: str = "gather"
    rounds: list = field(default_factory=list)



def policy_json(policy: Any, kind: type) -> str:
    if policy is None:
        return kind.default().to_json()
    return (policy if isinstance(policy, kind) else kind(policy)).to_json()
