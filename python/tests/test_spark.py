"""koc.spark with Spark in local[2] mode: tiers, rewards and matching on a 200,000-KOC roster from
koc.datasets equal the single-node results (issue 9)."""
import os
import sys

import numpy as np
import pandas as pd
import pytest

if os.environ.get("CI"):
    import pyspark  # noqa: F401  (in CI the engine must be installed: fail, never skip)
pytest.importorskip("pyspark")

import koc  # noqa: E402
from distributed_checks import (declared_metrics_case, LOOPBACK_ADDRESSES, listening_sockets, N_KOCS, assert_same_ledger, assert_same_lines,  # noqa: E402
                                roster_wide_policy, settle_single, settlement_programme)
import koc.spark as ks  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("ignore::FutureWarning"),  # pyspark on pandas 3
              pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]



@pytest.fixture(scope="module")
def spark():
    before = listening_sockets()
    s = ks.local_session(2, "koc-tests", **{"spark.sql.shuffle.partitions": 4,
                                           "spark.default.parallelism": 4,  # 4 input partitions: few Python tasks
                                           "spark.driver.memory": "2g"})
    s.createDataFrame(pd.DataFrame({"x": [1, 2]})).count()  # start the executors' Python workers too
    opened = listening_sockets() - before
    assert opened and all(addr in LOOPBACK_ADDRESSES for addr, _ in opened), opened
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def sroster(spark, programme):
    """The roster as a cached Spark frame (4 partitions), shared by the tests."""
    sdf = spark.createDataFrame(programme[0].roster).cache()
    sdf.count()
    yield sdf
    sdf.unpersist()


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Spark's frame equals koc.classify's: floats and ints bit for bit, categoricals as their names."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for c in want.columns:
        w = want[c]
        if isinstance(w.dtype, pd.CategoricalDtype) or w.dtype == object:
            assert [None if pd.isna(v) else str(v) for v in got[c].astype(object)] == \
                   [None if pd.isna(v) else str(v) for v in w.astype(object)], c
        elif w.dtype.kind == "f":
            assert np.array_equal(got[c].to_numpy(np.float64).view(np.int64), w.to_numpy(np.float64).view(np.int64)), c
        elif w.dtype.kind == "M":  # Spark hands times back without a zone, in the session's (UTC)
            g = pd.to_datetime(got[c]).dt.tz_localize("UTC") if got[c].dt.tz is None else got[c]
            assert [None if pd.isna(v) else v.value for v in g] == [None if pd.isna(v) else v.value for v in w], c
        else:
            np.testing.assert_array_equal(got[c].to_numpy(), w.to_numpy(), err_msg=c)


def test_classify_default_policy_is_bit_identical(sroster, programme):
    prog, tiers, _, _ = programme
    assert len(prog.roster) >= 200_000
    assert sroster.rdd.getNumPartitions() > 1
    out = ks.classify(sroster, prog.tier_policy)
    assert out.koc_normalisation["method"] == "row-local"
    assert_same(out.toPandas(), tiers)


def test_classify_text_ids_as_on_one_node(spark, programme):
    """Text KOC ids (CRM exports) classify on Spark as on one node, ids kept as given."""
    prog = programme[0]
    roster = prog.roster.head(3000).copy()
    roster["id"] = ("KOC-" + roster["id"].astype(str)).astype(object)
    got = ks.classify(spark.createDataFrame(roster).repartition(3), prog.tier_policy).toPandas()
    want = koc.classify(roster, prog.tier_policy)
    got = got.set_index("koc_id").loc[want["koc_id"]].reset_index()
    assert got["koc_id"].tolist() == want["koc_id"].tolist()
    assert got["tier"].astype(str).tolist() == want["tier"].astype(str).tolist()
    assert got["score"].tolist() == want["score"].tolist()


def test_classify_with_last_periods_state(spark, programme):
    """Next month over Spark: the state (with a standing override) broadcast to every task gives
    koc.classify's rows."""
    prog = programme[0]
    cut = prog.roster.iloc[:20_000].drop(columns=["previous_tier", "periods_below"], errors="ignore")
    first = koc.classify(cut, prog.tier_policy, pd.DataFrame({"koc_id": [cut["id"].iloc[5]], "tier": [1],
                                                              "reason": ["board"], "expires_at": ["2027-01-01"]}),
                         as_of="2026-06-01")
    state = koc.tier_state(first)
    want = koc.classify(cut, prog.tier_policy, state=state, as_of="2026-07-01")
    got = ks.classify(spark.createDataFrame(cut).repartition(3), prog.tier_policy, state=state, as_of="2026-07-01")
    got = got.toPandas()
    got = got.set_index(got["koc_id"]).loc[want["koc_id"]].reset_index(drop=True)
    assert_same(got, want)
    assert got["override_reason"].iloc[5] == "board"


