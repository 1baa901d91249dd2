"""koc on Dask: tiers, rewards and matching over a ``dask.dataframe.DataFrame`` roster. Example::

    import dask.dataframe as dd, koc, koc.dask
    roster = dd.read_parquet("roster/")                  # one row per KOC, the columns of koc.classify
    tiers = koc.dask.classify(roster, policy)             # lazy Dask frame, same columns as koc.classify
    lines = koc.dask.rewards(completions, reward_policy, tasks=tasks_df, kocs=tiers[["koc_id", "tier"]])
    ledger = lines.compute().sort_values(koc.dask.ORDER).reset_index(drop=True)   # the single-node order
    plan = koc.dask.match(roster, tasks_df, matching_policy)                       # exact, solved on the client

Installed with ``pip install 'koc[dask]'``. Results equal the single-node API on the same data: tiers bit for
bit, the same ledger lines in the same order after sorting by :data:`ORDER`, the same optimal matching
total. How each stage is cut into partitions, and what it costs, is in ``docs/scale-out.md``.
"""
from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np
import pandas as pd

try:
    import dask
    import dask.dataframe as dd
    from dask import delayed
except ImportError as _e:  # pragma: no cover - exercised only without the extra
    from ._distributed import engine_missing
    raise engine_missing("dask", _e) from None

from . import _distributed as D
from .matching import MatchingPolicy
from .rewards import RewardPolicy, holds_text_ids
from .tiers import TierPolicy, _policy, reference_metrics

__all__ = ["ORDER", "local_cluster", "classify", "roster_reference", "rewards", "candidates", "match", "DistributedMatch"]

ORDER = D.ORDER
DistributedMatch = D.DistributedMatch


def local_cluster(n_workers: int = 2, threads_per_worker: int = 1, **kwargs: Any):
    """A ``distributed.LocalCluster`` whose scheduler and workers listen on 127.0.0.1 only, with no
    dashboard (an HTTP server otherwise); pass it to ``distributed.Client``. ``kwargs`` go to
    ``LocalCluster`` (e.g. ``memory_limit="2GiB"``)."""
    import distributed
    kwargs.setdefault("processes", True)
    kwargs.setdefault("dashboard_address", None)
    return distributed.LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker, host="127.0.0.1",
                                    **kwargs)


def _partials(ddf: "dd.DataFrame", pol: TierPolicy) -> list:
    return [delayed(D.partition_partials)(p, pol) for p in ddf.to_delayed()]


def roster_reference(roster: "dd.DataFrame", policy: Any = None, *, check_ids: bool = True) -> dict:
    """The exact roster-wide statistics (koc.tiers.roster_reference's dictionary) plus ``offsets``, the
    roster row of each partition's first row, in one pass over the roster. Percentile metrics: exact
    distinct-value counts (memory O(distinct values) on the client). ``check_ids``: also refuse duplicate
    ids across partitions, naming the row as koc.classify does: free when the partitions' id ranges do not
    overlap (ids_disjoint), else a distributed value count of the id column."""
    pol = _policy(policy)
    idc = D.id_column(list(roster.columns))
    parts = dask.compute(*_partials(roster, pol))
    ref, offsets = D.combine_partials(parts, pol)
    dups = None
    if check_ids and not D.ids_disjoint(parts):
        vc = roster[idc].value_counts()
        dups = vc[vc > 1].compute()
    if dups is not None and len(dups):
        dup = min(dups.index)
        rows = _rows_of(roster, idc, dup, offsets)
        raise D.duplicate_error(dup, rows)
    ref["offsets"] = [int(o) for o in offsets]
    return ref


def _rows_of(ddf: "dd.DataFrame", column: str, value: Any, offsets: np.ndarray) -> list:
    def rows(pdf: pd.DataFrame, off: int) -> list:
        return (np.flatnonzero(pdf[column].to_numpy() == value) + off).tolist()
    found = dask.compute(*[delayed(rows)(p, int(o)) for p, o in zip(ddf.to_delayed(), offsets)])
    return sorted(r for f in found for r in f)


