"""koc.points_balances and the points section of a reward policy (the engine's tests are
tests/rewards/test_points.cpp; these run the Python front end to end, from ledgers to balances)."""
import json

import pandas as pd
import pytest

import koc

RULES = [{"id": "pts", "kind": "fixed", "currency": "PTS", "amount": "50"},
         {"id": "red", "kind": "fixed", "currency": "CNY", "amount": "8.88"}]


def policy(points=None):
    p = {"schema": "koc.reward_policy/1", "tiers": [{"name": "entry"}, {"name": "core", "multiplier_bp": 12500}],
         "rules": RULES}
    if points is not None:
        p["points"] = points
    return koc.RewardPolicy(p)


def month(kocs):
    done = pd.DataFrame({"koc_id": kocs, "task_id": [1] * len(kocs), "delivered_at": [0] * len(kocs)})
    return done[["koc_id", "task_id"]], done


TASKS = pd.DataFrame({"task_id": [1, 2], "rule": ["pts", "red"]})
KOCS = pd.DataFrame({"koc_id": [7, 8], "tier": ["core", "entry"]})


def test_tier_multiplier_on_points_is_a_policy_choice():
    plain = koc.rewards(*month([7]), policy(), tasks=TASKS, kocs=KOCS)
    scaled = koc.rewards(*month([7]), policy({"tier_multiplier": True}), tasks=TASKS, kocs=KOCS)
    assert int(plain.lines["amount"].iloc[0]) == 50 and int(scaled.lines["amount"].iloc[0]) == 62


def test_balances_from_monthly_ledgers():
    pol = policy({"expire_after_days": 30})
    may = koc.rewards(*month([7, 8]), pol, tasks=TASKS, kocs=KOCS, run_id="2026-05")
    june = koc.rewards(*month([7]), pol, tasks=TASKS, kocs=KOCS, run_id="2026-06")
    lots = pd.concat([may.lines.assign(earned_at="2026-05-31"), june.lines.assign(earned_at="2026-06-20")])
    spent = pd.DataFrame({"koc_id": [7], "amount": [60], "at": ["2026-06-25T12:00:00+08:00"]})
    b = koc.points_balances(lots, pol, "2026-07-15", redemptions=spent).set_index("koc_id")
    assert b.loc[7, "earned"] == 100 and b.loc[7, "redeemed"] == 60
    assert b.loc[7, "expired"] == 0 and b.loc[7, "balance"] == 40   # May's 50 spent first, then 10 of June's
    assert b.loc[8, "expired"] == 50 and b.loc[8, "balance"] == 0   # May's points expired on June 30
    assert b.loc[7, "next_expiry_at"] == pd.Timestamp("2026-07-20", tz="UTC") and b.loc[7, "next_expiry_amount"] == 40
    assert (b["earned"] == b["expired"] + b["redeemed"] + b["balance"]).all()
    never = koc.points_balances(lots, policy(), "2026-07-15")
    assert never["next_expiry_at"].isna().all() and list(never["balance"]) == [100, 50]


def test_bad_lots_and_redemptions_name_the_row_and_field():
    pol = policy({"expire_after_days": 30})
    may = koc.rewards(*month([7]), pol, tasks=TASKS, kocs=KOCS)
    lots = may.lines.assign(earned_at="2026-05-31")
    with pytest.raises(ValueError) as e:
        koc.points_balances(lots, pol, "2026-07-01",
                            redemptions=pd.DataFrame({"koc_id": [7], "amount": [80], "at": ["2026-06-01"]}))
    assert e.value.field == "redemptions.amount" and e.value.row == 0
    with pytest.raises(ValueError) as e:
        koc.points_balances(lots.drop(columns=["earned_at"]), pol, "2026-07-01")
    assert e.value.field == "lots.earned_at"
    with pytest.raises(ValueError) as e:
        policy({"expire_after_days": 30, "expire_on": "2027-01-01"})
    assert e.value.field == "points"
