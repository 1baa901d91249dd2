"""Writes examples/data/sample_roster.csv: a small deterministic roster for the C and C++ examples.

Standard library only, so it runs anywhere: python3 scripts/make_sample_roster.py
"""
import csv
import math
import pathlib
import random

TIERS = ["", "entry", "active", "core", "ambassador"]


def main(n: int = 200, seed: int = 2026) -> None:
    rng = random.Random(seed)
    out = pathlib.Path(__file__).resolve().parent.parent / "examples" / "data" / "sample_roster.csv"
    cols = ["id", "posts", "interactions", "views", "followers", "leads", "tasks_completed", "on_time_rate",
            "quality", "tenure_days", "loyalty", "days_since_active", "honorary", "invited", "clearance",
            "previous_tier", "periods_below"]
    with out.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for i in range(n):
            engaged = rng.random() ** 2  # most KOCs are light users, a few are very engaged
            followers = int(math.exp(rng.gauss(6 + 6 * engaged, 1.5)))
            posts = int(rng.expovariate(1 / (5 + 150 * engaged)))
            prev = rng.choices(TIERS, weights=[15, 45, 25, 12, 3])[0]
            w.writerow([
                10001 + i, posts, int(posts * rng.uniform(5, 80) * (1 + engaged * 20)),
                int(followers * rng.uniform(2, 30)), followers, int(rng.expovariate(1 / (1 + 40 * engaged))),
                int(rng.expovariate(1 / (1 + 60 * engaged))), round(rng.uniform(0.5 + 0.4 * engaged, 1.0), 3),
                round(min(1.0, rng.uniform(0.3, 0.7) + 0.3 * engaged), 3), rng.randint(0, 1500),
                round(rng.random(), 3), rng.randint(0, 120) if engaged < 0.5 else rng.randint(0, 20),
                int(rng.random() < 0.03), int(rng.random() < 0.01 + 0.15 * engaged ** 3), int(rng.random() < 0.2),
                prev, rng.randint(0, 2) if prev else 0,
            ])
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
