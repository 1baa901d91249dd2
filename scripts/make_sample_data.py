#!/usr/bin/env python3
"""Regenerates the bundled sample programme in python/koc/data/sample/ (what koc.datasets.load_sample reads).

    .venv/bin/python scripts/make_sample_data.py          # rewrite the files
    .venv/bin/python scripts/make_sample_data.py --check  # exit 1 if the files differ from a fresh generation

The programme is koc.datasets.make_programme(5000, 60, seed=2026); the completions are
simulate_completions of its optimal matching plan. Everything is deterministic, so the files only change
when the generator, the tier engine or the matcher changes.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import koc
from koc import datasets

N_KOCS, N_TASKS, SEED = 5000, 60, datasets.SAMPLE_SEED
OUT = pathlib.Path(__file__).resolve().parents[1] / "python" / "koc" / "data" / "sample"


def generate() -> dict[str, str]:
    prog = datasets.make_programme(N_KOCS, N_TASKS, SEED)
    tiers = koc.classify(prog.roster, prog.tier_policy, growth_gaps=False)
    plan = koc.match(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    plan.verify()
    done = prog.simulate_completions(plan.assignments, seed=SEED)
    csv = dict(index=False, lineterminator="\n", float_format="%.10g")
    return {"roster.csv": prog.roster.to_csv(**csv), "tasks.csv": prog.tasks.to_csv(**csv),
            "completions.csv": done.to_csv(**csv), "tier_policy.json": prog.tier_policy,
            "matching_policy.json": prog.matching_policy, "reward_policy.json": prog.reward_policy}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    files = generate()
    if args.check:
        stale = [n for n, text in files.items() if not (OUT / n).exists() or (OUT / n).read_text(encoding="utf-8") != text]
        for n in stale:
            print(f"stale: {OUT / n}", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for n, text in files.items():
        (OUT / n).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / n} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
