"""The main job: tiers → matching → rewards on one programme, and the files it writes."""
from __future__ import annotations

import hashlib
import json
import pathlib
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .. import Error, InternalError, TimeoutError, __version__
from ..matching import MatchingPolicy, match
from ..rewards import RewardPolicy, display_amount
from ..tables import MATCH, REWARDS
from ..tables import required as required_columns
from ..tiers import TierPolicy, classify, tier_state
from . import _io
from ._io import EXIT_INPUT, EXIT_POLICY, EXIT_TIMEOUT, Problem, UserError
from ._progress import Progress

POLICY_FILES = {"tier": "tier_policy.json", "matching": "matching_policy.json", "reward": "reward_policy.json"}
OUTPUT_FILES = ("tiers.csv", "tier_state.csv", "assignments.csv", "unassigned.csv", "ledger.csv", "summary.json",
                "report.html")


@dataclass
class Policies:
    tier: TierPolicy
    matching: Optional[MatchingPolicy]  # None when the command does not match (classify)
    reward: Optional[str]            # normalised JSON text, None when no reward policy was given
    sources: dict = field(default_factory=dict)


def _policy_error(e: Exception, name: str) -> UserError:
    return UserError([Problem(name, str(e), field=getattr(e, "field", None))], EXIT_POLICY)


def load_tier_policy(path: Optional[str]) -> TierPolicy:
    if path is None:
        return TierPolicy.default()
    p = pathlib.Path(path)
    text = _io.read_json_text(p, p.name)
    try:
        return TierPolicy(text)
    except Error as e:
        raise _policy_error(e, p.name) from None


def load_matching_policy(path: Optional[str], tier: TierPolicy) -> MatchingPolicy:
    if path is None:
        try:
            return MatchingPolicy(MatchingPolicy.default().to_json(), tier)
        except Error as e:  # the default's tier_fit names the default ladder's tiers
            raise UserError([Problem(POLICY_FILES["matching"], f"no matching policy was given and the default one does "
                                     f"not fit this tier ladder ({e}): add a {POLICY_FILES['matching']} written for "
                                     f"the ladder", field=getattr(e, "field", None))], EXIT_POLICY) from None
    p = pathlib.Path(path)
    text = _io.read_json_text(p, p.name)
    try:
        return MatchingPolicy(text, tier)
    except Error as e:
        raise _policy_error(e, p.name) from None


def load_reward_policy(path: Optional[str]) -> Optional[str]:
    if path is None:
        return None
    p = pathlib.Path(path)
    text = _io.read_json_text(p, p.name)
    try:
        return RewardPolicy(text).to_json()
    except Error as e:
        raise _policy_error(e, p.name) from None


def load_policies(folder: Optional[str], *, need_reward: bool) -> Policies:
    """tier_policy.json and matching_policy.json (defaults when absent) and reward_policy.json from a folder."""
    if folder is None:
        if need_reward:
            raise UserError([Problem("--policies", "a policies folder with reward_policy.json is needed")], EXIT_POLICY)
        tier = TierPolicy.default()
        return Policies(tier, load_matching_policy(None, tier), None)
    d = pathlib.Path(folder)
    if not d.is_dir():
        raise UserError([Problem(str(folder), "policies folder not found (expected tier_policy.json, "
                                              "matching_policy.json, reward_policy.json)")], EXIT_POLICY)
    paths = {k: d / v for k, v in POLICY_FILES.items()}
    tier = load_tier_policy(str(paths["tier"]) if paths["tier"].exists() else None)
    matching = load_matching_policy(str(paths["matching"]) if paths["matching"].exists() else None, tier)
    if need_reward and not paths["reward"].exists():
        raise UserError([Problem(str(paths["reward"]), "file not found (the reward policy is required)")], EXIT_POLICY)
    reward = load_reward_policy(str(paths["reward"])) if paths["reward"].exists() else None
    sources = {k: (v.name if v.exists() else "default") for k, v in paths.items()}
    return Policies(tier, matching, reward, sources)


