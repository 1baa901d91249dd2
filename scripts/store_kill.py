#!/usr/bin/env python3
"""Kills `koc run --state STORE --period P` with SIGKILL at random moments and checks, after each kill,
that the store is exactly at a period boundary (the period wholly there or not at all) and that running
the period again gives, byte for byte, the outputs of an uninterrupted run.

    python scripts/store_kill.py --kills 100 --backend sqlite
    python scripts/store_kill.py --kills 100 --backend postgresql --url postgresql+psycopg://koc@127.0.0.1:5432/koc

Prints one JSON line per trial and a summary; exits 1 on the first violation. python/tests/test_store.py
runs a few kills on every test run; docs/reliability.md records the long runs."""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import time

import pandas as pd
import sqlalchemy

from koc import datasets

TABLES = ("koc_ledger_lines", "koc_tier_state", "koc_files", "koc_periods")


def koc(*args: str, out: pathlib.Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "koc.cli", *args, "--out", str(out), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def month_args(store: str, period: str, roster: pathlib.Path, done: pathlib.Path) -> list[str]:
    d = datasets.sample_dir()
    return ["run", "--state", store, "--period", period, "--roster", str(roster), "--tasks", str(d / "tasks.csv"),
            "--completions", str(done), "--policies", str(d)]


def counts(engine: sqlalchemy.Engine, period: str) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sqlalchemy.text(f"select count(*) from {t} where period = :p"), {"p": period}).scalar_one()
                for t in TABLES}


def stored_outputs(engine: sqlalchemy.Engine, period: str) -> dict[str, bytes]:
    with engine.connect() as conn:
        rows = conn.execute(sqlalchemy.text("select role, content from koc_files where period = :p and role like 'output:%'"),
                            {"p": period}).all()
    return {r[0]: bytes(r[1]) for r in rows if r[0] not in ("output:summary.json", "output:report.html")}


def forget(engine: sqlalchemy.Engine, period: str) -> None:
    with engine.begin() as conn:
        for t in TABLES:
            conn.execute(sqlalchemy.text(f"delete from {t} where period = :p"), {"p": period})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--url", help="postgresql: an empty database's URL")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = pathlib.Path(tempfile.mkdtemp(prefix="koc-kill-"))
    d = datasets.sample_dir()
    roster = pd.read_csv(d / "roster.csv")
    roster.to_csv(work / "may.csv", index=False)
    roster.drop(columns=["previous_tier", "periods_below"]).to_csv(work / "june.csv", index=False)
    done = pd.read_csv(d / "completions.csv")
    done.to_csv(work / "done_may.csv", index=False)
    done.assign(views=done["views"] * 3).to_csv(work / "done_june.csv", index=False)
    store = args.url if args.backend == "postgresql" else str(work / "programme.db")
    engine = sqlalchemy.create_engine(store if "://" in store else "sqlite:///" + store)

    def run(period: str, roster_file: str, done_file: str, out: str) -> subprocess.Popen:
        return koc(*month_args(store, period, work / roster_file, work / done_file), out=work / out)

    p = run("2026-05", "may.csv", "done_may.csv", "may")
    assert p.wait() == 0, p.stderr.read()
    p.stderr.close()
    t0 = time.monotonic()
    p = run("2026-06", "june.csv", "done_june.csv", "reference")
    assert p.wait() == 0, p.stderr.read()
    p.stderr.close()
    full = time.monotonic() - t0
    reference, ref_counts = stored_outputs(engine, "2026-06"), counts(engine, "2026-06")
    forget(engine, "2026-06")
    before, after = 0, 0
    for trial in range(args.kills):
        delay = rng.uniform(0.05, full * 1.05)
        p = run("2026-06", "june.csv", "done_june.csv", f"t{trial}")
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stderr.close()
        c = counts(engine, "2026-06")
        committed = c["koc_periods"] == 1
        if committed and (c != ref_counts or stored_outputs(engine, "2026-06") != reference):
            print(json.dumps({"trial": trial, "violation": "a committed period differs from the uninterrupted run", "counts": c}))
            return 1
        if not committed and any(c.values()):
            print(json.dumps({"trial": trial, "violation": "rows of an uncommitted period", "counts": c}))
            return 1
        if not committed:
            q = run("2026-06", "june.csv", "done_june.csv", f"r{trial}")
            _, err = q.communicate()
            if q.returncode != 0 or stored_outputs(engine, "2026-06") != reference or counts(engine, "2026-06") != ref_counts:
                print(json.dumps({"trial": trial, "violation": "the rerun after a kill differs", "rc": q.returncode,
                                  "stderr": err[-2000:]}))
                return 1
        before += not committed
        after += committed
        print(json.dumps({"trial": trial, "killed_after_s": round(delay, 3), "committed_when_killed": committed}), flush=True)
        forget(engine, "2026-06")
    engine.dispose()
    print(json.dumps({"backend": args.backend, "kills": args.kills, "killed_before_commit": before,
                      "killed_after_commit": after, "violations": 0, "uninterrupted_run_s": round(full, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
