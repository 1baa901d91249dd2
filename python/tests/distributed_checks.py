"""What test_dask.py and test_spark.py share: the 200,000-KOC programme both engines are checked on, the
roster-wide policy, and the ledger comparison. The programme is built once per session (conftest.py)."""
import ipaddress

import numpy as np
import pandas as pd

import koc

N_KOCS = 200_000


def build_programme():
    """The programme, its single-node tiers, optimal plan and completions: the reference results."""
    prog = koc.datasets.make_programme(N_KOCS, 32, seed=9)  # every (asset, horizon, direction) task once
    tiers = koc.classify(prog.roster, prog.tier_policy)
    plan = koc.match(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    done = prog.simulate_completions(plan.assignments)
    return prog, tiers, plan, done


def roster_wide_policy(prog):
    """The programme's policy with percentile (followers, days_since_active) and min_max (views) terms."""
    d = koc.TierPolicy(prog.tier_policy).to_dict()
    for m in d["metrics"]:
        if m["metric"] in ("followers", "days_since_active"):
            m["normalisation"] = "percentile"
        if m["metric"] == "views":
            m["normalisation"] = "min_max"
    return koc.TierPolicy(d)


def declared_metrics_case(prog, n: int = 20_000):
    """A cut of the programme's roster with two metrics of the brand's own (answers to other owners, a count;
    sentiment, a score in [-1, 1]) and a policy that declares them: answers by min_max and in a gate,
    sentiment by percentile, so the roster-wide statistics of declared metrics are exercised too."""
    rng = np.random.default_rng(7)
    roster = prog.roster.iloc[:n].copy()
    roster["answers"] = rng.zipf(1.8, n).clip(max=5000).astype(np.float64)
    roster["sentiment"] = np.round(rng.uniform(-1, 1, n), 2)
    d = koc.TierPolicy(prog.tier_policy).to_dict()
    d["metric_declarations"] = [{"name": "answers", "unit": "count", "integral": True},
                                {"name": "sentiment", "unit": "score", "min": -1, "max": 1}]
    d["metrics"] += [{"metric": "answers", "weight": 20, "normalisation": "min_max"},
                     {"metric": "sentiment", "weight": 10, "normalisation": "percentile"}]
    d["tiers"][-1].setdefault("gates", []).append({"metric": "answers", "min": 3})
    return roster, koc.TierPolicy(d)


def assert_same_ledger(got: pd.DataFrame, single: pd.DataFrame) -> None:
    """A distributed ledger (sorted by ORDER) equals koc.rewards' lines: integers exactly, names as text;
    and the programme exercises every cross-row rule (budget cuts, prizes, speed bonuses, entitlements)."""
    assert len(got) == len(single)
    for c in ("koc_id", "task_id", "campaign_id", "completion", "amount", "gross", "gate_bp", "tier_bp"):
        np.testing.assert_array_equal(got[c].to_numpy(np.int64), single[c].to_numpy(np.int64), err_msg=c)
    for c in ("rule", "kind", "reason", "currency"):
        want = [None if pd.isna(v) else str(v) for v in single[c].astype(object)]
        have = [None if pd.isna(v) else str(v) for v in got[c].astype(object)]
        assert have == want, c
    assert {"budget_cut", "prize", "speed_bonus", "entitlement"} <= set(got["kind"])


# Every server the tests start must listen on the loopback address only.
LOOPBACK_ADDRESSES = {"127.0.0.1", "::1"}


def listening_sockets() -> set:
    """(address, port) of every TCP socket in LISTEN state on this machine, from /proc/net/tcp{,6};
    IPv4-mapped IPv6 addresses are given as IPv4."""
    found = set()
    for path, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            with open(path) as f:  # closed at once: an open handle left to the collector warns
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] != "0A":  # LISTEN
                continue
            hex_addr, hex_port = fields[1].split(":")
            # The kernel prints each 32-bit word of the address in host (little-endian) order.
            raw = b"".join(bytes.fromhex(hex_addr[i:i + 8])[::-1] for i in range(0, width, 8))
            addr = ipaddress.ip_address(raw)
            if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
                addr = addr.ipv4_mapped
            found.add((str(addr), int(hex_port, 16)))
    return found


# ---- settlement over several runs, integer or text ids -------------------------------------------------

