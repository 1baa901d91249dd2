"""koc on Apache Spark: tiers, rewards and matching over a ``pyspark.sql.DataFrame`` roster. Example::

    import koc, koc.spark
    roster = spark.read.parquet("roster/")                 # one row per KOC, the columns of koc.classify
    tiers = koc.spark.classify(roster, policy)             # Spark frame: koc.classify's columns, tiers as names
    lines = koc.spark.rewards(completions, reward_policy, tasks=tasks_pdf, kocs=tiers.select("koc_id", "tier"))
    ledger = lines.orderBy(*koc.spark.ORDER)               # the single-node line order
    plan = koc.spark.match(roster, tasks_pdf, matching_policy)   # exact, solved on the driver

Installed with ``pip install 'koc[spark]'``. Python work runs in ``mapInPandas`` (tiers, candidate edges,
KOC lines) and ``applyInPandas`` grouped by reward scope (ledger), with Arrow transfers. Results equal the
single-node API on the same data (docs/scale-out.md): tiers bit for bit (categoricals become strings,
missing = null), the same ledger lines in the same order after ``orderBy(*ORDER)``, the same optimal
matching total. A roster's row order is its partitions' order (as ``createDataFrame`` from pandas and
ordered file reads give); row numbers in results and errors refer to it.
"""
from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np
import pandas as pd

try:
    from pyspark import TaskContext
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as _e:  # pragma: no cover - exercised only without the extra
    from ._distributed import engine_missing
    raise engine_missing("spark", _e) from None

import pickle

from . import _distributed as D
from .matching import MatchingPolicy
from .rewards import RewardPolicy, holds_text_ids
from .tables import check_names
from .tiers import TierPolicy, _policy, classify_columns, reference_metrics

__all__ = ["ORDER", "local_session", "classify", "roster_reference", "rewards", "candidates", "match", "DistributedMatch"]

ORDER = D.ORDER
DistributedMatch = D.DistributedMatch


LOOPBACK = "127.0.0.1"


