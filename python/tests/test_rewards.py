"""koc.rewards: a small programme of the example policy checked by hand, every error path, exact Decimals."""
import json
import pathlib
import pickle
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import koc
from koc import _core

from conftest import ROOT

POLICY_PATH = ROOT / "examples" / "data" / "reward_policy.json"
LADDER = ["entry", "active", "core", "ambassador"]


@pytest.fixture(scope="module")
def policy():
    return koc.RewardPolicy.load(POLICY_PATH)


def programme():
    """Every rule of the example policy once. Hand-computed amounts (fen; PTS in points):

    1001 ambassador x1.5, 1002 core x1.25, 1003 active x1.1, 1004 entry x1, 1005 no tier.
    task 1 newbie_meme: 1004 and 1001 each 50 + 20 first-N bonus = 70 PTS (points never multiplied).
    task 2 red packet 8.88, +5.00 within 6 h, deadline one day: 1003 at 1 h: 888x1.1 = 976.8 -> 977 and
        500x1.1 = 550; 1004 late and outside the window: 888 x 50% = 444.
    task 3 spring_launch (campaign 7), base 300.00: 1001 45000, 1002 37500, 1003 33000; 1004 rejected:
        20% = 6000, not ranked. Awards (never multiplied): best idea 100000 to 1002, fastest progress
        50000 to 1001. Prize 1,000,000 by quality 0.9 > 0.8 > 0.7: 500000 / 300000 / 200000.
    task 4 retainer 2000.00/month, period 30 days: 1002 served 15 days at 80%: 80000 x1.25 = 100000,
        plus the title "community knowledge officer".
    task 5 and 9 weibo_review (cap 3000.00 per KOC): 1001 1.5M views: (50000 + 10000 + 30000 + 100000)
        x1.5 = 285000; 20k views: (50000 + 10000) x1.5 = 90000, of which 75000 is over the cap.
    task 6 auto show, budget 3000.00: 1003 3 days: 240000 x1.1 = 264000, travel 1200.50 claimed ->
        120050 (never multiplied); 384050 over the 300000 budget: cut 84050.
    task 7 hall_of_fame: 1004 two entitlements. Tier entitlements: 1001 two, 1002 two.
    task 8 no completion; 1005 no completion.
    """
    tasks = pd.DataFrame({
        "task_id": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "rule": ["newbie_meme", "news_peak_red_packet", "spring_launch", "knowledge_base_moderator",
                 "weibo_review", "auto_show_guangzhou", "hall_of_fame", "newbie_meme", "weibo_review"],
        "campaign_id": [None, None, 7, None, None, None, None, None, None],
        "window_start": [0] * 9,
        "window_end": [None, 86400, None, None, None, None, None, None, None],
        "period_days": [None, None, None, 30, None, None, None, None, None],
        "budget": [None, None, None, None, None, "3000.00", None, None, None],
    })
    done = pd.DataFrame([
        # koc_id, task_id, delivered_at, accepted, quality, views, days_served, duty, days_on_site, travel
        (1004, 1, 100, True, 1.0, 0, 0, 1.0, 0, None),
        (1001, 1, 200, True, 1.0, 0, 0, 1.0, 0, None),
        (1003, 2, 3600, True, 1.0, 0, 0, 1.0, 0, None),
        (1004, 2, 90000, True, 1.0, 0, 0, 1.0, 0, None),
        (1001, 3, 0, True, 0.9, 0, 0, 1.0, 0, None),
        (1002, 3, 0, True, 0.8, 0, 0, 1.0, 0, None),
        (1003, 3, 0, True, 0.7, 0, 0, 1.0, 0, None),
        (1004, 3, 0, False, 0.95, 0, 0, 1.0, 0, None),
        (1002, 4, 0, True, 1.0, 0, 15, 0.8, 0, None),
        (1001, 5, 0, True, 1.0, 1_500_000, 0, 1.0, 0, None),
        (1001, 9, 0, True, 1.0, 20_000, 0, 1.0, 0, None),
        (1003, 6, 0, True, 1.0, 0, 0, 1.0, 3, "1200.50"),
        (1004, 7, 0, True, 1.0, 0, 0, 1.0, 0, None),
    ], columns=["koc_id", "task_id", "delivered_at", "accepted", "quality", "views", "days_served",
                "duty_fulfilment", "days_on_site", "travel_claimed"])
    assignments = done[["koc_id", "task_id"]].iloc[::-1].reset_index(drop=True)  # any order
    kocs = pd.DataFrame({"koc_id": [1001, 1002, 1003, 1004, 1005],
                         "tier": ["ambassador", "core", "active", "entry", None]})
    return tasks, assignments, done, kocs


