"""`koc run --state STORE --period P`, `koc periods`, `koc history` and `koc replay`: the CLI over the
programme store (koc/store.py). A period runs exactly as `koc run` runs on files: last period's
tier_state.csv and every earlier ledger.csv are read from the store and given to the same pipeline as
files, so a stored period and a run on files agree byte for byte."""
from __future__ import annotations

import argparse
import pathlib
import tempfile
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from .. import store as _store
from . import _io, _pipeline
from ._io import EXIT_OK, Problem, UserError
from ._progress import Progress

EXIT_STORE = 7       # the store refuses (period already there or out of order, newer schema, not a store)
EXIT_REPLAY = 8      # koc replay: the recomputed period differs from the stored one

# The run options a period keeps, so that --replace and replay run it again as it was run.
_OPTIONS = ("mode", "objective", "as_of", "all_lines", "run_id")


def _fail(text: str, code: int = EXIT_STORE, where: str = "--state") -> UserError:
    return UserError([Problem(where, text)], code)


def open_store(location: str, *, create: bool) -> _store.Store:
    try:
        return _store.Store(location, create=create)
    except _store.StoreError as e:
        raise _fail(str(e)) from None


@dataclass
class _Spec:
    """One period to run: its input files (kind -> path), its policies folder and its options."""
    inputs: dict[str, str]
    policies_dir: str
    options: dict


def _run_spec(spec: _Spec, state_path: Optional[str], settled: list[str], out: pathlib.Path,
              progress: Progress) -> _pipeline.Outcome:
    o = spec.options
    policies = _pipeline.load_policies(spec.policies_dir, need_reward=True)
    outcome = _pipeline.run(spec.inputs["roster"], spec.inputs["tasks"], spec.inputs["completions"], policies, progress,
                            mode=o.get("mode", "optimal"), objective=o.get("objective", "max_score"),
                            settled_paths=settled or None, state_path=state_path,
                            revoke_path=spec.inputs.get("revocations"), awards_path=spec.inputs.get("awards"),
                            run_id=o.get("run_id", ""), policies_dir=spec.policies_dir,
                            overrides_path=spec.inputs.get("overrides"), as_of=o.get("as_of"),
                            all_lines=bool(o.get("all_lines", False)))
    _pipeline.write_outputs(out, outcome, progress)
    return outcome


def _record(spec: _Spec, outcome: _pipeline.Outcome, out: pathlib.Path) -> dict:
    """What the store keeps of a period run: every input, policy and output file, and the tables."""
    files = {f"input:{k}": (pathlib.Path(p).name, pathlib.Path(p).read_bytes()) for k, p in spec.inputs.items() if p}
    for name in _pipeline.POLICY_FILES.values():
        p = pathlib.Path(spec.policies_dir) / name
        if p.exists():
            files[f"policy:{name}"] = (name, p.read_bytes())
    for name in _pipeline.OUTPUT_FILES:
        p = out / name
        if p.exists():
            files[f"output:{name}"] = (name, p.read_bytes())
    ledger = outcome.ledger_csv if outcome.ledger_csv is not None else outcome.ledger
    return dict(run_id=spec.options.get("run_id", ""), koc_version=outcome.summary["provenance"]["koc_version"],
                options=spec.options, summary=outcome.summary, files=files, tier_state=outcome.tier_state,
                ledger=None if ledger is None else ledger)


def _chain(st: _store.Store, earlier: list[_store.Period], scratch: pathlib.Path,
           pending: Optional[dict[str, dict]] = None) -> tuple[Optional[str], list[str]]:
    """Last period's tier_state.csv and every earlier ledger.csv, as files for the pipeline. ``pending``:
    periods computed in this command and not yet committed (by name), which take precedence."""
    state, settled = None, []
    for i, p in enumerate(earlier):
        files = pending[p.period]["files"] if pending and p.period in pending else st.files(p.period, "output:")
        wanted = {r: files[r] for r in (f"output:{n}" for n in _store.CHAINED_OUTPUTS) if r in files}
        paths = _store.materialise(wanted, scratch / f"chain-{i:04d}")
        if "output:ledger.csv" in paths:
            settled.append(paths["output:ledger.csv"])
        state = paths.get("output:tier_state.csv", state)
    return state, settled


def _stored_spec(st: _store.Store, period: str, scratch: pathlib.Path) -> _Spec:
    files = st.files(period)
    paths = _store.materialise({r: f for r, f in files.items() if r.startswith("input:")}, scratch / "inputs")
    pol_dir = scratch / "policies"
    pol_dir.mkdir(parents=True, exist_ok=True)
    for role, (name, data) in files.items():
        if role.startswith("policy:"):
            (pol_dir / name).write_bytes(data)
    options = next(p.options for p in st.periods() if p.period == period)
    return _Spec({r.removeprefix("input:"): p for r, p in paths.items()}, str(pol_dir), options)