def test_classify_percentile_and_min_max_exact(sroster, programme):
    prog = programme[0]
    pol = roster_wide_policy(prog)
    out = ks.classify(sroster, pol, growth_gaps=False)
    assert out.koc_normalisation["method"] == "exact" and out.koc_normalisation["n"] == N_KOCS
    assert "percentile: exact" in out.koc_normalisation["detail"]
    assert_same(out.toPandas(), koc.classify(prog.roster, pol, growth_gaps=False))


def test_classify_declared_metrics_as_on_one_node(spark, programme):
    roster, pol = declared_metrics_case(programme[0])
    want = koc.classify(roster, pol)
    got = ks.classify(spark.createDataFrame(roster).repartition(3), pol).toPandas()
    got = got.set_index(got["koc_id"]).loc[want["koc_id"]].reset_index(drop=True)
    assert_same(got, want)


def test_rewards_same_lines_same_order(spark, programme):
    prog, tiers, _, done = programme
    kocs = tiers[["koc_id", "tier"]]
    single = koc.rewards(done[["koc_id", "task_id"]], done, prog.reward_policy, tasks=prog.tasks, kocs=kocs).lines
    lines = ks.rewards(spark.createDataFrame(done), prog.reward_policy, tasks=prog.tasks,
                       kocs=spark.createDataFrame(kocs.assign(tier=kocs["tier"].astype(str))),
                       ladder=list(koc.TierPolicy(prog.tier_policy).tiers))
    got = lines.orderBy(*ks.ORDER).toPandas()
    assert_same_ledger(got, single)


def text_ids(frame):
    """The frame with CRM-shaped KOC and task ids ("KOC-100001", "T-17"), as object columns."""
    out = frame.copy()
    for column, prefix in (("koc_id", "KOC-"), ("task_id", "T-")):
        if column in out.columns:
            out[column] = pd.Series([prefix + str(v) for v in out[column]], index=out.index, dtype=object)
    return out


def test_rewards_text_ids_same_lines_same_order(spark, programme):
    """Text KOC and task ids (CRM exports): the same lines as koc.rewards, ids as given (string columns),
    explanations naming them, every tie the engine breaks by id in text order."""
    prog, tiers, _, done = programme
    work = text_ids(done.head(3000))
    kocs = text_ids(tiers[["koc_id", "tier"]].head(5000))
    kocs = pd.concat([kocs, text_ids(tiers[["koc_id", "tier"]]).set_index("koc_id").loc[
        sorted(set(work["koc_id"]) - set(kocs["koc_id"]))].reset_index()], ignore_index=True)
    kocs["tier"] = kocs["tier"].astype(str)
    tasks = text_ids(prog.tasks)
    ladder = list(koc.TierPolicy(prog.tier_policy).tiers)
    single = koc.rewards(work[["koc_id", "task_id"]], work, prog.reward_policy, tasks=tasks,
                         kocs=kocs.assign(tier=pd.Categorical(kocs["tier"], categories=ladder, ordered=True)), explain=True).lines
    lines = ks.rewards(spark.createDataFrame(work), prog.reward_policy, tasks=tasks, kocs=spark.createDataFrame(kocs),
                       ladder=ladder, explain=True)
    assert dict(lines.dtypes)["koc_id"] == "string" and dict(lines.dtypes)["task_id"] == "string"
    got = lines.orderBy(*ks.ORDER).toPandas()
    assert_same_lines(got, single, text=True)
    assert {"budget_cut", "speed_bonus", "entitlement", "no_reward"} <= set(got["kind"])
    assert got["explanation"].str.contains("'KOC-").any()


@pytest.mark.parametrize("text", [False, True], ids=["integer_ids", "text_ids"])
def test_rewards_settled_month_after_month(spark, text):
    """settled=: June pays the new step only and meets the per-KOC cap May partly used, the task and
    campaign budgets May partly spent, first-N places from those May gave (with integer ids, also a prize
    and process awards judged in May); July repeats June and pays nothing new. Each run equals
    koc.rewards(settled=...); the distributed June ledger, as a Spark frame, is July's settled table."""
    policy, tasks, kocs, months = settlement_programme(text)
    may, june, july = settle_single(policy, tasks, kocs, months)
    k = spark.createDataFrame(kocs)
    got_june = ks.rewards(spark.createDataFrame(months[1]), policy, tasks=tasks, kocs=k, settled=may)
    got_june_pdf = got_june.orderBy(*ks.ORDER).toPandas()
    assert_same_lines(got_june_pdf, june.lines, text)
    assert list(got_june_pdf.loc[got_june_pdf["kind"] == "step_bonus", "aux"]) == [2]
    assert {"cap_cut", "budget_cut"} <= set(got_june_pdf["kind"])
    got_july = ks.rewards(spark.createDataFrame(months[2]), policy, tasks=tasks, kocs=k,
                          settled=[may.lines, spark.createDataFrame(got_june_pdf.drop(columns=ks.ORDER))])
    got_july_pdf = got_july.orderBy(*ks.ORDER).toPandas()
    assert_same_lines(got_july_pdf, july.lines, text)
    assert (got_july_pdf["amount"] == 0).all()


