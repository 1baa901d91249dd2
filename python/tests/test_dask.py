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
from distributed_checks import LOOPBACK_ADDRESSES, listening_sockets, N_KOCS, assert_same_ledger, roster_wide_policy  # noqa: E402
import koc.dask as kd  # noqa: E402

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


def test_rewards_same_lines_same_order(client, programme):
    prog, tiers, _, done = programme
    kocs = tiers[["koc_id", "tier"]]
    single = koc.rewards(done[["koc_id", "task_id"]], done, prog.reward_policy, tasks=prog.tasks, kocs=kocs).lines
    lines = kd.rewards(dd.from_pandas(done, npartitions=3), prog.reward_policy, tasks=prog.tasks,
                       kocs=dd.from_pandas(kocs, npartitions=4))
    got = lines.compute().sort_values(kd.ORDER).reset_index(drop=True)
    assert_same_ledger(got, single)


def test_text_ids_classify_and_a_clear_refusal_in_rewards(client, programme):
    """Text KOC ids (CRM exports) classify as on one node; the reward passes, keyed by integer ids, refuse
    them on the driver with the column named, never fail inside a worker."""
    prog, tiers, _, done = programme
    roster = prog.roster.head(3000).copy()
    roster["id"] = ("KOC-" + roster["id"].astype(str)).astype(object)
    got = kd.classify(dd.from_pandas(roster, npartitions=3), prog.tier_policy).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, koc.classify(roster, prog.tier_policy), check_exact=True)
    text = done.head(500).assign(koc_id=lambda d: ("KOC-" + d["koc_id"].astype(str)).astype(object))
    kocs = pd.DataFrame({"koc_id": pd.Series(text["koc_id"].unique(), dtype=object)})
    with pytest.raises(koc.InvalidValueError, match="integer KOC and task ids") as e:
        kd.rewards(dd.from_pandas(text, npartitions=2), prog.reward_policy, tasks=prog.tasks,
                   kocs=dd.from_pandas(kocs, npartitions=2))
    assert e.value.field == "kocs.koc_id"


def test_match_same_optimal_total(client, programme):
    prog, tiers, plan, _ = programme
    m = kd.match(dd.from_pandas(prog.roster, npartitions=4), prog.tasks, prog.matching_policy,
                 tier_policy=prog.tier_policy)
    assert m.total_units == plan.certificate["total_score_units"]
    assert m.n_edges == plan.certificate["n_candidate_pairs"]
    assert m.result.verify()
    assert set(m.timings) == {"candidates", "gather", "solve"}


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
