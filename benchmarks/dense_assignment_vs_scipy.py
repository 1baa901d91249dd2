#!/usr/bin/env python3
"""koc's dense assignment against scipy.optimize.linear_sum_assignment on the same matrices.

Usage (from the repository root, after building the bench_dense_assignment target):
    /work/main/.venv/bin/python benchmarks/dense_assignment_vs_scipy.py \
        --binary build-dense/benchmarks/bench_dense_assignment [--repeat 3] [--sizes 1000x1000,...]

Generates uniform [0, 1) float64 matrices with a fixed seed, writes them as raw row-major float64 files,
times scipy in this process (best of --repeat) and the koc binary on the same files (best of --repeat,
file reading excluded on both sides), checks that both objectives agree, and prints a Markdown table.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

DEFAULT_SIZES = "1000x1000,2000x2000,4000x4000,1000x10000"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True, help="path to bench_dense_assignment")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default=DEFAULT_SIZES)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    rows_out = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="koc_dense_bench_") as tmp:
        for spec in args.sizes.split(","):
            r, c = (int(x) for x in spec.split("x"))
            cost = rng.random((r, c))
            path = os.path.join(tmp, f"cost_{r}x{c}.bin")
            cost.tofile(path)

            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                ri, ci = linear_sum_assignment(cost)
                times.append(time.perf_counter() - t0)
            scipy_best = min(times)
            scipy_obj = float(cost[ri, ci].sum())

            out = subprocess.run([args.binary, "--repeat", str(args.repeat), path, str(r), str(c)],
                                 check=True, capture_output=True, text=True).stdout.split()
            koc_best, koc_obj, verify = float(out[3]), float(out[5]), out[6]
            same = abs(koc_obj - scipy_obj) <= 1e-9 * max(1.0, abs(scipy_obj))
            ok = ok and same and verify == "ok"
            rows_out.append((f"{r} x {c}", scipy_best, koc_best, scipy_best / koc_best, scipy_obj, koc_obj,
                             "yes" if same else "NO", verify))
            del cost
            os.remove(path)

    print(f"seed {args.seed}, uniform [0, 1) costs, best of {args.repeat}, minimise\n")
    print("| size | scipy (s) | koc (s) | speed-up | scipy objective | koc objective | same | verify |")
    print("|---|---:|---:|---:|---:|---:|:-:|:-:|")
    for size, ts, tk, ratio, os_, ok_, same, ver in rows_out:
        print(f"| {size} | {ts:.3f} | {tk:.3f} | {ratio:.2f}x | {os_:.12f} | {ok_:.12f} | {same} | {ver} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