EXPECTED_CNY = {1001: 45000 + 50000 + 500000 + 285000 + 90000 - 75000,
                1002: 37500 + 100000 + 300000 + 100000,
                1003: 977 + 550 + 33000 + 200000 + 264000 + 120050 - 84050,
                1004: 444 + 6000}


@pytest.fixture(scope="module")
def ledger(policy):
    tasks, assignments, done, kocs = programme()
    return koc.rewards(assignments, done, policy, tasks=tasks, kocs=kocs, explain=True)


def test_totals_checked_by_hand(ledger):
    assert ledger.verify() == (True, "")
    by_koc = ledger.totals_by_koc
    cny = by_koc[by_koc["currency"] == "CNY"].set_index("koc_id")["amount"].to_dict()
    assert cny == EXPECTED_CNY
    pts = by_koc[by_koc["currency"] == "PTS"].set_index("koc_id")["amount"].to_dict()
    assert pts == {1001: 70, 1004: 70}
    assert by_koc.set_index(["koc_id", "currency"]).loc[(1001, "CNY"), "cut"] == 75000
    assert by_koc.set_index(["koc_id", "currency"]).loc[(1003, "CNY"), "cut"] == 84050
    cur = ledger.totals_by_currency.set_index("currency")
    assert cur.loc["CNY", "amount"] == sum(EXPECTED_CNY.values()) == 1_973_471
    assert cur.loc["CNY", "amount_decimal"] == Decimal("19734.71")
    assert cur.loc["PTS", "amount"] == 140 and cur.loc["PTS", "amount_decimal"] == Decimal("140")
    by_task = ledger.totals_by_task.set_index(["task_id", "currency"])["amount"]
    assert by_task[(6, "CNY")] == 300000  # exactly the budget
    assert by_task[(2, "CNY")] == 977 + 550 + 444
    camp = ledger.totals_by_campaign
    assert list(camp["campaign_id"]) == [7] and list(camp["currency"]) == ["CNY"]
    assert camp["amount"].iloc[0] == 45000 + 37500 + 33000 + 6000 + 150000 + 1_000_000


def test_lines_by_hand(ledger):
    lines = ledger.lines
    assert list(lines.columns) == ["koc_id", "task_id", "campaign_id", "completion", "rule", "kind", "reason",
                                   "currency", "amount", "amount_decimal", "gross", "gate_bp", "tier_bp",
                                   "basis", "aux", "run_id", "explanation"]
    assert lines["amount"].dtype == np.int64
    assert len(ledger) == len(lines)

    def one(**where):
        m = np.ones(len(lines), dtype=bool)
        for k, v in where.items():
            m &= (lines[k] == v).to_numpy()
        assert m.sum() == 1, where
        return lines[m].iloc[0]

    assert one(koc_id=1003, task_id=2, kind="fixed")["amount"] == 977
    late = one(koc_id=1004, task_id=2, kind="fixed")
    assert late["amount"] == 444 and late["reason"] == "late" and late["gate_bp"] == 5000
    assert late["explanation"] == "fixed reward per completion: 8.88 CNY × late 50.00% → +4.44 CNY"
    assert one(koc_id=1004, task_id=3, kind="base")["reason"] == "rejected"
    assert one(koc_id=1002, kind="process_award")["amount"] == 100000
    prizes = lines[lines["kind"] == "prize"].sort_values("amount", ascending=False)
    assert list(prizes["koc_id"]) == [1001, 1002, 1003]
    assert list(prizes["amount"]) == [500000, 300000, 200000]
    assert list(prizes["campaign_id"]) == [7, 7, 7]
    retainer = one(koc_id=1002, kind="retainer")
    assert (retainer["gross"], retainer["tier_bp"], retainer["amount"]) == (80000, 12500, 100000)
    cap = one(kind="cap_cut")
    assert (cap["koc_id"], cap["task_id"], cap["amount"]) == (1001, 9, -75000)
    cut = one(kind="budget_cut")
    assert (cut["koc_id"], cut["task_id"], cut["amount"]) == (1003, 6, -84050)
    travel = one(kind="travel")
    assert travel["amount"] == 120050 and travel["tier_bp"] == 10000
    ents = lines[lines["kind"] == "entitlement"]
    assert sorted(ents["rule"].astype(str)) == ["hall_of_fame", "hall_of_fame", "knowledge_base_moderator",
                                                "tier:ambassador", "tier:ambassador", "tier:core", "tier:core"]
    assert ents["currency"].isna().all() and (ents["amount"] == 0).all()
    nothing = lines[lines["kind"] == "no_reward"]
    assert set(zip(nothing["koc_id"], nothing["task_id"], nothing["reason"])) == {
        (1005, -1, "no_completion"), (-1, 8, "no_completion")}
    # Every completion row is accounted for.
    assert set(lines["completion"][lines["completion"] >= 0]) == set(range(13))


