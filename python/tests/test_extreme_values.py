"""Extreme but valid values through every public entry point of the package, one test per stage.

Each test runs its calls in a child interpreter under a watchdog: faulthandler.dump_traceback_later,
re-armed for every call, ends the child after 5 seconds with a traceback whose frame for the call is
named after it ("in koc.classify"), so a hang fails the test and names the call instead of stalling the
run. Every call either returns a result that passes its basic invariants (and its verify) or raises
koc.Error (never an internal error). Small seeded inputs.
"""
from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE_ROSTER = ROOT / "python" / "koc" / "data" / "sample" / "roster.csv"

PRELUDE = r'''
import faulthandler, json, math, sys, warnings
import numpy as np, pandas as pd
import koc

warnings.simplefilter("error")
faulthandler.enable()
TINY = 5e-324
BIG = sys.float_info.max
P53 = 2.0 ** 53
I32 = 2**31 - 1
I64 = 2**63 - 1
rng = np.random.default_rng(19)
refusals = {}


def watched(name, f):
    """(True, f()) or (False, the koc.Error), the call under a 5 s watchdog naming it."""
    def call():
        return f()
    call.__code__ = call.__code__.replace(co_name=name)  # the frame the watchdog's traceback shows
    faulthandler.dump_traceback_later(5, exit=True)
    try:
        return True, call()
    except koc.Error as e:
        assert e.code != "internal", (name, e)
        assert str(e), name
        refusals[name] = refusals.get(name, 0) + 1
        return False, e
    finally:
        faulthandler.cancel_dump_traceback_later()
'''


def run_child(body: str) -> str:
    """Runs PRELUDE + body in a fresh interpreter; fails with the child's stderr (traceback, watchdog dump)."""
    script = PRELUDE + textwrap.dedent(body)
    r = subprocess.run([sys.executable, "-X", "faulthandler", "-c", script], capture_output=True, text=True,
                       timeout=300, cwd=ROOT)
    assert r.returncode == 0, f"child exited with {r.returncode}:\n{r.stderr[-6000:]}"
    return r.stdout


def test_tiers_extreme_values():
    run_child(r'''
    COUNTS = [0.0, TINY, 2.2250738585072014e-308, 0.5, 1.0, 3.0, P53 - 1, P53, P53 + 2, 1e17, 1e20, 1e300, BIG]
    RATES = [0.0, TINY, 1e-300, 0.5, 1.0 - 2.0**-53, 1.0]
    n = 24
    roster = pd.DataFrame({"id": np.arange(I64 - 3 * n, I64, 3, dtype=np.int64)})
    for m in koc.METRICS:
        pool = RATES if m in ("on_time_rate", "quality") else COUNTS
        roster[m] = rng.choice(pool, n)
    roster["invited"] = rng.random(n) < 0.3
    roster["honorary"] = rng.random(n) < 0.2
    roster["clearance"] = rng.random(n) < 0.5
    roster["previous_tier"] = rng.choice(["", "entry", "active", "core", "ambassador"], n)
    roster["periods_below"] = rng.choice([0, 1, I32], n).astype(np.int32)

    default = koc.TierPolicy.default()
    policies = [default]
    for w in (TINY, 1e-300, 1e-16, 1.0, 1e150, 1e300, BIG):
        for norm in ("none", "log1p", "cap", "min_max", "percentile"):
            p = default.to_dict()
            for m in p["metrics"]:
                if m["metric"] in ("posts", "views"):
                    m.update(normalisation=norm, weight=w, reference=BIG if norm == "log1p" else 1.0)
                if m["metric"] == "followers":
                    m.update(normalisation="cap", reference=TINY)
            p["tiers"][1]["gates"].append({"metric": "posts", "min": P53 + 2})
            p["tiers"][3]["promote_threshold"] = BIG if w > 1 else 75.0
            p["tiers"][1]["grace_periods"] = I32
            policies.append(koc.TierPolicy(p))
    classified = 0
    for p in policies:
        ok, t = watched("koc.classify", lambda: koc.classify(roster, p))
        if not ok:
            assert t.code == "overflow" and t.row is not None, t  # a score beyond the double range
            continue
        classified += 1
        contributions = [c for c in t.columns if c.startswith("contribution_")]
        total = sum(t[c] for c in contributions)
        assert np.isfinite(t["score"]).all()
        assert (total == t["score"]).all()
        assert set(t["tier"].astype(str)) <= set(p.tiers)
        for c in [c for c in t.columns if c.startswith("gap_")]:
            assert not t[c].isna().any(), c
            assert (t[c] >= 0).all(), c
        ok, texts = watched("koc.explain", lambda: koc.explain(roster, p))
        assert ok and len(texts) == n and not any("nan" in s for s in texts)
        ok, w = watched("koc.what_if", lambda: koc.what_if(roster, default, p))
        assert ok and int(w.matrix.to_numpy().sum()) == n
    assert classified > 10
    assert refusals.get("koc.classify", 0) > 0
    ''')


