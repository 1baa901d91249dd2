"""Log-log slopes of koc's time against the candidate graph's size, per instance family.

    python benchmarks/family_slopes.py DIR1 DIR2 ... --json RUNS1.json RUNS2.json ...

DIRs hold the instance files (benchmarks/assignment_families.py), the JSON files the runs
(benchmarks/bench_capacitated_families.py --json). A family's sizes share a name but for the size token
(programme-100k-128-fill, programme-300k-128-fill, ...). The slope is the least-squares fit of
log(median seconds) on log(pairs); the target is at most 1.2.
"""
from __future__ import annotations

import argparse
import collections
import json
import pathlib
import re
import statistics
import struct

import numpy as np


def n_pairs(path: pathlib.Path) -> int:
    with open(path, "rb") as f:
        head = f.read(32)
    assert head[:8] == b"KOCCAP01", path
    return struct.unpack("<qqq", head[8:32])[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=pathlib.Path)
    ap.add_argument("--json", nargs="+", type=pathlib.Path, required=True)
    ap.add_argument("--solver", default="koc")
    args = ap.parse_args()
    pairs = {p.stem: n_pairs(p) for d in args.dirs for p in d.glob("*.bin")}
    times: dict[str, list[float]] = collections.defaultdict(list)
    for j in args.json:
        for line in j.read_text().splitlines():
            rec = json.loads(line)
            if rec.get("solver") == args.solver and "seconds" in rec:
                times[rec["instance"]].append(rec["seconds"])
    families: dict[str, list[tuple[int, float, str]]] = collections.defaultdict(list)
    for name, ts in times.items():
        if name in pairs:
            families[re.sub(r"^([a-z]+)-\d+k", r"\1-*", name)].append((pairs[name], statistics.median(ts), name))
    print("| family | sizes (pairs) | median seconds | slope |")
    print("|---|---|---|---|")
    for fam in sorted(families):
        pts = sorted(families[fam])
        if len(pts) < 2:
            continue
        x, y = np.log([p for p, _, _ in pts]), np.log([t for _, t, _ in pts])
        slope = float(np.polyfit(x, y, 1)[0])
        print(f"| {fam} | {', '.join(f'{p / 1e6:.2g}M' for p, _, _ in pts)} | "
              f"{', '.join(f'{t:.3g}' for _, t, _ in pts)} | {slope:.2f}{'' if slope <= 1.2 else ' (over 1.2)'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