@pytest.mark.parametrize("text", [False, True], ids=["integer_ids", "text_ids"])
def test_rewards_awards_table_and_run_ids(spark, text):
    """awards= and run_id= as koc.rewards takes them, month after month, on Spark."""
    policy, tasks, kocs, months, won = settlement_programme(text, awards=True)
    runs = ["2026-05", "2026-06"]
    single = settle_single(policy, tasks, kocs, months[:2], explain=True, awards=won, run_ids=runs)
    k = spark.createDataFrame(kocs)
    earlier = []
    for month, want, run in zip(months, single, runs):
        # The completions' order is the frame's (a repartition would renumber them).
        got = ks.rewards(spark.createDataFrame(month), policy, tasks=tasks, kocs=k, settled=earlier or None,
                         explain=True, awards=won, run_id=run).orderBy(*ks.ORDER).toPandas()
        assert_same_lines(got, want.lines, text)
        assert set(got["run_id"]) == {run}
        earlier.append(got.drop(columns=ks.ORDER))
    assert "process_award" in set(single[0].lines["kind"])


def test_bad_settled_table_is_refused_on_the_driver(spark):
    policy, tasks, kocs, months = settlement_programme(True)
    may = settle_single(policy, tasks, kocs, months[:1])[0].lines
    with pytest.raises(koc.Error) as e:
        ks.rewards(spark.createDataFrame(months[1]), policy, tasks=tasks, kocs=spark.createDataFrame(kocs),
                   settled=may.drop(columns=["aux"]))
    assert e.value.field == "settled.aux"


def test_match_same_optimal_total(sroster, programme):
    prog, _, plan, _ = programme
    m = ks.match(sroster, prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy)
    assert m.total_units == plan.certificate["total_score_units"]
    assert m.n_edges == plan.certificate["n_candidate_pairs"]
    assert m.result.verify()


def test_priced_match_gives_the_single_node_optimum_without_gathering(spark, sroster, programme):
    prog, _, plan, _ = programme
    m = ks.match(sroster, prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy, solve="priced")
    assert m.total_units == plan.certificate["total_score_units"]
    assert m.n_edges == plan.certificate["n_candidate_pairs"]
    assert m.result.verify()
    assert m.rounds[-1]["violations_added"] == 0
    assert m.rounds[-1]["driver_edges"] < m.n_edges / 2
    # max_fill: the same maximum fill and total as gathering.
    cut = prog.roster.head(20_000)
    fill = koc.match(cut, prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy, objective="max_fill")
    m = ks.match(spark.createDataFrame(cut), prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy, solve="priced",
                 objective="max_fill")
    assert m.total_units == fill.certificate["total_score_units"] and len(m.assignments) == len(fill.assignments)


def test_only_the_columns_classify_reads_cross_to_the_workers(spark, programme):
    # A misspelt metric is refused on the driver, as koc.classify refuses it (its name never reaches a
    # worker); other CRM columns are left behind and change nothing.
    prog = programme[0]
    r = prog.roster.head(2_000)
    with pytest.raises(koc.UnknownNameError, match="did you mean 'followers'"):
        ks.classify(spark.createDataFrame(r.rename(columns={"followers": "folowers"})), prog.tier_policy)
    crm = r.assign(email=[f"k{i}@example.com" for i in range(len(r))], city="Hangzhou")
    got = ks.classify(spark.createDataFrame(crm), prog.tier_policy).toPandas()
    want = koc.classify(r, prog.tier_policy)
    assert got["tier"].tolist() == want["tier"].astype(str).tolist()
    assert np.array_equal(got["score"].to_numpy(), want["score"].to_numpy())


def test_bad_input_names_roster_row_and_field(spark, programme):
    prog = programme[0]
    r = prog.roster.head(40_000).copy()
    r.loc[31_234, "followers"] = -5.0
    with pytest.raises(koc.Error) as e:
        ks.classify(spark.createDataFrame(r), prog.tier_policy)
    assert e.value.row == 31_234 and e.value.field == "followers"
    r = prog.roster.head(40_000).copy()
    r.loc[35_000, "id"] = r.loc[2, "id"]
    with pytest.raises(koc.DuplicateIdError) as e:
        ks.classify(spark.createDataFrame(r), prog.tier_policy)
    assert e.value.row == 35_000 and e.value.field == "id"