def test_decimal_view_is_exact(ledger):
    lines = ledger.lines
    for amount, cur, dec in zip(lines["amount"], lines["currency"], lines["amount_decimal"]):
        assert isinstance(dec, Decimal)
        if isinstance(cur, str):
            assert dec == Decimal(int(amount)).scaleb(-koc.CURRENCIES[cur])
            assert dec.as_tuple().exponent == -koc.CURRENCIES[cur]  # 4.40, not 4.4: the currency's digits
        else:
            assert dec == 0 and amount == 0
    row = lines[(lines["koc_id"] == 1003) & (lines["kind"] == "fixed")].iloc[0]
    assert str(row["amount_decimal"]) == "9.77"
    cut = lines[lines["kind"] == "budget_cut"].iloc[0]
    assert str(cut["amount_decimal"]) == "-840.50"
    # A sum of Decimals is the exact total: no float drift over many lines.
    cny = lines[lines["currency"] == "CNY"]
    assert sum(cny["amount_decimal"], Decimal(0)) == Decimal(int(cny["amount"].sum())).scaleb(-2)
    assert koc.to_decimal(2**63 - 1, "KWD") == Decimal("9223372036854775.807")


def test_explain_on_demand_equals_eager(policy, ledger):
    tasks, assignments, done, kocs = programme()
    lazy = koc.rewards(assignments, done, policy, tasks=tasks, kocs=kocs)
    assert "explanation" not in lazy.lines.columns
    for i in range(len(lazy)):
        assert lazy.explain(i) == ledger.lines["explanation"].iloc[i] == ledger.explain(i)
    assert "stepped bonus: 1,500,000 views ≥ 1,000,000 step" in "\n".join(ledger.lines["explanation"])
    with pytest.raises(koc.OutOfRangeError) as e:
        lazy.explain(len(lazy))
    assert e.value.field == "line" and e.value.row == len(lazy)
    pd.testing.assert_frame_equal(lazy.lines, ledger.lines.drop(columns=["explanation"]))
    # 24 completion lines, 2 awards, 3 prizes, 4 tier entitlements, 2 no_completion, 1 budget cut.
    assert repr(ledger) == "Ledger(36 lines; PTS=140 PTS, CNY=19,734.71 CNY)"
    assert ledger.rule_names[-1] == "tier:ambassador"


def test_equivalent_input_forms_give_the_same_ledger(policy, ledger):
    tasks, assignments, done, kocs = programme()
    # dicts of arrays, an assignment column instead of (koc_id, task_id), minor units, datetimes,
    # a categorical tier column (as koc.classify returns) and ladder indices.
    pairs = list(zip(assignments["koc_id"], assignments["task_id"]))
    done2 = {c: done[c].to_numpy() for c in done.columns if c not in ("koc_id", "task_id", "travel_claimed")}
    done2["assignment"] = np.array([pairs.index((k, t)) for k, t in zip(done["koc_id"], done["task_id"])])
    done2["travel_claimed_minor"] = np.array([120050 if v else 0 for v in done["travel_claimed"]])
    done2["delivered_at"] = pd.to_datetime(done["delivered_at"], unit="s").to_numpy()
    tasks2 = tasks.drop(columns=["budget"]).assign(budget_minor=[-1, -1, -1, -1, -1, 300000, -1, -1, -1])
    tasks2["rule"] = [policy.rules.index(r) for r in tasks["rule"]]
    tasks2["window_end"] = pd.to_datetime(tasks["window_end"], unit="s", utc=True).dt.tz_convert("Asia/Shanghai")
    tasks2["currency"] = [policy.rule_currency(r) for r in tasks["rule"]]
    kocs_cat = kocs.assign(tier=pd.Categorical(kocs["tier"], categories=LADDER, ordered=True))
    kocs_idx = kocs.assign(tier=[3, 2, 1, 0, -1])
    for k in (kocs_cat, kocs_idx):
        other = koc.rewards({c: assignments[c].to_numpy() for c in assignments}, done2, policy.to_json(),
                            tasks=tasks2, kocs=k)
        pd.testing.assert_frame_equal(other.lines, ledger.lines.drop(columns=["explanation"]))
        pd.testing.assert_frame_equal(other.totals_by_koc, ledger.totals_by_koc)


