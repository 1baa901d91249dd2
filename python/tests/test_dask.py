"""koc.dask on a distributed.LocalCluster (2 workers): tiers, rewards and matching on a 200,000-KOC roster
from koc.datasets equal the single-node results (issue 9)."""
import os

import numpy as np
import pandas as pd
import pytest

if os.environ.get("CI"):
    import dask.dataframe  # noqa: F401  (in CI the engine must be installed: fail, never skip)
    import distributed  # noqa: F401
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import koc  # noqa: E402
from distributed_checks import (declared_metrics_case, LOOPBACK_ADDRESSES, listening_sockets, N_KOCS, assert_same_ledger, assert_same_lines,  # noqa: E402
                                roster_wide_policy, settle_single, settlement_programme)
import koc.dask as kd  # noqa: E402
from koc import _distributed as D  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::FutureWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]



@pytest.fixture(scope="module")
def client():
    before = listening_sockets()
    cluster = kd.local_cluster(2, 1, memory_limit="2GiB")
    opened = listening_sockets() - before
    assert opened and all(addr in LOOPBACK_ADDRESSES for addr, _ in opened), opened
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_classify_default_policy_is_bit_identical(client, programme):
    prog, tiers, _, _ = programme
    assert len(prog.roster) >= 200_000
    out = kd.classify(dd.from_pandas(prog.roster, npartitions=4), prog.tier_policy)
    assert out.koc_normalisation["method"] == "row-local"
    got = out.compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, tiers, check_exact=True)


def test_tiers_written_to_parquet_from_the_workers(client, programme, tmp_path):
    """koc.dask.to_parquet writes the lazy tiers without collecting them (columns that hold only None, the
    override's reason and author, would defeat Dask's type inference); read back, they are koc.classify's."""
    prog, tiers, _, _ = programme
    kd.to_parquet(kd.classify(dd.from_pandas(prog.roster.head(50_000), npartitions=4), prog.tier_policy), tmp_path / "tiers")
    got = pd.read_parquet(tmp_path / "tiers")
    want = tiers.head(50_000)
    assert len(got) == len(want)
    for c in want.columns:
        g, w = got[c].to_numpy(), want[c].to_numpy()
        if want[c].dtype == object or isinstance(want[c].dtype, pd.CategoricalDtype):
            assert [None if pd.isna(x) else str(x) for x in g] == [None if pd.isna(x) else str(x) for x in w], c
        else:
            pd.testing.assert_series_equal(got[c].reset_index(drop=True), want[c].reset_index(drop=True), check_dtype=False,
                                           check_exact=True)


def test_classify_with_last_periods_state(client, programme):
    """Next month over Dask: the state (with a standing override and an honour revoked) sent to every
    partition gives koc.classify's rows, bit for bit."""
    prog, tiers, _, _ = programme
    cut = prog.roster.iloc[:30_000].drop(columns=["previous_tier", "periods_below"], errors="ignore")
    first = koc.classify(cut, prog.tier_policy, pd.DataFrame({"koc_id": [cut["id"].iloc[5]], "tier": [1],
                                                              "reason": ["board"], "expires_at": ["2027-01-01"]}),
                         as_of="2026-06-01")
    state = koc.tier_state(first)
    honoured = first.loc[first["honorary"], "koc_id"].head(1).tolist()
    revoked = pd.DataFrame({"koc_id": honoured, "reason": ["code of conduct"] * len(honoured)})
    want = koc.classify(cut, prog.tier_policy, state=state, revoked=revoked, as_of="2026-07-01")
    got = kd.classify(dd.from_pandas(cut, npartitions=3), prog.tier_policy, state=state, revoked=revoked,
                      as_of="2026-07-01").compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got["override_reason"].iloc[5] == "board"