def test_growth_gap_above_2p53_regression():
    # The reproduction: classify hung in the growth gap's whole-number bisection above 2^53.
    run_child(r'''
    p = json.loads(koc.TierPolicy.default().to_json())
    for m in p["metrics"]:
        if m["metric"] == "posts":
            m.update(normalisation="none", weight=1e-16, reference=1.0)
    roster = pd.read_csv(%r).head(20)
    roster["posts"] = roster["posts"].astype(float)
    roster.loc[3, "posts"] = 1e17
    ok, t = watched("koc.classify (growth gaps above 2^53)", lambda: koc.classify(roster, koc.TierPolicy(json.dumps(p))))
    assert ok, t
    gaps = t["gap_posts"][np.isfinite(t["gap_posts"])]
    assert (gaps >= 0).all() and (gaps == np.floor(gaps)).all()
    assert (gaps > P53).any()  # gaps above 2^53 come back
    ''' % str(SAMPLE_ROSTER))


def test_matching_extreme_values():
    run_child(r'''
    n, m = 16, 10
    roster = pd.DataFrame({
        "id": np.array([I64 - i if i % 2 else -I64 - 1 + i for i in range(n)], dtype=np.int64),
        "capacity": rng.choice([0, 1, 2, I32], n).astype(np.int64),
        "region": rng.choice(["", "north", "south"], n),
        "audience": rng.choice(["", "a", "a|b|c"], n),
        "available_start": rng.choice([-I64 - 1, I64 - 1], n),
        "available_end": np.full(n, I64),
        "opted_out": rng.choice(["", "social", "instant|external"], n),
        "recent_tasks": rng.choice([0, 1, I32], n),
        "clearance": rng.integers(0, 2, n),
        "skill_video": rng.choice([0, 1, 254, 255], n),
    })
    for metric in koc.METRICS:
        roster[metric] = rng.choice([0.0, TINY, 0.5, 1.0] if metric in ("on_time_rate", "quality")
                                    else [0.0, TINY, 1.0, P53 + 2, 1e300, BIG], n)
    tasks = pd.DataFrame({
        "task_id": np.array([I64 - 2 * i if i % 2 else -I64 - 1 + 2 * i for i in range(m)], dtype=np.int64),
        "asset": rng.choice(["social", "knowledge", "community", "intelligence"], m),
        "horizon": rng.choice(["instant", "phased", "continuous", "identity"], m),
        "direction": rng.choice(["internal", "external"], m),
        "slots": rng.choice([0, 1, 3, -1], m),
        "window_start": rng.choice([-I64 - 1, I64 - 1], m),
        "window_end": np.full(m, I64),
        "load": rng.choice([1, 1, 1, I32], m),
        "req_video": rng.choice([0, 1, 255], m),
        "audience": rng.choice(["", "a", "b|c"], m),
        "region": rng.choice(["", "north"], m),
        "min_tier": rng.choice(["entry", "active"], m),
        "max_tier": rng.choice(["core", "ambassador"], m),
        "confidential": rng.integers(0, 2, m),
    })
    declines = pd.DataFrame({"koc_id": roster["id"][rng.integers(0, n, n)].to_numpy(),
                             "task_id": tasks["task_id"][rng.integers(0, m, n)].to_numpy()})
    prefs = pd.DataFrame({"koc_id": roster["id"].to_numpy(), "task_id": tasks["task_id"][rng.integers(0, m, n)].to_numpy(),
                          "rank": rng.choice([1, 2, I32], n)})
    ok, tiers = watched("koc.classify (for matching)", lambda: koc.classify(roster))
    assert ok, tiers
    for weight in (None, TINY, 1e300, BIG / 8, BIG):
        policy = None
        if weight is not None:
            spec = {"schema": "koc.matching_policy/1", "weights": {k: weight for k in
                    ("skill", "audience", "tier_fit", "quality", "reliability", "preference", "rotation")},
                    "skill_level_max": weight, "rotation_half_count": weight}
            ok, policy = watched("koc.MatchingPolicy", lambda: koc.MatchingPolicy(spec))
            if not ok:
                assert weight == BIG and policy.field == "weights", policy  # weights summing past DBL_MAX
                continue
        ok, c = watched("koc.candidates", lambda: koc.candidates(roster, tasks, policy, tiers=tiers, declines=declines,
                                                                 preferences=prefs))
        assert ok, c
        assert np.isfinite(c["score"]).all()
        for mode in ("optimal", "stable", "stable_kocs", "stable_tasks"):
            for objective in ("max_score", "max_fill"):
                for resolution in (1e-6, TINY, 1.0, 1e300, BIG):
                    if mode != "optimal" and (objective != "max_score" or resolution != 1e-6):
                        continue
                    ok, r = watched("koc.match", lambda: koc.match(roster, tasks, policy, tiers=tiers, declines=declines,
                                                                   preferences=prefs, mode=mode, objective=objective,
                                                                   score_resolution=resolution))
                    if not ok:
                        continue
                    assert not math.isnan(r.total)
                    ran, check = watched("MatchResult.verify", r.verify)
                    assert ran and isinstance(check, koc.Check) and check, check

    # Dense assignment: costs up to the solver's limit for the size, and beyond it (refused).
    for trial in range(120):
        rows, cols = [(1, 1), (3, 3), (4, 7), (7, 4), (8, 8), (5, 12)][trial % 6]
        top = BIG / (12.0 * (min(rows, cols) + 7) ** 2)
        maximize = trial % 2 == 1
        pool = np.array([0.0, -0.0, TINY, -TINY, 1.0, -1.0, P53 + 2, 1e17, 1e150, -1e150, 1e300, -1e300, top, -top, top / 3])
        cost = rng.choice(pool, (rows, cols))
        cost[rng.random((rows, cols)) < 0.15] = -np.inf if maximize else np.inf
        beyond = trial % 5 == 4
        if beyond:
            cost[rng.integers(rows), rng.integers(cols)] = BIG
        mask = rng.random((rows, cols)) < 0.1 if trial % 3 else None
        ok, r = watched("koc.solve_assignment", lambda: koc.solve_assignment(cost, maximize=maximize, forbidden=mask))
        assert ok != beyond, (trial, r)
        if ok:
            assert not math.isnan(r.total)
            ran, check = watched("AssignmentResult.verify", r.verify)
            assert ran and isinstance(check, koc.Check) and check, check
        ok, lsa = watched("koc.linear_sum_assignment", lambda: koc.linear_sum_assignment(cost, maximize=maximize))
        assert ok or isinstance(lsa, (koc.InfeasibleError, koc.OutOfRangeError)), lsa

    # Capacitated assignment on edge lists.
    scores = np.array([0.0, TINY, -TINY, 1e-300, 1.0, -1.0, P53, 1e17, -1e17, 1e300, BIG, -BIG])
    for trial in range(120):
        nk, nt = int(rng.integers(1, 11)), int(rng.integers(1, 7))
        kk, tt = np.meshgrid(np.arange(nk), np.arange(nt), indexing="ij")
        keep = rng.random(kk.size) < 0.7
        edges = (kk.ravel()[keep], tt.ravel()[keep], rng.choice(scores, int(keep.sum())))
        capacity = rng.choice([0, 1, 2, I32], nk)
        slots = rng.choice([0, 1, 2, I32], nt)
        ok, r = watched("koc.capacitated_assignment", lambda: koc.capacitated_assignment(
            edges, capacity, slots, objective=("max_score", "max_fill")[trial % 2],
            score_resolution=float(rng.choice([1e-6, TINY, 1.0, 1e10, 1e300, BIG]))))
        if ok:
            assert not math.isnan(r.total)
            ran, check = watched("CapacitatedResult.verify", r.verify)
            assert ran and isinstance(check, koc.Check) and check, check
    ''')


