"""OR-Tools' SimpleMinCostFlow on a capacitated assignment instance (the peer of bench_capacitated_families).

    python benchmarks/ortools_capacitated.py INSTANCE.bin [--repeat N]

Prints one JSON line per solve: seconds (solve() alone, the graph built beforehand, as OR-Tools users time
it), the optimal total in score units and the number of pairs, so the driver can check the objective
against koc's. Formulation, as OR-Tools' own assignment-with-capacities examples build it: source -> KOC
(capacity, cost 0), KOC -> task (1, -round(score / resolution)), task -> sink (slots, capped at the task's
degree), source -> sink bypass (cost 0), supplies +/- total KOC capacity; max_score keeps only pairs of
positive score (the others can never raise the total). max_fill_then_score calls
solve_max_flow_with_min_cost() on the same graph without the bypass: the largest flow, then the least cost.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from assignment_families import read  # noqa: E402


def build(inst):
    w = np.rint(inst.score / inst.resolution).astype(np.int64)
    keep = w > 0 if inst.objective == 0 else np.ones(len(w), bool)
    K, T = inst.n_kocs, inst.n_tasks
    src, sink = K + T, K + T + 1
    deg = np.bincount(inst.task[keep], minlength=T)
    cap_k = np.minimum(inst.capacity.astype(np.int64), np.bincount(inst.koc[keep], minlength=K))
    slots = np.minimum(inst.slots.astype(np.int64), deg)
    starts = [np.full(K, src), inst.koc[keep], K + np.arange(T)]
    ends = [np.arange(K), K + inst.task[keep], np.full(T, sink)]
    caps = [cap_k, np.ones(int(keep.sum()), np.int64), slots]
    costs = [np.zeros(K, np.int64), -w[keep], np.zeros(T, np.int64)]
    total = int(cap_k.sum())
    if inst.objective == 0:
        starts.append([src]), ends.append([sink]), caps.append([total]), costs.append([0])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(np.concatenate(starts).astype(np.int32), np.concatenate(ends).astype(np.int32),
                                              np.concatenate(caps).astype(np.int64), np.concatenate(costs).astype(np.int64))
    supplies = np.zeros(K + T + 2, np.int64)
    supplies[src], supplies[sink] = total, -total
    smcf.set_nodes_supplies(np.arange(K + T + 2, dtype=np.int32), supplies)
    pair_arcs = np.arange(K, K + int(keep.sum()))
    return smcf, pair_arcs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("instance", type=pathlib.Path)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    inst = read(args.instance)
    for _ in range(args.repeat):
        smcf, pair_arcs = build(inst)
        t0 = time.perf_counter()
        status = smcf.solve() if inst.objective == 0 else smcf.solve_max_flow_with_min_cost()
        seconds = time.perf_counter() - t0
        if status != smcf.OPTIMAL:
            print(json.dumps({"solver": "ortools", "status": int(status)}), flush=True)
            return 1
        flows = smcf.flows(pair_arcs)
        print(json.dumps({"solver": "ortools", "seconds": seconds, "total_units": -int(smcf.optimal_cost()),
                          "assigned": int(flows.sum())}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
