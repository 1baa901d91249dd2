"""The `koc` command end to end: the demo on the bundled sample, each verb, and every kind of user mistake."""
import datetime
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import koc
from koc import datasets
from koc.cli import main

OUTPUTS = ("tiers.csv", "assignments.csv", "unassigned.csv", "ledger.csv", "summary.json", "report.html")


def koc_cli(capsys, *args):
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return rc, out, err


def write_programme(folder: pathlib.Path, n_kocs=400, n_tasks=12, seed=21) -> dict:
    import koc
    prog = datasets.make_programme(n_kocs, n_tasks, seed)
    tiers = koc.classify(prog.roster, prog.tier_policy)
    plan = koc.match(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    folder.mkdir(parents=True, exist_ok=True)
    csv = dict(index=False, lineterminator="\n")
    prog.roster.to_csv(folder / "roster.csv", **csv)
    prog.tasks.to_csv(folder / "tasks.csv", **csv)
    prog.simulate_completions(plan.assignments, seed).to_csv(folder / "completions.csv", **csv)
    for name in ("tier_policy", "matching_policy", "reward_policy"):
        (folder / f"{name}.json").write_text(getattr(prog, name))
    return {k: folder / f"{k}.csv" for k in ("roster", "tasks", "completions")} | {"policies": folder}


def run_args(files, out):
    return ["run", "--roster", files["roster"], "--tasks", files["tasks"], "--completions", files["completions"],
            "--policies", files["policies"], "--out", out]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "koc-demo"
    assert main(["demo", "--out", str(out), "--quiet"]) == 0
    return out


def test_demo_writes_every_output_and_accounts_for_everyone(demo):
    for name in OUTPUTS:
        assert (demo / name).is_file(), name
    sample = datasets.load_sample()
    tiers = pd.read_csv(demo / "tiers.csv", keep_default_na=False)
    assert list(tiers["koc_id"]) == list(sample.roster["id"])
    asg = pd.read_csv(demo / "assignments.csv")
    un = pd.read_csv(demo / "unassigned.csv", keep_default_na=False)
    # Every KOC: assigned up to its capacity, or listed as unassigned with a reason.
    load = asg.groupby("koc_id").size().reindex(sample.roster["id"], fill_value=0)
    listed = set(un.loc[un["kind"] == "koc", "id"])
    at_capacity = (load.to_numpy() >= sample.roster["capacity"].to_numpy()) & (load.to_numpy() > 0)
    assert all(a or k in listed for k, a in zip(sample.roster["id"], at_capacity))
    assert (un["reason"] != "").all()
    # Every task: filled, or listed with its reason.
    filled = asg.groupby("task_id").size().reindex(sample.tasks["task_id"], fill_value=0)
    short = set(un.loc[un["kind"] == "task", "id"])
    for tid, slots in zip(sample.tasks["task_id"], sample.tasks["slots"]):
        assert (filled[tid] >= slots if slots >= 0 else filled[tid] > 0) or tid in short
    # Every completion is in the ledger. A KOC or task with no completion has a zero-amount no_completion
    # line, which ledger.csv leaves out by default (--all-lines keeps it) and summary.json counts: every KOC
    # and task is in the ledger or among those counted lines.
    ledger = pd.read_csv(demo / "ledger.csv", keep_default_na=False)
    assert set(ledger.loc[ledger["completion"] >= 0, "completion"]) == set(range(len(sample.completions)))
    assert (ledger["reason"] != "no_completion").all()
    summary = json.loads((demo / "summary.json").read_text())
    omitted = summary["rewards"]["no_completion_lines_omitted"]
    assert omitted == 3072 and summary["rewards"]["ledger_lines"] == len(ledger)  # of the sample's 7,799 lines
    assert set(ledger["koc_id"]) - {-1} <= set(sample.roster["id"])
    assert set(ledger["task_id"]) - {-1} <= set(sample.tasks["task_id"])
    missing = len(set(sample.roster["id"]) - set(ledger["koc_id"])) + len(set(sample.tasks["task_id"]) - set(ledger["task_id"]))
    assert 0 < missing <= omitted


def test_ledger_totals_equal_summary_totals(demo):
    summary = json.loads((demo / "summary.json").read_text())
    ledger = pd.read_csv(demo / "ledger.csv", keep_default_na=False)
    money = ledger[ledger["currency"] != ""]
    by_currency = money.groupby("currency")["amount"].sum().to_dict()
    totals = summary["rewards"]["totals_by_currency"]
    assert {c: v["minor_units"] for c, v in totals.items()} == {c: int(v) for c, v in by_currency.items()}
    assert len(by_currency) >= 2  # the sample pays money and points
    assert summary["kocs"]["total"] == 5000 and summary["tasks"]["total"] == 60
    assert sum(summary["kocs"]["per_tier"].values()) == 5000
    assert summary["rewards"]["ledger_lines"] == len(ledger)


def test_demo_prints_a_summary(tmp_path, capsys):
    rc, out, err = koc_cli(capsys, "demo", "--out", tmp_path / "d")
    assert rc == 0
    assert "KOCs: 5,000" in out and "CNY" in out and "report.html" in out
    assert "[koc] matching" in err  # plain progress lines when stderr is not a terminal


def test_same_seed_gives_byte_identical_outputs(tmp_path, capsys):
    a = write_programme(tmp_path / "a", seed=5)
    b = write_programme(tmp_path / "b", seed=5)
    for k in ("roster", "tasks", "completions"):
        assert a[k].read_bytes() == b[k].read_bytes()
    assert koc_cli(capsys, *run_args(a, tmp_path / "out_a"), "--quiet")[0] == 0
    assert koc_cli(capsys, *run_args(b, tmp_path / "out_b"), "--quiet")[0] == 0
    for name in OUTPUTS:
        assert (tmp_path / "out_a" / name).read_bytes() == (tmp_path / "out_b" / name).read_bytes(), name


def test_quiet_silences_progress(tmp_path, capsys):
    files = write_programme(tmp_path / "in")
    rc, out, err = koc_cli(capsys, *run_args(files, tmp_path / "out"), "--quiet")
    assert rc == 0 and err == ""


def test_parquet_input(tmp_path, capsys):
    files = write_programme(tmp_path / "in")
    for k in ("roster", "tasks", "completions"):
        df = pd.read_csv(files[k], keep_default_na=False)
        files[k] = files[k].with_suffix(".parquet")
        df.to_parquet(files[k])
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 0, err
    csv_files = write_programme(tmp_path / "in_csv")
    assert koc_cli(capsys, *run_args(csv_files, tmp_path / "out_csv"), "-q")[0] == 0
    assert (tmp_path / "out" / "ledger.csv").read_bytes() == (tmp_path / "out_csv" / "ledger.csv").read_bytes()


def test_single_stage_commands(tmp_path, capsys):
    f = write_programme(tmp_path / "in")
    rc, out, _ = koc_cli(capsys, "classify", "--roster", f["roster"], "--policy", f["policies"] / "tier_policy.json")
    assert rc == 0 and out.startswith("koc_id,tier,previous_tier") and len(out.splitlines()) == 401
    rc, out, _ = koc_cli(capsys, "match", "--roster", f["roster"], "--tasks", f["tasks"], "--policies", f["policies"],
                         "--out", tmp_path / "plan", "--mode", "stable")
    assert rc == 0 and (tmp_path / "plan" / "assignments.csv").exists() and (tmp_path / "plan" / "unassigned.csv").exists()
    rc, out, _ = koc_cli(capsys, "rewards", "--roster", f["roster"], "--tasks", f["tasks"], "--completions",
                         f["completions"], "--policies", f["policies"], "--out", tmp_path / "ledger.csv")
    assert rc == 0 and pd.read_csv(tmp_path / "ledger.csv")["amount"].sum() > 0
    proposed = json.loads((f["policies"] / "tier_policy.json").read_text())
    proposed["tiers"][1].update(promote_threshold=22.0, keep_threshold=18.0)
    (tmp_path / "proposed.json").write_text(json.dumps(proposed))
    rc, out, _ = koc_cli(capsys, "what-if", "--roster", f["roster"], "--old", f["policies"] / "tier_policy.json",
                         "--new", tmp_path / "proposed.json", "--out", tmp_path / "moved.csv")
    assert rc == 0 and "would change tier" in out
    moved = pd.read_csv(tmp_path / "moved.csv")
    assert len(moved) > 0 and set(moved["proposed_tier"]) >= {"active"}
    rc, out, _ = koc_cli(capsys, "validate", "--roster", f["roster"], "--tasks", f["tasks"], "--completions",
                         f["completions"], "--policies", f["policies"])
    assert rc == 0 and out.startswith("ok:")


def test_help_has_examples_and_exit_codes(capsys):
    rc = main(["--help"])
    out = capsys.readouterr().out
    assert rc == 0 and "examples:" in out and "exit codes:" in out and "koc demo" in out
    for verb in ("run", "classify", "match", "rewards", "what-if", "validate", "demo"):
        assert main([verb, "--help"]) == 0
        assert "examples:" in capsys.readouterr().out
    assert main(["run", "--roster", "x.csv"]) == 2  # usage error
    assert main([]) == 2
    assert main(["frobnicate"]) == 2


# ---- user mistakes: a clear message naming file, row and field; a documented exit code; no traceback ----

@pytest.fixture()
def files(tmp_path):
    return write_programme(tmp_path / "in", n_kocs=120, n_tasks=8)


def edit_csv(path: pathlib.Path, fn):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = fn(df) if fn(df) is not None else df
    df.to_csv(path, index=False, lineterminator="\n")


def test_time_limit_stops_the_matching_with_its_own_exit_code(files, tmp_path, capsys):
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"), "--time-limit", "1e-9")
    assert rc == 6 and "--time-limit" in err and "time limit" in err and "nothing was written" in err
    assert not (tmp_path / "out" / "assignments.csv").exists()


def test_missing_file(files, tmp_path, capsys):
    files["roster"] = tmp_path / "nope.csv"
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3 and "nope.csv" in err and "file not found" in err


def test_misspelt_required_column_suggests_the_closest_name(files, tmp_path, capsys):
    edit_csv(files["roster"], lambda df: df.rename(columns={"followers": "folowers"}))
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3
    assert "roster.csv" in err and "missing required column 'followers'" in err and "did you mean 'folowers'" in err


def test_a_metric_of_weight_zero_still_needs_its_column_as_the_library_says(files, tmp_path, capsys):
    # tier_policy::uses: a metric the policy lists needs its column whatever its weight; the CLI asks the
    # library instead of keeping a rule of its own (it once skipped weight 0 and koc.classify then failed).
    import koc
    path = files["policies"] / "tier_policy.json"
    policy = json.loads(path.read_text())
    metric = next(m for m in policy["metrics"] if m["metric"] == "leads")
    metric["weight"] = 0.0
    path.write_text(json.dumps(policy))
    tier = koc.TierPolicy(json.dumps(policy))
    assert "leads" in tier.metrics_used
    roster = pd.read_csv(files["roster"]).drop(columns=["leads"])
    with pytest.raises(koc.Error, match="leads"):
        koc.classify(roster, tier)
    edit_csv(files["roster"], lambda df: df.drop(columns=["leads"]))
    rc, out, _ = koc_cli(capsys, "validate", "--roster", files["roster"], "--policies", files["policies"])
    assert rc == 3 and "missing required column 'leads'" in out


def test_misspelt_optional_roster_column_is_refused_as_the_library_does(files, tmp_path, capsys):
    # Ignored, a misspelt 'clearance' would bar every KOC from confidential tasks without a word.
    edit_csv(files["roster"], lambda df: df.rename(columns={"clearance": "clearence"}))
    rc, out, _ = koc_cli(capsys, "validate", "--roster", files["roster"], "--tasks", files["tasks"])
    assert rc == 3
    assert "error: roster.csv, field 'clearence'" in out and "(did you mean 'clearance'?)" in out
    roster = pd.read_csv(files["roster"])
    with pytest.raises(koc.Error, match=r"did you mean 'clearance'") as e:
        koc.classify(roster)
    assert e.value.code == "unknown_name" and e.value.field == "clearence"


def test_misspelt_or_renamed_task_column_is_refused_as_the_library_does(files, tmp_path, capsys):
    # koc.match and koc.rewards refuse these columns (they would drop what they say): so does the CLI.
    edit_csv(files["tasks"], lambda df: df.rename(columns={"confidential": "confidental", "window_end": "deadline"}))
    rc, out, _ = koc_cli(capsys, "validate", "--roster", files["roster"], "--tasks", files["tasks"])
    assert rc == 3
    assert "error: tasks.csv, field 'confidental'" in out and "(did you mean 'confidential'?)" in out
    assert "error: tasks.csv, field 'deadline'" in out and "(did you mean 'window_end'?)" in out


def test_task_value_rules_are_the_librarys(files, tmp_path, capsys):
    # slots, load and the window are checked once, by the library (koc.validate_tasks), every bad row
    # named; the CLI adds only advice (a closed task).
    def bad(df):
        df.loc[1, "slots"] = "-3"
        df.loc[3, "load"] = "0"
        df.loc[6, "window_end"] = df.loc[6, "window_start"]
    edit_csv(files["tasks"], bad)
    rc, out, _ = koc_cli(capsys, "validate", "--roster", files["roster"], "--tasks", files["tasks"])
    assert rc == 3
    for row, field, message in ((1, "slots", "slots must be >= 0"), (3, "load", "load must be >= 1"),
                                (6, "window_end", "window_end must be after window_start")):
        assert f"tasks.csv, row {row} (line {row + 2}), field '{field}': {message}" in out
    found = koc.validate_tasks(pd.read_csv(files["tasks"]))
    assert list(zip(found["row"], found["field"])) == [(1, "slots"), (3, "load"), (6, "window_end")]


def test_bad_value_names_row_line_and_field(files, tmp_path, capsys):
    def bad(df):
        df.loc[7, "capacity"] = "two"
    edit_csv(files["roster"], bad)
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3 and "roster.csv, row 7 (line 9), field 'capacity': expected a whole number, got 'two'" in err


def test_unknown_name_suggests_the_closest(files, tmp_path, capsys):
    def bad(df):
        df.loc[2, "asset"] = "socail"
    edit_csv(files["tasks"], bad)
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3 and "tasks.csv, row 2 (line 4), field 'asset'" in err and "did you mean 'social'" in err


def test_unknown_koc_in_completions(files, tmp_path, capsys):
    def bad(df):
        df.loc[0, "koc_id"] = "999999999"
    edit_csv(files["completions"], bad)
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3 and "completions.csv, row 0 (line 2), field 'koc_id': koc_id 999999999 is not in the roster" in err


def test_bad_encoding(files, tmp_path, capsys):
    raw = files["roster"].read_bytes().replace(b"north", "n\u00f6rth".encode("latin-1"), 1)
    files["roster"].write_bytes(raw)
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3 and "not UTF-8" in err and "line" in err


def test_empty_and_garbage_files(files, tmp_path, capsys):
    files["tasks"].write_text("")
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3 and "tasks.csv" in err and "empty" in err
    files["tasks"].with_suffix(".parquet").write_bytes(b"not parquet")
    files["tasks"] = files["tasks"].with_suffix(".parquet")
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 3 and "Parquet" in err


def test_invalid_policy(files, tmp_path, capsys):
    p = files["policies"] / "reward_policy.json"
    p.write_text(p.read_text().replace('"amount": "8.88"', '"amount": "8.888"'))
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 4 and "reward_policy.json" in err and "rules[1].amount" in err
    p.write_text("{ not json")
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 4 and "not valid JSON" in err and "line 1" in err
    (files["policies"] / "reward_policy.json").unlink()
    rc, _, err = koc_cli(capsys, *run_args(files, tmp_path / "out"))
    assert rc == 4 and "reward_policy.json" in err


def test_validate_lists_every_problem(files, capsys):
    def bad_roster(df):
        df.loc[3, "quality"] = "high"
        df.loc[5, "previous_tier"] = "gold"
    def bad_tasks(df):
        df.loc[1, "slots"] = "-4"
    edit_csv(files["roster"], bad_roster)
    edit_csv(files["tasks"], bad_tasks)
    rc, out, _ = koc_cli(capsys, "validate", "--roster", files["roster"], "--tasks", files["tasks"])
    assert rc == 3
    assert "roster.csv, row 3 (line 5), field 'quality'" in out
    assert "roster.csv, row 5 (line 7), field 'previous_tier'" in out
    assert "tasks.csv, row 1 (line 3), field 'slots'" in out
    assert "3 error(s)" in out


def test_unwritable_output(files, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rc, _, err = koc_cli(capsys, *run_args(files, blocker / "out"), "-q")
    assert rc == 5 and "cannot write" in err


def test_console_script_is_installed():
    exe = pathlib.Path(sys.executable).parent / "koc"
    assert exe.exists(), "the 'koc' console script is missing: pip install the package"
    p = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.startswith("koc ")


def test_settled_runs_pay_only_what_is_new(tmp_path, capsys, demo):
    """`--settled` takes earlier runs' ledger.csv files: the demo run again on its own ledger pays nothing;
    half the completions first, then all of them, pay together what one run pays."""
    d = datasets.sample_dir()
    base = ["--roster", d / "roster.csv", "--tasks", d / "tasks.csv", "--policies", d]
    rc, _, _ = koc_cli(capsys, "run", *base, "--completions", d / "completions.csv", "--out", tmp_path / "again",
                       "--settled", demo / "ledger.csv", "--quiet")
    assert rc == 0
    again = pd.read_csv(tmp_path / "again" / "ledger.csv", keep_default_na=False)
    assert (again["amount"] == 0).all() and (again["reason"] == "settled").sum() > 0
    assert json.loads((tmp_path / "again" / "summary.json").read_text())["rewards"]["paid_kocs"] == 0

    done = pd.read_csv(d / "completions.csv", dtype=str, keep_default_na=False)
    done.iloc[: len(done) // 2].to_csv(tmp_path / "first_half.csv", index=False)
    rc, _, _ = koc_cli(capsys, "rewards", *base, "--completions", tmp_path / "first_half.csv", "--out", tmp_path / "m1.csv")
    assert rc == 0
    rc, _, _ = koc_cli(capsys, "rewards", *base, "--completions", d / "completions.csv", "--out", tmp_path / "m2.csv",
                       "--settled", tmp_path / "m1.csv")
    assert rc == 0
    once = pd.read_csv(demo / "ledger.csv", keep_default_na=False)
    m1, m2 = (pd.read_csv(tmp_path / f"m{i}.csv", keep_default_na=False) for i in (1, 2))
    key = ["koc_id", "task_id", "kind", "aux"]
    paid = lambda L: L[(L["amount"] != 0) & ~L["kind"].isin(["cap_cut", "budget_cut", "prize", "process_award"])]
    # No (KOC, task, line, step) is paid in both runs ...
    assert not set(map(tuple, paid(m1)[key].to_numpy())) & set(map(tuple, paid(m2)[key].to_numpy()))
    # ... and what each completion earns is what one run over all the work pays it. (Budget cuts, speed
    # places and prizes depend on which work was known when: the first run judged the campaigns on half.)
    per_completion = ["fixed", "base", "retainer", "creation_fee", "step_bonus", "day_fee", "travel"]
    sums = lambda L: L[L["kind"].isin(per_completion)].groupby(key)["amount"].sum()
    pd.testing.assert_series_equal(sums(pd.concat([m1, m2])), sums(once))
    # Every task budget holds over both runs together.
    tasks = pd.read_csv(d / "tasks.csv")
    budget = tasks.set_index("task_id")["budget_minor"]
    net = pd.concat([m1, m2]).query("currency != ''").groupby("task_id")["amount"].sum()
    limited = budget[budget >= 0].index.intersection(net.index)
    assert (net[limited] <= budget[limited]).all()

    # A damaged ledger is refused naming its file, row and column.
    bad = pd.read_csv(tmp_path / "m1.csv", dtype=str, keep_default_na=False)
    bad.loc[4, "kind"] = "bonus"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    rc, _, err = koc_cli(capsys, "rewards", *base, "--completions", d / "completions.csv", "--settled", tmp_path / "bad.csv")
    assert rc != 0 and "bad.csv, row 4 (line 6), field 'kind'" in err


def test_tier_state_carries_history_from_month_to_month(tmp_path, capsys, demo):
    """`--state` reads last month's tier_state.csv (or tiers.csv); run writes the next tier_state.csv."""
    d = datasets.sample_dir()
    roster = pd.read_csv(d / "roster.csv", dtype=str, keep_default_na=False)
    june = roster.drop(columns=["previous_tier", "periods_below"])
    june.to_csv(tmp_path / "june.csv", index=False)
    state = pd.read_csv(demo / "tier_state.csv", keep_default_na=False)
    assert list(state.columns) == ["koc_id", "tier", "periods_below", "honorary", "override_tier", "override_reason",
                                   "override_author", "override_expires_at"] and len(state) == len(roster)
    honoured = int(state.loc[state["honorary"].astype(str) == "True", "koc_id"].iloc[0])
    pd.DataFrame({"koc_id": [honoured], "reason": ["left the programme's code of conduct"]}).to_csv(
        tmp_path / "revoke.csv", index=False)
    rc, _, err = koc_cli(capsys, "run", "--roster", tmp_path / "june.csv", "--tasks", d / "tasks.csv", "--completions",
                         d / "completions.csv", "--policies", d, "--out", tmp_path / "june", "--state",
                         demo / "tier_state.csv", "--revoke", tmp_path / "revoke.csv", "--quiet")
    assert rc == 0, err
    tiers = pd.read_csv(tmp_path / "june" / "tiers.csv", keep_default_na=False)
    may = pd.read_csv(demo / "tiers.csv", keep_default_na=False)
    assert list(tiers["previous_tier"]) == list(may["tier"])  # last month's final tiers, by KOC id
    nxt = pd.read_csv(tmp_path / "june" / "tier_state.csv", keep_default_na=False).set_index("koc_id")
    assert nxt.loc[honoured, "honorary"] in (False, "False")
    # classify takes last month's tiers.csv as the state too, and writes the next state on request.
    rc, out, err = koc_cli(capsys, "classify", "--roster", tmp_path / "june.csv", "--policy", d / "tier_policy.json",
                           "--state", demo / "tiers.csv", "--state-out", tmp_path / "next.csv")
    assert rc == 0, err and (tmp_path / "next.csv").is_file()
    # Last month's facts from one source only; a damaged state file names its row and column.
    rc, _, err = koc_cli(capsys, "classify", "--roster", d / "roster.csv", "--state", demo / "tier_state.csv")
    assert rc != 0 and "field 'previous_tier'" in err and "not both" in err
    bad = state.copy()
    bad.loc[3, "tier"] = "gold"
    bad.to_csv(tmp_path / "bad_state.csv", index=False)
    rc, _, err = koc_cli(capsys, "classify", "--roster", tmp_path / "june.csv", "--policy", d / "tier_policy.json",
                         "--state", tmp_path / "bad_state.csv")
    assert rc != 0 and "bad_state.csv, row 3 (line 5), field 'tier'" in err and "gold" in err


def test_awards_table_on_the_command_line(tmp_path, capsys):
    """`--awards` names each campaign's process-award winners; a bad row is refused naming file, row and column."""
    d = datasets.sample_dir()
    policy = json.loads((d / "reward_policy.json").read_text())
    campaign_rules = [r for r in policy["rules"] if r["kind"] == "campaign"]
    assert campaign_rules, "the sample policy has a campaign rule"
    campaign_rules[0]["process_awards"] = [{"name": "best idea", "amount": "1000.00"}]  # winners: the table's
    pol_dir = tmp_path / "policies"
    pol_dir.mkdir()
    (pol_dir / "reward_policy.json").write_text(json.dumps(policy))
    (pol_dir / "tier_policy.json").write_text((d / "tier_policy.json").read_text())
    awards_rules = [(r["id"], a["name"]) for r in policy["rules"] for a in r.get("process_awards", [])]
    assert awards_rules, "the sample policy has process awards"
    rule, award = awards_rules[0]
    tasks = pd.read_csv(d / "tasks.csv")
    done = pd.read_csv(d / "completions.csv")
    mine = done.merge(tasks[["task_id", "rule", "campaign_id"]], on="task_id")
    mine = mine[(mine["rule"] == rule) & (mine["accepted"].astype(str).isin(["1", "True", "true"]))].iloc[0]
    pd.DataFrame({"campaign_id": [mine["campaign_id"]], "award": [award], "koc_id": [mine["koc_id"]]}).to_csv(
        tmp_path / "awards.csv", index=False)
    base = ["rewards", "--roster", d / "roster.csv", "--tasks", d / "tasks.csv", "--completions", d / "completions.csv",
            "--policies", pol_dir]
    rc, _, err = koc_cli(capsys, *base, "--awards", tmp_path / "awards.csv", "--out", tmp_path / "ledger.csv")
    assert rc == 0, err
    L = pd.read_csv(tmp_path / "ledger.csv", keep_default_na=False)
    got = L[L["kind"] == "process_award"]
    assert list(got["koc_id"]) == [mine["koc_id"]] and list(got["campaign_id"]) == [mine["campaign_id"]]
    pd.DataFrame({"campaign_id": [mine["campaign_id"]], "award": ["no such award"], "koc_id": [mine["koc_id"]]}).to_csv(
        tmp_path / "bad_awards.csv", index=False)
    rc, _, err = koc_cli(capsys, *base, "--awards", tmp_path / "bad_awards.csv")
    assert rc != 0 and "bad_awards.csv, row 0 (line 2), field 'award'" in err


def test_run_records_its_provenance(tmp_path, capsys):
    import hashlib
    d = datasets.sample_dir()
    rc, _, err = koc_cli(capsys, "run", "--roster", d / "roster.csv", "--tasks", d / "tasks.csv", "--completions",
                         d / "completions.csv", "--policies", d, "--out", tmp_path / "out", "--run-id", "2026-06",
                         "--quiet")
    assert rc == 0, err
    p = json.loads((tmp_path / "out" / "summary.json").read_text())["provenance"]
    assert p["run_id"] == "2026-06" and p["koc_version"]
    for label, name in (("roster", "roster.csv"), ("completions", "completions.csv"),
                        ("reward_policy", "reward_policy.json")):
        assert p["sha256"][label] == hashlib.sha256((d / name).read_bytes()).hexdigest()
    assert len(p["reward_policy_canonical_sha256"]) == 64
    ledger = pd.read_csv(tmp_path / "out" / "ledger.csv", keep_default_na=False)
    assert set(ledger["run_id"].astype(str)) == {"2026-06"}


def test_validate_checks_state_settled_and_awards_files(tmp_path, capsys, demo):
    d = datasets.sample_dir()
    roster = pd.read_csv(d / "roster.csv", dtype=str, keep_default_na=False)
    roster.drop(columns=["previous_tier", "periods_below"]).to_csv(tmp_path / "june.csv", index=False)
    base = ["validate", "--roster", tmp_path / "june.csv", "--tasks", d / "tasks.csv", "--completions",
            d / "completions.csv", "--policies", d]
    rc, out, _ = koc_cli(capsys, *base, "--state", demo / "tier_state.csv", "--settled", demo / "ledger.csv")
    assert rc == 0, out
    assert "tier_state.csv" in out and "ledger.csv" in out
    state = pd.read_csv(demo / "tier_state.csv", dtype=str, keep_default_na=False)
    state.loc[2, "tier"] = "platinum"
    state.to_csv(tmp_path / "bad_state.csv", index=False)
    ledger = pd.read_csv(demo / "ledger.csv", dtype=str, keep_default_na=False)
    ledger.loc[5, "currency"] = "XXX"
    ledger.to_csv(tmp_path / "bad_ledger.csv", index=False)
    rc, out, _ = koc_cli(capsys, *base, "--state", tmp_path / "bad_state.csv")
    assert rc != 0 and "bad_state.csv, row 2 (line 4), field 'tier'" in out
    rc, out, _ = koc_cli(capsys, *base, "--settled", tmp_path / "bad_ledger.csv")
    assert rc != 0 and "bad_ledger.csv, row 5 (line 7), field 'currency'" in out


def test_all_lines_keeps_the_no_completion_lines(tmp_path, capsys):
    d = datasets.sample_dir()
    rc, _, err = koc_cli(capsys, "run", "--roster", d / "roster.csv", "--tasks", d / "tasks.csv", "--completions",
                         d / "completions.csv", "--policies", d, "--out", tmp_path, "--all-lines", "--quiet")
    assert rc == 0, err
    ledger = pd.read_csv(tmp_path / "ledger.csv", keep_default_na=False)
    sample = datasets.load_sample()
    assert set(ledger["koc_id"]) - {-1} == set(sample.roster["id"])  # every KOC, as before
    assert set(ledger["task_id"]) - {-1} == set(sample.tasks["task_id"])
    assert int((ledger["reason"] == "no_completion").sum()) == 3072
    assert json.loads((tmp_path / "summary.json").read_text())["rewards"]["no_completion_lines_omitted"] == 0


def test_statement_of_one_koc(tmp_path, capsys):
    d = datasets.sample_dir()
    base = ["statement", "--roster", d / "roster.csv", "--tasks", d / "tasks.csv", "--completions", d / "completions.csv",
            "--policies", d, "--quiet"]
    paid = 100002  # a KOC of the sample with completed work
    rc, _, err = koc_cli(capsys, *base, "--koc", str(paid), "--title", "May 2026", "--out", tmp_path / "s.html")
    assert rc == 0, err
    page = (tmp_path / "s.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "May 2026" in page and 'id="earned"' in page
    rc, _, err = koc_cli(capsys, *base, "--koc", str(paid), "--out", tmp_path / "s.csv")
    assert rc == 0, err
    rows = pd.read_csv(tmp_path / "s.csv")
    assert {"tier", "line"} <= set(rows["section"]) and (rows["koc_id"] == paid).all()
    rc, out, _ = koc_cli(capsys, *base, "--koc", str(paid))
    assert rc == 0 and f"KOC {paid}" in out and "Rewards" in out
    rc, _, err = koc_cli(capsys, *base, "--koc", "999")
    assert rc != 0 and "KOC 999 is not in roster.csv" in err
    rc, _, err = koc_cli(capsys, *base, "--koc", "ana")
    assert rc != 0 and "integers" in err


def test_crm_shaped_text_ids_through_the_whole_run(tmp_path, capsys):
    """KOC and task ids as CRM exports hold them ("KOC-100001", "T-17"): the whole run, the state next month
    and a statement keep them, and the money is the integer-id run's."""
    d = datasets.sample_dir()
    roster = pd.read_csv(d / "roster.csv")
    roster["id"] = "KOC-" + roster["id"].astype(str)
    done = pd.read_csv(d / "completions.csv")
    done["koc_id"] = "KOC-" + done["koc_id"].astype(str)
    done["task_id"] = "T-" + done["task_id"].astype(str)
    tasks = pd.read_csv(d / "tasks.csv")
    tasks["task_id"] = "T-" + tasks["task_id"].astype(str)
    # Times as CRM exports write them: ISO-8601 with the office's offset (deliveries at +08:00, windows at
    # -05:00): the same instants, so the same late lines and money.
    def iso(seconds, hours):
        zone = datetime.timezone(datetime.timedelta(hours=hours))
        return [datetime.datetime.fromtimestamp(int(x), zone).isoformat() for x in seconds]
    done["delivered_at"] = iso(done["delivered_at"], 8)
    for c in ("window_start", "window_end"):
        tasks[c] = iso(tasks[c], -5)
    roster.to_csv(tmp_path / "roster.csv", index=False)
    done.to_csv(tmp_path / "done.csv", index=False)
    tasks.to_csv(tmp_path / "tasks.csv", index=False)
    args = ["run", "--roster", tmp_path / "roster.csv", "--tasks", tmp_path / "tasks.csv", "--completions",
            tmp_path / "done.csv", "--policies", d, "--quiet"]
    rc, _, err = koc_cli(capsys, *args, "--out", tmp_path / "may")
    assert rc == 0, err
    ledger = pd.read_csv(tmp_path / "may" / "ledger.csv", keep_default_na=False)
    assert ledger["koc_id"].str.startswith("KOC-").all()
    on_task = ledger["task_id"] != ""  # KOC-level lines (tier bonuses, prizes) name no task
    assert on_task.sum() > 4000 and ledger.loc[on_task, "task_id"].str.startswith("T-").all()
    assignments = pd.read_csv(tmp_path / "may" / "assignments.csv")
    assert assignments["task_id"].str.startswith("T-").all() and len(assignments) == 3273
    assert "T-34" in (tmp_path / "may" / "report.html").read_text()
    summary = json.loads((tmp_path / "may" / "summary.json").read_text())
    assert summary["rewards"]["totals_by_currency"]["CNY"]["text"] == "243,493.75 CNY"
    state = pd.read_csv(tmp_path / "may" / "tier_state.csv")
    assert state["koc_id"].str.startswith("KOC-").all()
    june = roster.drop(columns=["previous_tier", "periods_below"])
    june.to_csv(tmp_path / "june.csv", index=False)
    rc, _, err = koc_cli(capsys, "classify", "--roster", tmp_path / "june.csv", "--policy", d / "tier_policy.json",
                         "--state", tmp_path / "may" / "tier_state.csv", "--out", tmp_path / "june.csv.out")
    assert rc == 0, err
    rc, out, err = koc_cli(capsys, "statement", "--koc", "KOC-100002", "--roster", tmp_path / "roster.csv", "--tasks",
                           tmp_path / "tasks.csv", "--completions", tmp_path / "done.csv", "--policies", d, "--quiet")
    assert rc == 0, err
    assert "KOC KOC-100002:" in out  # the explanation names the caller's id, not a row number
    done.loc[7, "delivered_at"] = "2026-13-45T99:00"
    done.to_csv(tmp_path / "bad.csv", index=False)
    rc, _, err = koc_cli(capsys, *args[:6], tmp_path / "bad.csv", *args[7:], "--out", tmp_path / "bad")
    assert rc == 3 and "bad.csv, row 7 (line 9), field 'delivered_at': not a time: '2026-13-45T99:00'" in err


def test_points_balances_from_the_ledgers(tmp_path, capsys, demo):
    """koc points: every PTS line of the runs' ledgers, earned on the date given per ledger; the balances
    add up to what the run paid in points; a redemption beyond a balance names its file and row."""
    d = datasets.sample_dir()
    ledger = demo / "ledger.csv"
    rc, _, err = koc_cli(capsys, "points", "--policies", d, "--as-of", "2026-06-30", "--ledger", f"{ledger}=2026-05-31",
                         "--out", tmp_path / "points.csv", "--quiet")
    assert rc == 0, err
    points = pd.read_csv(tmp_path / "points.csv")
    summary = json.loads((demo / "summary.json").read_text())
    assert int(points["balance"].sum()) == summary["rewards"]["totals_by_currency"]["PTS"]["minor_units"]
    assert (points["earned"] == points["expired"] + points["redeemed"] + points["balance"]).all()
    first = points.iloc[0]
    pd.DataFrame({"koc_id": [first["koc_id"]], "amount": [int(first["balance"]) + 1], "at": ["2026-06-01"]}).to_csv(
        tmp_path / "spent.csv", index=False)
    rc, _, err = koc_cli(capsys, "points", "--policies", d, "--as-of", "2026-06-30", "--ledger", f"{ledger}=2026-05-31",
                         "--redemptions", tmp_path / "spent.csv", "--quiet")
    assert rc != 0 and "spent.csv, row 0" in err
    rc, _, err = koc_cli(capsys, "points", "--policies", d, "--as-of", "2026-06-30", "--ledger", str(ledger), "--quiet")
    assert rc != 0 and "LEDGER=DATE" in err


def test_cli_uses_only_the_public_python_api():
    """The CLI is a skin over koc's public API: no import of a private module (koc._core, koc._columns...);
    and report.py, the HTML report the CLI writes, depends on nothing in the CLI."""
    import re
    import koc.cli
    folder = pathlib.Path(koc.cli.__file__).parent
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        private = re.findall(r"^\s*from \.\.\s+import\s+(?:[\w, ]*,\s*)?_(?!_)\w+|^\s*from \.\._\w+|^\s*(?:import|from) koc\._\w+", text, re.M)
        assert not private, f"{path.name} imports private modules: {private}"
    report = (folder.parent / "report.py").read_text(encoding="utf-8")
    assert "cli" not in re.findall(r"^\s*from \S+", report, re.M) and "from .cli" not in report


def test_public_error_detail_and_time_reader():
    import koc
    with pytest.raises(koc.Error) as e:
        koc.tables.unix_seconds(pd.Series(["2026-03-31", "soon"], dtype=object), "delivered_at")
    assert (e.value.row, e.value.field) == (1, "delivered_at")
    assert e.value.detail.startswith("not a time: 'soon'") and "row 1" not in e.value.detail
    assert list(koc.tables.unix_seconds(pd.Series(["2026-03-31T08:00:00+08:00"], dtype=object), "t")) == [1774915200]
    assert "window_end" in koc.tables.TASKS and koc.tables.TASKS["window_end"].kind == "time"


def test_the_cli_reads_the_library_schema_of_every_input_table():
    # One owner per table: the CLI's column kinds are koc.tables', not a list of its own.
    import koc
    from koc.cli import _io
    for table, schema in (("roster", koc.tables.ROSTER), ("tasks", koc.tables.TASKS), ("completions", koc.tables.COMPLETIONS)):
        known = {"roster": _io.ROSTER_COLUMNS, "tasks": _io.TASK_COLUMNS, "completions": _io.COMPLETION_COLUMNS}[table]
        assert list(known) == list(schema), table
    assert set(koc.METRICS) <= set(koc.tables.ROSTER) and koc.tables.ROSTER["capacity"].stages == ("match",)
    assert _io.PREFIXES == {"roster": koc.tables.ROSTER_PREFIX, "tasks": koc.tables.TASK_PREFIX}
