"""koc.classify(state=...) and koc.tier_state over several periods: hysteresis and grace carried by the state,
lifetime honours kept once earned, revocations, KOCs missing a period (the engine's own tests are
tests/tiers/test_state.cpp; these run the same story through the Python front)."""
import json

import numpy as np
import pandas as pd
import pytest

import koc

POLICY = koc.TierPolicy(json.dumps({
    "schema": "koc.tier_policy/1",
    "metrics": [{"metric": "quality", "weight": 100, "normalisation": "none", "reference": 1}],
    "tiers": [{"name": "entry", "promote_threshold": 0, "keep_threshold": 0, "grace_periods": 0},
              {"name": "active", "promote_threshold": 50, "keep_threshold": 40, "grace_periods": 1},
              {"name": "core", "promote_threshold": 80, "keep_threshold": 70, "grace_periods": 2}],
    "honorary": {"floor": "active", "lifetime": {"tasks_completed": 100}},
}))


def month(ids, quality, tasks):
    return pd.DataFrame({"id": ids, "quality": quality, "tasks_completed": tasks})


def period(roster, state, revoked=None):
    tiers = koc.classify(roster, POLICY, state=state, revoked=revoked)
    return tiers, koc.tier_state(tiers, state)


@pytest.mark.parametrize("ids", [[1, 2, 3], ["ana", "bo", "cy"]])
def test_six_periods(ids):
    a, b, c = ids
    t1, s1 = period(month([a, b, c], [0.85, 0.30, 0.85], [10, 120, 10]), None)
    assert list(t1["tier"]) == ["core", "active", "core"] and list(t1["honorary"]) == [False, True, False]

    t2, s2 = period(month([b, a], [0.10, 0.60], [3, 10]), s1)
    assert list(t2["tier"]) == ["active", "core"]
    assert list(t2["transition"].astype(str)) == ["held_by_grace", "held_by_grace"]
    assert bool(t2["honorary"].iloc[0])  # kept, though the rule no longer holds
    assert list(s2["koc_id"]) == [b, a, c] and s2.set_index("koc_id").loc[c, "tier"] == "core"

    t3, s3 = period(month([a, b], [0.60, 0.10], [10, 3]), s2)
    assert list(t3["transition"].astype(str)) == ["held_by_grace", "held_by_honorary_floor"]

    t4, s4 = period(month([a, b, c], [0.60, 0.10, 0.75], [10, 3, 10]), s3)
    assert list(t4["tier"]) == ["active", "active", "core"]
    assert list(t4["transition"].astype(str)) == ["demoted", "held_by_grace", "held_by_margin"]

    # Without a state the honour is recomputed from this period's metrics, and lost.
    assert not koc.classify(month([b], [0.10], [3]), POLICY)["honorary"].iloc[0]

    t5, s5 = period(month([a, b, c], [0.60, 0.10, 0.75], [10, 3, 10]), s4,
                    revoked=pd.DataFrame({"koc_id": [b], "reason": ["breach of the code of conduct"]}))
    assert not t5["honorary"].iloc[1] and t5["tier"].iloc[1] == "entry"
    assert not s5.set_index("koc_id").loc[b, "honorary"]

    # Last period's classify output is itself accepted as the state, unchanged.
    t6 = koc.classify(month([a, b, c], [0.60, 0.10, 0.75], [10, 3, 10]), POLICY, state=t5)
    assert list(t6["tier"]) == ["active", "entry", "core"]


def test_state_read_back_from_csv(tmp_path):
    t1, s1 = period(month([1, 2], [0.85, 0.30], [10, 120]), None)
    s1.to_csv(tmp_path / "state.csv", index=False)
    t2 = koc.classify(month([1, 2], [0.60, 0.10], [10, 3]), POLICY, state=pd.read_csv(tmp_path / "state.csv"))
    assert list(t2["transition"].astype(str)) == ["held_by_grace", "held_by_grace"]
    assert bool(t2["honorary"].iloc[1])


@pytest.mark.parametrize("state, revoked, field", [
    (pd.DataFrame({"koc_id": [1, 1], "tier": ["core", "core"], "periods_below": [0, 0], "honorary": [0, 0]}), None,
     "state.koc_id"),
    (pd.DataFrame({"koc_id": [1], "tier": ["gold"], "periods_below": [0], "honorary": [0]}), None, "state.tier"),
    (pd.DataFrame({"koc_id": [1], "tier": ["core"], "periods_below": [-1], "honorary": [0]}), None,
     "state.periods_below"),
    (pd.DataFrame({"koc_id": [1], "tier": ["core"], "honorary": [0]}), None, "state.periods_below"),
    (None, pd.DataFrame({"koc_id": [2], "reason": [""]}), "revocations.reason"),
    (None, pd.DataFrame({"koc_id": [9], "reason": ["left"]}), "revocations.koc_id"),
])
def test_bad_state_names_the_field(state, revoked, field):
    with pytest.raises(ValueError) as e:
        koc.classify(month([1, 2], [0.5, 0.5], [1, 1]), POLICY, state=state, revoked=revoked)
    assert e.value.field == field


def test_state_and_previous_tier_columns_are_not_both_given():
    roster = month([1], [0.5], [1]).assign(previous_tier=["core"])
    with pytest.raises(ValueError, match="not both"):
        koc.classify(roster, POLICY, state=pd.DataFrame({"koc_id": [1], "tier": ["core"], "periods_below": [0],
                                                         "honorary": [False]}))


def test_a_misspelt_metric_column_is_named():
    roster = pd.read_csv(koc.datasets.sample_dir() / "roster.csv").head(5).rename(columns={"followers": "folowers"})
    with pytest.raises(ValueError, match="closest column: 'folowers'") as e:
        koc.classify(roster)
    assert e.value.field == "followers"


def test_statement_of_one_koc():
    """koc.statement: the tier explained, each ledger line explained, totals per currency."""
    roster = month(["ana", "bo"], [0.85, 0.30], [10, 120])
    tiers = koc.classify(roster, POLICY)
    rp = koc.RewardPolicy({"schema": "koc.reward_policy/1", "rules": [
        {"id": "fee", "kind": "fixed", "currency": "CNY", "amount": "60.00"},
        {"id": "meme", "kind": "fixed", "currency": "PTS", "amount": "50"}]})
    tasks = pd.DataFrame({"task_id": [1, 2], "rule": ["fee", "meme"]})
    done = pd.DataFrame({"koc_id": [1, 1], "task_id": [1, 2], "delivered_at": [0, 0]})
    ledger = koc.rewards(done[["koc_id", "task_id"]], done, rp, tasks=tasks)
    # The ledger's KOC ids are integers here; the roster's are names: the statement takes the roster's.
    text = koc.statement("ana", roster, POLICY, title="June 2026")
    assert text.startswith("June 2026\nKOC ana\n") and "core" in text
    assert koc.explain(roster, POLICY, ids="ana") in text
    int_roster = month([1, 2], [0.85, 0.30], [10, 120])
    text = koc.statement(1, int_roster, POLICY, ledger=ledger)
    assert "fixed reward per completion: 60.00 CNY" in text and "Total: 60.00 CNY; 50 PTS" in text
    nothing = koc.statement(2, int_roster, POLICY, ledger=ledger)
    assert "completed nothing" in nothing or "no reward" in nothing
    with pytest.raises(koc.UnknownIdError):
        koc.statement(9, int_roster, POLICY)
    # With last period's state, the statement explains the classification that used it.
    state = koc.tier_state(tiers)
    june = month(["ana", "bo"], [0.60, 0.10], [10, 3])
    assert "grace" in koc.statement("ana", june, POLICY, state=state)