def test_classify_percentile_and_min_max_exact(client, programme):
    prog = programme[0]
    pol = roster_wide_policy(prog)
    out = kd.classify(dd.from_pandas(prog.roster, npartitions=5), pol, growth_gaps=False)
    info = out.koc_normalisation
    assert info["method"] == "exact" and info["n"] == N_KOCS
    assert "percentile: exact" in info["detail"] and "followers=" in info["detail"]
    pd.testing.assert_frame_equal(out.compute().reset_index(drop=True), koc.classify(prog.roster, pol, growth_gaps=False),
                                  check_exact=True)
    # Growth gaps of percentile metrics search the roster's values (O(n) per KOC): checked on a 20,000-row cut.
    small = prog.roster.iloc[:20_000]
    out = kd.classify(dd.from_pandas(small, npartitions=3), pol)
    pd.testing.assert_frame_equal(out.compute().reset_index(drop=True), koc.classify(small, pol), check_exact=True)


def test_classify_declared_metrics_as_on_one_node(client, programme):
    roster, pol = declared_metrics_case(programme[0])
    out = kd.classify(dd.from_pandas(roster, npartitions=3), pol)
    got = out.compute().reset_index(drop=True)
    want = koc.classify(roster, pol)
    assert "gap_answers" in want and "contribution_sentiment" in want
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_rewards_same_lines_same_order(client, programme):
    prog, tiers, _, done = programme
    kocs = tiers[["koc_id", "tier"]]
    single = koc.rewards(done[["koc_id", "task_id"]], done, prog.reward_policy, tasks=prog.tasks, kocs=kocs).lines
    lines = kd.rewards(dd.from_pandas(done, npartitions=3), prog.reward_policy, tasks=prog.tasks,
                       kocs=dd.from_pandas(kocs, npartitions=4))
    got = lines.compute().sort_values(kd.ORDER).reset_index(drop=True)
    assert_same_ledger(got, single)


def text_ids(frame, koc_column="koc_id", task_column="task_id"):
    """The frame with CRM-shaped KOC and task ids ("KOC-100001", "T-17"), as object columns."""
    out = frame.copy()
    if koc_column in out.columns:
        out[koc_column] = pd.Series(["KOC-" + str(v) for v in out[koc_column]], index=out.index, dtype=object)
    if task_column in out.columns:
        out[task_column] = pd.Series(["T-" + str(v) for v in out[task_column]], index=out.index, dtype=object)
    return out


def test_text_ids_classify_and_rewards_as_on_one_node(client, programme):
    """Text KOC and task ids (CRM exports): classification and the ledger equal one node's, ids as given,
    explanations naming them, every tie the engine breaks by id in text order."""
    prog, tiers, _, done = programme
    roster = prog.roster.head(3000).copy()
    roster["id"] = ("KOC-" + roster["id"].astype(str)).astype(object)
    got = kd.classify(dd.from_pandas(roster, npartitions=3), prog.tier_policy).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, koc.classify(roster, prog.tier_policy), check_exact=True)
    work = text_ids(done.head(4000))
    kocs = text_ids(tiers[["koc_id", "tier"]].head(6000))
    kocs = pd.concat([kocs, text_ids(tiers[["koc_id", "tier"]]).set_index("koc_id").loc[
        sorted(set(work["koc_id"]) - set(kocs["koc_id"]))].reset_index()], ignore_index=True)
    tasks = text_ids(prog.tasks)
    single = koc.rewards(work[["koc_id", "task_id"]], work, prog.reward_policy, tasks=tasks, kocs=kocs, explain=True).lines
    lines = kd.rewards(dd.from_pandas(work, npartitions=3), prog.reward_policy, tasks=tasks,
                       kocs=dd.from_pandas(kocs, npartitions=2), explain=True)
    assert lines._meta["koc_id"].dtype == object and lines._meta["task_id"].dtype == object
    got = lines.compute().sort_values(kd.ORDER).reset_index(drop=True)
    assert_same_lines(got, single, text=True)
    assert {"budget_cut", "speed_bonus", "entitlement", "no_reward"} <= set(got["kind"])
    assert got["explanation"].str.contains("'KOC-").any() and got["explanation"].str.contains("'T-").any()
    # A completion whose KOC the KOC table lacks: a koc error naming the text id and the completion row.
    with pytest.raises(koc.UnknownIdError, match="KOC 'KOC-") as e:
        kd.rewards(dd.from_pandas(work, npartitions=3), prog.reward_policy, tasks=tasks,
                   kocs=dd.from_pandas(kocs[kocs["koc_id"] != work["koc_id"].iloc[2500]], npartitions=2)).compute()
    assert e.value.row == int(np.flatnonzero(work["koc_id"].to_numpy() == work["koc_id"].iloc[2500])[0])


