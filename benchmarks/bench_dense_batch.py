#!/usr/bin/env python3
"""koc.linear_sum_assignment_batch against a Python loop over scipy and against lapx's batch solvers.

Usage (from the repository root, with koc importable):
    python benchmarks/bench_dense_batch.py [--batches 20000x8,10000x16,2000x64,200x256]
        [--families uniform,integer] [--rounds 5] [--threads 0] [--json out.json]

Each batch is a C-contiguous float64 array of shape (count, n, n), generated with a fixed seed. Solvers,
each called as its documentation has users call it, on the same array:
  koc         koc.linear_sum_assignment_batch(costs, threads=T): (count, n) index arrays
  koc-1       the same on one thread (how much of the speed-up is the threads)
  scipy-loop  [scipy.optimize.linear_sum_assignment(c) for c in costs]
  lapjvs_b    lap.lapjvs_batch(costs, return_cost=False, n_threads=T): its default float32 kernel
  lapjvx_b    lap.lapjvx_batch(costs, return_cost=False, n_threads=T)
  lapjvr_b    lap.lapjvr_batch(costs, return_cost=False, n_threads=T): float64
  lapjvh_b    lap.lapjvh_batch(costs, return_cost=False, n_threads=T)
T is --threads (0: one per core, lapx's default as well). One round calls every solver once, in an order
that rotates from round to round; reported: best and median of --rounds. Each solver's total over the
batch (math.fsum) is compared with koc's; one that is not optimal is marked and left out of the best peer.
The load average (1 minute) is read before and after each batch.
"""
import argparse
import gc
import json
import math
import os
import sys
import time

import numpy as np


def make_batch(family, count, n, seed):
    rng = np.random.default_rng(seed)
    if family == "uniform":
        return rng.uniform(-20, 20, (count, n, n))
    if family == "integer":
        return rng.integers(-1000, 1000, (count, n, n)).astype(np.float64)
    raise ValueError(family)


def solvers(threads):
    import koc
    from scipy.optimize import linear_sum_assignment

    out = {
        "koc": lambda c: koc.linear_sum_assignment_batch(c, threads=threads),
        "koc-1": lambda c: koc.linear_sum_assignment_batch(c, threads=1),
        "scipy-loop": lambda c: [linear_sum_assignment(m) for m in c],
    }
    try:
        import lap
    except ImportError:
        return out
    for name in ("lapjvs", "lapjvx", "lapjvr", "lapjvh"):
        f = getattr(lap, name + "_batch", None)
        if f is not None:
            out[name + "_b"] = lambda c, f=f: f(c, return_cost=False, n_threads=threads)
    return out


def totals(costs, answer):
    if isinstance(answer, tuple) and isinstance(answer[0], np.ndarray) and answer[0].ndim == 2:  # koc's arrays
        pairs = zip(answer[0], answer[1])
    elif isinstance(answer, tuple):  # lapx: (rows_list, cols_list)
        pairs = zip(*answer)
    else:  # a list of (rows, cols)
        pairs = answer
    return [math.fsum(c[np.asarray(r), np.asarray(k)].tolist()) for c, (r, k) in zip(costs, pairs)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batches", default="20000x8,10000x16,2000x64,200x256", help="COUNTxN, comma-separated")
    ap.add_argument("--families", default="uniform,integer")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--json")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()}; rounds {args.rounds}; threads {args.threads}\n")
    table = solvers(args.threads)
    names = list(table)
    print("| family | batch | " + " | ".join(names) + " | best peer | ratio (best) | ratio (median) | load before / after |")
    print("|---|---|" + "---:|" * len(names) + "---|---:|---:|---|")
    rows = []
    for family in args.families.split(","):
        for spec in args.batches.split(","):
            count, n = (int(x) for x in spec.split("x"))
            costs = make_batch(family, count, n, args.seed)
            times = {k: [] for k in names}
            ref = None
            exact = {}
            load_before = os.getloadavg()[0]
            for rnd in range(args.rounds):
                order = names[rnd % len(names):] + names[:rnd % len(names)]
                for name in order:
                    gc.collect()
                    t0 = time.perf_counter()
                    ans = table[name](costs)
                    times[name].append(time.perf_counter() - t0)
                    if name not in exact:
                        exact[name] = totals(costs, ans)
            load_after = os.getloadavg()[0]
            ref = exact["koc"]
            ok = {k: all(a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b)) for a, b in zip(v, ref)) for k, v in exact.items()}
            best = {k: min(v) for k, v in times.items()}
            med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
            peers = [k for k in names if not k.startswith("koc") and ok[k]]
            bp = min(peers, key=lambda k: best[k])
            row = {"family": family, "count": count, "n": n, "best": best, "median": med, "exact": ok,
                   "best_peer": bp, "ratio_best": best[bp] / best["koc"], "ratio_median": med[bp] / med["koc"],
                   "load_before": load_before, "load_after": load_after}
            rows.append(row)
            cells = [f"{best[k]:.4f}" + ("" if ok[k] else " (not optimal)") for k in names]
            print(f"| {family} | {count} x {n}x{n} | " + " | ".join(cells) +
                  f" | {bp} | **{row['ratio_best']:.2f}x** | {row['ratio_median']:.2f}x | {load_before:.2f} / {load_after:.2f} |",
                  flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
