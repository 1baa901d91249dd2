"""koc.rewards(settled=...): a programme settled month after month pays nothing twice (the engine's
property tests are tests/rewards/test_settlement.cpp; these check the Python front end to end)."""
import io

import numpy as np
import pandas as pd
import pytest

import koc

from conftest import ROOT

POLICY = koc.RewardPolicy.load(ROOT / "examples" / "data" / "reward_policy.json")
TASKS = pd.DataFrame({"task_id": [5, 6, 1], "rule": ["weibo_review", "auto_show_guangzhou", "newbie_meme"],
                      "window_start": [0, 0, 0], "budget": [None, "3000.00", None]})
KOCS = pd.DataFrame({"koc_id": [1001, 1002, 1003], "tier": ["ambassador", "core", None]})


def month(views, shows=((1003, 3),), pts=(1001,)):
    """All work to date: one amplification post of 1001 (its views so far), offline days, first-N posts."""
    rows = [(1001, 5, 0, views, 0)] + [(k, 6, 0, 0, d) for k, d in shows] + [(k, 1, 100 + k, 0, 0) for k in pts]
    done = pd.DataFrame(rows, columns=["koc_id", "task_id", "delivered_at", "views", "days_on_site"])
    return done[["koc_id", "task_id"]], done


def run(done_pair, settled=None):
    assignments, done = done_pair
    ledger = koc.rewards(assignments, done, POLICY, tasks=TASKS, kocs=KOCS, settled=settled)
    assert ledger.verify(), ledger.verify().message
    return ledger


def cny(ledger):
    lines = ledger.lines
    return int(lines.loc[lines["currency"] == "CNY", "amount"].sum())


def test_the_same_month_again_pays_nothing():
    may = run(month(120_000))
    assert cny(may) > 0
    again = run(month(120_000), settled=may)
    assert (again.lines["amount"] == 0).all()
    assert set(again.lines.loc[again.lines["completion"] >= 0, "reason"].astype(str)) == {"settled"}
    assert "paid by an earlier run" in again.explain(0)


def test_growth_pays_the_new_step_only_and_states_chain():
    may = run(month(120_000))
    june = run(month(1_200_000), settled=may)
    steps = june.lines[june.lines["kind"] == "step_bonus"]
    assert list(steps["aux"]) == [2]  # the third step, and only it
    assert int(steps["amount"].iloc[0]) == 100_000 * 3 // 2  # x1.5 ambassador
    # The state is every earlier ledger: a list of Ledgers, their lines concatenated, or ledger.csv read back.
    july_from_list = run(month(1_200_000), settled=[may, june])
    state = pd.concat([may.lines, june.lines], ignore_index=True)
    july_from_frame = run(month(1_200_000), settled=state)
    buf = io.StringIO()
    state.drop(columns=["amount_decimal"]).to_csv(buf, index=False)
    july_from_csv = run(month(1_200_000), settled=pd.read_csv(io.StringIO(buf.getvalue())))
    for july in (july_from_list, july_from_frame, july_from_csv):
        assert (july.lines["amount"] == 0).all()


def test_a_budget_spent_earlier_is_spent_and_first_n_places_go_on():
    may = run(month(0, shows=((1003, 3),), pts=(1001,)))  # 3 days x 800.00 = 2400.00 of the 3000.00 budget
    shows = may.lines[(may.lines["task_id"] == 6) & (may.lines["currency"] == "CNY")]
    assert int(shows["amount"].sum()) == 240_000
    june = run(month(0, shows=((1003, 3), (1002, 2)), pts=(1001, 1002, 1003)), settled=may)
    j = june.lines
    assert int(j.loc[(j["task_id"] == 6) & (j["currency"] == "CNY"), "amount"].sum()) == 60_000  # what May left
    cut = j[j["kind"] == "budget_cut"]
    assert len(cut) == 1 and int(cut["aux"].iloc[0]) == 2 and int(cut["basis"].iloc[0]) == 60_000
    speed = j[j["kind"] == "speed_bonus"]
    # Places go on from the one May gave: 1002 and 1003 are the 2nd and 3rd (1001's is settled).
    assert list(speed["koc_id"]) == [1002, 1003] and list(speed["basis"]) == [2, 3]