@pytest.mark.parametrize("text", [False, True], ids=["integer_ids", "text_ids"])
def test_rewards_settled_month_after_month(client, text):
    """settled=: June pays the new step only and meets the per-KOC cap May partly used, the task and
    campaign budgets May partly spent, first-N places from those May gave (and, with integer ids, a prize
    and process awards judged in May); July repeats June and pays nothing new. Each run equals
    koc.rewards(settled=...) line for line; a distributed ledger serves as the next run's settled table,
    also as a Dask frame."""
    policy, tasks, kocs, months = settlement_programme(text)
    may, june, july = settle_single(policy, tasks, kocs, months, explain=True)
    k = dd.from_pandas(kocs, npartitions=2)
    got_june = kd.rewards(dd.from_pandas(months[1], npartitions=3), policy, tasks=tasks, kocs=k, settled=may,
                          explain=True).compute().sort_values(kd.ORDER).reset_index(drop=True)
    assert_same_lines(got_june, june.lines, text)
    assert {"step_bonus", "cap_cut", "budget_cut"} <= set(got_june["kind"])
    assert list(got_june.loc[got_june["kind"] == "step_bonus", "aux"]) == [2]  # the new step only
    state = [may.lines, dd.from_pandas(got_june.drop(columns=kd.ORDER), npartitions=2)]
    got_july = kd.rewards(dd.from_pandas(months[2], npartitions=2), policy, tasks=tasks, kocs=k, settled=state,
                          explain=True).compute().sort_values(kd.ORDER).reset_index(drop=True)
    assert_same_lines(got_july, july.lines, text)
    assert (got_july["amount"] == 0).all()


@pytest.mark.parametrize("text", [False, True], ids=["integer_ids", "text_ids"])
def test_rewards_awards_table_and_run_ids(client, text):
    """awards= (the process-award winners as a table, also with text KOC ids) and run_id= as koc.rewards
    takes them, month after month; a winner without work in the campaign is refused at its awards row."""
    policy, tasks, kocs, months, won = settlement_programme(text, awards=True)
    runs = ["2026-05", "2026-06", "2026-07"]
    single = settle_single(policy, tasks, kocs, months, explain=True, awards=won, run_ids=runs)
    k = dd.from_pandas(kocs, npartitions=2)
    earlier = []
    for month, want, run in zip(months, single, runs):
        got = kd.rewards(dd.from_pandas(month, npartitions=3), policy, tasks=tasks, kocs=k, settled=earlier or None,
                         explain=True, awards=won, run_id=run).compute().sort_values(kd.ORDER).reset_index(drop=True)
        assert_same_lines(got, want.lines, text)
        assert set(got["run_id"]) == {run}
        earlier.append(got.drop(columns=kd.ORDER))
    assert "process_award" in set(single[0].lines["kind"])
    # KOC 1004 did no work in campaign 8: row 2 of the awards table.
    bad = pd.concat([won, pd.DataFrame({"campaign_id": [8], "award": ["best idea"],
                                        "koc_id": pd.Series([kocs["koc_id"].iloc[4]], dtype=won["koc_id"].dtype)})],
                    ignore_index=True)
    with pytest.raises(koc.UnknownIdError) as want:
        koc.rewards(months[0][["koc_id", "task_id"]], months[0], policy, tasks=tasks, kocs=kocs, awards=bad)
    with pytest.raises(koc.UnknownIdError) as got:
        kd.rewards(dd.from_pandas(months[0], npartitions=3), policy, tasks=tasks, kocs=k, awards=bad).compute()
    assert (got.value.row, got.value.field, str(got.value)) == (want.value.row, want.value.field, str(want.value)) \
        and want.value.row == 2
    assert ("award winner 'KOC-1004'" if text else "award winner 1004") in str(want.value)


