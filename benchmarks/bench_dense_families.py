#!/usr/bin/env python3
"""koc.linear_sum_assignment against scipy and lapx on scipy's benchmark cost families.

Usage (from the repository root, with koc importable, e.g. after `pip install .`):
    python benchmarks/bench_dense_families.py [--sizes 1000,2000,3000,4000,5000]
        [--shapes 1000x10000,20000x2000] [--families uniform,spatial,euclidean,logarithmic,integer,binary]
        [--rounds 3] [--peers scipy,lapjvs,lapjvr,lapjvh] [--budget 20] [--json out.json]

Families: scipy's own (benchmarks/benchmarks/optimize_lap.py in scipy): uniform on [-20, 20), spatial
(squared Euclidean distances between two sets of random points of [-1, 1]^2), logarithmic (10^U(-20, 20)),
integer (uniform on [-1000, 1000)), binary (0 or 1); plus euclidean, the plain distances of the same
points. Every matrix is float64, C-contiguous, generated once per size with a fixed seed.

Peers, each as its documentation has users call it:
  scipy   scipy.optimize.linear_sum_assignment(cost)
  lapjvs  lap.lapjvs(cost, return_cost=False): its defaults, a float32 kernel (prefer_float32=True) and,
          for a rectangular matrix, zero padding to a square one (extend_cost=None)
  lapjvr  lap.lapjvr(cost, extend_cost=rectangular, return_cost=False): the Rust core, float64
  lapjvh  lap.lapjvh(...): the same with C++ square completion
For the integer and binary families, whose values float32 holds exactly, lapjvr and lapjvh also run with
precision='float32' (lapjvr32, lapjvh32).

Timing: every solver is called the same way in this process, on the same array already in memory; one
round calls each solver once, in an order that rotates from round to round (A B C, B C A, ...), so that
no solver always follows the same one. Reported: the best and the median of --rounds calls. A solver
whose first call takes more than --budget seconds is not called again for that matrix, and not at all
for larger ones of the same family and shape kind. Every answer's objective (math.fsum of the chosen
entries) is compared with koc's, whose certificate is verified once (koc.solve_assignment(...).verify(),
untimed); a peer that does not reach koc's optimum is marked and left out of the "best peer". The load
average (1 minute) is read before and after each matrix.
"""
import argparse
import gc
import json
import math
import os
import platform
import sys
import time

import numpy as np

FAMILIES = ["uniform", "spatial", "euclidean", "logarithmic", "integer", "binary"]
EXACT_IN_FLOAT32 = {"integer", "binary"}


def make_cost(family, rows, cols, seed):
    rng = np.random.default_rng(seed)
    if family == "uniform":
        return rng.uniform(-20, 20, (rows, cols))
    if family in ("spatial", "euclidean"):
        from scipy.spatial.distance import cdist

        p, q = rng.uniform(-1, 1, (rows, 2)), rng.uniform(-1, 1, (cols, 2))
        return cdist(p, q, "sqeuclidean" if family == "spatial" else "euclidean")
    if family == "logarithmic":
        return 10.0 ** rng.uniform(-20, 20, (rows, cols))
    if family == "integer":
        return rng.integers(-1000, 1000, (rows, cols)).astype(np.float64)
    if family == "binary":
        return rng.integers(0, 2, (rows, cols)).astype(np.float64)
    raise ValueError(family)


def solvers(peers, family, rectangular):
    import koc

    out = {"koc": lambda c: koc.linear_sum_assignment(c)}
    if "scipy" in peers:
        from scipy.optimize import linear_sum_assignment

        out["scipy"] = lambda c: linear_sum_assignment(c)
    if any(p.startswith("lapjv") for p in peers):
        import lap
    if "lapjvs" in peers:
        out["lapjvs"] = lambda c: lap.lapjvs(c, return_cost=False)
    for name in ("lapjvr", "lapjvh"):
        if name in peers:
            f = getattr(lap, name)
            out[name] = lambda c, f=f: f(c, extend_cost=rectangular, return_cost=False)
            if family in EXACT_IN_FLOAT32:
                out[name + "32"] = lambda c, f=f: f(c, extend_cost=rectangular, return_cost=False, precision="float32")
    return out


def objective(cost, r, c):
    r, c = np.asarray(r), np.asarray(c)
    if len(r) != min(cost.shape) or len(np.unique(r)) != len(r) or len(np.unique(c)) != len(c):
        return math.nan
    return math.fsum(cost[r, c].tolist())


