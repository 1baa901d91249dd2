from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import koc
from koc import datasets


@pytest.fixture(scope="module")
def small():
    return datasets.make_programme(400, 12, seed=11)


def test_same_seed_same_tables_and_other_seed_differs(small):
    again = datasets.make_programme(400, 12, seed=11)
    pd.testing.assert_frame_equal(small.roster, again.roster)
    pd.testing.assert_frame_equal(small.tasks, again.tasks)
    assert small.reward_policy == again.reward_policy
    other = datasets.make_programme(400, 12, seed=12)
    assert not small.roster["followers"].equals(other.roster["followers"])


def test_roster_has_the_documented_columns_and_ranges(small):
    r = small.roster
    for c in ("id", *koc.METRICS, "honorary", "invited", "clearance", "previous_tier", "periods_below", "capacity",
              "region", "audience", "available_start", "available_end", "opted_out", "recent_tasks"):
        assert c in r.columns, c
    for s in datasets.SKILLS:
        assert r[f"skill_{s}"].between(0, 5).all()
    assert r["id"].is_unique and (r["capacity"] >= 0).all()
    assert r[["quality", "on_time_rate", "loyalty"]].stack().between(0, 1).all()
    assert (r["available_end"] >= r["available_start"]).all()
    kinds = {k for v in r["opted_out"] for k in v.split("|") if k}
    assert kinds <= set(datasets.OPT_OUT_KINDS)
    assert {s for v in r["audience"] for s in v.split("|") if s} <= set(datasets.SEGMENTS)


def test_heavy_tails_and_a_pyramid():
    p = datasets.make_programme(5000, 8, seed=3)
    f = p.roster["followers"].to_numpy(float)
    assert f.max() > 100 * np.median(f)  # a few celebrities, a long base
    tiers = koc.classify(p.roster, p.tier_policy)["tier"].astype(str).value_counts()
    ladder = koc.TierPolicy(p.tier_policy).tiers
    counts = [tiers.get(t, 0) for t in ladder]
    assert counts[0] > counts[2] > counts[3] > 0 and counts[1] > counts[2]
    prev = p.roster["previous_tier"]
    assert (prev == "").any() and set(prev) - {""} <= set(ladder)


def test_tasks_cover_every_asset_horizon_direction_and_name_reward_rules(small):
    t = datasets.make_programme(0, 64, seed=5).tasks
    assert len(t.groupby(["asset", "horizon", "direction"])) == 32
    rules = set(koc.RewardPolicy(small.reward_policy).rules)
    assert set(t["rule"]) <= rules
    assert ((t["slots"] >= 0) | (t["slots"] == -1)).all() and (t["load"] >= 1).all()
    assert (t["window_end"] > t["window_start"]).all()
    assert (t.loc[t["asset"] == "intelligence", "confidential"] == 1).all()


def test_pipeline_on_a_generated_programme(small):
    tiers = koc.classify(small.roster, small.tier_policy)
    plan = koc.match(small.roster, small.tasks, small.matching_policy, tiers=tiers, tier_policy=small.tier_policy)
    assert plan.verify()
    done = small.simulate_completions(plan.assignments, seed=1)
    assert 0 < len(done) <= len(plan.assignments)
    assert set(zip(done.koc_id, done.task_id)) <= set(zip(plan.assignments.koc_id, plan.assignments.task_id))
    # Order independent: shuffled assignments give the same record per pair.
    shuffled = small.simulate_completions(plan.assignments.iloc[::-1], seed=1)
    pd.testing.assert_frame_equal(done.sort_values(["koc_id", "task_id"]).reset_index(drop=True),
                                  shuffled.sort_values(["koc_id", "task_id"]).reset_index(drop=True))
    ledger = koc.rewards(done[["koc_id", "task_id"]], done, small.reward_policy, tasks=small.tasks, kocs=tiers)
    assert ledger.verify() == (True, "")
    assert (ledger.lines["amount"] > 0).any()