def test_text_ids_decided_for_the_whole_ledger(client):
    """A scope whose KOC and task ids all look like numbers ("99", "100002") is still mapped as text when
    another part of the ledger holds text ids, as koc.rewards maps them: ids and text order as one node's."""
    policy = koc.RewardPolicy({"schema": "koc.reward_policy/1", "rules": [{"id": "post", "kind": "fixed",
                                                                          "currency": "CNY", "amount": "100.00"}]})
    tasks = pd.DataFrame({"task_id": pd.Series(["T-1", "7", "10"], dtype=object), "rule": "post",
                          "budget": [None, "150.00", None]})
    work = pd.DataFrame({"koc_id": pd.Series(["KOC-1", "99", "100002"], dtype=object),
                         "task_id": pd.Series(["T-1", "7", "7"], dtype=object), "delivered_at": [0, 0, 0]})
    kocs = pd.DataFrame({"koc_id": pd.Series(["KOC-1", "99", "100002", "5"], dtype=object)})
    single = koc.rewards(work, work, policy, tasks=tasks, kocs=kocs, explain=True).lines
    got = kd.rewards(dd.from_pandas(work, npartitions=2), policy, tasks=tasks, kocs=dd.from_pandas(kocs, npartitions=2),
                     explain=True).compute().sort_values(kd.ORDER).reset_index(drop=True)
    assert_same_lines(got, single, text=True)
    assert "100002" in set(got["koc_id"]) and "10" in set(got["task_id"])  # text, as given


def test_bad_settled_table_is_refused_on_the_client(client):
    policy, tasks, kocs, months = settlement_programme(True)
    may = settle_single(policy, tasks, kocs, months[:1])[0].lines
    work, k = dd.from_pandas(months[1], npartitions=2), dd.from_pandas(kocs, npartitions=2)
    with pytest.raises(koc.Error) as e:
        kd.rewards(work, policy, tasks=tasks, kocs=k, settled=may.drop(columns=["aux"]))
    assert e.value.field == "settled.aux"
    bad = may.assign(kind=may["kind"].astype(str).replace({"day_fee": "day fee"}))
    with pytest.raises(koc.InvalidValueError) as e:
        kd.rewards(work, policy, tasks=tasks, kocs=k, settled=[may, bad])
    assert e.value.field == "settled.kind" and e.value.row == len(may) + int(np.flatnonzero(bad["kind"] == "day fee")[0])


def test_match_same_optimal_total(client, programme):
    prog, tiers, plan, _ = programme
    m = kd.match(dd.from_pandas(prog.roster, npartitions=4), prog.tasks, prog.matching_policy,
                 tier_policy=prog.tier_policy)
    assert m.total_units == plan.certificate["total_score_units"]
    assert m.n_edges == plan.certificate["n_candidate_pairs"]
    assert m.result.verify()
    assert set(m.timings) == {"candidates", "gather", "solve"}