def classify(roster: "dd.DataFrame", policy: Any = None, *, state: Any = None, revoked: Any = None, as_of: Any = None,
             growth_gaps: bool = True, check_ids: bool = True) -> "dd.DataFrame":
    """koc.classify over a Dask DataFrame (map over partitions with the roster reference).

    Same columns and values as ``koc.classify(roster.compute(), policy)`` (bit for bit; the index is a
    fresh 0..n-1 per partition). One eager pass first computes partition lengths, the exact statistics of
    percentile / min_max terms (none for the default policy) and the duplicate-id check; the
    classification itself is lazy. The returned frame's ``koc_normalisation`` attribute says how roster-wide
    statistics were obtained ("row-local" or "exact", with the gathered sizes). ``state``, ``revoked`` and
    ``as_of``: last period's tier state, honours revoked, the period's date, as for koc.classify (pandas
    tables, sent once to every partition; the state's standing overrides apply). New overrides are not taken
    (apply them with koc.classify on the few KOCs concerned).
    """
    pol = _policy(policy)
    ref = roster_reference(roster, pol, check_ids=check_ids)
    offsets = ref.pop("offsets")
    reference = ref if reference_metrics(pol) else None
    idc = D.id_column(list(roster.columns))
    meta = D.classify_meta(list(roster.columns), pol, growth_gaps,
                           text_ids=not pd.api.types.is_integer_dtype(roster[idc].dtype))
    text = pol.to_json()
    if revoked is not None:
        idc = D.id_column(list(roster.columns))
        wanted = pd.Series(revoked["koc_id"]).unique().tolist()
        D.check_revoked(revoked, roster[idc][roster[idc].isin(wanted)].compute())
    shared_state = None if state is None else delayed(state, pure=True)  # one copy in the graph, not one per partition
    shared_revoked = None if revoked is None else delayed(revoked, pure=True)
    parts = [delayed(D.classify_partition)(p, text, reference, off, growth_gaps, False, shared_state, shared_revoked, as_of)
             for p, off in zip(roster.to_delayed(), offsets)]
    with dask.config.set({"dataframe.convert-string": False}):  # keep koc.classify's dtypes
        out = dd.from_delayed(parts, meta=meta, verify_meta=False)
    object.__setattr__(out, "koc_normalisation", D.describe(ref, pol))  # not carried by derived frames
    return out


def to_parquet(frame: "dd.DataFrame", path: str, **kwargs: Any) -> Any:
    """Writes a koc.dask result (tiers, ledger lines, candidate edges) to Parquet from the workers,
    nothing collected here. Columns of text that may hold only None in a partition (an override's
    reason and author, say) are written as strings (None as null): Dask cannot infer a Parquet type from
    such data.
    ``kwargs`` go to ``DataFrame.to_parquet`` (``write_index`` defaults to False)."""
    text = {c: pd.StringDtype() for c, t in frame.dtypes.items() if t == object}
    kwargs.setdefault("write_index", False)
    return (frame.astype(text) if text else frame).to_parquet(path, **kwargs)


def _with_rows(ddf: "dd.DataFrame", column: str) -> tuple["dd.DataFrame", np.ndarray]:
    lengths = np.asarray(ddf.map_partitions(len).compute(), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)

    def add(pdf: pd.DataFrame, off: int) -> pd.DataFrame:
        pdf = pdf.reset_index(drop=True).copy()
        pdf[column] = np.arange(off, off + len(pdf), dtype=np.int64)
        return pdf
    meta = ddf._meta.copy()
    meta[column] = np.zeros(0, np.int64)
    return dd.from_delayed([delayed(add)(p, int(o)) for p, o in zip(ddf.to_delayed(), offsets)], meta=meta,
                           verify_meta=False), offsets


def _gathered(settled: Any) -> Any:
    """``settled`` with its Dask frames computed here (only the columns the engine reads)."""
    from .rewards import _SETTLED_COLUMNS
    if settled is None:
        return None
    items = settled if isinstance(settled, (list, tuple)) else [settled]
    return [p[[c for c in _SETTLED_COLUMNS if c in p.columns]].compute() if isinstance(p, dd.DataFrame) else p for p in items]


def _holds_text(ids: "dd.Series") -> bool:
    """Whether a distributed id column holds a text id (koc.rewards's test, per partition): one pass over
    the column, skipped for integer columns."""
    if pd.api.types.is_integer_dtype(ids.dtype):
        return False
    found = ids.map_partitions(lambda s: pd.Series([holds_text_ids(s)]), meta=(ids.name, bool))
    return bool(found.compute().any())


