"""Scale-out benchmark (issue 9): rows/s of tier classification and rewards, single-node koc vs koc.dask
(distributed.LocalCluster) vs koc.spark (local mode), on the same koc.datasets roster; the matching
pipeline's time split (candidates, gather, solve); and the per-partition throughput the 100M-KOC
estimate in benchmarks/RESULTS.md is derived from.

    .venv/bin/python benchmarks/bench_scale_out.py --kocs 1000000 --match-kocs 300000 --workers 2

Every distributed result is checked against the single-node one (tiers bit for bit, ledger lines,
optimal total) before its time is reported. Prints a JSON document and a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd

import koc
from koc import _distributed as D


def timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kocs", type=int, default=1_000_000)
    ap.add_argument("--match-kocs", type=int, default=300_000)
    ap.add_argument("--tasks", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--engines", default="dask,spark")
    ap.add_argument("--solve-kocs", type=lambda v: [int(x) for x in v.split(",") if x], default=[1_000_000],
                    help="roster sizes of the node-local solve probe (programme edges, --tasks tasks)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    res: dict = {"kocs": args.kocs, "match_kocs": args.match_kocs, "tasks": args.tasks, "workers": args.workers,
                 "partitions": args.partitions, "cpus": os.cpu_count(), "python": platform.python_version(),
                 "load_avg_start": os.getloadavg()[0]}

    prog, t_gen = timed(koc.datasets.make_programme, args.kocs, args.tasks, seed=2026)
    roster = prog.roster
    res["generate_s"] = t_gen
    # --- single node ---------------------------------------------------------------------------------
    tiers, t = timed(koc.classify, roster, prog.tier_policy)
    res["single"] = {"classify_s": t, "classify_rows_per_s": len(roster) / t}
    tiers_ng = koc.classify(roster, prog.tier_policy, growth_gaps=False)
    plan, t_match_single = timed(koc.match, roster.iloc[:args.match_kocs], prog.tasks, prog.matching_policy,
                                 tiers=tiers_ng.iloc[:args.match_kocs], tier_policy=prog.tier_policy)
    # Completions: the optimal plan of the matching roster (tasks are the scarce side, so plan size does
    # not grow with the roster); every KOC of the full roster is in the KOC table (ledger: one line per KOC).
    done = prog.simulate_completions(plan.assignments)
    kocs = tiers[["koc_id", "tier"]]
    ledger, t = timed(koc.rewards, done[["koc_id", "task_id"]], done, prog.reward_policy, tasks=prog.tasks, kocs=kocs)
    res["single"].update({"rewards_s": t, "rewards_lines": len(ledger), "rewards_lines_per_s": len(ledger) / t,
                          "completions": len(done), "match_s": t_match_single,
                          "match_edges": int(plan.certificate["n_candidate_pairs"])})
    # --- per-partition throughput (one process, one core): the unit of the cluster estimate -------------
    part = roster.iloc[: len(roster) // args.partitions].reset_index(drop=True)
    _, t = timed(D.classify_partition, part, koc.TierPolicy(prog.tier_policy).to_json(), None, 0, True, False)
    res["partition"] = {"rows": len(part), "classify_s": t, "classify_rows_per_s": len(part) / t}
    kpart = kocs.iloc[: len(kocs) // args.partitions].assign(tier=lambda d: d["tier"].astype(object),
                                                              _krow=lambda d: np.arange(len(d)), _done=False)
    _, t = timed(D.koc_lines, kpart, koc.RewardPolicy(prog.reward_policy).to_json(), list(koc.TierPolicy(prog.tier_policy).tiers), False)
    res["partition"].update({"koc_lines_s": t, "koc_lines_rows_per_s": len(kpart) / t})
    mpart = roster.iloc[: args.match_kocs // args.partitions].reset_index(drop=True)
    e, t = timed(D.candidates_partition, mpart, prog.tasks, koc.MatchingPolicy(prog.matching_policy).to_json(),
                 koc.TierPolicy(prog.tier_policy).to_json(), 0, None)
    res["partition"].update({"candidates_rows": len(mpart), "candidates_s": t, "candidates_rows_per_s": len(mpart) / t,
                             "edges_per_koc": len(e) / len(mpart)})

    engines = [x for x in args.engines.split(",") if x]
    if "dask" in engines:
        res["dask"] = bench_dask(args, prog, roster, tiers, kocs, done, ledger, plan)
    if "spark" in engines:
        res["spark"] = bench_spark(args, prog, roster, tiers, kocs, done, ledger, plan)
    print(json.dumps(res, default=float), file=sys.stderr, flush=True)  # partial results, in case the probe fails
    res["solve_probe"] = [solve_probe(n, args.tasks) for n in args.solve_kocs]
    res["load_avg_end"] = os.getloadavg()[0]
    print(json.dumps(res, indent=1, default=float))
    print(table(res))


def same_ledger(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert len(got) == len(want)
    for c in ("koc_id", "task_id", "completion", "amount"):
        assert np.array_equal(got[c].to_numpy(np.int64), want[c].to_numpy(np.int64)), c


def bench_dask(args, prog, roster, tiers, kocs, done, ledger, plan) -> dict:
    import dask.dataframe as dd
    import distributed
    import koc.dask as kd
    out: dict = {}
    with kd.local_cluster(args.workers, 1) as cluster, distributed.Client(cluster):  # 127.0.0.1 only
        ddf = dd.from_pandas(roster, npartitions=args.partitions).persist()
        distributed.wait(ddf)
        kd.classify(dd.from_pandas(roster.iloc[:1000], npartitions=2), prog.tier_policy).compute()  # warm the workers
        got, t = timed(lambda: kd.classify(ddf, prog.tier_policy).compute())
        pd.testing.assert_frame_equal(got.reset_index(drop=True), tiers, check_exact=True)
        out.update({"classify_s": t, "classify_rows_per_s": len(roster) / t})
        dk = dd.from_pandas(kocs, npartitions=args.partitions).persist()
        dc = dd.from_pandas(done, npartitions=max(1, args.partitions // 4)).persist()
        lines, t = timed(lambda: kd.rewards(dc, prog.reward_policy, tasks=prog.tasks, kocs=dk).compute())
        same_ledger(lines.sort_values(kd.ORDER).reset_index(drop=True), ledger.lines)
        out.update({"rewards_s": t, "rewards_lines_per_s": len(lines) / t})
        mroster = dd.from_pandas(roster.iloc[:args.match_kocs], npartitions=args.partitions).persist()
        m = kd.match(mroster, prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy)
        assert m.total_units == plan.certificate["total_score_units"]
        out["match"] = dict(m.timings, edges=m.n_edges)
    return out


def bench_spark(args, prog, roster, tiers, kocs, done, ledger, plan) -> dict:
    import koc.spark as ks
    spark = ks.local_session(args.workers, "koc-bench", **{  # 127.0.0.1 only
        "spark.sql.shuffle.partitions": args.partitions, "spark.default.parallelism": args.partitions,
        "spark.driver.memory": "4g"})
    spark.sparkContext.setLogLevel("ERROR")
    out: dict = {}
    try:
        sdf = spark.createDataFrame(roster).cache()
        sdf.count()
        got, t = timed(lambda: ks.classify(sdf, prog.tier_policy).toPandas())
        assert np.array_equal(got["score"].to_numpy(), tiers["score"].to_numpy())
        assert got["tier"].tolist() == tiers["tier"].astype(str).tolist()
        out.update({"classify_s": t, "classify_rows_per_s": len(roster) / t})
        sk = spark.createDataFrame(kocs.assign(tier=kocs["tier"].astype(str))).cache()
        sc = spark.createDataFrame(done.astype({"accepted": np.int64})).cache()
        sk.count(), sc.count()
        ladder = list(koc.TierPolicy(prog.tier_policy).tiers)
        lines, t = timed(lambda: ks.rewards(sc, prog.reward_policy, tasks=prog.tasks, kocs=sk, ladder=ladder)
                         .orderBy(*ks.ORDER).toPandas())
        same_ledger(lines, ledger.lines)
        out.update({"rewards_s": t, "rewards_lines_per_s": len(lines) / t})
        mroster = spark.createDataFrame(roster.iloc[:args.match_kocs]).cache()
        mroster.count()
        m = ks.match(mroster, prog.tasks, prog.matching_policy, tier_policy=prog.tier_policy)
        assert m.total_units == plan.certificate["total_score_units"]
        out["match"] = dict(m.timings, edges=m.n_edges)
    finally:
        spark.stop()
    return out


SOLVE_PROBE = """
import os, resource, sys, time, numpy as np, koc
d = np.load(sys.argv[1]); k, t, s, cap, slots = (d[x] for x in ("k", "t", "s", "cap", "slots"))
before = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")  # current RSS
t0 = time.perf_counter()
koc.capacitated_assignment((k, t, s), cap, slots)
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(len(k), dt, before, peak)
"""


def solve_probe(n_kocs: int, n_tasks: int) -> dict:
    """Time and memory of the node-local exact solve on a generated programme's candidate edges, in a fresh
    process that only loads the saved edges (so its peak RSS is the solve's)."""
    import subprocess
    import tempfile
    prog = koc.datasets.make_programme(n_kocs, n_tasks, seed=2026)
    tiers = koc.classify(prog.roster, prog.tier_policy, growth_gaps=False)
    e = koc.candidates(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    slots = prog.tasks["slots"].to_numpy(np.int64)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "edges.npz")
        np.savez(path, k=e["koc_row"].to_numpy(np.int64), t=e["task_row"].to_numpy(np.int64), s=e["score"].to_numpy(),
                 cap=prog.roster["capacity"].to_numpy(np.int64), slots=np.where(slots == -1, 2**31 - 1, slots))
        out = subprocess.run([sys.executable, "-c", SOLVE_PROBE, path], capture_output=True, text=True, check=True).stdout.split()
    arcs, secs, before, peak = int(out[0]), float(out[1]), int(out[2]), int(out[3])
    return {"kocs": n_kocs, "tasks": n_tasks, "arcs": arcs, "solve_s": secs, "solve_extra_bytes": peak - before,
            "arcs_per_gib_solve": arcs / ((peak - before) / 2**30), "arcs_per_gib_process": arcs / (peak / 2**30)}


def table(res: dict) -> str:
    rows = ["| engine | classify rows/s | rewards lines/s |", "|---|---:|---:|"]
    for name in ("single", "dask", "spark"):
        if name in res:
            r = res[name]
            rows.append(f"| {name} | {r['classify_rows_per_s']:,.0f} | {r['rewards_lines_per_s']:,.0f} |")
    for name in ("dask", "spark"):
        if name in res and "match" in res[name]:
            m = res[name]["match"]
            rows.append(f"\n{name} matching ({m['edges']:,} edges): candidates {m['candidates']:.2f} s, "
                        f"gather {m['gather']:.2f} s, solve {m['solve']:.2f} s")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