def test_kocs_default_and_no_tiers(policy):
    tasks, assignments, done, _ = programme()
    done = done[done["task_id"] != 3]  # campaign award winners must have a completion: drop the campaign
    tasks = tasks[tasks["task_id"] != 3]
    assignments = assignments[assignments["task_id"] != 3]
    L = koc.rewards(assignments, done, policy, tasks=tasks)
    assert L.verify()[0]
    assert set(L.lines["koc_id"]) - {-1} == {1001, 1002, 1003, 1004}
    assert (L.lines["tier_bp"] == 10000).all()
    # Without tiers: 1003's red packet is 888 + 500, its show 240000 + 120050 cut to the 300000 budget.
    t = L.totals_by_koc.set_index(["koc_id", "currency"])["amount"]
    assert t[(1003, "CNY")] == 888 + 500 + 300000


def test_core_output_is_zero_copy_and_read_only(policy):
    tasks, assignments, done, kocs = programme()
    L = koc.rewards(assignments, done, policy, tasks=tasks, kocs=kocs)
    amount = L._raw["amount"]
    assert not amount.flags.writeable
    assert isinstance(amount.base, _core.LedgerState)
    with pytest.raises(ValueError):
        amount[0] = 1
    del L
    assert int(amount.sum()) == sum(EXPECTED_CNY.values()) + 140  # the base keeps the ledger alive


def test_policy_json_round_trip_repr_pickle_equality(policy, tmp_path):
    assert koc.RewardPolicy.from_json(policy.to_json()) == policy
    assert koc.RewardPolicy(policy.to_dict()) == policy
    assert koc.RewardPolicy(policy) == policy
    assert hash(koc.RewardPolicy(policy.to_json())) == hash(policy)
    path = tmp_path / "p.json"
    policy.save(path)
    assert koc.RewardPolicy.load(path) == policy
    assert pickle.loads(pickle.dumps(policy)) == policy
    # Formatting does not matter, content does.
    assert koc.RewardPolicy(POLICY_PATH.read_text().replace("\n", " ")) == policy
    d = policy.to_dict()
    d["gates"]["late_bp"] = 4000
    assert koc.RewardPolicy(d) != policy
    assert policy != policy.to_json()
    r = repr(policy)
    assert r.startswith("RewardPolicy(rules=[newbie_meme:fixed[PTS], news_peak_red_packet:fixed[CNY]")
    assert "hall_of_fame:identity]" in r and "ambassadorx1.5" in r
    assert policy.tiers == tuple(LADDER)
    assert policy.rules[2] == "spring_launch"
    assert policy.rule_currency("auto_show_guangzhou") == "CNY"
    assert policy.rule_currency("hall_of_fame") is None
    with pytest.raises(koc.UnknownNameError, match="did you mean 'weibo_review'"):
        policy.rule_currency("weibo_reviews")
    with pytest.raises(TypeError):
        koc.RewardPolicy(42)


def test_policy_errors_name_the_path():
    with pytest.raises(koc.InvalidPolicyError):
        koc.RewardPolicy("{not json")
    base = {"schema": "koc.reward_policy/1", "rules": [{"id": "r", "kind": "fixed", "currency": "CNY", "amount": "1"}]}
    bad = {**base, "rules": [{**base["rules"][0], "currency": "XYZ"}]}
    with pytest.raises(koc.UnknownNameError) as e:
        koc.RewardPolicy(bad)
    assert e.value.field == "rules[0].currency" and e.value.row is None
    bad = {**base, "rules": [{**base["rules"][0], "amount": 8.88}]}
    with pytest.raises(koc.InvalidPolicyError) as e:
        koc.RewardPolicy(bad)
    assert e.value.field == "rules[0].amount"
    with pytest.raises(koc.OutOfRangeError) as e:
        koc.RewardPolicy({**base, "rules": [{**base["rules"][0], "amount": "1.001"}]})
    assert e.value.field == "rules[0].amount"