def rewards(completions: "dd.DataFrame", policy: Any, *, tasks: Any, kocs: "dd.DataFrame", ladder: Optional[list] = None,
            explain: bool = False, settled: Any = None, awards: Any = None, run_id: str = "") -> "dd.DataFrame":
    """koc.rewards over Dask: the ledger lines as a Dask frame (columns of ``Ledger.lines`` without
    ``amount_decimal``; rule/kind/reason/currency as strings) plus the :data:`ORDER` sort columns.

    completions: Dask frame, one row per completion with ``koc_id`` and ``task_id`` (the assignment) and
        the completion columns of koc.rewards; tasks: pandas task table (small; broadcast); kocs: Dask
        frame with ``koc_id`` and optional ``tier`` (e.g. koc.dask.classify's output), every KOC once.
    KOC and task ids are integers or text ("KOC-100001", "T-17"), as for koc.rewards: text ids come back as
        given (object columns; None where koc.rewards has none), in koc.rewards's text order, and the
        explanations and errors name them.
    ladder: the tier ladder when ``tier`` holds names of a tier policy (default: the categories of a
        categorical ``tier``, else the reward policy's tier names, as koc.rewards does).
    settled: what earlier runs paid, as for koc.rewards: Ledgers or line tables (pandas, or Dask frames,
        which are computed here: the earlier lines are held on the client), one or a list. Validated on the
        client; each scope is sent the earlier lines it needs (its tasks', its campaigns', its coupled
        rules').
    awards: the process-award winners per campaign, as for koc.rewards (pandas, or a Dask frame, computed
        here): validated on the client, each campaign's rows sent to the campaign's scope.
    run_id: written on every line (``run_id`` column), as for koc.rewards.

    ``lines.compute().sort_values(ORDER).reset_index(drop=True)`` equals ``koc.rewards(completions[
    ["koc_id", "task_id"]], completions, policy, tasks=tasks, kocs=kocs, settled=settled).lines`` row for
    row. Completions are shuffled by reward scope (koc._distributed.reward_scopes: task, or campaign, or
    capped rule), so one scope's completions must fit in a worker's memory.
    """
    pol = policy if isinstance(policy, RewardPolicy) else RewardPolicy(policy)
    text = pol.to_json()
    earlier = D.settled_table(_gathered(settled))
    won = awards.compute() if isinstance(awards, dd.DataFrame) else awards
    text_ids = D.text_id_choice(tasks, earlier, _holds_text(kocs["koc_id"]), won)
    t = D.prepare_tasks(tasks, pol, earlier, text_ids)
    by_scope = D.route_settled(earlier, t, pol)
    by_award = D.route_awards(won, t, pol, earlier, text_ids)
    scope_of = pd.Series(t["_scope"].to_numpy(np.int64), index=pd.Index(t["task_id"].to_numpy()))
    if ladder is None and "tier" in kocs.columns and isinstance(kocs["tier"].dtype, pd.CategoricalDtype):
        cats = kocs["tier"].dtype.categories
        ladder = [str(c) for c in cats] if cats is not None and len(cats) else None
    has_tier = "tier" in kocs.columns
    k = kocs[["koc_id"] + (["tier"] if has_tier else [])]
    if has_tier:
        k = k.assign(tier=k["tier"].astype(object))
    c, _ = _with_rows(completions, "_row")
    c = c.assign(_scope=c["task_id"].map(scope_of, meta=("_scope", "float64")).fillna(-1).astype(np.int64))
    c = c.merge(k.assign(_tier_known=1), on="koc_id", how="left")
    meta = D.lines_meta(explain, text_ids)

    def group_fn(g: pd.DataFrame) -> pd.DataFrame:
        return D.rewards_group(g, text, t, ladder, explain, by_scope, text_ids, by_award, run_id)

    c = c.assign(_g=c["_scope"])  # pandas excludes the grouping column from the groups: group on a copy
    with dask.config.set({"dataframe.convert-string": False}):  # text ids stay objects, as koc.rewards gives them
        grouped = c.groupby("_g").apply(group_fn, meta=meta)
        kk, _ = _with_rows(k, "_krow")
        done = c[["koc_id"]].drop_duplicates().assign(_done=True)
        kk = kk.merge(done, on="koc_id", how="left")
        kk = kk.assign(_done=kk["_done"].fillna(False).astype(bool))
        koc_part = kk.map_partitions(D.koc_lines, text, ladder, explain, text_ids, run_id, meta=meta)
        busy = set(np.asarray(c["task_id"].unique().compute()).tolist())
        # Tasks without completions in a scope that has some are the scope's group's to report; the others here.
        busy_scopes = set(t.loc[t["task_id"].isin(list(busy)), "_scope"].tolist())
        idle = t.loc[~t["_scope"].isin(list(busy_scopes)), "task_id"].tolist()
        D.check_idle_awards(by_award, busy_scopes, t, pol, by_scope, text_ids)
        idle_lines = D.idle_task_lines(t, idle, pol, explain, text_ids, run_id) if idle else meta
        return dd.concat([grouped.reset_index(drop=True), koc_part, dd.from_pandas(idle_lines, npartitions=1)])