def test_rewards_extreme_values():
    run_child(r'''
    policy_json = {
        "schema": "koc.reward_policy/1", "gates": {"rejected_bp": 10000, "late_bp": 1},
        "tiers": [{"name": "entry", "multiplier_bp": 0}, {"name": "core", "multiplier_bp": 100000}],
        "rules": [
            {"id": "max", "kind": "fixed", "currency": "JPY", "amount": "9223372036854775807"},
            {"id": "fast", "kind": "fixed", "currency": "CNY", "amount": "0.01",
             "speed_bonus": {"first_n": I64, "amount": "46116860184273879.03"}},
            {"id": "window", "kind": "fixed", "currency": "KWD", "amount": "0.001",
             "speed_bonus": {"within_hours": 1000000, "amount": "9223372036854775.806"}},
            {"id": "prize", "kind": "campaign", "currency": "JPY",
             "prize_pool": {"amount": "9223372036854775807", "split": "proportional", "top_n": 1000000}},
            {"id": "shares", "kind": "campaign", "currency": "JPY",
             "prize_pool": {"amount": "9223372036854775807", "split": "fixed_shares", "shares_bp": [1, 9998, 1]}},
            {"id": "retain", "kind": "retainer", "currency": "JPY", "fee": "9223372036854775807", "period": "year"},
            {"id": "amp", "kind": "amplification", "currency": "JPY", "base": "4611686018427387903", "metric": "views",
             "steps": [{"threshold": 1, "bonus": "4611686018427387903"}], "cap_per_koc": "1"},
            {"id": "show", "kind": "offline", "currency": "JPY", "fee_per_day": "4611686018427387903",
             "travel_cap": "9223372036854775807"},
        ],
        "campaign_budgets": [{"campaign": I64, "currency": "JPY", "amount": "1"}],
    }
    ok, policy = watched("koc.RewardPolicy", lambda: koc.RewardPolicy(policy_json))
    assert ok, policy
    for over in ("92233720368547758.08", "9223372036854775808", "0.001"):
        bad = json.loads(json.dumps(policy_json))
        bad["rules"][1]["amount"] = over
        ok, e = watched("koc.RewardPolicy (amount out of range)", lambda: koc.RewardPolicy(bad))
        assert not ok
    rules = ["max", "fast", "window", "prize", "shares", "retain", "amp", "show"]
    kocs = pd.DataFrame({"koc_id": np.array([I64 - i * (I64 // 5) for i in range(5)], dtype=np.int64)})
    computed = 0
    for seed in range(16):
        tasks = pd.DataFrame({
            "task_id": np.array([I64 - t * 1000003 for t in range(8)], dtype=np.int64),
            "rule": rules,
            "campaign_id": [-1, -1, -1, I64 if seed % 2 else 0, 0, -1, -1, -1],
            "window_start": [(-I64 - 1) if (seed + t) % 2 else 0 for t in range(8)],
            "window_end": [I64 if (seed + t) % 3 else -I64 - 1 for t in range(8)],
            "period_days": [0, 0, 0, 0, 0, I32, 0, 0],
            "budget_minor": [rng.choice([-1, 0, 1, I64]) for _ in range(8)] if seed % 2 else [-1] * 8,
        })
        # A few completions on different tasks: the totals per currency and per KOC must fit int64 too.
        picks = [(seed + 3 * i) % 8 for i in range(1 + seed % 3)]
        assignments = pd.DataFrame({"koc_id": kocs["koc_id"][[(seed + i) % 5 for i in range(len(picks))]].to_numpy(),
                                    "task_id": tasks["task_id"][picks].to_numpy()})
        c = len(picks)
        completions = pd.DataFrame({
            "koc_id": assignments["koc_id"], "task_id": assignments["task_id"],
            "delivered_at": rng.choice([-I64 - 1, I64], c), "accepted": rng.random(c) < 0.8,
            "quality": rng.choice([0.0, TINY, 1e-300, 0.5, 1.0], c),
            "duty_fulfilment": rng.choice([0.0, TINY, 0.5, 1.0], c),
            "views": rng.choice([1, I64], c), "interactions": np.full(c, I64),
            "days_served": rng.choice([0, I32], c), "days_on_site": np.zeros(c, dtype=np.int64),
            "travel_claimed_minor": rng.choice([0, I64], c),
        })
        k = kocs.assign(tier=rng.choice([None, "entry"], 5))
        ok, ledger = watched("koc.rewards", lambda: koc.rewards(assignments, completions, policy, tasks=tasks, kocs=k))
        if not ok:
            assert ledger.code == "overflow", ledger  # sums of such amounts leave int64: refused, never wrapped
            continue
        computed += 1
        assert watched("Ledger.verify", ledger.verify) == (True, (True, ""))
        lines = ledger.lines
        assert (lines["amount"][lines["kind"].isin(["cap_cut", "budget_cut"])] <= 0).all()
        for i in range(len(ledger)):
            ok, text = watched("Ledger.explain", lambda: ledger.explain(i))
            assert ok and text
        ok, totals = watched("Ledger.totals_by_currency", lambda: ledger.totals_by_currency)
        assert ok, totals
    assert computed > 0

    for code in koc.CURRENCIES:
        for v in (0, 1, I64 - 1, I64):
            ok, text = watched("koc.format_amount", lambda: koc.format_amount(v, code))
            assert ok
            ok, back = watched("koc.parse_amount", lambda: koc.parse_amount(koc.to_decimal(v, code), code))
            assert ok and back == v, (code, v, back)
    ''')
