"""Instance families for the capacitated assignment benchmark (benchmarks/bench_capacitated_families.py).

Each family is a shape that programmes produce, generated with fixed seeds at several sizes, so that a
result holds for a shape and not for one instance:

  programme  koc.datasets.make_programme(n, tasks) -> classify -> candidates (default policies): many
             KOCs, few tasks, small limited slots beside unlimited broadcast tasks
  uniform    the 20,000 x 500 transportation instance: 50 random candidates per KOC, capacity 1-3, slots
             10-100, cost 0-10,000, every slot filled at least cost (max_fill, resolution 1); 'tight' scales
             the slots to 98% of the capacity, 'slack' leaves them at ~70%
  zipf       popularity skew: each KOC's 20 candidates drawn by a Zipf(1.1) law over 1,000 tasks (a few
             tasks wanted by nearly everyone), heavy-tailed (lognormal) scores
  sparse     1:1 sparse: unit capacities and slots, n x n, 20 random candidates per row
  huge       few huge tasks: 2 unlimited and 3 tasks of 10^5 slots, each open to ~40% of the KOCs, beside
             2,000 small tasks (1-20 slots, 10 candidates per KOC)
  long       long rows and big capacities: 500 candidates per KOC over 2,000 tasks, capacity 1-50
  ties       heavy ties: integer scores 0..10, 20 candidates per KOC over 1,000 tasks
  scale      programme scale: 1,000,000 KOCs x 10,000 tasks x 50 random candidates (50M pairs), capacity
             1-3, slots 10-100, every slot filled at least cost (max_fill, resolution 1)

File format (little-endian; one instance per file, read by koc's benchmark binary and by the peers):
  8 bytes "KOCCAP01"; int64 n_kocs, n_tasks, n_pairs; int32 objective (0 max_score, 1 max_fill_then_score),
  int32 0; float64 score_resolution; int64 offsets[n_kocs + 1] (CSR over KOCs, tasks ascending in a row);
  int32 task[n_pairs]; float64 score[n_pairs]; int32 capacity[n_kocs]; int32 slots[n_tasks]
  (2^31 - 1 = unlimited).

    python benchmarks/assignment_families.py --out benchmarks/out/families             # every family, every size
    python benchmarks/assignment_families.py --out DIR --family zipf --size small
"""
from __future__ import annotations

import argparse
import pathlib
import sys
from dataclasses import dataclass

import numpy as np

UNLIMITED = 2**31 - 1
MAGIC = b"KOCCAP01"


@dataclass
class Instance:
    name: str
    n_kocs: int
    n_tasks: int
    koc: np.ndarray    # int64 per pair
    task: np.ndarray   # int64 per pair
    score: np.ndarray  # float64 per pair
    capacity: np.ndarray
    slots: np.ndarray
    objective: int = 0          # 0 max_score, 1 max_fill_then_score
    resolution: float = 1e-6


def write(inst: Instance, path: pathlib.Path) -> None:
    order = np.lexsort((inst.task, inst.koc))
    koc, task, score = inst.koc[order], inst.task[order], inst.score[order]
    if len(koc) > 1 and ((koc[1:] == koc[:-1]) & (task[1:] == task[:-1])).any():
        raise ValueError(f"{inst.name}: a pair is listed twice")
    offsets = np.zeros(inst.n_kocs + 1, np.int64)
    np.cumsum(np.bincount(koc, minlength=inst.n_kocs), out=offsets[1:])
    with open(path, "wb") as f:
        f.write(MAGIC)
        np.array([inst.n_kocs, inst.n_tasks, len(koc)], "<i8").tofile(f)
        np.array([inst.objective, 0], "<i4").tofile(f)
        np.array([inst.resolution], "<f8").tofile(f)
        offsets.astype("<i8").tofile(f)
        task.astype("<i4").tofile(f)
        score.astype("<f8").tofile(f)
        inst.capacity.astype("<i4").tofile(f)
        inst.slots.astype("<i4").tofile(f)


def read(path: pathlib.Path) -> Instance:
    with open(path, "rb") as f:
        if f.read(8) != MAGIC:
            raise ValueError(f"{path}: not a KOCCAP01 instance")
        n_kocs, n_tasks, n_pairs = np.fromfile(f, "<i8", 3)
        objective, _ = np.fromfile(f, "<i4", 2)
        (resolution,) = np.fromfile(f, "<f8", 1)
        offsets = np.fromfile(f, "<i8", n_kocs + 1)
        task = np.fromfile(f, "<i4", n_pairs).astype(np.int64)
        score = np.fromfile(f, "<f8", n_pairs)
        capacity = np.fromfile(f, "<i4", n_kocs)
        slots = np.fromfile(f, "<i4", n_tasks)
    koc = np.repeat(np.arange(n_kocs, dtype=np.int64), np.diff(offsets))
    return Instance(path.stem, int(n_kocs), int(n_tasks), koc, task, score, capacity, slots, int(objective),
                    float(resolution))