@pytest.mark.parametrize("change, field", [
    (lambda s: s.drop(columns=["aux"]), "settled.aux"),
    (lambda s: s.assign(kind=s["kind"].astype(str).replace({"fixed": "fixd"})), "settled.kind"),
    (lambda s: s.assign(currency=s["currency"].astype(object).where(s["currency"].isna(), "XXX")), "settled.currency"),
])
def test_bad_settled_tables_name_the_field(change, field):
    may = run(month(120_000))
    with pytest.raises(ValueError) as e:
        run(month(120_000), settled=change(may.lines.copy()))
    assert getattr(e.value, "field", None) == field


def test_settled_new_work_only_matches_settled_all_work():
    """A run may be given all work to date or only what is new: the same lines are paid."""
    may = run(month(0, shows=(), pts=(1001,)))
    all_work = run(month(0, shows=(), pts=(1001, 1002)), settled=may)
    a, d = month(0, shows=(), pts=(1002,))
    d = d[d["task_id"] == 1].reset_index(drop=True)
    new_only = run((d[["koc_id", "task_id"]], d), settled=may)
    paid = lambda L: L.lines.loc[L.lines["amount"] != 0, ["koc_id", "task_id", "kind", "amount"]].astype(str)
    assert paid(all_work).reset_index(drop=True).equals(paid(new_only).reset_index(drop=True))
    assert np.array_equal(paid(all_work)["koc_id"].to_numpy(), np.array(["1002", "1002"]))


def test_award_winners_per_campaign_as_a_table():
    """The awards table names each campaign's winners; a rule reused by two campaigns pays each winner in
    the campaign they won only."""
    import json
    pol = json.loads(POLICY.to_json())
    for rule in pol["rules"]:
        for award in rule.get("process_awards", []):
            award.pop("winners", None)
    policy = koc.RewardPolicy(pol)
    tasks = pd.DataFrame({"task_id": [3, 4], "rule": ["spring_launch", "spring_launch"], "campaign_id": [7, 8]})
    done = pd.DataFrame({"koc_id": [1001, 1001, 1002], "task_id": [3, 4, 4], "delivered_at": [0, 0, 0],
                         "quality": [0.9, 0.9, 0.5]})
    awards = pd.DataFrame({"campaign_id": [7, 8], "award": ["best idea", "fastest progress"], "koc_id": [1001, 1002]})
    ledger = koc.rewards(done[["koc_id", "task_id"]], done, policy, tasks=tasks, awards=awards)
    assert ledger.verify()
    got = ledger.lines[ledger.lines["kind"] == "process_award"]
    assert list(zip(got["koc_id"], got["campaign_id"])) == [(1001, 7), (1002, 8)]
    with pytest.raises(koc.UnknownNameError) as e:
        koc.rewards(done[["koc_id", "task_id"]], done, policy, tasks=tasks,
                    awards=awards.assign(award=["best idea", "best ideaa"]))
    assert e.value.field == "awards.award" and e.value.row == 1
    with pytest.raises(ValueError) as e:
        koc.rewards(done[["koc_id", "task_id"]], done, policy, tasks=tasks, awards=awards.drop(columns=["award"]))
    assert e.value.field == "awards.award"
    with pytest.raises(ValueError) as e:  # the policy's own winners and a table: one source of winners
        koc.rewards(done[["koc_id", "task_id"]], done, POLICY, tasks=tasks, awards=awards)
    assert "winners" in e.value.field