def candidates(roster: "dd.DataFrame", tasks: Any, policy: Any = None, *, tier_policy: Any = None) -> "dd.DataFrame":
    """Eligibility and fit per roster partition against the whole (broadcast) task table: the candidate
    edges (koc_row, task_row, koc_id, task_id, score, capacity), lazily. Tiers are classified per partition
    with the roster reference (as koc.match does with koc.classify(..., growth_gaps=False))."""
    tp = _policy(tier_policy)
    mp = D.policy_json(policy, MatchingPolicy) if not isinstance(policy, MatchingPolicy) else policy.to_json()
    mp = MatchingPolicy(mp, tp).to_json()
    ref = roster_reference(roster, tp)
    offsets = ref.pop("offsets")
    reference = ref if reference_metrics(tp) else None
    t = pd.DataFrame(tasks).reset_index(drop=True)
    t_d = delayed(t)  # one copy in the graph, shared by every partition task
    parts = [delayed(D.candidates_partition)(p, t_d, mp, tp.to_json(), off, reference)
             for p, off in zip(roster.to_delayed(), offsets)]
    return dd.from_delayed(parts, meta=D.edges_meta(), verify_meta=False)


def match(roster: "dd.DataFrame", tasks: Any, policy: Any = None, *, tier_policy: Any = None,
          objective: str = "max_score", score_resolution: float = 1e-6, solve: str = "gather",
          seed_per_koc: int = 0, add_per_koc: int = 1) -> DistributedMatch:
    """Optimal matching at scale: candidate edges computed on the workers (:func:`candidates`), solved exactly
    by koc.capacitated_assignment on this process. Same optimal total as
    ``koc.match(roster.compute(), tasks, policy, mode="optimal")``. Declines and preferences are not taken
    (use koc.match).

    solve: "gather" brings every edge here (both objectives; this node's memory is the size limit, see
        docs/scale-out.md). "priced" (max_score) keeps the edges on the workers: this node solves each task's
        best candidates (2 x slots, at most 1,024) and each KOC's ``seed_per_koc`` best, the
        workers check every edge against that solve's certificate and send back at most ``add_per_koc``
        violating edges per KOC, and the solve repeats until no worker finds one (``rounds`` reports each
        round). The total is the same; the last duals are the certificate over every edge. Under max_fill
        the solve is max_score on score units plus a bonus per pair that makes one more pair worth more
        than any exchange (from the whole graph's score range), which is a maximum fill with the best
        score: the same pairs count and total as gathering."""
    D.check_solve(solve, objective, seed_per_koc, add_per_koc)
    t0 = time.perf_counter()
    edges = candidates(roster, tasks, policy, tier_policy=tier_policy).persist()
    t_tasks = pd.DataFrame(tasks).reset_index(drop=True)
    if solve == "priced":
        parts = edges.to_delayed()
        slots = D.task_slots(t_tasks)
        slots_d = delayed(slots)
        positive = objective == "max_score"
        kocs, seeds, lens, lo, hi = dask.compute(
            [delayed(D.partition_kocs)(p) for p in parts],
            [delayed(D.seed_partition)(p, slots_d, seed_per_koc, None, positive) for p in parts],
            [delayed(len)(p) for p in parts], edges["score"].min(), edges["score"].max())
        t1 = time.perf_counter()

        def price(duals: Any) -> pd.DataFrame:
            d = delayed(duals)  # one copy in the graph, shared by every partition task
            found = dask.compute(*[delayed(D.price_partition)(p, d, add_per_koc) for p in parts])
            return pd.concat(found, ignore_index=True)

        return D.priced_match(pd.concat(kocs, ignore_index=True), pd.concat(seeds, ignore_index=True), sum(lens), price,
                              t_tasks, objective=objective, score_resolution=score_resolution,
                              timings={"seed": t1 - t0}, seed_per_koc=seed_per_koc,
                              score_range=(float(lo), float(hi)) if sum(lens) else None)
    dask.compute(edges.map_partitions(len))  # materialise on the workers
    t1 = time.perf_counter()
    gathered = edges.compute()
    t2 = time.perf_counter()
    assignments, res = D.solve_edges(gathered, t_tasks, objective=objective, score_resolution=score_resolution)
    t3 = time.perf_counter()
    return DistributedMatch(assignments=assignments, total=res.total, total_units=int(res.certificate["total_score_units"]),
                            n_edges=len(gathered), result=res,
                            timings={"candidates": t1 - t0, "gather": t2 - t1, "solve": t3 - t2})