def _distinct_per_row(rng: np.random.Generator, n_rows: int, per_row: int, n_cols: int,
                      p: np.ndarray | None = None) -> np.ndarray:
    """n_rows x per_row distinct column indices (sampled with replacement, duplicates redrawn)."""
    cols = rng.choice(n_cols, size=(n_rows, per_row), p=p) if p is not None else rng.integers(0, n_cols, (n_rows, per_row))
    for _ in range(200):
        s = np.sort(cols, axis=1)
        dup_rows = np.flatnonzero((s[:, 1:] == s[:, :-1]).any(axis=1))
        if len(dup_rows) == 0:
            return cols
        s = s[dup_rows]
        dup = np.zeros_like(s, dtype=bool)
        dup[:, 1:] = s[:, 1:] == s[:, :-1]
        redraw = rng.choice(n_cols, size=int(dup.sum()), p=p) if p is not None else rng.integers(0, n_cols, int(dup.sum()))
        s[dup] = redraw
        cols[dup_rows] = s
    raise RuntimeError("could not draw distinct columns")


def _edges(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, d = rows.shape
    return np.repeat(np.arange(n, dtype=np.int64), d), rows.reshape(-1).astype(np.int64)


def programme(n_kocs: int, n_tasks: int, seed: int = 2026) -> list[Instance]:
    """The same programme under both objectives."""
    import koc  # the installed package (pip install .)

    prog = koc.datasets.make_programme(n_kocs, n_tasks, seed=seed)
    tiers = koc.classify(prog.roster, prog.tier_policy, growth_gaps=False)
    e = koc.candidates(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    slots = prog.tasks["slots"].to_numpy(np.int64)
    cols = (e["koc_row"].to_numpy(np.int64), e["task_row"].to_numpy(np.int64), e["score"].to_numpy(np.float64),
            prog.roster["capacity"].to_numpy(np.int64), np.where(slots < 0, UNLIMITED, slots))
    return [Instance(f"programme-{n_kocs // 1000}k-{n_tasks}-{'fill' if o else 'score'}", n_kocs, n_tasks, *cols, o)
            for o in (0, 1)]


def uniform(n_kocs: int, n_tasks: int, fill_ratio: float, seed: int = 20240611) -> Instance:
    rng = np.random.default_rng(seed)
    rows = _distinct_per_row(rng, n_kocs, 50, n_tasks)
    koc, task = _edges(rows)
    cost = rng.integers(0, 10001, len(koc))
    capacity = rng.integers(1, 4, n_kocs)
    slots = rng.integers(10, 101, n_tasks)
    if fill_ratio > 0:
        slots = np.floor(slots * (fill_ratio * capacity.sum() / slots.sum())).astype(np.int64)
    name = f"uniform-{n_kocs // 1000}k-{'tight' if fill_ratio > 0 else 'slack'}"
    return Instance(name, n_kocs, n_tasks, koc, task, -cost.astype(np.float64), capacity, slots, 1, 1.0)


def scale(n_kocs: int = 1_000_000, n_tasks: int = 10_000, per_koc: int = 50, seed: int = 7) -> Instance:
    rng = np.random.default_rng(seed)
    rows = _distinct_per_row(rng, n_kocs, per_koc, n_tasks)
    koc, task = _edges(rows)
    del rows
    cost = rng.integers(0, 10001, len(koc)).astype(np.float64)
    capacity = rng.integers(1, 4, n_kocs)
    slots = rng.integers(10, 101, n_tasks)
    return Instance(f"scale-{n_kocs // 1000}k-{n_tasks // 1000}k", n_kocs, n_tasks, koc, task, -cost, capacity, slots, 1, 1.0)


def zipf(n_kocs: int, seed: int = 11) -> Instance:
    rng = np.random.default_rng(seed)
    n_tasks = 1000
    p = 1.0 / np.arange(1, n_tasks + 1) ** 1.1
    p = rng.permutation(p / p.sum())
    rows = _distinct_per_row(rng, n_kocs, 20, n_tasks, p)
    koc, task = _edges(rows)
    score = np.round(np.exp(rng.normal(0.0, 1.5, len(koc))), 6)
    capacity = rng.integers(1, 4, n_kocs)
    slots = rng.integers(10, 101, n_tasks) * max(1, n_kocs // 100_000)
    return Instance(f"zipf-{n_kocs // 1000}k", n_kocs, n_tasks, koc, task, score, capacity, slots)


def sparse(n: int, objective: int, seed: int = 5) -> Instance:
    rng = np.random.default_rng(seed)
    rows = _distinct_per_row(rng, n, 20, n)
    koc, task = _edges(rows)
    score = np.round(rng.random(len(koc)), 6)
    ones = np.ones(n, np.int64)
    return Instance(f"sparse-{n // 1000}k-{'fill' if objective else 'score'}", n, n, koc, task, score, ones, ones.copy(),
                    objective)


def huge(n_kocs: int, seed: int = 17) -> Instance:
    rng = np.random.default_rng(seed)
    n_small = 2000
    rows = _distinct_per_row(rng, n_kocs, 10, n_small)
    koc, task = _edges(rows)
    big_k, big_t = [], []
    for j in range(5):
        members = np.flatnonzero(rng.random(n_kocs) < 0.4)
        big_k.append(members)
        big_t.append(np.full(len(members), n_small + j, np.int64))
    koc = np.concatenate([koc] + big_k)
    task = np.concatenate([task] + big_t)
    score = np.round(rng.random(len(koc)), 6)
    capacity = rng.integers(1, 4, n_kocs)
    slots = np.concatenate([rng.integers(1, 21, n_small), [UNLIMITED, UNLIMITED, 100_000, 100_000, 100_000]])
    return Instance(f"huge-{n_kocs // 1000}k", n_kocs, n_small + 5, koc, task, score, capacity, slots)


def long_rows(n_kocs: int, seed: int = 23) -> Instance:
    rng = np.random.default_rng(seed)
    n_tasks = 2000
    rows = _distinct_per_row(rng, n_kocs, 500, n_tasks)
    koc, task = _edges(rows)
    score = np.round(rng.random(len(koc)), 6)
    capacity = rng.integers(1, 51, n_kocs)
    slots = rng.integers(1, 100, n_tasks)
    slots = np.maximum(1, np.floor(slots * (0.8 * capacity.sum() / slots.sum()))).astype(np.int64)
    return Instance(f"long-{n_kocs // 1000}k", n_kocs, n_tasks, koc, task, score, capacity, slots)


def ties(n_kocs: int, seed: int = 29) -> Instance:
    rng = np.random.default_rng(seed)
    n_tasks = 1000
    rows = _distinct_per_row(rng, n_kocs, 20, n_tasks)
    koc, task = _edges(rows)
    score = rng.integers(0, 11, len(koc)).astype(np.float64)
    capacity = rng.integers(1, 4, n_kocs)
    slots = rng.integers(10, 101, n_tasks) * max(1, n_kocs // 50_000)
    return Instance(f"ties-{n_kocs // 1000}k", n_kocs, n_tasks, koc, task, score, capacity, slots, 0, 1.0)


# family -> size -> list of instance builders (small, medium, large: for the growth slope).
FAMILIES = {
    "programme": {
        "small": [lambda t=t: programme(100_000, t) for t in (32, 128, 512)],
        "medium": [lambda t=t: programme(300_000, t) for t in (32, 128, 512)],
        "large": [lambda t=t: programme(1_000_000, t) for t in (32, 128, 512)],
    },
    "uniform": {
        "small": [lambda: uniform(20_000, 500, 0.0), lambda: uniform(20_000, 500, 0.98)],
        "medium": [lambda: uniform(60_000, 1500, 0.0), lambda: uniform(60_000, 1500, 0.98)],
        "large": [lambda: uniform(200_000, 5000, 0.0), lambda: uniform(200_000, 5000, 0.98)],
    },
    "zipf": {"small": [lambda: zipf(30_000)], "medium": [lambda: zipf(100_000)], "large": [lambda: zipf(300_000)]},
    "sparse": {
        "small": [lambda o=o: sparse(10_000, o) for o in (0, 1)],
        "medium": [lambda o=o: sparse(30_000, o) for o in (0, 1)],
        "large": [lambda o=o: sparse(100_000, o) for o in (0, 1)],
    },
    "huge": {"small": [lambda: huge(50_000)], "medium": [lambda: huge(150_000)], "large": [lambda: huge(500_000)]},
    "long": {"small": [lambda: long_rows(2_000)], "medium": [lambda: long_rows(6_000)], "large": [lambda: long_rows(20_000)]},
    "ties": {"small": [lambda: ties(30_000)], "medium": [lambda: ties(100_000)], "large": [lambda: ties(300_000)]},
    "scale": {"small": [], "medium": [], "large": [lambda: scale()]},
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--family", action="append", choices=sorted(FAMILIES))
    ap.add_argument("--size", action="append", choices=("small", "medium", "large"))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for fam in args.family or FAMILIES:
        for size in args.size or ("small", "medium", "large"):
            for build in FAMILIES[fam][size]:
                built = build()
                for inst in built if isinstance(built, list) else [built]:
                    path = args.out / f"{inst.name}.bin"
                    write(inst, path)
                    print(f"{path}: {inst.n_kocs} KOCs x {inst.n_tasks} tasks, {len(inst.koc)} pairs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