def run_period(args: argparse.Namespace) -> int:
    """koc run --state STORE --period P [--replace]: the period from the user's files, chained to the
    store's earlier periods, committed whole; with --replace, P and every later period recomputed (the
    later ones from their stored inputs) and committed in one transaction."""
    period = getattr(args, "period", None)
    if not period:
        raise _fail("a programme store needs --period (e.g. --period 2026-11)", _io.EXIT_USAGE, "--period")
    if getattr(args, "settled", None):
        raise _fail("the store supplies the earlier ledgers: give --settled or a store, not both", _io.EXIT_USAGE, "--settled")
    progress = Progress(stages=6, quiet=args.quiet)
    st = open_store(args.state, create=True)
    try:
        done = st.periods()
        names = [p.period for p in done]
        replace = bool(getattr(args, "replace", False))
        if period in names and not replace:
            raise _fail(f"period {period} is already committed (run {done[names.index(period)].run_id or '-'} at "
                        f"{done[names.index(period)].committed_at}); use --replace to recompute it and every later period")
        if replace and period not in names:
            raise _fail(f"--replace: period {period} is not in the store (committed: {', '.join(names) or 'none'})")
        if not replace and names and period < names[-1]:
            raise _fail(f"period {period} is out of order: the store's last period is {names[-1]} (periods are committed "
                        "in order; --replace recomputes a committed one)")
        spec = _Spec({"roster": args.roster, "tasks": args.tasks, "completions": args.completions,
                      "revocations": getattr(args, "revoke", None), "overrides": getattr(args, "overrides", None),
                      "awards": getattr(args, "awards", None)}, args.policies,
                     {"mode": getattr(args, "mode", "optimal"), "objective": getattr(args, "objective", "max_score"),
                      "as_of": getattr(args, "as_of", None), "all_lines": bool(getattr(args, "all_lines", False)),
                      "run_id": getattr(args, "run_id", "") or period})
        spec.inputs = {k: v for k, v in spec.inputs.items() if v}
        _, earlier = st.before(period)
        later = done[names.index(period) + 1:] if period in names else []
        out = pathlib.Path(args.out)
        with tempfile.TemporaryDirectory(prefix="koc-store-") as tmp:
            scratch = pathlib.Path(tmp)
            state, settled = _chain(st, earlier, scratch)
            outcome = _run_spec(spec, state, settled, out, progress)
            records = {period: _record(spec, outcome, out)}
            chain = list(earlier) + [_store.Period(period, 0, "", "", "", spec.options, {})]
            for i, p in enumerate(later):  # --replace: every later period again, from its stored inputs
                progress.note(f"recomputing period {p.period} from its stored inputs")
                pspec = _stored_spec(st, p.period, scratch / f"later-{i:04d}")
                state, settled = _chain(st, chain, scratch / f"later-{i:04d}", records)
                pout = scratch / f"later-{i:04d}" / "out"
                records[p.period] = _record(pspec, _run_spec(pspec, state, settled, pout, Progress(stages=6, quiet=True)), pout)
                chain.append(p)
            try:
                st.commit_many([(name, records[name]) for name in [period] + [p.period for p in later]],
                               replace_from=period if replace else None)
            except _store.StoreError as e:
                raise _fail(str(e)) from None
        from . import _print_summary
        _print_summary(outcome.summary, out)
        progress.note(f"period {period} committed to {args.state}" + (f" with {len(later)} later period(s) recomputed"
                                                                       if later else ""))
        return EXIT_OK
    finally:
        st.close()


def periods(args: argparse.Namespace) -> int:
    with open_store(args.state, create=False) as st:
        rows = []
        for p in st.periods():
            totals = p.summary.get("rewards", {}).get("totals_by_currency", {})
            rows.append({"period": p.period, "run_id": p.run_id, "committed_at": p.committed_at,
                         "koc_version": p.koc_version, "kocs": p.summary.get("kocs", {}).get("total", 0),
                         "paid": "; ".join(v["text"] for v in totals.values())})
        _write(pd.DataFrame(rows, columns=["period", "run_id", "committed_at", "koc_version", "kocs", "paid"]), args.out)
        return EXIT_OK


def history(args: argparse.Namespace) -> int:
    with open_store(args.state, create=False) as st:
        h = st.history(args.koc)
        if h.empty:
            raise _fail(f"KOC {args.koc} is in no committed period of {args.state}", _io.EXIT_INPUT, "--koc")
        _write(h, args.out)
        return EXIT_OK


def replay(args: argparse.Namespace) -> int:
    """Recomputes a stored period from its stored inputs and earlier periods' stored outputs, and compares
    every output file byte for byte."""
    st = open_store(args.state, create=False)
    try:
        names = [p.period for p in st.periods()]
        wanted = [args.period] if args.period else names
        missing = [p for p in wanted if p not in names]
        if missing:
            raise _fail(f"period {missing[0]} is not in the store (committed: {', '.join(names) or 'none'})", EXIT_STORE,
                        "--period")
        differences = []
        with tempfile.TemporaryDirectory(prefix="koc-replay-") as tmp:
            for i, period in enumerate(wanted):
                scratch = pathlib.Path(tmp) / f"{i:04d}"
                spec = _stored_spec(st, period, scratch)
                _, earlier = st.before(period)
                state, settled = _chain(st, earlier, scratch)
                out = scratch / "out"
                _run_spec(spec, state, settled, out, Progress(stages=6, quiet=True))
                stored = st.files(period, "output:")
                for name in _store.COMPARED_OUTPUTS:
                    role = f"output:{name}"
                    again = (out / name).read_bytes() if (out / name).exists() else None
                    before = stored[role][1] if role in stored else None
                    if again != before:
                        differences.append(f"period {period}: {name} differs from the stored one" +
                                           _first_difference(before, again))
                print(f"period {period}: " + ("replayed, identical" if not [d for d in differences if d.startswith(
                    f"period {period}:")] else "DIFFERS"))
        if differences:
            raise UserError([Problem("koc replay", d) for d in differences], EXIT_REPLAY)
        return EXIT_OK
    finally:
        st.close()


def _first_difference(a: Optional[bytes], b: Optional[bytes]) -> str:
    if a is None or b is None:
        return " (" + ("not stored" if a is None else "not produced") + ")"
    la, lb = a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f" (first at line {i + 1}: stored {x[:80]!r}, recomputed {y[:80]!r})"
    return f" ({len(la)} lines stored, {len(lb)} recomputed)"


def _write(df: pd.DataFrame, out: Optional[str]) -> None:
    if out:
        _pipeline.write_csv(df, pathlib.Path(out))
    else:
        print(df.to_string(index=False))