def test_money_helpers():
    assert koc.CURRENCIES["CNY"] == 2 and koc.CURRENCIES["JPY"] == 0 and koc.CURRENCIES["KWD"] == 3
    assert koc.CURRENCIES["PTS"] == 0
    assert koc.parse_amount("300.05", "CNY") == 30005
    assert koc.parse_amount(Decimal("1.5"), "KWD") == 1500
    assert koc.parse_amount(7, "JPY") == 7
    assert koc.parse_amount(Decimal("1E+3"), "JPY") == 1000
    assert koc.format_amount(12000000, "CNY") == "120,000.00 CNY"
    assert koc.format_amount(-5, "USD") == "-0.05 USD"
    assert koc.to_decimal(30005, "CNY") == Decimal("300.05")
    with pytest.raises(koc.UnknownNameError):
        koc.parse_amount("1", "XYZ")
    with pytest.raises(koc.UnknownNameError):
        koc.format_amount(1, "cny")
    with pytest.raises(koc.UnknownNameError) as e:
        koc.to_decimal(1, "XYZ")
    assert e.value.field == "currency"
    with pytest.raises(koc.OutOfRangeError):
        koc.parse_amount("1.000", "CNY")
    with pytest.raises(koc.InvalidValueError):
        koc.parse_amount("-1", "CNY")
    with pytest.raises(koc.OverflowError):
        koc.parse_amount("99999999999999999999", "CNY")


def _error_case(policy, error, row, field, *, tasks=None, assignments=None, done=None, kocs=None, match=None):
    t, a, d, k = programme()
    t, a, d, k = (tasks(t) if tasks else t, assignments(a) if assignments else a, done(d) if done else d,
                  kocs(k) if kocs else k)
    with pytest.raises(error, match=match) as e:
        koc.rewards(a, d, policy, tasks=t, kocs=k)
    assert e.value.row == row and e.value.field == field, (e.value.row, e.value.field, str(e.value))
    assert isinstance(e.value, koc.Error) and isinstance(e.value, ValueError)
    if row is not None:
        assert f"row {row}, field '{field}'" in str(e.value)


def _set(column, row, value):
    def f(df):
        df = df.copy()
        dtype = df[column].dtype
        text = pd.api.types.is_string_dtype(dtype) or dtype == object
        if text != isinstance(value, str) or (dtype.kind in "iub" and not isinstance(value, (int, np.integer))):
            df[column] = df[column].astype(object)  # pandas refuses e.g. an int in a str column
        df.loc[row, column] = value
        return df
    return f


@pytest.mark.parametrize("table,column,row,value,error,field", [
    ("done", "quality", 4, np.nan, koc.InvalidValueError, "quality"),
    ("done", "quality", 4, 1.5, koc.OutOfRangeError, "quality"),
    ("done", "duty_fulfilment", 8, -0.1, koc.OutOfRangeError, "duty_fulfilment"),
    ("done", "views", 9, -1, koc.InvalidValueError, "views"),
    ("done", "views", 9, "many", koc.InvalidValueError, "views"),
    ("done", "days_served", 8, 31, koc.OutOfRangeError, "days_served"),
    ("done", "delivered_at", 2, None, koc.InvalidValueError, "delivered_at"),
    ("done", "travel_claimed", 11, "1200.505", koc.OutOfRangeError, "travel_claimed"),
    ("done", "travel_claimed", 11, "-3", koc.InvalidValueError, "travel_claimed"),
    ("done", "travel_claimed", 11, "12,00", koc.InvalidValueError, "travel_claimed"),
    ("done", "task_id", 3, 8, koc.UnknownIdError, "task_id"),
    ("tasks", "rule", 4, "weibo_reveiw", koc.UnknownNameError, "rule"),
    ("tasks", "rule", 4, 99, koc.UnknownIdError, "rule"),
    ("tasks", "budget", 5, "3000.001", koc.OutOfRangeError, "budget"),
    ("tasks", "budget", 5, True, koc.InvalidValueError, "budget"),
    ("tasks", "task_id", 8, 1, koc.DuplicateIdError, "task_id"),
    ("tasks", "task_id", 8, -4, koc.InvalidValueError, "task_id"),
    ("tasks", "period_days", 3, -1, koc.InvalidValueError, "period_days"),
    ("tasks", "campaign_id", 2, None, koc.InvalidValueError, "campaign_id"),
    ("kocs", "tier", 2, "legend", koc.UnknownNameError, "tier"),
    ("kocs", "tier", 2, 7, koc.UnknownIdError, "tier"),
    ("kocs", "koc_id", 4, 1001, koc.DuplicateIdError, "koc_id"),
])
def test_bad_input_names_row_and_field(policy, table, column, row, value, error, field):
    _error_case(policy, error, row, field, **{table: _set(column, row, value)})


