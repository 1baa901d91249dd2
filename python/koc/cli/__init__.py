"""The `koc` command: the whole job (tiers → matching → rewards) on a programme's files, or one stage of it.

    koc demo                                  # the bundled sample programme into ./koc-demo/
    koc run --roster R --tasks T --completions C --policies P/ --out OUT/
    koc validate --roster R --tasks T --completions C --policies P/

Every user mistake (missing file, misspelt column, bad value, invalid policy) is printed as one line per
problem with the file, the row and the field, and ends the command with a documented exit code; a
Python traceback only ever means a bug in koc.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
import traceback
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .. import Error, __version__
from ..tiers import METRICS
from ..matching import validate_tasks
from ..rewards import validate_rewards
from ..tiers import validate as _validate_roster
from .. import store as _store_mod
from . import _io, _pipeline, _store
from ._io import (EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_OUTPUT, EXIT_POLICY, EXIT_TIMEOUT, EXIT_USAGE, Problem,
                  UserError)
from ._progress import Progress

__all__ = ["main"]

EXIT_CODES = f"""exit codes:
  {EXIT_OK}  success
  {EXIT_INTERNAL}  internal error (a bug in koc; the message asks you to report it)
  {EXIT_USAGE}  wrong command line (unknown option, missing argument)
  {EXIT_INPUT}  an input file is missing, unreadable, or has a missing column or a bad value
  {EXIT_POLICY}  a policy file is missing or invalid
  {EXIT_OUTPUT}  an output file could not be written
  {EXIT_TIMEOUT}  the matching did not finish within --time-limit (nothing written)
  {_store.EXIT_STORE}  the programme store refuses: period already committed or out of order, a newer schema, not a store
  {_store.EXIT_REPLAY}  koc replay: a recomputed period differs from the stored one
"""

EXAMPLES = """examples:
  koc demo                                   run everything on the bundled sample, into ./koc-demo/
  koc demo --out /tmp/demo --quiet
  koc run --roster kocs.csv --tasks tasks.csv --completions done.csv --policies policies/ --out results/
  koc classify --roster kocs.parquet --policy policies/tier_policy.json --out tiers.csv
  koc match --roster kocs.csv --tasks tasks.csv --policies policies/ --out plan/
  koc rewards --roster kocs.csv --tasks tasks.csv --completions done.csv --policies policies/ --out ledger.csv
  koc what-if --roster kocs.csv --old policies/tier_policy.json --new proposed.json
  koc statement --koc 100001 --roster kocs.csv --tasks tasks.csv --completions done.csv --policies policies/ \
                --out 100001.html                  (or .csv, .txt)
  koc points --policies policies/ --as-of 2026-06-30 --ledger 2026-05/ledger.csv=2026-05-31 --out points.csv
  koc validate --roster kocs.csv --tasks tasks.csv --completions done.csv --policies policies/
  koc run --state programme.db --period 2026-11 --roster kocs.csv --tasks tasks.csv --completions done.csv \
          --policies policies/ --out 2026-11/     (a month of a programme kept in a store)
  koc periods --state programme.db;  koc history --state programme.db --koc 100001
  koc replay --state programme.db --period 2026-11

