"""scipy's min_weight_full_bipartite_matching on a 1:1 capacitated assignment instance (a peer of
bench_capacitated_families for the sparse family).

    python benchmarks/scipy_matching.py INSTANCE.bin [--repeat N]

Only for unit capacities and slots under max_fill_then_score: scipy finds a full matching (every row
matched, which must exist) of maximum total weight, which is then koc's optimum. It is given the
biadjacency matrix as CSR with maximize=True (its documented way to maximise), integer weights
round(score / resolution) as float64, built before the clock starts. Prints one JSON line per solve like
the other runners.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from assignment_families import read  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("instance", type=pathlib.Path)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    inst = read(args.instance)
    if inst.objective != 1 or (inst.capacity != 1).any() or (inst.slots != 1).any():
        print(json.dumps({"solver": "scipy", "error": "not a 1:1 max_fill instance"}))
        return 2
    w = np.rint(inst.score / inst.resolution)
    # Weights must be nonzero to be stored; shift them all by the same amount (a full matching has n
    # pairs, so the argmax is unchanged) and subtract it again from the total.
    shift = 1.0 - w.min()
    m = sp.csr_matrix((w + shift, (inst.koc, inst.task)), shape=(inst.n_kocs, inst.n_tasks))
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        try:
            row, col = min_weight_full_bipartite_matching(m, maximize=True)
        except ValueError as e:  # no full matching
            print(json.dumps({"solver": "scipy", "error": str(e)}))
            return 1
        seconds = time.perf_counter() - t0
        total = int(np.asarray(m[row, col]).sum() - shift * len(row))
        print(json.dumps({"solver": "scipy", "seconds": seconds, "total_units": total, "assigned": int(len(row))}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