def same(a, b):
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def run(args):
    import koc

    shapes = [(n, n) for n in (int(s) for s in args.sizes.split(",") if s)]
    shapes += [tuple(int(x) for x in s.split("x")) for s in args.shapes.split(",") if s]
    families = args.families.split(",")
    peers = args.peers.split(",")
    over_budget = set()  # (solver, family, shape kind)
    rows_out = []
    for family in families:
        for shape in shapes:
            kind = "square" if shape[0] == shape[1] else ("wide" if shape[0] < shape[1] else "tall")
            cost = make_cost(family, *shape, seed=args.seed)
            table = solvers(peers, family, shape[0] != shape[1])
            names = [n for n in table if (n, family, kind) not in over_budget]
            times = {n: [] for n in names}
            results = {}
            load_before = os.getloadavg()[0]
            for rnd in range(args.rounds):
                order = names[rnd % len(names):] + names[:rnd % len(names)]
                for name in order:
                    if rnd > 0 and not times[name]:
                        continue
                    if rnd > 0 and times[name][0] > args.budget:
                        continue
                    gc.collect()
                    t0 = time.perf_counter()
                    r, c = table[name](cost)
                    times[name].append(time.perf_counter() - t0)
                    if name not in results:
                        results[name] = objective(cost, r, c)
                    del r, c
            load_after = os.getloadavg()[0]
            verified = koc.solve_assignment(cost).verify()
            best_koc = min(times["koc"])
            row = {"family": family, "shape": list(shape), "load_before": load_before, "load_after": load_after,
                   "koc_verified": bool(verified), "objective": results["koc"], "solvers": {}}
            best_peer, best_peer_median, best_name = math.inf, math.inf, None
            for name in names:
                t = sorted(times[name])
                exact = same(results[name], results["koc"])
                row["solvers"][name] = {"best": t[0], "median": t[len(t) // 2], "calls": len(t), "exact": exact,
                                        "objective": results[name]}
                if t[0] > args.budget:
                    over_budget.add((name, family, kind))
                if name != "koc" and exact and t[0] < best_peer:
                    best_peer, best_peer_median, best_name = t[0], t[len(t) // 2], name
            row["best_peer"] = best_name
            row["ratio_best"] = best_peer / best_koc
            row["ratio_median"] = best_peer_median / sorted(times["koc"])[len(times["koc"]) // 2]
            rows_out.append(row)
            print(format_row(row, peers_order(rows_out)), flush=True)
            del cost
    return rows_out


def peers_order(rows):
    seen = []
    for r in rows:
        for n in r["solvers"]:
            if n not in seen:
                seen.append(n)
    return seen


def format_row(row, names):
    cells = []
    for n in names:
        s = row["solvers"].get(n)
        if s is None:
            cells.append("-")
        else:
            mark = "" if s["exact"] else " (not optimal)"
            cells.append(f"{s['best']:.4f}{mark}")
    shape = "x".join(str(x) for x in row["shape"])
    return (f"| {row['family']} | {shape} | " + " | ".join(cells) +
            f" | {row['best_peer']} | **{row['ratio_best']:.2f}x** | {row['ratio_median']:.2f}x | "
            f"{row['load_before']:.2f} / {row['load_after']:.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,2000,3000,4000,5000", help="square sizes n (n x n)")
    ap.add_argument("--shapes", default="1000x10000,20000x2000", help="rectangular shapes RxC")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--peers", default="scipy,lapjvs,lapjvr,lapjvh")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", type=float, default=20.0, help="seconds; see the module docstring")
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--json", help="write every figure here")
    args = ap.parse_args()

    import koc
    import scipy

    versions = {"koc": koc.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                "python": platform.python_version()}
    try:
        from importlib.metadata import version

        versions["lapx"] = version("lapx")
    except Exception:  # noqa: BLE001 - lapx is optional
        pass
    print(f"{versions}; {os.cpu_count()} CPUs; load average {os.getloadavg()}; rounds {args.rounds}; seed {args.seed}")
    print("best of the rounds, seconds; ratio = the best exact peer's time / koc's (best; median)\n")
    rows = run(args)
    names = peers_order(rows)
    print("\n| family | shape | " + " | ".join(names) + " | best peer | ratio (best) | ratio (median) | load before / after |")
    print("|---|---|" + "---:|" * len(names) + "---|---:|---:|---|")
    for r in rows:
        print(format_row(r, names))
    worst = min(rows, key=lambda r: r["ratio_best"])
    print(f"\nworst case: {worst['family']} {'x'.join(map(str, worst['shape']))}: {worst['ratio_best']:.2f}x "
          f"against {worst['best_peer']}; every koc certificate verified: {all(r['koc_verified'] for r in rows)}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"versions": versions, "args": vars(args), "rows": rows}, f, indent=1)
    return 0 if all(r["koc_verified"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
