"""Exact matching on a Dask LocalCluster: the candidate graph gathered to the client and solved there
(``solve="gather"``) against distributed pricing (``solve="priced"``: the client holds part of the graph,
the workers check every edge against its certificate), on the same generated programme.

    .venv/bin/python benchmarks/bench_priced_match.py --kocs 1000000 --tasks 128 --repeat 2
        [--objective max_fill] [--engine spark]

Each measurement is a fresh process (the programme generated with a fixed seed, a LocalCluster of
--workers single-threaded workers on 127.0.0.1; with --engine spark, a local[--workers] session pinned to
127.0.0.1 holding the roster cached in --partitions partitions), the two methods interleaved A B A B; a time counts only
when its optimal total (in score units) equals the other method's. Reported per run: the match() call's
seconds and its split, the rounds of pricing, the edges held by the client, and the client's memory:
its peak resident set during match() above the resident set just before it (sampled every 10 ms from
/proc/self/statm). Prints a Markdown table and, with --json, writes every run.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child(args) -> None:
    import warnings
    warnings.simplefilter("ignore")
    import koc
    prog = koc.datasets.make_programme(args.kocs, args.tasks, seed=args.seed)
    tasks, policy, tier_policy, pdf = prog.tasks, prog.matching_policy, prog.tier_policy, prog.roster
    del prog
    if args.engine == "spark":
        import koc.spark as ks
        from engines import spark_roster
        with spark_roster(pdf, args.workers, args.partitions, "koc-priced", driver_memory="8g") as (_, roster):
            del pdf
            measure(args, lambda: ks.match(roster, tasks, policy, tier_policy=tier_policy, solve=args.child,
                                           objective=args.objective))
        return
    import dask.dataframe as dd
    import distributed
    import koc.dask as kd
    with kd.local_cluster(args.workers, 1, memory_limit=args.worker_memory) as cluster, distributed.Client(cluster):
        roster = dd.from_pandas(pdf, npartitions=args.partitions).persist()
        distributed.wait(roster)
        del pdf  # the workers hold the roster now; the client keeps only what match() brings back
        measure(args, lambda: kd.match(roster, tasks, policy, tier_policy=tier_policy, solve=args.child,
                                       objective=args.objective))


def measure(args, call) -> None:
    """Runs call() once, printing its time, rounds and the client's (driver's) peak memory above its start."""
    gc.collect()
    base = rss_bytes()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_bytes())
            time.sleep(0.01)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    load = os.getloadavg()[0]
    t = time.perf_counter()
    m = call()
    seconds = time.perf_counter() - t
    stop.set()
    th.join()
    held = m.rounds[-1]["driver_edges"] if m.rounds else m.n_edges
    print(json.dumps({"solve": args.child, "seconds": seconds, "total_units": m.total_units, "n_edges": m.n_edges,
                      "client_edges": held, "rounds": len(m.rounds) or None,
                      "added": [r["violations_added"] for r in m.rounds],
                      "timings": m.timings, "client_peak_mib": (peak[0] - base) / 2**20,
                      "load_start": load, "load_end": os.getloadavg()[0]}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kocs", type=int, default=1_000_000)
    ap.add_argument("--tasks", type=int, default=128)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--worker-memory", default="8GiB")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--methods", default="gather,priced")
    ap.add_argument("--objective", default="max_score", choices=["max_score", "max_fill"])
    ap.add_argument("--engine", default="dask", choices=["dask", "spark"])
    ap.add_argument("--json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    runs = []
    for rep in range(args.repeat):
        for method in args.methods.split(","):
            cmd = [sys.executable, __file__, "--child", method] + [a for a in sys.argv[1:] if a not in ("--json", args.json)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            run = json.loads(out)
            run["repeat"] = rep
            runs.append(run)
            print(json.dumps(run), file=sys.stderr)
    totals = {r["total_units"] for r in runs}
    assert len(totals) == 1, f"methods disagree on the optimum: {totals}"
    engine = f"LocalCluster({args.workers})" if args.engine == "dask" else f"Spark local[{args.workers}]"
    print(f"programme {args.kocs:,} KOCs x {args.tasks} tasks (seed {args.seed}), {runs[0]['n_edges']:,} candidate edges, "
          f"{engine}, {args.partitions} partitions, {args.objective}\n")
    print("| solve | run | match() s | split s | rounds | edges on the client | client memory, MiB | load |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        split = ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items())
        print(f"| {r['solve']} | {r['repeat'] + 1} | {r['seconds']:.2f} | {split} | {r['rounds'] or '-'} | "
              f"{r['client_edges']:,} ({r['client_edges'] / r['n_edges']:.0%}) | {r['client_peak_mib']:.0f} | "
              f"{r['load_start']:.1f}-{r['load_end']:.1f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