def test_one_task_table_feeds_matching_and_rewards_in_either_budget_unit(small):
    """`budget_minor` (integers) and `budget` (major-unit text) are the same budgets: koc.match reads neither,
    koc.rewards reads either; the ledgers must be identical, and a table with both is refused by both stages."""
    tiers = koc.classify(small.roster, small.tier_policy)
    plan = koc.match(small.roster, small.tasks, small.matching_policy, tiers=tiers, tier_policy=small.tier_policy)
    budgeted = small.tasks["budget_minor"] >= 0
    assert budgeted.any()
    major = [str(koc.to_decimal(int(b), c)) if b >= 0 else None
             for b, c in zip(small.tasks["budget_minor"], small.tasks["currency"])]
    in_major = small.tasks.drop(columns=["budget_minor"]).assign(budget=major)
    plan2 = koc.match(small.roster, in_major, small.matching_policy, tiers=tiers, tier_policy=small.tier_policy)
    pd.testing.assert_frame_equal(plan.assignments, plan2.assignments)
    done = small.simulate_completions(plan.assignments, seed=3)
    a = koc.rewards(done[["koc_id", "task_id"]], done, small.reward_policy, tasks=small.tasks, kocs=tiers)
    b = koc.rewards(done[["koc_id", "task_id"]], done, small.reward_policy, tasks=in_major, kocs=tiers)
    assert (a.lines["kind"] == "budget_cut").any()  # the budgets bind, so their unit matters
    pd.testing.assert_frame_equal(a.lines, b.lines)
    both = small.tasks.assign(budget=major)
    with pytest.raises(koc.InvalidArgumentError, match="'budget' once") as e:
        koc.rewards(done[["koc_id", "task_id"]], done, small.reward_policy, tasks=both, kocs=tiers)
    assert (e.value.code, e.value.row, e.value.field) == ("invalid_argument", None, "budget")
    with pytest.raises(koc.InvalidArgumentError, match="'budget' once"):
        koc.match(small.roster, both, small.matching_policy, tiers=tiers, tier_policy=small.tier_policy)


def test_unknown_ids_in_assignments_are_refused(small):
    with pytest.raises(koc.UnknownIdError, match="field 'task_id'"):
        small.simulate_completions(pd.DataFrame({"koc_id": [small.roster["id"][0]], "task_id": [999]}))


def test_bundled_sample_is_what_the_generator_makes():
    s = datasets.load_sample()
    assert len(s.roster) == 5000 and len(s.tasks) == 60 and len(s.completions) > 0
    fresh = datasets.make_programme(5000, 60, seed=datasets.SAMPLE_SEED)
    pd.testing.assert_frame_equal(s.roster, fresh.roster, check_dtype=False)
    assert s.reward_policy == fresh.reward_policy and s.tier_policy == fresh.tier_policy
    assert set(s.completions["koc_id"]) <= set(s.roster["id"])


def test_vectorised_at_scale():
    import time
    t0 = time.perf_counter()
    p = datasets.make_programme(200_000, 10, seed=1)  # 1M takes about 8 s; this keeps the suite fast
    assert len(p.roster) == 200_000 and p.roster["id"].is_unique
    assert time.perf_counter() - t0 < 10


def test_sample_through_match_then_rewards_with_one_task_table_pays_late_penalties():
    """The task table koc.match reads goes to koc.rewards unchanged, and its window_end is the deadline.
    (koc.rewards once read only a 'deadline' column: this table then paid 7,803 lines, 251,243.69 CNY and no
    late line; about 7,750 CNY overpaid.)"""
    s = datasets.load_sample()
    tiers = koc.classify(s.roster, s.tier_policy)
    plan = koc.match(s.roster, s.tasks, s.matching_policy, tiers=tiers, tier_policy=s.tier_policy)
    assert plan.verify()
    # The work done: each completion names its (KOC, task) pair, as the CLI reads it.
    ledger = koc.rewards(s.completions[["koc_id", "task_id"]], s.completions, s.reward_policy, tasks=s.tasks,
                         kocs=tiers[["koc_id", "tier"]])
    assert ledger.verify()
    lines = ledger.lines
    late = lines[lines["reason"] == "late"]
    assert (len(lines), len(late)) == (7799, 395)
    totals = dict(zip(ledger.totals_by_currency["currency"], ledger.totals_by_currency["amount_decimal"]))
    assert totals == {"CNY": Decimal("243493.75"), "PTS": Decimal("50531")}
    # Late means delivered after the task's window_end, and it is paid the policy's late share (50 %).
    deadline = s.tasks.set_index("task_id")["window_end"]
    delivered = s.completions["delivered_at"].to_numpy()[late["completion"].to_numpy()]
    assert (delivered > deadline.loc[late["task_id"]].to_numpy()).all()
    assert set(late["gate_bp"]) == {5000}


@pytest.mark.parametrize("stage", ["match", "rewards"])
def test_a_deadline_column_is_refused_with_the_name_to_use(stage):
    s = datasets.load_sample()
    tasks = s.tasks.rename(columns={"window_end": "deadline"})
    with pytest.raises(koc.UnknownNameError, match=r"'deadline' column.*did you mean 'window_end'") as e:
        if stage == "match":
            koc.match(s.roster, tasks, s.matching_policy, tier_policy=s.tier_policy)
        else:
            koc.rewards(s.completions[["koc_id", "task_id"]], s.completions, s.reward_policy, tasks=tasks)
    assert (e.value.code, e.value.row, e.value.field) == ("unknown_name", None, "deadline")