def test_priced_match_gives_the_single_node_optimum_without_gathering(client, programme):
    """Distributed pricing: the client solves a part of the edges, the workers check the rest against its
    certificate, until none breaks it; the total is koc.match's."""
    prog, _, plan, _ = programme
    m = kd.match(dd.from_pandas(prog.roster, npartitions=4), prog.tasks, prog.matching_policy,
                 tier_policy=prog.tier_policy, solve="priced")
    assert m.solve == "priced"
    assert m.total_units == plan.certificate["total_score_units"]
    assert m.n_edges == plan.certificate["n_candidate_pairs"]
    assert m.result.verify()
    assert m.rounds[-1]["violations_added"] == 0
    assert m.rounds[-1]["driver_edges"] < m.n_edges / 2  # the client never held most of the graph
    assert set(m.timings) == {"seed", "solve", "pricing"}
    # Starved seeds (one edge per KOC, one violation per KOC and round): more rounds, the same optimum.
    cut = prog.roster.head(30_000)
    want = koc.match(cut, prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy)
    m = kd.match(dd.from_pandas(cut, npartitions=3), prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy,
                 solve="priced", seed_per_koc=1, add_per_koc=1)
    assert len(m.rounds) > 1
    assert m.total_units == want.certificate["total_score_units"]
    # max_fill: the same maximum fill and total as gathering.
    fill = koc.match(cut, prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy, objective="max_fill")
    m = kd.match(dd.from_pandas(cut, npartitions=3), prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy,
                 solve="priced", objective="max_fill")
    assert m.total_units == fill.certificate["total_score_units"] and len(m.assignments) == len(fill.assignments)
    with pytest.raises(ValueError, match="unknown solve"):
        kd.match(dd.from_pandas(cut, npartitions=3), prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy,
                 solve="scatter")


def test_ids_disjoint_is_a_sufficient_test_for_distinct_ids():
    part = lambda n, ids: {"n": n, "ids": ids}  # noqa: E731
    assert D.ids_disjoint([part(3, (1, 5)), part(0, None), part(2, (6, 9))])
    assert D.ids_disjoint([part(2, (6, 9)), part(3, (1, 5))])  # any partition order
    assert not D.ids_disjoint([part(3, (1, 5)), part(2, (5, 9))])  # 5 may be in both
    assert not D.ids_disjoint([part(3, (1, 5)), part(2, None)])  # a partition of unknown ids
    assert not D.ids_disjoint([part(3, (1, 5)), part(2, ("a", "b"))])  # numbers beside text: no order
    assert D.ids_disjoint([part(3, ("a", "c")), part(2, ("d", "e"))])
    assert D.id_range(pd.Series([3, 1, 2]), distinct=False) == (1, 3)
    assert D.id_range(pd.Series([3, 1, 3]), distinct=False) is None
    assert D.id_range(pd.Series([3, "a"], dtype=object), distinct=True) is None


def test_duplicate_id_check_skips_the_shuffle_for_disjoint_partitions(client, programme, monkeypatch):
    prog = programme[0]
    r = prog.roster.head(40_000)
    want = koc.classify(r, prog.tier_policy)

    def no_shuffle(*args, **kwargs):
        raise AssertionError("value_counts over the roster was not needed")
    monkeypatch.setattr(dd.Series, "value_counts", no_shuffle)
    got = kd.classify(dd.from_pandas(r, npartitions=4), prog.tier_policy).compute()
    assert got["tier"].astype(str).tolist() == want["tier"].astype(str).tolist()
    # Ids shuffled across partitions: ranges overlap, so the roster-wide count runs (and is refused here).
    shuffled = r.sample(frac=1.0, random_state=1).reset_index(drop=True)
    with pytest.raises(AssertionError, match="was not needed"):
        kd.classify(dd.from_pandas(shuffled, npartitions=4), prog.tier_policy)


def test_bad_input_names_roster_row_and_field(client, programme):
    prog = programme[0]
    r = prog.roster.head(40_000).copy()
    r.loc[31_234, "followers"] = np.nan
    with pytest.raises(koc.InvalidValueError) as e:
        kd.classify(dd.from_pandas(r, npartitions=4), prog.tier_policy)
    assert e.value.row == 31_234 and e.value.field == "followers"
    assert "(row 31234, field 'followers')" in str(e.value)
    r = prog.roster.head(40_000).copy()
    r.loc[35_000, "id"] = r.loc[2, "id"]  # a duplicate in another partition
    with pytest.raises(koc.DuplicateIdError) as e:
        kd.classify(dd.from_pandas(r, npartitions=4), prog.tier_policy)
    assert e.value.row == 35_000 and e.value.field == "id"