def settlement_programme(text: bool, awards: bool = False):
    """Three monthly runs of a small programme, each settling against the earlier ones: (policy, tasks, kocs,
    [may, june, july] completions, all work to date). Per-KOC cap of an amplification rule over two tasks
    (a step paid in May, a new one reached in June, the cap partly used), a task budget and a campaign
    budget partly spent in May, first-N places with a tie broken by KOC id, a KOC without work and a task
    without completions; July repeats June. With ``text``, KOC and task ids are CRM-shaped text whose text
    order differs from the numbers' ("KOC-1003" < "KOC-999", "T-15" < "T-5"), and the campaign with prizes
    and process awards (winners named in the policy by integer id) is left out. With ``awards``, the winners
    come as an awards table instead (the policy names none), the campaign is kept with text ids too, and the
    awards table is returned fifth."""
    import json
    from conftest import ROOT
    d = json.loads(koc.RewardPolicy.load(ROOT / "examples" / "data" / "reward_policy.json").to_json())
    for r in d["rules"]:
        if r["id"] == "newbie_meme":
            r["speed_bonus"]["first_n"] = 3
        if awards:
            for a in r.get("process_awards", []):
                a.pop("winners", None)
    d["campaign_budgets"] = [{"campaign": 7, "currency": "CNY", "amount": "4000.00"}]
    policy = koc.RewardPolicy(d)
    kid = (lambda i: f"KOC-{i}") if text else (lambda i: i)
    tid = (lambda i: f"T-{i}") if text else (lambda i: i)
    rows = [(5, "weibo_review", None, None), (15, "weibo_review", None, None), (6, "auto_show_guangzhou", None, "3000.00"),
            (21, "auto_show_guangzhou", 7, None), (22, "auto_show_guangzhou", 7, None), (1, "newbie_meme", None, None),
            (9, "newbie_meme", None, None)]
    if not text or awards:
        rows.append((30, "spring_launch", 8, None))
    tasks = pd.DataFrame({"task_id": pd.Series([tid(r[0]) for r in rows], dtype=object if text else np.int64),
                          "rule": [r[1] for r in rows], "campaign_id": [r[2] for r in rows], "budget": [r[3] for r in rows],
                          "window_start": 0})
    kocs = pd.DataFrame({"koc_id": pd.Series([kid(i) for i in (1001, 1002, 1003, 999, 1004)], dtype=object if text else np.int64),
                         "tier": pd.Series(["ambassador", "core", None, "active", "entry"], dtype=object)})
    # (koc, task, delivered_at, views, days_on_site, quality)
    may = [(1001, 5, 10, 120_000, 0, 1.0), (1001, 15, 10, 15_000, 0, 1.0), (1003, 6, 10, 0, 3, 1.0),
           (1002, 21, 10, 0, 2, 1.0), (1001, 1, 100, 0, 0, 1.0), (1002, 1, 100, 0, 0, 1.0)]
    june = [(1001, 5, 10, 1_200_000, 0, 1.0), (1001, 15, 10, 15_000, 0, 1.0), (1003, 6, 10, 0, 3, 1.0),
            (999, 6, 20, 0, 2, 1.0), (1002, 21, 10, 0, 2, 1.0), (999, 22, 20, 0, 2, 1.0), (1003, 22, 20, 0, 1, 1.0),
            (1001, 1, 100, 0, 0, 1.0), (1002, 1, 100, 0, 0, 1.0), (999, 1, 200, 0, 0, 1.0), (1003, 1, 200, 0, 0, 1.0)]
    if not text or awards:
        may += [(1001, 30, 10, 0, 0, 0.9), (1002, 30, 10, 0, 0, 0.7)]
        june += [(1001, 30, 10, 0, 0, 0.9), (1002, 30, 10, 0, 0, 0.7), (1003, 30, 20, 0, 0, 0.95)]

    def table(work):
        return pd.DataFrame({"koc_id": pd.Series([kid(w[0]) for w in work], dtype=object if text else np.int64),
                             "task_id": pd.Series([tid(w[1]) for w in work], dtype=object if text else np.int64),
                             "delivered_at": [w[2] for w in work], "views": [w[3] for w in work],
                             "days_on_site": [w[4] for w in work], "quality": [w[5] for w in work]})
    if awards:
        won = pd.DataFrame({"campaign_id": [8, 8], "award": ["best idea", "fastest progress"],
                            "koc_id": pd.Series([kid(1002), kid(1001)], dtype=object if text else np.int64)})
        return policy, tasks, kocs, [table(may), table(june), table(june)], won
    return policy, tasks, kocs, [table(may), table(june), table(june)]


def settle_single(policy, tasks, kocs, months, explain=False, awards=None, run_ids=None):
    """koc.rewards month after month, each run settled against every earlier ledger."""
    ledgers = []
    for k, done in enumerate(months):
        ledgers.append(koc.rewards(done[["koc_id", "task_id"]], done, policy, tasks=tasks, kocs=kocs, explain=explain,
                                   settled=list(ledgers) or None, awards=awards,
                                   run_id=run_ids[k] if run_ids else ""))
        assert ledgers[-1].verify(), ledgers[-1].verify().message
    return ledgers


def assert_same_lines(got: pd.DataFrame, single: pd.DataFrame, text: bool) -> None:
    """A distributed ledger (sorted by ORDER) equals koc.rewards' lines, ids as given: every column of the
    distributed lines, integers exactly, names and text ids as text, explanations word for word."""
    from koc._distributed import LINE_COLUMNS
    assert len(got) == len(single)
    for c in LINE_COLUMNS + (["explanation"] if "explanation" in single.columns else []):
        if c in ("koc_id", "task_id") and not text or c not in ("koc_id", "task_id", "rule", "kind", "reason", "currency",
                                                                "explanation", "run_id"):
            np.testing.assert_array_equal(got[c].to_numpy(np.int64), single[c].to_numpy(np.int64), err_msg=c)
        else:
            want = [None if pd.isna(v) else str(v) for v in single[c].astype(object)]
            have = [None if pd.isna(v) else str(v) for v in got[c].astype(object)]
            assert have == want, c
