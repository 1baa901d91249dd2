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