def tier_policy_only(folder: Optional[str]) -> Policies:
    """The folder's tier policy when it loads (so the roster is still checked against its metrics and ladder
    when another policy file has problems), else the default one; no matching or reward policy."""
    path = pathlib.Path(folder) / POLICY_FILES["tier"] if folder is not None else None
    try:
        tier = load_tier_policy(str(path) if path is not None and path.is_file() else None)
    except UserError:
        tier = TierPolicy.default()
    return Policies(tier, None, None)


def policy_problems(folder: Optional[str], *, need_reward: bool) -> list[Problem]:
    """Every problem of every policy file of a folder (koc.validate_policy), not only the first; a file
    that is not JSON is one problem. A matching policy's tier names are checked on the folder's tier policy
    (when that one is valid)."""
    from ..tiers import validate_policy
    try:
        load_policies(folder, need_reward=need_reward)
        return []
    except UserError as e:
        first = e.problems
    d = pathlib.Path(folder) if folder is not None else None
    if d is None or not d.is_dir():
        return first
    problems: list[Problem] = []
    ladder: Optional[TierPolicy] = TierPolicy.default()
    for kind in ("tier", "matching", "reward"):
        path = d / POLICY_FILES[kind]
        if not path.exists():
            if kind == "reward" and need_reward:
                problems += [p for p in first if p.file == str(path)]
            continue
        try:
            text = _io.read_json_text(path, path.name)
        except UserError as e:
            problems += e.problems
            ladder = None if kind == "tier" else ladder
            continue
        found = validate_policy(text, kind, tier_policy=ladder if ladder is not None else TierPolicy.default())
        if kind == "matching" and ladder is None:  # tier names cannot be judged without a valid ladder
            found = found.loc[np.array([not (f.startswith("tier_fit.") and c == "unknown_name")
                                        for f, c in zip(found["field"], found["code"])], dtype=bool)]
        problems += [Problem(path.name, m, None, f or None) for f, m in zip(found["field"], found["message"])]
        if kind == "tier":
            ladder = TierPolicy(text) if found.empty else None
    return problems or first


def reward_rule_ids(policy_json: Optional[str]) -> Optional[tuple[str, ...]]:
    if policy_json is None:
        return None
    return tuple(r["id"] for r in json.loads(policy_json)["rules"])


def library_error(e: Error, file: str, field: Optional[str] = None) -> UserError:
    """A koc.Error from the library, attributed to the file whose rows it names (and, when given, to the
    file's own column name instead of the library's)."""
    row = getattr(e, "row", None)
    row = None if row is None or row < 0 else int(row)
    # The Problem says the row and field: the message is the library's sentence without its own suffix.
    return UserError([Problem(file, e.detail, row, field if field is not None else getattr(e, "field", None),
                              None if row is None else row + 2)])


# ---- stages ------------------------------------------------------------------------------------------------

ROSTER_TIERS_REQUIRED = ("id",)
ROSTER_MATCH_REQUIRED = ("id", "capacity")
TASKS_MATCH_REQUIRED = required_columns("tasks", MATCH)  # the library's own list
TASKS_REWARD_REQUIRED = ("task_id", "rule")
COMPLETIONS_REQUIRED = ("koc_id", "task_id", "delivered_at", "accepted")


def policy_metrics(tier: TierPolicy) -> tuple[str, ...]:
    """The roster columns the tier policy requires: the library's rule (TierPolicy.metrics_used)."""
    return tier.metrics_used