def test_run_identity_on_every_line_and_in_the_provenance():
    import hashlib
    import json
    may = koc.rewards(*month(120_000), POLICY, tasks=TASKS, kocs=KOCS, run_id="2026-05")
    june = koc.rewards(*month(1_200_000), POLICY, tasks=TASKS, kocs=KOCS, run_id="2026-06", settled=may)
    assert set(may.lines["run_id"].astype(str)) == {"2026-05"}
    p = june.provenance
    assert p["run_id"] == "2026-06" and p["koc_version"] == koc.__version__
    # An independent check of the engine's SHA-256: Python's, over the same canonical JSON.
    canonical = json.dumps(json.loads(POLICY.to_json()), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert p["policy_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    both = pd.concat([may.lines, june.lines], ignore_index=True)
    assert list(both["run_id"].astype(str).unique()) == ["2026-05", "2026-06"]


def test_long_ledgers_release_the_gil():
    """koc.rewards computes without the GIL: a notebook's other threads keep running (gil_checks)."""
    from gil_checks import progress_while
    n = 300_000
    done = pd.DataFrame({"koc_id": np.arange(n) % 2000 + 10_000, "task_id": np.arange(n) // 2000 + 1,
                         "delivered_at": np.zeros(n, np.int64), "views": np.arange(n) * 7 % 2_000_000})
    tasks = pd.DataFrame({"task_id": np.arange(1, n // 2000 + 1), "rule": "weibo_review"})
    progress = progress_while(lambda: koc.rewards(done[["koc_id", "task_id"]], done, POLICY, tasks=tasks))
    assert progress > 1000, progress


def test_text_koc_ids_in_rewards_and_settlement():
    """CRM-shaped KOC ids: kept as given in the lines and totals, settled against a ledger that holds them,
    and the amounts those of the same ids as integers."""
    import koc as k
    done = pd.DataFrame({"koc_id": ["KOC-2", "KOC-10"], "task_id": [7, 7], "delivered_at": [1770000000] * 2,
                         "accepted": [True, True]})
    tasks = pd.DataFrame({"task_id": [7], "rule": ["post"], "window_end": [1780000000]})
    policy = {"schema": "koc.reward_policy/1", "rules": [{"id": "post", "kind": "fixed", "currency": "CNY",
                                                            "amount": "100.00"}]}
    ledger = k.rewards(done, done, policy, tasks=tasks, kocs=pd.DataFrame({"koc_id": ["KOC-10", "KOC-2", "KOC-7"]}))
    assert list(ledger.lines["koc_id"]) == ["KOC-2", "KOC-10", "KOC-7"]  # KOC-7: listed, nothing completed
    assert ledger.lines["reason"].astype(str).iloc[2] == "no_completion"
    assert list(ledger.totals_by_koc["koc_id"]) == ["KOC-10", "KOC-2"]  # text order
    ints = k.rewards(done.assign(koc_id=[2, 10]), done.assign(koc_id=[2, 10]), policy, tasks=tasks)
    assert list(ledger.lines["amount"])[:2] == list(ints.lines["amount"])
    again = k.rewards(done, done, policy, tasks=tasks, settled=ledger.lines)
    assert list(again.lines["reason"].astype(str)) == ["settled", "settled"]


def test_text_task_ids_in_rewards_and_settlement():
    """CRM-shaped task ids ("T-2026-07"): kept as given in the lines, totals and explanations, named in
    errors, settled against a ledger that holds them, and the amounts those of the same ids as integers."""
    import koc as k
    policy = {"schema": "koc.reward_policy/1", "rules": [{"id": "post", "kind": "fixed", "currency": "CNY",
                                                            "amount": "100.00"}]}
    tasks = pd.DataFrame({"task_id": ["T-b", "T-a", "T-c"], "rule": ["post"] * 3, "window_end": [1780000000] * 3,
                          "budget": ["150.00", None, None]})
    done = pd.DataFrame({"koc_id": [5, 6, 5], "task_id": ["T-b", "T-b", "T-a"], "delivered_at": [1770000000] * 3})
    ledger = k.rewards(done, done, policy, tasks=tasks, explain=True)
    lines = ledger.lines
    assert set(lines["task_id"]) == {"T-a", "T-b", "T-c"}
    assert lines.loc[lines["reason"].astype(str) == "no_completion", "task_id"].tolist() == ["T-c"]
    assert "task 'T-c' has no completion" in lines.loc[lines["task_id"] == "T-c", "explanation"].iloc[0]
    cut = lines.index[lines["kind"].astype(str) == "budget_cut"][0]
    assert "'T-b'" in ledger.explain(int(cut))
    assert sorted(ledger.totals_by_task["task_id"]) == ["T-a", "T-b"]  # T-c paid nothing: no currency line
    codes = {"T-a": 0, "T-b": 1, "T-c": 2}  # text order: the engine's tie rule by task id is the text's
    ints = k.rewards(done.assign(task_id=done["task_id"].map(codes)), done.assign(task_id=done["task_id"].map(codes)),
                     policy, tasks=tasks.assign(task_id=tasks["task_id"].map(codes)))
    assert lines["amount"].tolist() == ints.lines["amount"].tolist()
    again = k.rewards(done, done, policy, tasks=tasks, settled=ledger)
    assert set(again.lines["reason"].astype(str)) <= {"settled", "no_completion"}
    assert again.lines["amount"].sum() == 0
    wrong = done.assign(task_id=["T-b", "T-zz", "T-a"])
    with pytest.raises(k.UnknownIdError, match="unknown task 'T-zz'"):
        k.rewards(wrong, wrong, policy, tasks=tasks)


def test_retainer_over_a_calendar_month():
    """No period_days: the retainer's period is the calendar month of window_start (February 2026: 28 days)."""
    import koc as k
    policy = {"schema": "koc.reward_policy/1", "rules": [{"id": "mod", "kind": "retainer", "currency": "CNY",
                                                            "fee": "2800.00", "period": "month"}]}
    done = pd.DataFrame({"koc_id": [1, 2], "task_id": [5, 6], "delivered_at": ["2026-02-28", "2026-03-31"],
                         "days_served": [14, 14]})
    # Task 6 starts 2026-03-01 00:00 in Shanghai, which is still February 28 in UTC, the engine's calendar.
    tasks = pd.DataFrame({"task_id": [5, 6], "rule": ["mod", "mod"],
                          "window_start": ["2026-02-10", "2026-03-01T00:00:00+08:00"]})
    assert list(k.rewards(done, done, policy, tasks=tasks).lines["amount"]) == [140000, 140000]  # 2800 x 14/28
    march = tasks.assign(window_start=["2026-02-10", "2026-03-01"])
    assert list(k.rewards(done, done, policy, tasks=march).lines["amount"]) == [140000, 126452]  # 2800 x 14/31
    with pytest.raises(k.InvalidValueError, match="window_start for the calendar month") as e:
        k.rewards(done, done, policy, tasks=tasks.drop(columns=["window_start"]))
    assert e.value.field == "period_days"


def test_engines_prepare_text_task_ids_on_the_driver():
    """koc.dask and koc.spark prepare the task table on the driver (both fronts use this function): text task
    ids keep their scopes, and a bad task row is a koc error naming it before any work is sent."""
    import koc as k
    from koc import _distributed
    policy = k.RewardPolicy({"schema": "koc.reward_policy/1", "rules": [{"id": "post", "kind": "fixed",
                                                                         "currency": "CNY", "amount": "1.00"}]})
    tasks = pd.DataFrame({"task_id": ["T-3", "T-9", "T-4"], "rule": ["post"] * 3, "campaign_id": [1, None, 1]})
    t = _distributed.prepare_tasks(tasks, policy, text_ids=(False, True))
    assert list(t["_scope"]) == [0, 1, 0] and list(t["task_id"]) == ["T-3", "T-9", "T-4"]
    with pytest.raises(k.UnknownNameError) as e:
        _distributed.prepare_tasks(tasks.assign(rule=["post", "posst", "post"]), policy, text_ids=(False, True))
    assert e.value.row == 1 and e.value.field == "rule"
