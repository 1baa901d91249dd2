"""Capacitated assignment: koc against its peers on every instance family, interleaved, objectives checked.

    ./setup.sh bench                                   # builds build-bench/benchmarks/bench_capacitated_families
    python benchmarks/assignment_families.py --out benchmarks/out/families
    python benchmarks/bench_capacitated_families.py benchmarks/out/families --rounds 3 --markdown

For each instance, every solver runs once per round in the order koc, peer 1, koc, peer 2, ... (A B A B),
each in a fresh process (cold caches, the same way for everyone), with a time limit per run. Seconds are
what each runner reports (koc: the whole library call; peers: their solve call alone, graph built
beforehand: see bench_capacitated_families.cpp and ortools_capacitated.py). A run counts only when its
total and pair count equal koc's (all are exact solvers). Per instance the median of the rounds is
reported, the best peer's median, their ratio, and the load average before and after.

Peers: OR-Tools SimpleMinCostFlow (pip ortools), LEMON NetworkSimplex, CostScaling and CapacityScaling
(Debian liblemon-dev), and on the 1:1 sparse family under max_fill scipy's min_weight_full_bipartite_matching;
--peers picks some. A peer that fails or passes the time limit once is not run again on that instance
(reported as "> limit"). Results go to stdout (and --json FILE, one record per run).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = ("ortools", "lemon-ns", "lemon-cs", "lemon-cap", "scipy")


def runner(solver: str, instance: pathlib.Path, binary: pathlib.Path) -> list[str]:
    if solver == "ortools":
        return [sys.executable, str(HERE / "ortools_capacitated.py"), str(instance)]
    if solver == "scipy":
        return [sys.executable, str(HERE / "scipy_matching.py"), str(instance)]
    return [str(binary), str(instance), "--solver", solver]


def run_once(solver: str, instance: pathlib.Path, binary: pathlib.Path, timeout: float) -> dict:
    t0 = time.perf_counter()
    try:
        p = subprocess.run(runner(solver, instance, binary), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"solver": solver, "timeout": timeout}
    if p.returncode != 0:
        return {"solver": solver, "error": (p.stderr or p.stdout).strip()[-400:]}
    rec = json.loads(p.stdout.strip().splitlines()[-1])
    rec["wall"] = time.perf_counter() - t0
    return rec


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("instances", type=pathlib.Path, help="a folder of .bin instances or one file")
    ap.add_argument("--binary", type=pathlib.Path, default=ROOT / "build-bench/benchmarks/bench_capacitated_families")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    ap.add_argument("--match", default="", help="only instances whose name contains this")
    ap.add_argument("--json", type=pathlib.Path)
    ap.add_argument("--markdown", action="store_true", help="print the summary as a Markdown table")
    args = ap.parse_args()
    files = sorted(args.instances.glob("*.bin")) if args.instances.is_dir() else [args.instances]
    files = [f for f in files if args.match in f.stem]
    all_peers = [p for p in args.peers.split(",") if p]
    out = open(args.json, "a") if args.json else None
    rows = []
    for f in files:
        # scipy's matching solves only 1:1 instances under max_fill (the sparse family's "-fill" ones).
        peers = [p for p in all_peers if p != "scipy" or (f.stem.startswith("sparse-") and f.stem.endswith("-fill"))]
        load0 = os.getloadavg()[0]
        times: dict[str, list[float]] = {s: [] for s in ["koc"] + peers}
        notes: dict[str, str] = {}
        ref = None
        gave_up = set()
        for rnd in range(args.rounds):
            for peer in peers:
                for solver in ("koc", peer):
                    if solver in gave_up or (solver == "koc" and len(times["koc"]) > rnd):
                        continue
                    rec = run_once(solver, f, args.binary, args.timeout)
                    rec.update(instance=f.stem, round=rnd)
                    if out:
                        out.write(json.dumps(rec) + "\n")
                        out.flush()
                    if "timeout" in rec or "error" in rec:
                        notes[solver] = f"> {args.timeout:.0f} s" if "timeout" in rec else "error: " + rec["error"][:80]
                        gave_up.add(solver)  # one failed run is enough: no more rounds for it
                        continue
                    key = (rec["total_units"], rec["assigned"])
                    if solver == "koc":
                        ref = key if ref is None else ref
                        if key != ref:
                            notes["koc"] = "koc's total changed between runs"
                    elif ref is not None and key != ref:
                        notes[solver] = f"OBJECTIVE DIFFERS: {key} vs koc {ref}"
                        gave_up.add(solver)
                        continue
                    times[solver].append(rec["seconds"])
        load1 = os.getloadavg()[0]
        med = {s: statistics.median(v) for s, v in times.items() if v}
        koc_t = med.get("koc", math.nan)
        peer_t = {s: t for s, t in med.items() if s != "koc"}
        best = min(peer_t, key=peer_t.get) if peer_t else None
        rows.append((f.stem, koc_t, med, notes, best, load0, load1))
        line = f"{f.stem}: koc {koc_t:.3f} s" + "".join(f", {p} {med[p]:.3f} s" for p in peers if p in med)
        line += "".join(f", {s} {n}" for s, n in notes.items())
        if best:
            line += f"; best peer {best}: koc {peer_t[best] / koc_t:.2f}x faster"
        print(line + f" (load {load0:.2f} -> {load1:.2f})", flush=True)
    if args.markdown:
        print("\n| instance | koc s | " + " | ".join(f"{p} s" for p in all_peers) + " | best peer / koc | load |")
        print("|---" * (len(all_peers) + 4) + "|")
        for name, koc_t, med, notes, best, l0, l1 in rows:
            cells = [f"{med[p]:.3f}" if p in med else notes.get(p, "-") for p in all_peers]
            ratio = f"**{med[best] / koc_t:.2f}x**" if best else "-"
            print(f"| {name} | {koc_t:.3f} | " + " | ".join(cells) + f" | {ratio} | {l0:.2f}-{l1:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