def read_inputs(roster: Optional[str], tasks: Optional[str], completions: Optional[str], policies: Policies,
                progress: Optional[Progress] = None, *, collect: bool = False) -> tuple[dict[str, Any], list[Problem]]:
    """Reads and checks whichever inputs are given; all problems are gathered (koc validate prints them all)."""
    tables: dict[str, Any] = {}
    problems: list[Problem] = []
    ladder = policies.tier.tiers

    def attempt(fn):
        try:
            return fn()
        except UserError as e:
            if not collect:
                raise
            problems.extend(e.problems)
            return None

    if roster is not None:
        required = ("id",) + policy_metrics(policies.tier) + (("capacity",) if tasks is not None else ())
        # The tier policy's own metrics are number columns of the roster too.
        declared = {m: "float" for m in policies.tier.declared_metrics}
        got = attempt(lambda: _io.load(roster, "roster", required, extra=declared))
        if got is not None:
            df, is_csv, p = got
            problems += p + _io.check_roster(df, pathlib.Path(roster).name, is_csv, ladder)
            tables["roster"] = df
    if tasks is not None:
        rewards_extra = tuple(c for c in required_columns("tasks", REWARDS) if c not in TASKS_MATCH_REQUIRED)
        required = TASKS_MATCH_REQUIRED + (rewards_extra if completions is not None else ())
        got = attempt(lambda: _io.load(tasks, "tasks", required))
        if got is not None:
            df, is_csv, p = got
            problems += p + _io.check_tasks(df, pathlib.Path(tasks).name, is_csv, ladder, reward_rule_ids(policies.reward))
            tables["tasks"] = df
    if completions is not None:
        got = attempt(lambda: _io.load(completions, "completions", COMPLETIONS_REQUIRED))
        if got is not None:
            df, is_csv, p = got
            kid = tables["roster"]["id"] if "roster" in tables and "id" in tables["roster"] else None
            tid = tables["tasks"]["task_id"] if "tasks" in tables and "task_id" in tables["tasks"] else None
            problems += p + _io.check_completions(df, pathlib.Path(completions).name, is_csv, kid, tid)
            tables["completions"] = df
    return tables, problems


@dataclass
class Outcome:
    tiers: pd.DataFrame
    previous_tier: pd.Series
    tier_state: pd.DataFrame  # the state to give the next period (--state)
    tasks: pd.DataFrame
    assignments: pd.DataFrame
    unassigned: pd.DataFrame
    unassigned_kocs: pd.DataFrame
    unfilled_tasks: pd.DataFrame
    ledger: Optional[pd.DataFrame]
    summary: dict
    ladder: tuple[str, ...]
    exclusions: Optional[pd.DataFrame] = None        # match's eligibility funnel per task
    promote_thresholds: Optional[list] = None        # the ladder's, for "closest to the next tier"
    campaign_budgets: Optional[list] = None          # the reward policy's
    ledger_csv: Optional[pd.DataFrame] = None        # the lines ledger.csv gets (see ledger_for_csv)


@dataclass
class TierHistory:
    """Last period's tier state (a tier_state.csv or tiers.csv of an earlier run) and honours revoked now."""
    state: Optional[pd.DataFrame] = None
    state_name: str = ""
    revoked: Optional[pd.DataFrame] = None
    revoked_name: str = ""
    overrides: Optional[pd.DataFrame] = None  # this period's new manual placements
    overrides_name: str = ""
    as_of: Optional[str] = None  # the period's date (--as-of): which overrides have expired

    def previous_tier(self, roster: pd.DataFrame) -> Optional[pd.Series]:
        """Last period's tier of each roster KOC ('' = new), as the roster's previous_tier column would say."""
        if self.state is None:
            return None
        by_id = pd.Series(self.state["tier"].astype(str).to_numpy(), index=self.state["koc_id"].to_numpy())
        return pd.Series(by_id.reindex(roster["id"].to_numpy()).fillna("").to_numpy(), index=roster.index)


_TRUTH = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}


def read_tier_history(state_path: Optional[str], revoke_path: Optional[str], roster: pd.DataFrame,
                      overrides_path: Optional[str] = None, as_of: Optional[str] = None) -> TierHistory:
    h = TierHistory(as_of=as_of)
    if state_path:
        df, is_csv = _io.read_table(state_path)
        name = pathlib.Path(state_path).name
        _io.raise_errors([p for p in _io.check_columns(df, "tiers", name, ("koc_id", "tier", "periods_below", "honorary"))
                          if not p.warning])
        if is_csv:  # text: ids as the roster's, counters as ints, flags as 0/1
            df = df.copy()
            if roster["id"].dtype.kind in "iu":
                df["koc_id"] = _int_column(df["koc_id"], name, "koc_id", is_csv)
            df["periods_below"] = _int_column(df["periods_below"], name, "periods_below", is_csv)
            flags = df["honorary"].astype(str).str.strip().str.lower().map(_TRUTH)
            if flags.isna().any():
                row = int(np.flatnonzero(flags.isna().to_numpy())[0])
                raise UserError([Problem(name, f"honorary must be 0/1 or true/false, got {df['honorary'].iloc[row]!r}",
                                         row, "honorary", row + 2)])
            df["honorary"] = flags.astype(np.uint8)
        h.state, h.state_name = df, name
    if revoke_path:
        df, is_csv = _io.read_table(revoke_path)
        name = pathlib.Path(revoke_path).name
        _io.raise_errors([Problem(name, f"missing required column '{c}'", field=c)
                          for c in ("koc_id", "reason") if c not in df.columns])
        if is_csv and roster["id"].dtype.kind in "iu":
            df = df.assign(koc_id=_int_column(df["koc_id"], name, "koc_id", is_csv))
        h.revoked, h.revoked_name = df, name
    if overrides_path:
        df, is_csv = _io.read_table(overrides_path)
        name = pathlib.Path(overrides_path).name
        _io.raise_errors([Problem(name, f"missing required column '{c}'", field=c)
                          for c in ("koc_id", "tier", "reason") if c not in df.columns])
        if is_csv and roster["id"].dtype.kind in "iu":
            df = df.assign(koc_id=_int_column(df["koc_id"], name, "koc_id", is_csv))
        h.overrides, h.overrides_name = df, name
    return h