A policies folder holds reward_policy.json and, optionally, tier_policy.json and matching_policy.json
(the library's defaults when absent). Tables are CSV (UTF-8, header line) or Parquet (.parquet).
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits with 2 already; keep its one-line style
        self.print_usage(sys.stderr)
        sys.stderr.write(f"koc: error: {message}\n(run 'koc {self.prog.split()[-1] if ' ' in self.prog else ''} --help' for the options)\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    p = _Parser(prog="koc", description="Tiers, matching and rewards for Key Opinion Consumer programmes.",
                epilog=EXAMPLES + "\n" + EXIT_CODES, formatter_class=fmt)
    p.add_argument("--version", action="version", version=f"koc {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_: str, epilog: str) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=help_, description=help_, epilog=epilog + "\n" + EXIT_CODES, formatter_class=fmt)
        s.add_argument("-q", "--quiet", action="store_true", help="no progress or warnings on stderr")
        return s

    s = add("demo", "Run the whole job on the bundled sample programme (5,000 KOCs, 60 tasks) and summarise it.",
            "examples:\n  koc demo\n  koc demo --out /tmp/koc-demo\n")
    s.add_argument("--out", default="koc-demo", help="output folder (default: ./koc-demo)")

    s = add("run", "Tiers, matching and rewards on your files; writes tiers.csv, assignments.csv, unassigned.csv, "
                   "ledger.csv, summary.json and report.html.",
            "examples:\n  koc run --roster kocs.csv --tasks tasks.csv --completions done.csv --policies policies/ --out results/\n")
    s.add_argument("--roster", required=True, help="KOC table (CSV or Parquet)")
    s.add_argument("--tasks", required=True, help="task table (CSV or Parquet)")
    s.add_argument("--completions", required=True, help="completion records: the (koc_id, task_id) work actually done")
    s.add_argument("--policies", required=True, help="folder with reward_policy.json (+ tier_policy.json, matching_policy.json)")
    s.add_argument("--out", required=True, help="output folder (created if needed)")
    s.add_argument("--mode", choices=("optimal", "stable"), default="optimal", help="matching mode (default optimal)")
    s.add_argument("--objective", choices=("max_score", "max_fill"), default="max_score", help="optimal matching objective")
    s.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop the optimal matching after this long (exit code 1, nothing written)")
    s.add_argument("--settled", nargs="+", metavar="LEDGER",
                   help="ledger.csv files of earlier runs: pay only what they did not (see docs/state-tables.md)")
    s.add_argument("--state", metavar="TIER_STATE|STORE",
                   help="last period's tier_state.csv (or tiers.csv): previous tiers, grace counters, honours kept "
                        "for life; or a programme store (a .db/.sqlite file or a database URL such as "
                        "postgresql+psycopg://koc@127.0.0.1/koc) that keeps every period: then --period is needed")
    s.add_argument("--period", help="with a store: this period's name (e.g. 2026-11); periods are committed in order")
    s.add_argument("--replace", action="store_true",
                   help="with a store: recompute a committed period from these files, and every later period from its "
                        "stored inputs, in one transaction")
    s.add_argument("--revoke", metavar="CSV", help="honours taken away this period: koc_id, reason")
    _override_args(s)
    s.add_argument("--awards", metavar="CSV", help="process-award winners per campaign: campaign_id, award, koc_id")
    s.add_argument("--run-id", default="", help="your name for this run (e.g. 2026-06): on every ledger line and in "
                                               "summary.json's provenance")
    s.add_argument("--all-lines", action="store_true", help="ledger: also the zero-amount no_completion lines of work "
                   "assigned and never delivered (left out by default; counted in summary.json)")

    s = add("periods", "The periods a programme store holds: run id, when committed, KOCs, what was paid.",
            "examples:\n  koc periods --state programme.db\n")
    _store_arg(s)
    s.add_argument("--out", help="output CSV (default: standard output)")

    s = add("history", "One KOC across a store's periods: tier, grace counter, honour and what each period paid.",
            "examples:\n  koc history --state programme.db --koc 100001\n")
    _store_arg(s)
    s.add_argument("--koc", required=True, help="the KOC id, as in the roster")
    s.add_argument("--out", help="output CSV (default: standard output)")

    s = add("replay", "Recompute stored periods from their stored inputs and compare every output byte for byte.",
            "examples:\n  koc replay --state programme.db --period 2026-11\n  koc replay --state programme.db\n")
    _store_arg(s)
    s.add_argument("--period", help="one period (default: every period, in order)")

    s = add("classify", "Place every KOC in a tier (score, contributions, transition, growth gaps).",
            "examples:\n  koc classify --roster kocs.csv --out tiers.csv\n  koc classify --roster kocs.csv --policy tier_policy.json\n")
    s.add_argument("--roster", required=True)
    s.add_argument("--policy", help="tier policy JSON (default: the library's default ladder)")
    s.add_argument("--out", help="output CSV (default: standard output)")
    s.add_argument("--state", metavar="TIER_STATE", help="last period's tier_state.csv (or tiers.csv)")
    s.add_argument("--revoke", metavar="CSV", help="honours taken away this period: koc_id, reason")
    _override_args(s)
    s.add_argument("--state-out", metavar="CSV", help="write the tier state for the next period here")

    s = add("match", "Choose which KOC does which task; writes assignments.csv and unassigned.csv.",
            "examples:\n  koc match --roster kocs.csv --tasks tasks.csv --out plan/\n"
            "  koc match --roster kocs.csv --tasks tasks.csv --policies policies/ --mode stable --out plan/\n")
    s.add_argument("--roster", required=True)
    s.add_argument("--tasks", required=True)
    s.add_argument("--policies", help="folder with tier_policy.json / matching_policy.json (defaults when absent)")
    s.add_argument("--out", required=True, help="output folder")
    s.add_argument("--mode", choices=("optimal", "stable"), default="optimal")
    s.add_argument("--objective", choices=("max_score", "max_fill"), default="max_score")
    s.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop the optimal matching after this long (exit code 1, nothing written)")

    s = add("rewards", "Compute the reward ledger for completed work.",
            "examples:\n  koc rewards --roster kocs.csv --tasks tasks.csv --completions done.csv --policies policies/ --out ledger.csv\n")
    s.add_argument("--roster", required=True, help="KOC table (classified to get each KOC's tier multiplier)")
    s.add_argument("--tasks", required=True)
    s.add_argument("--completions", required=True)
    s.add_argument("--policies", required=True, help="folder with reward_policy.json (+ tier_policy.json)")
    s.add_argument("--out", help="output CSV (default: standard output)")
    s.add_argument("--settled", nargs="+", metavar="LEDGER",
                   help="ledger CSVs of earlier runs: pay only what they did not (see docs/state-tables.md)")
    s.add_argument("--awards", metavar="CSV", help="process-award winners per campaign: campaign_id, award, koc_id")
    s.add_argument("--run-id", default="", help="your name for this run (e.g. 2026-06), written on every ledger line")
    s.add_argument("--all-lines", action="store_true", help="ledger: also the zero-amount no_completion lines of work "
                   "assigned and never delivered (left out by default; counted in summary.json)")

    s = add("statement", "One KOC's statement: tier and why, what it takes to grow, what it earned and why.",
            "examples:\n  koc statement --koc 100001 --roster kocs.csv --tasks tasks.csv --completions done.csv "
            "--policies policies/ --out 100001.html\n")
    s.add_argument("--koc", required=True, help="the KOC's id, as in the roster")
    s.add_argument("--roster", required=True)
    s.add_argument("--tasks", help="with --completions: the rewards section")
    s.add_argument("--completions")
    s.add_argument("--policies", required=True, help="folder with tier_policy.json (+ reward_policy.json)")
    s.add_argument("--state", metavar="TIER_STATE", help="last period's tier_state.csv (or tiers.csv)")
    s.add_argument("--revoke", metavar="CSV", help="honours taken away this period: koc_id, reason")
    s.add_argument("--title", default=None, help="a first line, e.g. the period")
    s.add_argument("--format", choices=("html", "csv", "text"), help="default: from --out's suffix (.html, .csv), else text")
    s.add_argument("--out", help="output file (default: standard output)")

    s = add("points", "Points balances as of a date: earned, expired, redeemed and left per KOC, from the ledgers.",
            "examples:\n  koc points --policies policies/ --as-of 2026-06-30 \\\n"
            "      --ledger 2026-04/ledger.csv=2026-04-30 2026-05/ledger.csv=2026-05-31 --out points.csv\n")
    s.add_argument("--policies", required=True, help="folder with reward_policy.json (its points section: expiry)")
    s.add_argument("--ledger", required=True, nargs="+", metavar="LEDGER=DATE",
                   help="each run's ledger.csv and the date its points were earned (e.g. 2026-05/ledger.csv=2026-05-31)")
    s.add_argument("--as-of", required=True, metavar="TIME", help="the date of the balances")
    s.add_argument("--redemptions", metavar="CSV", help="points spent: koc_id, amount, at")
    s.add_argument("--out", help="output CSV (default: standard output)")

    s = add("what-if", "Preview a tier-policy change: who would move, from which tier to which.",
            "examples:\n  koc what-if --roster kocs.csv --old tier_policy.json --new proposed.json --out moved.csv\n")
    s.add_argument("--roster", required=True)
    s.add_argument("--old", required=True, help="current tier policy JSON")
    s.add_argument("--new", required=True, help="proposed tier policy JSON")
    s.add_argument("--out", help="CSV of the KOCs who would move (default: only the matrix is printed)")

    s = add("validate", "Check input files and policies; print every problem with file, row and field.",
            "examples:\n  koc validate --roster kocs.csv --tasks tasks.csv --completions done.csv --policies policies/\n")
    s.add_argument("--roster")
    s.add_argument("--tasks")
    s.add_argument("--completions")
    s.add_argument("--policies")
    s.add_argument("--state", metavar="TIER_STATE", help="last period's tier_state.csv (or tiers.csv)")
    s.add_argument("--revoke", metavar="CSV", help="honours taken away: koc_id, reason")
    _override_args(s)
    s.add_argument("--settled", nargs="+", metavar="LEDGER", help="ledger CSVs of earlier runs")
    s.add_argument("--awards", metavar="CSV", help="process-award winners per campaign")
    return p


# ---- commands ----------------------------------------------------------------------------------------------

def _print_summary(summary: dict, out: pathlib.Path, stream=None) -> None:
    stream = stream or sys.stdout
    k, t, m = summary["kocs"], summary["tasks"], summary["matching"]
    w = stream.write
    w(f"KOCs: {k['total']:,}  " + "  ".join(f"{name} {n:,}" for name, n in k["per_tier"].items()) + "\n")
    moves = {name: n for name, n in k["transitions"].items() if n}
    w("transitions: " + ", ".join(f"{name} {n:,}" for name, n in sorted(moves.items(), key=lambda x: -x[1])) + "\n")
    w(f"tasks: {t['total']:,}  slots filled {t['slots_filled']:,} of {t['slots']:,}"
      + (f" (+{t['broadcast_assignments']:,} on {t['broadcast_tasks']} broadcast tasks)" if t["broadcast_tasks"] else "")
      + f"; {t['short_of_slots']} tasks short of slots; {m['assignments']:,} assignments\n")
    if "rewards" in summary:
        r = summary["rewards"]
        paid = ", ".join(v["text"] for v in r["totals_by_currency"].values()) or "nothing"
        w(f"rewards: {r['completions']:,} completions, {r['paid_kocs']:,} KOCs paid; total {paid}\n")
    w(f"report: {out / 'report.html'}\n")


def _store_arg(s: argparse.ArgumentParser) -> None:
    s.add_argument("--state", required=True, metavar="STORE", help="the programme store (file or database URL)")


def _override_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("--overrides", metavar="CSV", help="manual tier placements this period: koc_id, tier, reason "
                   "(+ author, expires_at); they stand in the tier state until they expire")
    s.add_argument("--as-of", metavar="TIME", help="the period's date (e.g. 2026-06-01): overrides that have expired "
                   "by then are not applied")


def _cmd_run(args: argparse.Namespace, roster: str, tasks: str, completions: str, policies_dir: str, out: str) -> int:
    state = getattr(args, "state", None)
    if state and _store_mod.is_store_location(state):
        return _store.run_period(args)
    if getattr(args, "period", None) or getattr(args, "replace", False):
        raise UserError([Problem("--period", "--period and --replace need a programme store as --state (a .db/.sqlite "
                                 "file or a database URL)")], EXIT_USAGE)
    progress = Progress(stages=6, quiet=args.quiet)
    policies = _pipeline.load_policies(policies_dir, need_reward=True)
    outcome = _pipeline.run(roster, tasks, completions, policies, progress,
                            mode=getattr(args, "mode", "optimal"), objective=getattr(args, "objective", "max_score"),
                            time_limit=getattr(args, "time_limit", None), settled_paths=getattr(args, "settled", None),
                            state_path=getattr(args, "state", None), revoke_path=getattr(args, "revoke", None),
                            awards_path=getattr(args, "awards", None), run_id=getattr(args, "run_id", ""),
                            policies_dir=policies_dir, overrides_path=getattr(args, "overrides", None),
                            as_of=getattr(args, "as_of", None), all_lines=getattr(args, "all_lines", False))
    out_dir = pathlib.Path(out)
    _pipeline.write_outputs(out_dir, outcome, progress)
    _print_summary(outcome.summary, out_dir)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from ..datasets import sample_dir
    d = sample_dir()
    return _cmd_run(args, str(d / "roster.csv"), str(d / "tasks.csv"), str(d / "completions.csv"), str(d), args.out)


def _write_table(df: pd.DataFrame, out: Optional[str]) -> None:
    if out is None:
        df.to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.10g")
        return
    p = pathlib.Path(out)
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True)
        _pipeline.write_csv(df, p)
    except OSError as e:
        raise UserError([Problem(out, f"cannot write: {e.strerror or e}")], EXIT_OUTPUT) from None


def _read_checked(roster: Optional[str], tasks: Optional[str], completions: Optional[str], policies, progress) -> dict:
    tables, problems = _pipeline.read_inputs(roster, tasks, completions, policies)
    for p in _io.raise_errors(problems):
        progress.note(str(p))
    return tables


def _cmd_classify(args: argparse.Namespace) -> int:
    progress = Progress(stages=1, quiet=args.quiet)
    tier = _pipeline.load_tier_policy(args.policy)
    policies = _pipeline.Policies(tier, None, None)  # classify needs no matching policy (nor its tier names)
    progress.start("classifying")
    tables = _read_checked(args.roster, None, None, policies, progress)
    roster = tables["roster"]
    history = _pipeline.read_tier_history(args.state, args.revoke, roster, args.overrides, args.as_of)
    tiers = _pipeline.stage_classify(roster, policies, pathlib.Path(args.roster).name, history)
    _pipeline.note_expired_overrides(tiers, progress)
    prev = history.previous_tier(roster)
    if prev is None:
        prev = roster["previous_tier"] if "previous_tier" in roster else pd.Series([""] * len(roster))
    progress.finish(f"{len(tiers):,} KOCs")
    _write_table(_pipeline.tiers_for_csv(tiers, prev), args.out)
    if args.state_out:
        from ..tiers import tier_state
        _write_table(tier_state(tiers, history.state, policy=tier), args.state_out)
    return EXIT_OK


def _cmd_match(args: argparse.Namespace) -> int:
    progress = Progress(stages=3, quiet=args.quiet)
    policies = _pipeline.load_policies(args.policies, need_reward=False)
    progress.start("reading inputs")
    tables = _read_checked(args.roster, args.tasks, None, policies, progress)
    progress.finish()
    progress.start("classifying")
    tiers = _pipeline.stage_classify(tables["roster"], policies, pathlib.Path(args.roster).name)
    progress.finish()
    progress.start("matching")
    r = _pipeline.stage_match(tables["roster"], tables["tasks"], tiers, policies,
                              (pathlib.Path(args.roster).name, pathlib.Path(args.tasks).name), args.mode, args.objective,
                              progress, args.time_limit)
    progress.finish(f"{len(r.assignments):,} assignments, certificate verified")
    out = pathlib.Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        _pipeline.write_csv(r.assignments, out / "assignments.csv")
        _pipeline.write_csv(_pipeline.unassigned_table(r), out / "unassigned.csv")
    except OSError as e:
        raise UserError([Problem(str(out), f"cannot write: {e.strerror or e}")], EXIT_OUTPUT) from None
    sys.stdout.write(f"{len(r.assignments):,} assignments, total score {r.total:.6f}; "
                     f"{int((r.unfilled_tasks['reason'].astype(str) != 'no_slots').sum())} tasks short of slots; wrote {out / 'assignments.csv'} and {out / 'unassigned.csv'}\n")
    return EXIT_OK


def _cmd_rewards(args: argparse.Namespace) -> int:
    progress = Progress(stages=2, quiet=args.quiet)
    policies = _pipeline.load_policies(args.policies, need_reward=True)
    progress.start("reading inputs")
    tables = _read_checked(args.roster, args.tasks, args.completions, policies, progress)
    settled = _pipeline.read_settled(args.settled)
    awards = _pipeline.read_awards(args.awards)
    progress.finish()
    progress.start("computing rewards")
    tiers = _pipeline.stage_classify(tables["roster"], policies, pathlib.Path(args.roster).name)
    ledger, _ = _pipeline.stage_rewards(tables["completions"], tables["tasks"], tiers, policies,
                                        (pathlib.Path(args.completions).name, pathlib.Path(args.tasks).name), settled,
                                        awards, args.run_id)
    lines, omitted = _pipeline.ledger_for_csv(ledger, args.all_lines)
    progress.finish(f"{len(lines):,} ledger lines" + (f" ({omitted:,} no_completion lines left out)" if omitted else ""))
    _write_table(lines, args.out)
    return EXIT_OK


def _cmd_what_if(args: argparse.Namespace) -> int:
    from ..tiers import what_if
    old = _pipeline.load_tier_policy(args.old)
    new = _pipeline.load_tier_policy(args.new)
    progress = Progress(stages=1, quiet=args.quiet)
    policies = _pipeline.Policies(old, _pipeline.load_matching_policy(None, old), None)
    progress.start("comparing policies")
    tables = _read_checked(args.roster, None, None, policies, progress)
    # The proposed policy may use metrics the old one did not: check them too.
    missing = [m for m in _pipeline.policy_metrics(new) if m not in tables["roster"].columns]
    if missing:
        raise UserError([Problem(pathlib.Path(args.roster).name, f"missing column '{m}' used by {pathlib.Path(args.new).name}",
                                 field=m) for m in missing])
    try:
        w = what_if(tables["roster"], old, new)
    except Error as e:
        raise _pipeline.library_error(e, pathlib.Path(args.roster).name) from None
    progress.finish(f"{w.n_moved:,} KOCs would move")
    sys.stdout.write(f"{w.n_moved:,} of {len(tables['roster']):,} KOCs would change tier "
                     f"(rows: current tier under {pathlib.Path(args.old).name}, columns: under {pathlib.Path(args.new).name})\n")
    sys.stdout.write(w.matrix.to_string() + "\n")
    if args.out:
        _write_table(w.moved, args.out)
    return EXIT_OK


def _merge_library_problems(problems: list[Problem], name: str, found: Any) -> None:
    """Adds the library's problems of one file, (row, field, message) with row -1 for a whole column, that
    the file checks did not already report: not the same (row, field), and no whole-column problem of a
    column the file checks refused."""
    seen = {(p.row, p.field) for p in problems if p.file == name}
    fields_seen = {f for _, f in seen}
    is_csv = name.lower().endswith(".csv")
    for row, fld, message in found:
        r = None if row < 0 else int(row)
        if (r, fld or None) in seen or (r is None and fld in fields_seen):
            continue
        problems.append(Problem(name, message, r, fld or None, None if r is None else _io._line(r, is_csv)))
        seen.add((r, fld or None))


def _stand_in(tasks: pd.DataFrame, ladder: tuple[str, ...], rule_ids: Optional[tuple[str, ...]]) -> pd.DataFrame:
    """The task table with each name the file checks refused (asset, horizon, direction, tier, rule)
    replaced by a valid one, so that the library's checks read every other value of those rows."""
    t = tasks.copy()
    for col, allowed, neutral in (("asset", _io.ASSETS, _io.ASSETS[0]), ("horizon", _io.HORIZONS, _io.HORIZONS[0]),
                                  ("direction", _io.DIRECTIONS, _io.DIRECTIONS[0]), ("min_tier", ladder + ("",), ""),
                                  ("max_tier", ladder + ("",), ""), ("rule", rule_ids or (), (rule_ids or ("",))[0])):
        if col in t and (col != "rule" or rule_ids):
            t[col] = t[col].where(t[col].isin(allowed), neutral).astype(object)
    return t


def _cmd_validate(args: argparse.Namespace) -> int:
    extra = [x for x in (args.state, args.revoke, args.awards, *(args.settled or [])) if x]
    if not any((args.roster, args.tasks, args.completions, args.policies)):
        sys.stderr.write("koc: error: nothing to validate: give --roster, --tasks, --completions and/or --policies\n")
        return EXIT_USAGE
    problems: list[Problem] = []
    exit_code = EXIT_OK
    try:
        policies = _pipeline.load_policies(args.policies, need_reward=bool(args.completions))
    except UserError:
        problems += _pipeline.policy_problems(args.policies, need_reward=bool(args.completions))  # every one of them
        exit_code = EXIT_POLICY
        policies = _pipeline.tier_policy_only(args.policies)
    tables, more = _pipeline.read_inputs(args.roster, args.tasks, args.completions, policies, collect=True)
    problems += more
    if "roster" in tables:
        # Every value the tier rules refuse, from the library's own list (not only the first).
        roster_name = pathlib.Path(args.roster).name
        # A column the file checks refused (a cell that is not a number) is checked on its other rows too.
        lib_roster = tables["roster"].copy()
        raw, _ = _io.read_table(args.roster, roster_name)
        for c in METRICS + policies.tier.declared_metrics:
            if c in raw.columns and (c not in lib_roster or lib_roster[c].dtype == object):
                lib_roster[c] = pd.to_numeric(raw[c], errors="coerce")
        found = _validate_roster(lib_roster, policies.tier)
        _merge_library_problems(problems, roster_name, zip(found["row"], found["field"], found["message"]))
    if "tasks" in tables:
        # Every row match refuses, from the library's own list; values the file checks refused are
        # reported there, and stand in as valid ones here so that the other rows are still checked.
        tasks_name = pathlib.Path(args.tasks).name
        lib_tasks = _stand_in(tables["tasks"], policies.tier.tiers,
                              _pipeline.reward_rule_ids(policies.reward) if "rule" in tables["tasks"] else None)
        found = validate_tasks(lib_tasks, policies.tier)
        _merge_library_problems(problems, tasks_name, zip(found["row"], found["field"], found["message"]))
        if "completions" in tables and policies.reward is not None and "rule" in lib_tasks:
            completions_name = pathlib.Path(args.completions).name
            found = validate_rewards(_pipeline.completions_for_rewards(tables["completions"]), policies.reward,
                                     tasks=_pipeline.tasks_for_rewards(lib_tasks))
            for table, name in (("completions", completions_name), ("tasks", tasks_name)):
                part = found[found["table"] == table]
                _merge_library_problems(problems, name, zip(part["row"], part["field"], part["message"]))
    # Last period's state, earlier ledgers and award winners: their own file checks first.
    history, settled, awards = _pipeline.TierHistory(), None, None
    try:
        if "roster" in tables:
            history = _pipeline.read_tier_history(args.state, args.revoke, tables["roster"], args.overrides, args.as_of)
        settled = _pipeline.read_settled(args.settled)
        awards = _pipeline.read_awards(args.awards)
    except UserError as e:
        problems += e.problems
    # Run the library's own checks on whatever passed the column checks (they know more rules).
    if "roster" in tables and not any(not p.warning for p in problems):
        try:
            tiers = _pipeline.stage_classify(tables["roster"], policies, pathlib.Path(args.roster).name, history)
            if "tasks" in tables:
                _pipeline.stage_match(tables["roster"], tables["tasks"], tiers, policies,
                                      (pathlib.Path(args.roster).name, pathlib.Path(args.tasks).name))
                if "completions" in tables and policies.reward is not None:
                    _pipeline.stage_rewards(tables["completions"], tables["tasks"], tiers, policies,
                                            (pathlib.Path(args.completions).name, pathlib.Path(args.tasks).name),
                                            settled, awards)
        except UserError as e:
            problems += e.problems
    errors = [p for p in problems if not p.warning]
    for p in problems:
        sys.stdout.write(str(p) + "\n")
    checked = [pathlib.Path(x).name for x in (args.roster, args.tasks, args.completions, args.policies, *extra) if x]
    if errors:
        sys.stdout.write(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s) in {', '.join(checked)}\n")
        return exit_code if exit_code != EXIT_OK and all(p.file.endswith(".json") or p.file == "--policies" for p in errors) \
            else EXIT_INPUT
    sys.stdout.write(f"ok: {', '.join(checked)} ({len(problems)} warning(s))\n")
    return EXIT_OK


def _cmd_statement(args: argparse.Namespace) -> int:
    from ..statement import statement
    progress = Progress(stages=1, quiet=args.quiet)
    with_rewards = args.tasks is not None and args.completions is not None
    policies = _pipeline.load_policies(args.policies, need_reward=with_rewards)
    progress.start("reading inputs")
    tables = _read_checked(args.roster, args.tasks if with_rewards else None, args.completions if with_rewards else None,
                           policies, progress)
    roster = tables["roster"]
    koc_id: object = args.koc
    if roster["id"].dtype.kind in "iu":
        try:
            koc_id = int(args.koc)
        except ValueError:
            raise UserError([Problem("--koc", f"{args.koc!r} is not an id of {pathlib.Path(args.roster).name} "
                                     "(its ids are integers)")]) from None
    history = _pipeline.read_tier_history(args.state, args.revoke, roster)
    tiers = _pipeline.stage_classify(roster, policies, pathlib.Path(args.roster).name, history)
    ledger = None
    if with_rewards:
        _, ledger = _pipeline.stage_rewards(tables["completions"], tables["tasks"], tiers, policies,
                                            (pathlib.Path(args.completions).name, pathlib.Path(args.tasks).name))
    fmt = args.format or ("html" if (args.out or "").endswith((".html", ".htm")) else
                          "csv" if (args.out or "").endswith(".csv") else "text")
    try:
        text = statement(koc_id, roster, policies.tier, ledger=ledger, state=history.state, revoked=history.revoked,
                         title=args.title, format=fmt)
    except Error as e:
        if getattr(e, "code", "") == "unknown_id":
            raise UserError([Problem("--koc", f"KOC {args.koc} is not in {pathlib.Path(args.roster).name}")]) from None
        raise
    progress.finish(f"KOC {args.koc}")
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        pathlib.Path(args.out).write_text(text, encoding="utf-8")
    except OSError as e:
        raise UserError([Problem(args.out, f"cannot write: {e.strerror or e}")], EXIT_OUTPUT) from None
    return EXIT_OK


def _cmd_points(args: argparse.Namespace) -> int:
    from ..rewards import points_balances
    progress = Progress(stages=1, quiet=args.quiet)
    policies = _pipeline.load_policies(args.policies, need_reward=True)
    progress.start("reading ledgers")
    lots = []
    for spec in args.ledger:
        path, sep, date = spec.rpartition("=")
        if not sep or not path or not date:
            raise UserError([Problem("--ledger", f"{spec!r}: give each ledger with the date its points were earned, "
                                     "LEDGER=DATE (e.g. 2026-05/ledger.csv=2026-05-31)")])
        df, _ = _io.read_table(path)
        name = pathlib.Path(path).name
        missing = [c for c in ("koc_id", "amount", "currency") if c not in df.columns]
        _io.raise_errors([Problem(name, f"missing required column '{c}' (a ledger.csv)", field=c) for c in missing])
        lots.append((df.assign(earned_at=date), name))
    table = pd.concat([d for d, _ in lots], ignore_index=True)
    if table["koc_id"].map(lambda v: str(v).lstrip("-").isdigit()).all():
        table["koc_id"] = table["koc_id"].astype(np.int64)
    table["amount"] = pd.to_numeric(table["amount"], errors="coerce")
    redemptions = None
    if args.redemptions:
        redemptions, _ = _io.read_table(args.redemptions)
        redemptions = redemptions.assign(amount=pd.to_numeric(redemptions["amount"], errors="coerce"))
        if table["koc_id"].dtype.kind in "iu":
            redemptions["koc_id"] = pd.to_numeric(redemptions["koc_id"], errors="coerce")
    try:
        out = points_balances(table, policies.reward, args.as_of, redemptions=redemptions)
    except Error as e:
        fld = getattr(e, "field", "") or ""
        if fld.startswith("redemptions."):
            raise _pipeline.library_error(e, pathlib.Path(args.redemptions).name, fld.removeprefix("redemptions.")) from None
        if fld == "as_of":
            raise UserError([Problem("--as-of", str(e))]) from None
        row = getattr(e, "row", None)
        if fld.startswith("lots.") and row is not None and row >= 0:
            for df, name in lots:  # the row of the joined table: back to its file and its row there
                if row < len(df):
                    raise UserError([Problem(name, e.detail, row, fld.removeprefix("lots."), row + 2)]) from None
                row -= len(df)
        raise _pipeline.library_error(e, "--ledger") from None
    progress.finish(f"{len(out):,} KOCs with points")
    _write_table(out, args.out)
    return EXIT_OK


_COMMANDS = {"demo": _cmd_demo, "statement": _cmd_statement, "points": _cmd_points, "classify": _cmd_classify, "match": _cmd_match, "rewards": _cmd_rewards,
             "what-if": _cmd_what_if, "validate": _cmd_validate, "periods": _store.periods, "history": _store.history,
             "replay": _store.replay}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the `koc` console script; returns the exit code (see `koc --help`)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "run":
            return _cmd_run(args, args.roster, args.tasks, args.completions, args.policies, args.out)
        return _COMMANDS[args.command](args)
    except UserError as e:
        for p in e.problems:
            sys.stderr.write(f"koc: {p}\n")
        return e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("koc: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # a bug: say so, with the traceback the maintainers need
        sys.stderr.write("koc: internal error (this is a bug in koc, please report it with the text below)\n")
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