def local_session(cores: int = 2, app_name: str = "koc", **config: Any):
    """A local-mode ``SparkSession`` (``local[cores]``) that listens on and talks to 127.0.0.1 only.

    Spark binds its driver, block manager and UI to the machine's network interface unless told
    otherwise, which opens ports to the network on a laptop or a shared server. This session pins the
    driver host and bind address to the loopback address (and ``SPARK_LOCAL_IP`` for the JVM it starts),
    turns the UI off, sets the session time zone to UTC, enables Arrow transfers, and runs executors with
    this interpreter (which has koc).
    ``config`` adds Spark settings, e.g. ``local_session(2, **{"spark.driver.memory": "4g"})``.
    A session already running in this process is returned as is (Spark keeps one per process).
    """
    import os
    import sys
    from pyspark.sql import SparkSession
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ["SPARK_LOCAL_IP"] = LOOPBACK
    builder = (SparkSession.builder.master(f"local[{int(cores)}]").appName(app_name)
               .config("spark.driver.host", LOOPBACK)
               .config("spark.driver.bindAddress", LOOPBACK)
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")  # times (override expiries) as koc writes them
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    for key, value in config.items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


def _spark_type(dtype: Any) -> T.DataType:
    if isinstance(dtype, pd.CategoricalDtype) or dtype == object or pd.api.types.is_string_dtype(dtype):
        return T.StringType()
    if pd.api.types.is_bool_dtype(dtype):
        return T.BooleanType()
    if pd.api.types.is_integer_dtype(dtype):
        return T.IntegerType() if np.dtype(dtype).itemsize <= 4 else T.LongType()
    if pd.api.types.is_float_dtype(dtype):
        return T.DoubleType()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return T.TimestampType()
    raise TypeError(f"no Spark type for {dtype}")


def _schema(meta: pd.DataFrame) -> T.StructType:
    return T.StructType([T.StructField(str(c), _spark_type(meta[c].dtype), True) for c in meta.columns])


def _offsets(sdf: DataFrame) -> np.ndarray:
    """Roster row of each partition's first row (one counting pass). Counted inside mapInPandas, the same
    operator that later numbers the rows: spark_partition_id() in a plain projection can be folded into
    a local computation (one partition) for frames made from pandas."""
    n_parts = sdf.rdd.getNumPartitions()

    def count(it):
        p = TaskContext.get().partitionId()
        n = 0
        for batch in it:
            n += len(batch)
        yield pd.DataFrame({"p": [p], "n": [n]})

    schema = T.StructType([T.StructField("p", T.IntegerType()), T.StructField("n", T.LongType())])
    counts = np.zeros(n_parts, dtype=np.int64)
    for r in sdf.mapInPandas(count, schema).collect():
        counts[r["p"]] += r["n"]
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def roster_reference(roster: DataFrame, policy: Any = None, *, check_ids: bool = True) -> dict:
    """Exact roster-wide statistics (koc.tiers.roster_reference's dictionary) plus ``offsets`` (roster row of
    each partition's first row): per-batch partials (value counts of percentile metrics, extremes of min_max
    metrics) collected in one pass. ``check_ids`` also refuses duplicate ids: free when the batches' id ranges do
    not overlap (ids_disjoint), else a groupBy count of the id column."""
    pol = _policy(policy)
    idc = D.id_column(roster.columns)
    text = pol.to_json()
    narrow = _classify_input(roster, pol)

    def partials(it):
        p = TaskContext.get().partitionId()
        seq = 0
        tp = TierPolicy(text)
        for batch in it:
            part = D.partition_partials(batch, tp)
            yield pd.DataFrame({"p": [p], "seq": [seq], "blob": [pickle.dumps(part)]})
            seq += 1
        if seq == 0:
            yield pd.DataFrame({"p": [p], "seq": [0], "blob": [pickle.dumps(D.partition_partials(pd.DataFrame(), tp))]})

    schema = T.StructType([T.StructField("p", T.IntegerType()), T.StructField("seq", T.IntegerType()),
                           T.StructField("blob", T.BinaryType())])
    rows = narrow.mapInPandas(partials, schema).collect()  # every column classify reads: the pass validates them
    rows.sort(key=lambda r: (r["p"], r["seq"]))
    parts = [pickle.loads(r["blob"]) for r in rows]
    ref, _ = D.combine_partials(parts, pol)
    n_parts = roster.rdd.getNumPartitions()
    counts = np.zeros(n_parts, dtype=np.int64)
    for r, part in zip(rows, parts):
        counts[r["p"]] += part["n"]
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    if check_ids and not D.ids_disjoint(parts):
        dups = roster.groupBy(idc).count().filter(F.col("count") > 1).select(idc).collect()
        if dups:
            dup = min(r[idc] for r in dups)
            found = _with_rows(roster.select(idc), "_row", offsets).filter(F.col(idc) == dup).select("_row").collect()
            raise D.duplicate_error(dup, [r["_row"] for r in found])
    ref["offsets"] = [int(o) for o in offsets]
    return ref


def _classify_input(roster: DataFrame, pol: TierPolicy) -> DataFrame:
    """The roster's columns that classify reads, after every column name is checked here (a misspelt metric
    is refused as koc.classify refuses it): the rest of a CRM export never crosses to the Python workers."""
    check_names(pd.DataFrame(columns=roster.columns), "roster", "roster", pol.declared_metrics)
    return roster.select(*classify_columns(roster.columns, pol))


def _with_rows(sdf: DataFrame, column: str, offsets: Optional[np.ndarray] = None) -> DataFrame:
    """sdf plus a roster-row column (partition offset + position)."""
    offs = _offsets(sdf) if offsets is None else offsets
    offs_list = [int(o) for o in offs]

    def add(it):
        off = offs_list[TaskContext.get().partitionId()]
        for batch in it:
            batch = batch.copy()
            batch[column] = np.arange(off, off + len(batch), dtype=np.int64)
            off += len(batch)
            yield batch

    schema = T.StructType(list(sdf.schema.fields) + [T.StructField(column, T.LongType(), False)])
    # Materialised at once: TaskContext.partitionId() is the input partition only while this operator runs
    # in its own job (inside a later union it would be the union's partition number).
    return sdf.mapInPandas(add, schema).localCheckpoint(eager=True)


def classify(roster: DataFrame, policy: Any = None, *, state: Any = None, revoked: Any = None, as_of: Any = None,
             growth_gaps: bool = True, check_ids: bool = True) -> DataFrame:
    """koc.classify over a Spark DataFrame (``mapInPandas`` with the roster reference).

    Same columns and values as ``koc.classify(roster.toPandas(), policy)``, bit for bit, in roster order;
    tier, transition and gate columns are strings (null where koc.classify has NaN). One eager pass first
    counts partitions and gathers the exact statistics of percentile / min_max terms (none for the
    default policy) and checks ids; the classification itself is lazy. The returned frame's
    ``koc_normalisation`` attribute says how roster-wide statistics were obtained. ``state``, ``revoked``
    and ``as_of``: last period's tier state, honours revoked, the period's date, as for koc.classify
    (pandas tables, broadcast once; the state's standing overrides apply).
    """
    pol = _policy(policy)
    ref = roster_reference(roster, pol, check_ids=check_ids)
    offsets = ref.pop("offsets")
    reference = ref if reference_metrics(pol) else None
    meta = D.classify_meta(roster.columns, pol, growth_gaps,
                           text_ids=isinstance(roster.schema[D.id_column(list(roster.columns))].dataType, T.StringType))
    schema = _schema(meta)
    text = pol.to_json()
    bc = roster.sparkSession.sparkContext.broadcast(reference) if reference is not None else None
    if revoked is not None:
        idc = D.id_column(list(roster.columns))
        wanted = pd.Series(revoked["koc_id"]).unique().tolist()
        D.check_revoked(revoked, roster.select(idc).where(roster[idc].isin(wanted)).toPandas()[idc])
    history = roster.sparkSession.sparkContext.broadcast((state, revoked)) if state is not None or revoked is not None else None

    # min_max compares roster rows (first minimum / maximum): number the rows first (one materialised
    # pass). Otherwise the partition offset only serves error rows, and the eager pass already validated.
    numbered = any("min_max" in n for n in reference_metrics(pol).values())
    narrow = _classify_input(roster, pol)
    src = _with_rows(narrow, "_row", np.asarray(offsets)) if numbered else narrow

    def run(it):
        off = offsets[TaskContext.get().partitionId()] if not numbered else 0
        r = bc.value if bc is not None else None
        for batch in it:
            if numbered:
                off = int(batch["_row"].iloc[0]) if len(batch) else 0
                batch = batch.drop(columns=["_row"])
            st, rv = history.value if history is not None else (None, None)
            out = D.classify_partition(batch, text, r, off, growth_gaps, True, st, rv, as_of)
            off += len(batch)
            yield out

    out = src.mapInPandas(run, schema)
    out.koc_normalisation = D.describe(ref, pol)
    return out


def _gathered(settled: Any) -> Any:
    """``settled`` with its Spark frames collected to the driver (only the columns the engine reads)."""
    from .rewards import _SETTLED_COLUMNS
    if settled is None:
        return None
    items = settled if isinstance(settled, (list, tuple)) else [settled]
    return [p.select(*[c for c in _SETTLED_COLUMNS if c in p.columns]).toPandas() if isinstance(p, DataFrame) else p
            for p in items]


def _holds_text(sdf: DataFrame, column: str) -> bool:
    """Whether a Spark id column holds a text id (koc.rewards's test, per batch): one pass over the column,
    skipped for integer columns."""
    if isinstance(sdf.schema[column].dataType, (T.LongType, T.IntegerType, T.ShortType, T.ByteType)):
        return False

    def found(it):
        for batch in it:
            if holds_text_ids(batch[column]):
                yield pd.DataFrame({"text": [True]})
                return

    return sdf.select(column).mapInPandas(found, "text boolean").limit(1).count() > 0


def rewards(completions: DataFrame, policy: Any, *, tasks: Any, kocs: DataFrame, ladder: Optional[list] = None,
            explain: bool = False, settled: Any = None, awards: Any = None, run_id: str = "") -> DataFrame:
    """koc.rewards over Spark: the ledger lines as a Spark frame (``Ledger.lines`` columns without
    ``amount_decimal``; rule/kind/reason/currency as strings) plus the :data:`ORDER` sort columns.

    completions: Spark frame, one row per completion with ``koc_id``, ``task_id`` and koc.rewards's completion
    columns; tasks: pandas task table (small, shipped to every task); kocs: Spark frame with ``koc_id`` and
    optional ``tier`` (names; e.g. koc.spark.classify's output), every KOC once, in the KOC table's order.
    KOC and task ids are integers or text ("KOC-100001", "T-17"), as for koc.rewards: text ids come back as
    given (string columns; null where koc.rewards has None), in koc.rewards's text order, and the
    explanations and errors name them.
    ladder: the tier ladder of ``tier`` (e.g. TierPolicy.tiers); default: the reward policy's tier names.
    settled: what earlier runs paid, as for koc.rewards: Ledgers or line tables (pandas, or Spark frames,
    which are collected to the driver), one or a list. Validated on the driver and broadcast; each scope
    reads the earlier lines it needs (its tasks', its campaigns', its coupled rules').
    awards: the process-award winners per campaign, as for koc.rewards (pandas, or a Spark frame, collected
    to the driver): validated on the driver, each campaign's rows sent to the campaign's scope.
    run_id: written on every line (``run_id`` column), as for koc.rewards.

    ``lines.orderBy(*ORDER)`` equals koc.rewards's ``Ledger.lines`` row for row. Completions are grouped by
    reward scope with ``applyInPandas`` (one scope's completions must fit in an executor's memory).
    """
    pol = policy if isinstance(policy, RewardPolicy) else RewardPolicy(policy)
    text = pol.to_json()
    spark = completions.sparkSession
    earlier = D.settled_table(_gathered(settled))
    won = awards.toPandas() if isinstance(awards, DataFrame) else awards
    text_ids = D.text_id_choice(tasks, earlier, _holds_text(kocs, "koc_id"), won)
    t = D.prepare_tasks(tasks, pol, earlier, text_ids)
    by_scope = D.route_settled(earlier, t, pol)
    by_award = D.route_awards(won, t, pol, earlier, text_ids)
    shared = spark.sparkContext.broadcast((by_scope, by_award)) if by_scope or by_award else None
    has_tier = "tier" in kocs.columns
    k = kocs.select("koc_id", *(["tier"] if has_tier else []))
    c = _with_rows(completions, "_row")
    scopes = spark.createDataFrame(pd.DataFrame({"task_id": t["task_id"].to_numpy(), "_scope": t["_scope"].to_numpy(np.int64)}))
    c = c.join(F.broadcast(scopes), on="task_id", how="left").fillna({"_scope": -1})
    c = c.join(k.withColumn("_tier_known", F.lit(1)), on="koc_id", how="left")
    meta = D.lines_meta(explain, text_ids)
    schema = _schema(meta)

    def group_fn(g: pd.DataFrame) -> pd.DataFrame:
        sets = shared.value if shared is not None else (None, None)
        return D.rewards_group(g, text, t, ladder, explain, sets[0], text_ids, sets[1], run_id)

    grouped = c.groupBy("_scope").applyInPandas(group_fn, schema)
    done = completions.select("koc_id").distinct().withColumn("_done", F.lit(True))
    kk = _with_rows(k, "_krow").join(done, on="koc_id", how="left").fillna({"_done": False})

    def koc_fn(it):
        for batch in it:
            yield D.koc_lines(batch, text, ladder, explain, text_ids, run_id)

    koc_part = kk.mapInPandas(koc_fn, schema)
    busy = {r["task_id"] for r in completions.select("task_id").distinct().collect()}
    # Tasks without completions in a scope that has some are the scope's group's to report; the others here.
    busy_scopes = set(t.loc[t["task_id"].isin(list(busy)), "_scope"].tolist())
    idle = t.loc[~t["_scope"].isin(list(busy_scopes)), "task_id"].tolist()
    D.check_idle_awards(by_award, busy_scopes, t, pol, by_scope, text_ids)
    if idle:
        idle_lines = D.idle_task_lines(t, idle, pol, explain, text_ids, run_id)
        strings = [c for c in meta.columns if meta[c].dtype == object]
        idle_sdf = spark.createDataFrame(idle_lines.astype({c: object for c in strings}), schema)
        return grouped.unionByName(koc_part).unionByName(idle_sdf)
    return grouped.unionByName(koc_part)


def candidates(roster: DataFrame, tasks: Any, policy: Any = None, *, tier_policy: Any = None) -> DataFrame:
    """Eligibility and fit per roster batch (``mapInPandas``) against the whole task table: the candidate
    edges (koc_row, task_row, koc_id, task_id, score, capacity). Tiers are classified per batch with the
    roster reference, as koc.match does with koc.classify(..., growth_gaps=False)."""
    tp = _policy(tier_policy)
    mp = MatchingPolicy(D.policy_json(policy, MatchingPolicy) if not isinstance(policy, MatchingPolicy) else policy.to_json(),
                        tp).to_json()
    ref = roster_reference(roster, tp)
    offsets = ref.pop("offsets")
    reference = ref if reference_metrics(tp) else None
    t = pd.DataFrame(tasks).reset_index(drop=True)
    tp_text = tp.to_json()
    bc = roster.sparkSession.sparkContext.broadcast((t, reference))

    src = _with_rows(roster, "_row", np.asarray(offsets))  # koc_row = roster row, whatever the later plan

    def run(it):
        tasks_b, r = bc.value
        for batch in it:
            off = int(batch["_row"].iloc[0]) if len(batch) else 0
            yield D.candidates_partition(batch.drop(columns=["_row"]), tasks_b, mp, tp_text, off, r)

    return src.mapInPandas(run, _schema(D.edges_meta()))


def match(roster: DataFrame, tasks: Any, policy: Any = None, *, tier_policy: Any = None, objective: str = "max_score",
          score_resolution: float = 1e-6, solve: str = "gather", seed_per_koc: int = 0,
          add_per_koc: int = 1) -> DistributedMatch:
    """Optimal matching at scale: candidate edges on the executors (:func:`candidates`, cached), solved exactly
    by koc.capacitated_assignment on the driver. Same optimal total as
    ``koc.match(roster.toPandas(), tasks, policy, mode="optimal")``. Declines and preferences are not taken.

    solve: "gather" collects every edge to the driver with Arrow (both objectives). "priced" (both objectives)
        keeps them on the executors: the driver solves each task's best candidates and each KOC's ``seed_per_koc``
        best, the executors check every edge against that solve's certificate and send back at most
        ``add_per_koc`` violating edges per KOC, until none is found (koc.dask.match documents the method,
        and max_fill; ``rounds`` reports each round)."""
    D.check_solve(solve, objective, seed_per_koc, add_per_koc)
    t0 = time.perf_counter()
    edges = candidates(roster, tasks, policy, tier_policy=tier_policy).cache()
    t_tasks = pd.DataFrame(tasks).reset_index(drop=True)
    if solve == "priced":
        sc = roster.sparkSession.sparkContext
        schema = _schema(D.edges_meta()[D.HELD])
        n_edges = edges.count()
        kocs = edges.select("koc_row", "koc_id", "capacity").dropDuplicates(["koc_row"]).toPandas()
        slots_b = sc.broadcast(D.task_slots(t_tasks))

        positive = objective == "max_score"

        def seed(it):
            for batch in it:
                yield D.seed_partition(batch, slots_b.value, seed_per_koc, None, positive)

        seeds = edges.mapInPandas(seed, schema).toPandas()
        lo, hi = edges.agg(F.min("score"), F.max("score")).first()
        t1 = time.perf_counter()

        def price(duals: Any) -> pd.DataFrame:
            bc = sc.broadcast(duals)

            def run(it):
                for batch in it:
                    yield D.price_partition(batch, bc.value, add_per_koc)

            try:
                return edges.mapInPandas(run, schema).toPandas()
            finally:
                bc.unpersist()

        try:
            return D.priced_match(kocs, seeds, n_edges, price, t_tasks, objective=objective,
                                  score_resolution=score_resolution, timings={"seed": t1 - t0},
                                  seed_per_koc=seed_per_koc, score_range=None if lo is None else (float(lo), float(hi)))
        finally:
            edges.unpersist()
            slots_b.unpersist()
    edges.count()
    t1 = time.perf_counter()
    gathered = edges.toPandas()
    t2 = time.perf_counter()
    edges.unpersist()
    assignments, res = D.solve_edges(gathered, t_tasks, objective=objective, score_resolution=score_resolution)
    t3 = time.perf_counter()
    return DistributedMatch(assignments=assignments, total=res.total, total_units=int(res.certificate["total_score_units"]),
                            n_edges=len(gathered), result=res,
                            timings={"candidates": t1 - t0, "gather": t2 - t1, "solve": t3 - t2})