def _int_column(values: pd.Series, name: str, field: str, is_csv: bool) -> pd.Series:
    out = pd.to_numeric(values, errors="coerce")
    bad = out.isna() | (out != out.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UserError([Problem(name, f"expected a whole number, got {values.iloc[row]!r}", row, field,
                                 row + 2 if is_csv else None)])
    return out.astype(np.int64)


def stage_classify(roster: pd.DataFrame, policies: Policies, roster_name: str,
                   history: Optional[TierHistory] = None) -> pd.DataFrame:
    h = history or TierHistory()
    try:
        return classify(roster, policies.tier, h.overrides, state=h.state, revoked=h.revoked, as_of=h.as_of)
    except Error as e:
        fld = getattr(e, "field", "") or ""
        if fld == "as_of":
            raise UserError([Problem("--as-of", str(e))]) from None
        if h.overrides is not None and fld in ("koc_id", "tier", "reason", "author", "expires_at"):
            if fld == "expires_at" and h.as_of is None and "needs the period's date" in str(e):
                raise UserError([Problem(h.overrides_name, "an override with an expiry needs the period's date: give "
                                         "--as-of (e.g. --as-of 2026-06-01)", e.row, fld,
                                         None if e.row is None else e.row + 2)]) from None
            raise library_error(e, h.overrides_name) from None
        if fld.startswith("state."):
            raise library_error(e, h.state_name, fld.removeprefix("state.")) from None
        if fld.startswith("revocations."):
            raise library_error(e, h.revoked_name, fld.removeprefix("revocations.")) from None
        raise library_error(e, roster_name) from None


def note_expired_overrides(tiers: pd.DataFrame, progress: Progress) -> list[dict]:
    """A warning per override that had expired (not applied, not carried to the next state), and the list
    for summary.json."""
    out: list[dict] = []
    for o in tiers.attrs.get("expired_overrides", []):
        when = o["expires_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
        progress.note(f"warning: the override of KOC {o['koc_id']} to {o['tier']} ({o['reason']}) expired on {when}: "
                      "not applied, not kept in the tier state")
        out.append({"koc_id": o["koc_id"] if isinstance(o["koc_id"], str) else int(o["koc_id"]), "tier": o["tier"],
                    "reason": o["reason"], "author": o["author"], "expires_at": when})
    return out


def ledger_for_csv(ledger: pd.DataFrame, all_lines: bool) -> tuple[pd.DataFrame, int]:
    """The lines for ledger.csv and how many were left out: by default the zero-amount ``no_completion`` lines
    (work assigned and never delivered: assignments.csv already lists it; in the sample 3,072 of 7,799 lines);
    every line with ``all_lines``. Rejected and late work keeps its lines: they say why nothing was paid."""
    if all_lines:
        return ledger, 0
    unworked = (ledger["reason"].astype(str) == "no_completion").to_numpy() & (ledger["amount"].to_numpy() == 0)
    return ledger[~unworked].reset_index(drop=True), int(unworked.sum())


def stage_match(roster: pd.DataFrame, tasks: pd.DataFrame, tiers: pd.DataFrame, policies: Policies,
                names: tuple[str, str], mode: str = "optimal", objective: str = "max_score",
                progress: Optional[Progress] = None, time_limit: Optional[float] = None):
    on_progress = None if progress is None else (lambda p: progress.fraction(p.fraction))
    try:
        r = match(roster, tasks, policies.matching, tiers=tiers, tier_policy=policies.tier, mode=mode, objective=objective,
                  progress=on_progress, time_limit=time_limit)
    except TimeoutError as e:
        raise UserError([Problem("--time-limit", f"{e}; nothing was written (raise the limit, or leave it out)")],
                        EXIT_TIMEOUT) from None
    except Error as e:
        # The field tells which table the row belongs to.
        fld = getattr(e, "field", "") or ""
        task_fields = set(_io.TASK_COLUMNS) | {f for f in tasks.columns}
        raise library_error(e, names[1] if fld in task_fields and fld not in ("audience", "region") else names[0]) from None
    check = r.verify()
    if not check:  # an optimality or stability certificate that fails is a bug: exit code 1
        raise InternalError(f"match certificate check failed: {check.message}")
    return r


def tasks_for_rewards(tasks: pd.DataFrame) -> pd.DataFrame:
    """The task table as koc.rewards reads it (the table koc.match read): an empty currency (identity
    rules) is absent."""
    t = tasks.copy()
    if "currency" in t.columns:
        cur = t["currency"].astype(object)
        t["currency"] = cur.where(cur.notna() & (cur != ""), None)
    return t


def completions_for_rewards(completions: pd.DataFrame) -> pd.DataFrame:
    """Travel claims in the CLI's tables are minor units (``travel_claimed_minor`` for koc.rewards)."""
    return completions


@dataclass
class Settled:
    """The ledgers of earlier runs (their ledger.csv files), concatenated: what koc.rewards(settled=) reads."""
    lines: pd.DataFrame
    files: list[tuple[str, int, bool]]  # (file name, first row in `lines`, is CSV), in order

    def error(self, e: Error) -> UserError:
        """A settled-table error, attributed to the file and row it names."""
        row = getattr(e, "row", None)
        fld = (getattr(e, "field", "") or "").removeprefix("settled.")
        message = e.detail  # the location is said once, in the file's own rows
        if row is None or row < 0:
            return UserError([Problem(", ".join(f for f, _, _ in self.files), message, None, fld)])
        name, start, is_csv = [f for f in self.files if f[1] <= row][-1]
        return UserError([Problem(name, message, int(row) - start, fld, int(row) - start + 2 if is_csv else None)])


def read_settled(paths: Optional[Sequence[str]]) -> Optional[Settled]:
    if not paths:
        return None
    frames, files, start = [], [], 0
    for p in paths:
        df, is_csv = _io.read_table(p)
        frames.append(df)
        files.append((pathlib.Path(p).name, start, is_csv))
        start += len(df)
    return Settled(pd.concat(frames, ignore_index=True), files)


def read_awards(path: Optional[str]) -> Optional[tuple[pd.DataFrame, str]]:
    """The process-award winners per campaign (campaign_id, award, koc_id, optional rule)."""
    if not path:
        return None
    df, is_csv = _io.read_table(path)
    name = pathlib.Path(path).name
    _io.raise_errors([Problem(name, f"missing required column '{c}'", field=c)
                      for c in ("campaign_id", "award", "koc_id") if c not in df.columns])
    if is_csv:
        df = df.assign(campaign_id=_int_column(df["campaign_id"], name, "campaign_id", is_csv),
                       koc_id=_int_column(df["koc_id"], name, "koc_id", is_csv))
    return df, name


def file_digests(paths: dict[str, Optional[str]]) -> dict[str, str]:
    """SHA-256 of each file given (label -> hex digest): what a run read, for audit and replay."""
    out = {}
    for label, path in paths.items():
        if path:
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            out[label] = h.hexdigest()
    return out


def stage_rewards(completions: pd.DataFrame, tasks: pd.DataFrame, tiers: pd.DataFrame, policies: Policies,
                  names: tuple[str, str], settled: Optional[Settled] = None,
                  awards: Optional[tuple[pd.DataFrame, str]] = None, run_id: str = "") -> tuple[pd.DataFrame, Any]:
    """The ledger for the completions given: each completion names the (KOC, task) pair that did the work.
    With `settled` (earlier runs' ledgers), only what those did not pay; `awards`: the winners table."""
    from ..rewards import rewards
    assignments = completions[["koc_id", "task_id"]]
    kocs = pd.DataFrame({"koc_id": tiers["koc_id"].to_numpy(), "tier": tiers["tier"]})
    try:
        ledger = rewards(assignments, completions_for_rewards(completions), policies.reward,
                         tasks=tasks_for_rewards(tasks), kocs=kocs, settled=None if settled is None else settled.lines,
                         awards=None if awards is None else awards[0], run_id=run_id)
    except Error as e:
        fld = getattr(e, "field", "") or ""
        if fld.startswith("awards.") and awards is not None:
            raise library_error(e, awards[1], fld.removeprefix("awards.")) from None
        if fld.startswith("settled.") and settled is not None:
            raise settled.error(e) from None
        if fld.startswith("rules") or fld.startswith("$") or fld.startswith("campaign_budgets"):
            raise _policy_error(e, POLICY_FILES["reward"]) from None
        raise library_error(e, names[0] if fld in _io.COMPLETION_COLUMNS else names[1]) from None
    check = ledger.verify()
    if not check:
        raise InternalError(f"ledger check failed: {check.message}")
    return ledger_frame(ledger.lines), ledger


def ledger_frame(lines: pd.DataFrame) -> pd.DataFrame:
    """Ledger lines with plain string columns (empty currency for entitlements and no_reward lines)."""
    out = lines.copy()
    for c in ("rule", "kind", "reason", "currency"):
        if c in out.columns:
            col = out[c].astype(object)
            out[c] = col.where(col.notna(), "").astype(str)
    if "amount_decimal" in out.columns:
        out["amount_decimal"] = out["amount_decimal"].map(str)
    return out


def unassigned_table(r: Any) -> pd.DataFrame:
    """One table for both sides: KOCs with spare capacity and tasks short of slots, each with its reason."""
    k = r.unassigned_kocs
    t = r.unfilled_tasks
    kocs = pd.DataFrame({"kind": "koc", "id": k["koc_id"].to_numpy(), "reason": k["reason"].astype(str).to_numpy(),
                         "capacity": k["capacity"].to_numpy(), "used": k["load"].to_numpy(),
                         "left": k["capacity_left"].to_numpy()})
    tasks = pd.DataFrame({"kind": "task", "id": t["task_id"].to_numpy(), "reason": t["reason"].astype(str).to_numpy(),
                          "capacity": t["slots"].to_numpy(), "used": t["filled"].to_numpy(),
                          "left": t["unfilled"].to_numpy()})
    return pd.concat([kocs, tasks], ignore_index=True)


def _counts(series: pd.Series, order: Optional[list] = None) -> dict:
    vc = series.astype(str).value_counts()
    keys = order if order is not None else sorted(vc.index)
    return {str(k): int(vc.get(k, 0)) for k in keys}


def _transition_matrix(previous: pd.Series, tiers: pd.DataFrame, ladder: tuple[str, ...]) -> dict:
    prev = previous.astype(str).replace({"": "new", "nan": "new"}).to_numpy()
    cur = tiers["tier"].astype(str).to_numpy()
    rows = ["new"] + list(ladder)
    out = {}
    for a in rows:
        sel = prev == a
        out[a] = {b: int((cur[sel] == b).sum()) for b in ladder}
    return out


def format_amount(units: int, currency: str) -> str:
    return display_amount(units, currency)


def build_summary(tiers: pd.DataFrame, previous: pd.Series, tasks: pd.DataFrame, r: Any, ledger: Optional[pd.DataFrame],
                  ladder: tuple[str, ...], sources: dict, n_completions: Optional[int]) -> dict:
    slots = tasks["slots"].to_numpy(np.int64)
    filled = r.assignments.groupby("task_id").size().reindex(tasks["task_id"], fill_value=0).to_numpy()
    bounded = slots > 0   # -1: as many as possible; 0: closed (takes nobody, neither filled nor short)
    closed = slots == 0
    summary: dict[str, Any] = {
        "koc_version": __version__,
        "inputs": sources,
        "kocs": {
            "total": int(len(tiers)),
            "per_tier": _counts(tiers["tier"], list(ladder)),
            "transitions": _counts(tiers["transition"]),
            "tier_matrix": _transition_matrix(previous, tiers, ladder),
            "honorary": int(np.asarray(tiers["honorary"], bool).sum()),
            "assigned": int(r.assignments["koc_id"].nunique()),
        },
        "tasks": {
            "total": int(len(tasks)),
            "slots": int(slots[bounded].sum()),
            "slots_filled": int(np.minimum(filled[bounded], slots[bounded]).sum()),
            "broadcast_tasks": int((slots < 0).sum()),
            "broadcast_assignments": int(filled[slots < 0].sum()),
            "closed_tasks": int(closed.sum()),
            "filled_fully": int(((filled >= slots) & bounded).sum() + ((filled > 0) & (slots < 0)).sum()),
            "short_of_slots": int((r.unfilled_tasks["reason"].astype(str) != "no_slots").sum()),
        },
        "matching": {
            "mode": r.mode,
            "assignments": int(len(r.assignments)),
            "total_score": round(float(r.total), 6),
            "certificate_verified": True,
            "unassigned_kocs_by_reason": _counts(r.unassigned_kocs["reason"]),
            "unfilled_slots_by_reason": {str(k): int(v) for k, v in
                                         r.unfilled_tasks.groupby(r.unfilled_tasks["reason"].astype(str))["unfilled"].sum().items()},
        },
    }
    if ledger is not None:
        cur = ledger["currency"].astype(str).to_numpy()
        amt = ledger["amount"].to_numpy(np.int64)
        totals = {}
        for c in sorted(set(cur) - {""}):
            units = int(amt[cur == c].sum())
            totals[c] = {"minor_units": units, "text": format_amount(units, c)}
        summary["rewards"] = {
            "completions": int(n_completions or 0),
            "ledger_lines": int(len(ledger)),
            "paid_kocs": int(ledger.loc[(amt > 0) & (cur != ""), "koc_id"].nunique()),
            "totals_by_currency": totals,
        }
    return summary


def run(roster_path: str, tasks_path: str, completions_path: Optional[str], policies: Policies, progress: Progress,
        *, mode: str = "optimal", objective: str = "max_score", time_limit: Optional[float] = None,
        settled_paths: Optional[Sequence[str]] = None, state_path: Optional[str] = None,
        revoke_path: Optional[str] = None, awards_path: Optional[str] = None, run_id: str = "",
        policies_dir: Optional[str] = None, overrides_path: Optional[str] = None,
        as_of: Optional[str] = None, all_lines: bool = False) -> Outcome:
    names = {k: pathlib.Path(p).name for k, p in
             (("roster", roster_path), ("tasks", tasks_path), ("completions", completions_path)) if p is not None}
    progress.start("reading inputs")
    tables, problems = read_inputs(roster_path, tasks_path, completions_path, policies)
    settled = read_settled(settled_paths)
    awards = read_awards(awards_path)
    for p in _io.raise_errors(problems):
        progress.note(str(p))
    roster, tasks = tables["roster"], tables["tasks"]
    progress.finish(f"{len(roster):,} KOCs, {len(tasks):,} tasks" +
                    (f", {len(tables['completions']):,} completions" if "completions" in tables else ""))

    history = read_tier_history(state_path, revoke_path, roster, overrides_path, as_of)
    progress.start("classifying")
    tiers = stage_classify(roster, policies, names["roster"], history)
    expired = note_expired_overrides(tiers, progress)
    progress.finish(", ".join(f"{k} {v:,}" for k, v in _counts(tiers["tier"], list(policies.tier.tiers)).items()))

    progress.start("matching")
    r = stage_match(roster, tasks, tiers, policies, (names["roster"], names["tasks"]), mode, objective, progress, time_limit)
    progress.finish(f"{len(r.assignments):,} assignments, certificate verified")

    ledger = None
    if completions_path is not None:
        progress.start("computing rewards")
        ledger, computed = stage_rewards(tables["completions"], tasks, tiers, policies,
                                         (names["completions"], names["tasks"]), settled, awards, run_id)
        progress.finish(f"{len(ledger):,} ledger lines")
    previous = history.previous_tier(roster)
    if previous is None:
        previous = roster["previous_tier"] if "previous_tier" in roster else pd.Series([""] * len(roster))
    state = tier_state(tiers, history.state, policy=policies.tier)
    sources = {**{k: v for k, v in names.items()}, **{f"{k}_policy": v for k, v in policies.sources.items()}}
    summary = build_summary(tiers, previous, tasks, r, ledger, policies.tier.tiers, sources,
                            len(tables["completions"]) if "completions" in tables else None)
    # What this run read and which koc computed it: a later replay recomputes from files with these digests.
    summary["expired_overrides"] = expired
    ledger_csv = None
    if ledger is not None:
        ledger_csv, omitted = ledger_for_csv(ledger, all_lines)
        summary["rewards"]["ledger_lines"] = int(len(ledger_csv))
        summary["rewards"]["no_completion_lines_omitted"] = omitted
    inputs = {"roster": roster_path, "tasks": tasks_path, "completions": completions_path, "tier_state": state_path,
              "revocations": revoke_path, "awards": awards_path, "overrides": overrides_path}
    inputs.update({f"settled[{i}]": p for i, p in enumerate(settled_paths or [])})
    if policies_dir is not None:
        inputs.update({f"{k}_policy": str(pathlib.Path(policies_dir) / v) for k, v in POLICY_FILES.items()
                       if (pathlib.Path(policies_dir) / v).exists()})
    summary["provenance"] = {"run_id": run_id, "koc_version": _koc_version(), "sha256": file_digests(inputs)}
    if ledger is not None:
        summary["provenance"]["reward_policy_canonical_sha256"] = computed.provenance["policy_sha256"]
    return Outcome(tiers=tiers, previous_tier=previous, tier_state=state, tasks=tasks, assignments=r.assignments,
                   unassigned=unassigned_table(r), unassigned_kocs=r.unassigned_kocs, unfilled_tasks=r.unfilled_tasks,
                   ledger=ledger, summary=summary, ladder=policies.tier.tiers, exclusions=r.exclusions,
                   promote_thresholds=[t["promote_threshold"] for t in policies.tier.to_dict()["tiers"]],
                   campaign_budgets=json.loads(policies.reward).get("campaign_budgets", []) if policies.reward else [],
                   ledger_csv=ledger_csv)


def _koc_version() -> str:
    from .. import __version__
    return __version__


def tiers_for_csv(tiers: pd.DataFrame, previous: pd.Series) -> pd.DataFrame:
    out = tiers.copy()
    out.insert(2, "previous_tier", previous.astype(str).to_numpy())
    return out


def write_csv(df: pd.DataFrame, path: pathlib.Path) -> None:
    # Fixed float format and line ending: the same input gives byte-identical files.
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def write_outputs(out: pathlib.Path, o: Outcome, progress: Progress) -> list[str]:
    from ..report import build_report
    progress.start("writing outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_csv(tiers_for_csv(o.tiers, o.previous_tier), out / "tiers.csv")
        write_csv(o.tier_state, out / "tier_state.csv")
        write_csv(o.assignments, out / "assignments.csv")
        write_csv(o.unassigned, out / "unassigned.csv")
        written = ["tiers.csv", "tier_state.csv", "assignments.csv", "unassigned.csv"]
        if o.ledger is not None:
            write_csv(o.ledger_csv if o.ledger_csv is not None else o.ledger, out / "ledger.csv")
            written.append("ledger.csv")
        summary = dict(o.summary)
        summary["outputs"] = written + ["summary.json", "report.html"]
        (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        html = build_report(tiers=o.tiers, previous_tier=o.previous_tier, tasks=o.tasks, assignments=o.assignments,
                            unfilled_tasks=o.unfilled_tasks, ledger=o.ledger, summary=summary, ladder=o.ladder,
                            exclusions=o.exclusions, unassigned_kocs=o.unassigned_kocs,
                            promote_thresholds=o.promote_thresholds, campaign_budgets=o.campaign_budgets)
        (out / "report.html").write_text(html, encoding="utf-8")
    except OSError as e:
        raise UserError([Problem(str(out), f"cannot write the outputs: {e.strerror or e}")], _io.EXIT_OUTPUT) from None
    progress.finish(f"{len(summary['outputs'])} files in {out}")
    return summary["outputs"]
