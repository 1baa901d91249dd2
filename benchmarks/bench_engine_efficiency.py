"""End-to-end efficiency of the engines on tier classification, results written from the workers.

    .venv/bin/python benchmarks/bench_engine_efficiency.py --kocs 10000000 --workers 2 --partitions 32

The unit is one core's partition throughput: koc's classify of one partition (--kocs / --partitions rows,
the default tier policy with growth gaps) in this process. Each engine then classifies the whole roster,
already held by the engine (Dask: persisted on the workers; Spark: cached), and writes the tiers to Parquet
from its workers (Dask ``to_parquet``, Spark ``write.parquet``), nothing collected to the client. Its
efficiency is its rows/s over (workers x the partition rows/s). The Parquet files are read back and
compared with the single-node koc.classify, column by column and bit for bit, before a time counts.
Prints a Markdown table and one JSON line per engine on standard error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd

import koc
from koc import _distributed as D


def same_tiers(path: str, want: pd.DataFrame, id_column: str = "koc_id") -> None:
    got = pd.read_parquet(path)
    got = got.set_index(id_column).loc[want[id_column].to_numpy()].reset_index()
    assert len(got) == len(want)
    for c in ("score", "gap_views", "tier", "next_tier", "transition"):
        g, w = got[c].to_numpy(), want[c].to_numpy()
        if c in ("score", "gap_views"):
            assert np.array_equal(g.astype(np.float64), w.astype(np.float64), equal_nan=True), c
        else:
            assert np.array_equal(g.astype(str), w.astype(str)), c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kocs", type=int, default=10_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=32)
    ap.add_argument("--engines", default="dask,spark")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    prog = koc.datasets.make_programme(args.kocs, 32, seed=2026)
    roster, policy = prog.roster, prog.tier_policy
    want = koc.classify(roster, policy)
    part = roster.iloc[: len(roster) // args.partitions].reset_index(drop=True)
    best = float("inf")
    for _ in range(3):  # best of three
        t0 = time.perf_counter()
        D.classify_partition(part, koc.TierPolicy(policy).to_json(), None, 0, True, False)
        best = min(best, time.perf_counter() - t0)
    unit = len(part) / best
    rows = []
    out = tempfile.mkdtemp(prefix="koc-eff-")
    try:
        if "dask" in args.engines:
            import dask.dataframe as dd
            import distributed
            import koc.dask as kd
            with kd.local_cluster(args.workers, 1, memory_limit="8GiB") as cluster, distributed.Client(cluster):
                ddf = dd.from_pandas(roster, npartitions=args.partitions).persist()
                distributed.wait(ddf)
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                kd.to_parquet(kd.classify(ddf, policy), f"{out}/dask")
                t = time.perf_counter() - t0
            same_tiers(f"{out}/dask", want)
            rows.append(("koc.dask", t, load, os.getloadavg()[0]))
        if "spark" in args.engines:
            import koc.spark as ks
            from engines import spark_roster
            with spark_roster(roster, args.workers, args.partitions, "koc-efficiency") as (_, sdf):
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                ks.classify(sdf, policy).write.parquet(f"{out}/spark")
                t = time.perf_counter() - t0
            same_tiers(f"{out}/spark", want)
            rows.append(("koc.spark", t, load, os.getloadavg()[0]))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"roster {args.kocs:,} KOCs, {args.partitions} partitions, {args.workers} workers; one core's partition "
          f"throughput {unit:,.0f} rows/s ({len(part):,} rows, best of 3)\n")
    print("| engine | classify + write Parquet, s | rows/s | efficiency (of workers x partition rows/s) | load |")
    print("|---|---|---|---|---|")
    for name, t, l0, l1 in rows:
        rate = args.kocs / t
        print(f"| {name} | {t:.1f} | {rate:,.0f} | {rate / (args.workers * unit):.0%} | {l0:.1f}-{l1:.1f} |")
        print(json.dumps({"engine": name, "seconds": t, "rows_per_s": rate, "unit_rows_per_s": unit,
                          "efficiency": rate / (args.workers * unit)}), file=sys.stderr)


if __name__ == "__main__":
    main()