def test_structural_errors(policy):
    # A KOC missing from the KOC table: the completion's assignment names it.
    _error_case(policy, koc.UnknownIdError, 1, "assignment", kocs=lambda k: k[k["koc_id"] != 1001])
    # Completions by (koc_id, task_id) need each pair assigned once.
    _error_case(policy, koc.DuplicateIdError, 13, "task_id",
                assignments=lambda a: pd.concat([a, a.iloc[[0]]], ignore_index=True))
    # Two completions of the same assignment (named by its row).
    pairs = list(zip(programme()[1]["koc_id"], programme()[1]["task_id"]))

    def by_row(d):
        d = pd.concat([d, d.iloc[[0]]], ignore_index=True)
        d["assignment"] = [pairs.index(p) for p in zip(d["koc_id"], d["task_id"])]
        return d.drop(columns=["koc_id", "task_id"])

    _error_case(policy, koc.DuplicateIdError, 13, "assignment", done=by_row)
    _error_case(policy, koc.UnknownIdError, 0, "assignment", done=lambda d: by_row(d).assign(assignment=99))
    # Required columns, with a hint for near misses.
    _error_case(policy, koc.InvalidArgumentError, None, "task_id", tasks=lambda t: t.rename(columns={"task_id": "task"}),
                match="closest column: 'task'")
    _error_case(policy, koc.InvalidArgumentError, None, "delivered_at", done=lambda d: d.drop(columns=["delivered_at"]))
    _error_case(policy, koc.InvalidArgumentError, None, "koc_id", assignments=lambda a: a.drop(columns=["koc_id"]))
    _error_case(policy, koc.InvalidArgumentError, None, "budget",
                tasks=lambda t: t.assign(budget_minor=-1))
    # The currency column is checked against each task's rule.
    _error_case(policy, koc.UnknownNameError, 0, "currency", tasks=lambda t: t.assign(currency="XYZ"))
    _error_case(policy, koc.InvalidValueError, 1, "currency",
                tasks=lambda t: t.assign(currency=["PTS", "USD", "CNY", "CNY", "CNY", "CNY", None, "PTS", "CNY"]))
    # Ids must be numbers.
    # Text ids are ids too (CRM exports): a KOC table of other ids leaves the assignments' KOCs unknown, and the
    # message names the caller's id, not the engine's code for it.
    # (The policy's process-award winners are integer ids, which text KOC ids refuse: an awards table would name them.)
    unnamed = policy.to_dict()
    for r in unnamed["rules"]:
        for award in r.get("process_awards", []):
            award.pop("winners", None)
    _error_case(unnamed, koc.UnknownIdError, 0, "assignment", kocs=lambda k: k.assign(koc_id=["a", "b", "c", "d", "e"]),
                match="names KOC 1004, not in the KOC table")
    with pytest.raises(TypeError):
        koc.rewards([1, 2], programme()[2], policy, tasks=programme()[0])


def test_rejected_by_tier_ladder_mismatch(policy):
    tasks, assignments, done, kocs = programme()
    k = kocs.assign(tier=pd.Categorical(["b", "a", "a", "a", None], categories=["a", "b"]))
    with pytest.raises(koc.UnknownNameError) as e:
        koc.rewards(assignments, done, policy, tasks=tasks, kocs=k)
    assert e.value.field == "tiers[0].name"


def test_gil_released_during_compute(policy):
    """While a large ledger is computed in one thread, Python code keeps running in another (as in
    test_assignment.py): had the core kept the GIL, the main thread could not tick during the call."""
    import threading
    import time

    n = 400_000
    tasks = {"task_id": np.arange(n, dtype=np.int64), "rule": np.zeros(n, dtype=np.int32)}
    assignments = {"koc_id": np.arange(n, dtype=np.int64) % 1000, "task_id": np.arange(n, dtype=np.int64)}
    done = {"assignment": np.arange(n, dtype=np.int64), "delivered_at": np.zeros(n, dtype=np.int64),
            "accepted": np.ones(n, dtype=np.uint8)}
    kocs = {"koc_id": np.arange(1000, dtype=np.int64)}
    finished = threading.Event()
    seconds, result = [], []

    def compute():
        t0 = time.perf_counter()
        result.append(_core.compute_ledger(policy.to_json(), tasks, assignments, done, kocs, [], False))
        seconds.append(time.perf_counter() - t0)
        finished.set()

    worker = threading.Thread(target=compute)
    ticks = 0
    worker.start()
    while not finished.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    assert seconds[0] > 0.02
    assert ticks >= 0.25 * seconds[0] / 0.001, (ticks, seconds)
    # Each task's one completion is its first accepted one: 50 + 20 points each.
    assert int(result[0]["per_currency"]["amount"][0]) == 70 * n


def test_campaign_budget_by_rule_priority(policy):
    """Task 5 (weibo_review, 285000) joins campaign 7 at priority 0; spring_launch (1,271,500) is at
    priority 1. A budget of 556500 pays task 5 in full and leaves spring_launch exactly 271500."""
    doc = json.loads(policy.to_json())
    for r in doc["rules"]:
        if r["id"] in ("weibo_review", "spring_launch"):
            r["budget_priority"] = 0 if r["id"] == "weibo_review" else 1
    doc["campaign_budgets"] = [{"campaign": 7, "currency": "CNY", "amount": "5565.00", "reduction": "rule_priority"}]
    tasks, assignments, done, kocs = programme()
    tasks.loc[tasks["task_id"] == 5, "campaign_id"] = 7
    led = koc.rewards(assignments, done, koc.RewardPolicy(doc), tasks=tasks, kocs=kocs, explain=True)
    assert led.verify() == (True, "")
    by_task = led.totals_by_task.set_index(["task_id", "currency"])["amount"]
    assert by_task[(5, "CNY")] == 285000
    assert by_task[(3, "CNY")] == 271500
    assert led.totals_by_campaign["amount"].iloc[0] == 556500
    cuts = led.lines[(led.lines["kind"] == "budget_cut") & (led.lines["task_id"] != 6)]  # 6: its own task budget
    assert set(cuts["task_id"]) == {3}
    assert all("paid by rule priority (rule spring_launch at priority 1" in e for e in cuts["explanation"])
    doc["campaign_budgets"][0]["reduction"] = "largest_first"
    with pytest.raises(koc.UnknownNameError, match="campaign_budgets\\[0\\].reduction"):
        koc.RewardPolicy(doc)


def test_policy_winners_with_text_koc_ids_are_refused_not_misread():
    """A policy names process-award winners by integer id; with text KOC ids the engine would read the number
    as one of its own codes and pay whoever holds it. Refused, naming the path; an awards table works."""
    import sys
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    from distributed_checks import settlement_programme, settle_single
    policy, tasks, kocs, months, won = settlement_programme(True, awards=True)
    d = policy.to_dict()
    spring = next(i for i, r in enumerate(d["rules"]) if r["id"] == "spring_launch")
    d["rules"][spring]["process_awards"][0]["winners"] = [1]  # code 1 would be 'KOC-1002'
    may = months[0]
    with pytest.raises(ValueError, match="awards table") as e:
        koc.rewards(may[["koc_id", "task_id"]], may, d, tasks=tasks, kocs=kocs)
    assert e.value.field == f"rules[{spring}].process_awards[0].winners"
    ledger = settle_single(policy, tasks, kocs, [may], awards=won)[0]
    paid = ledger.lines[ledger.lines["kind"] == "process_award"]
    assert sorted(paid["koc_id"]) == ["KOC-1001", "KOC-1002"]
