"""Validation reports every problem, not the first: koc.validate (the library's list) and `koc validate`."""
import numpy as np
import pandas as pd
import pytest

import koc
from koc.cli import main

ROSTER = pd.read_csv(__import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "data" /
                     "sample_roster.csv")


def planted():
    """The sample roster with five problems of three kinds in three columns."""
    r = ROSTER.copy()
    r.loc[3, "followers"] = -5
    r.loc[7, "followers"] = -1
    r.loc[150, "posts"] = np.nan
    r.loc[11, "quality"] = 1.4
    r.loc[12, "quality"] = np.inf
    return r


def test_validate_lists_every_problem_in_order():
    got = koc.validate(planted())
    assert list(zip(got["field"], got["row"])) == [("posts", 150), ("followers", 3), ("followers", 7),
                                                  ("quality", 11), ("quality", 12)]
    assert got["code"].tolist() == ["invalid_value", "invalid_value", "invalid_value", "out_of_range", "invalid_value"]
    assert got["koc_id"].tolist() == ROSTER["id"].iloc[[150, 3, 7, 11, 12]].tolist()
    assert got["message"].iloc[0] == "metric is NaN"
    # classify refuses with the first of them, and the limit cuts the list.
    with pytest.raises(koc.InvalidValueError) as e:
        koc.classify(planted())
    assert (e.value.row, e.value.field) == (150, "posts")
    assert len(koc.validate(planted(), limit=2)) == 2
    assert koc.validate(ROSTER).empty
    # A column that cannot be read at all is one problem.
    bad = ROSTER.copy()
    bad["views"] = bad["views"].astype(object)
    bad.loc[4, "views"] = "lots"
    one = koc.validate(bad)
    assert one["field"].tolist() == ["views"] and one["code"].tolist() == ["invalid_value"]


def test_cli_validate_reports_all_planted_problems(tmp_path, capsys):
    path = tmp_path / "roster.csv"
    planted().to_csv(path, index=False)
    code = main(["validate", "--roster", str(path)])
    out = capsys.readouterr().out
    assert code != 0
    for row, fld in ((150, "posts"), (3, "followers"), (7, "followers"), (11, "quality"), (12, "quality")):
        assert f"row {row} (line {row + 2}), field '{fld}'" in out, (row, fld, out)
    assert "5 error(s)" in out


def test_cli_refuses_an_empty_roster_and_warns_of_closed_tasks(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    ROSTER.head(0).to_csv(empty, index=False)
    assert main(["validate", "--roster", str(empty)]) != 0
    assert "the roster has no KOCs" in capsys.readouterr().out
    prog = koc.datasets.load_sample()
    tasks = prog.tasks.copy()
    tasks.loc[4, "slots"] = 0
    path = tmp_path / "tasks.csv"
    tasks.to_csv(path, index=False)
    main(["validate", "--tasks", str(path)])
    out = capsys.readouterr().out
    assert "row 4 (line 6), field 'slots': slots is 0" in out and out.startswith("warning")


def test_summary_counts_a_closed_task_as_closed_not_filled(tmp_path):
    import json
    import sys
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_cli import run_args, write_programme
    files = write_programme(tmp_path / "in")
    tasks = pd.read_csv(files["tasks"])
    tasks.loc[0, "slots"] = 0
    tasks.to_csv(files["tasks"], index=False)
    out = tmp_path / "out"
    assert main([str(a) for a in run_args(files, out)] + ["--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())["tasks"]
    assert summary["closed_tasks"] == 1
    filled = pd.read_csv(out / "assignments.csv").groupby("task_id").size()
    slots = tasks.set_index("task_id")["slots"]
    want = sum(1 for t, s in slots.items() if (s > 0 and filled.get(t, 0) >= s) or (s < 0 and filled.get(t, 0) > 0))
    assert summary["filled_fully"] == want


def planted_tasks():
    """The sample tasks with five problems in five rows and five fields."""
    t = koc.datasets.load_sample().tasks.copy()
    t.loc[2, "slots"] = -4
    t.loc[5, "load"] = 0
    t.loc[8, "window_end"] = t.loc[8, "window_start"] - 1
    t.loc[13, "confidential"] = 2
    t.loc[21, "campaign_id"] = -7
    return t


def test_validate_tasks_lists_every_problem_and_match_refuses_the_first():
    t = planted_tasks()
    got = koc.validate_tasks(t)
    assert list(zip(got["field"], got["row"])) == [("slots", 2), ("load", 5), ("window_end", 8), ("confidential", 13)]
    assert got["task_id"].tolist() == t["task_id"].iloc[[2, 5, 8, 13]].tolist()
    assert got["code"].tolist() == ["invalid_value"] * 4
    prog = koc.datasets.load_sample()
    with pytest.raises(koc.InvalidValueError) as e:
        koc.match(prog.roster, t, prog.matching_policy, tier_policy=prog.tier_policy)
    assert (e.value.row, e.value.field) == (2, "slots")
    assert len(koc.validate_tasks(t, limit=2)) == 2
    assert koc.validate_tasks(prog.tasks).empty
    # A name that is not an asset type cannot be read: one problem.
    bad = prog.tasks.copy()
    bad.loc[3, "asset"] = "socail"
    one = koc.validate_tasks(bad)
    assert (one["field"].tolist(), one["row"].tolist(), one["code"].tolist()) == (["asset"], [3], ["unknown_name"])


def test_validate_rewards_lists_every_problem_of_tasks_and_completions():
    prog = koc.datasets.load_sample()
    tasks = planted_tasks()
    done = prog.completions.copy()
    done.loc[1, "quality"] = 1.4
    done.loc[4, "views"] = -3
    done.loc[9, "duty_fulfilment"] = -0.5
    done.loc[12, "interactions"] = -1
    got = koc.validate_rewards(done, prog.reward_policy, tasks=tasks)
    assert list(zip(got["table"], got["field"], got["row"])) == [
        ("tasks", "campaign_id", 21), ("completions", "quality", 1), ("completions", "views", 4),
        ("completions", "duty_fulfilment", 9), ("completions", "interactions", 12)]
    assert koc.validate_rewards(prog.completions, prog.reward_policy, tasks=prog.tasks).empty
    # rewards refuses with the first of them.
    with pytest.raises(koc.InvalidValueError) as e:
        koc.rewards(done[["koc_id", "task_id"]], done, prog.reward_policy, tasks=tasks)
    assert (e.value.row, e.value.field) == (21, "campaign_id")


def test_a_closed_task_is_listed_and_an_empty_roster_refused():
    prog = koc.datasets.load_sample()
    tasks = prog.tasks.copy()
    tasks.loc[4, "slots"] = 0
    r = koc.match(prog.roster, tasks, prog.matching_policy, tier_policy=prog.tier_policy)
    closed = r.unfilled_tasks[r.unfilled_tasks["task_id"] == tasks.loc[4, "task_id"]]
    assert closed[["slots", "filled", "unfilled", "reason"]].values.tolist() == [[0, 0, 0, "no_slots"]]
    assert koc.validate_tasks(tasks).empty  # closed is allowed, not a problem
    with pytest.raises(koc.InvalidArgumentError, match="the roster has no KOCs"):
        koc.classify(ROSTER.head(0))
    got = koc.validate(ROSTER.head(0))
    assert (got["field"].tolist(), got["message"].tolist()) == (["id"], ["the roster has no KOCs"])


def test_cli_validate_reports_every_planted_problem_of_tasks_and_completions(tmp_path, capsys):
    import sys
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_cli import write_programme
    files = write_programme(tmp_path / "in")
    tasks = pd.read_csv(files["tasks"], dtype=object, keep_default_na=False)
    tasks.loc[1, "asset"] = "socail"
    tasks.loc[2, "asset"] = "knowlege"
    tasks.loc[3, "load"] = "0"
    tasks.loc[5, "load"] = "0"
    tasks.loc[6, "slots"] = "-3"
    tasks.to_csv(files["tasks"], index=False)
    done = pd.read_csv(files["completions"], dtype=object, keep_default_na=False)
    done.loc[0, "quality"] = "1.4"
    done.loc[2, "quality"] = "-0.1"
    done.loc[3, "views"] = "-5"
    done.loc[7, "views"] = "-6"
    done.to_csv(files["completions"], index=False)
    code = main(["validate", "--tasks", str(files["tasks"]), "--completions", str(files["completions"]),
                 "--policies", str(files["policies"])])
    out = capsys.readouterr().out
    assert code != 0
    planted = [("tasks.csv", 1, "asset"), ("tasks.csv", 2, "asset"), ("tasks.csv", 3, "load"), ("tasks.csv", 5, "load"),
               ("tasks.csv", 6, "slots"), ("completions.csv", 0, "quality"), ("completions.csv", 2, "quality"),
               ("completions.csv", 3, "views"), ("completions.csv", 7, "views")]
    for name, row, fld in planted:
        assert f"{name}, row {row} (line {row + 2}), field '{fld}'" in out, (name, row, fld, out)
    assert f"{len(planted)} error(s)" in out, out
    # Without their tasks, the completions' own values are still listed, every row.
    code = main(["validate", "--completions", str(files["completions"]), "--policies", str(files["policies"])])
    out = capsys.readouterr().out
    assert code != 0
    for name, row, fld in planted[5:]:
        assert f"{name}, row {row} (line {row + 2}), field '{fld}'" in out, (name, row, fld, out)
    assert "4 error(s)" in out, out


BAD_TIER_POLICY = {"schema": "koc.tier_policy/1", "bogus": 1,
                   "metrics": [{"metric": "posts", "weight": -1, "normalisation": "log1p", "reference": 10},
                               {"metric": "views", "weight": 5, "normalisation": "wat", "reference": 10}],
                   "tiers": [{"name": "entry", "promote_threshold": 0},
                             {"name": "core", "promote_threshold": 20, "keep_threshold": 40, "grace_periods": -1}]}


def test_validate_policy_lists_every_invalid_field_and_the_policy_refuses_the_first():
    got = koc.validate_policy(BAD_TIER_POLICY)
    assert got["field"].tolist() == ["$.bogus", "metrics[1].normalisation", "metrics[0].weight", "tiers[1].keep_threshold",
                                     "tiers[1].grace_periods"]
    assert got["code"].tolist() == ["invalid_policy", "unknown_name", "invalid_policy", "invalid_policy", "invalid_policy"]
    with pytest.raises(koc.InvalidPolicyError) as e:
        koc.TierPolicy(BAD_TIER_POLICY)
    assert e.value.field == "$.bogus"
    assert len(koc.validate_policy(BAD_TIER_POLICY, limit=2)) == 2
    assert koc.validate_policy(koc.TierPolicy.default()).empty
    assert len(koc.validate_policy("{ not json")) == 1
    prog = koc.datasets.load_sample()
    assert koc.validate_policy(prog.reward_policy, "reward").empty
    reward = __import__("json").loads(prog.reward_policy)
    reward["rules"][0]["currency"] = "XXX"
    reward["rules"][1]["kind"] = "fxed"
    reward["rules"][2]["id"] = ""
    reward["surprise"] = True
    got = koc.validate_policy(reward, "reward")
    assert got["field"].tolist() == ["surprise", "rules[0].currency", "rules[1].kind", "rules[2].id"]
    matching = {"schema": "koc.matching_policy/1", "weights": {"skill": -1, "quality": "high"}, "rotation_half_count": 0,
                "tier_fit": {"asset": {"social": ["entry", "platinum"]}}}
    got = koc.validate_policy(matching, "matching", tier_policy=prog.tier_policy)
    assert got["field"].tolist() == ["weights.quality", "weights.skill", "rotation_half_count", "tier_fit.asset.social[1]"]


def test_cli_validate_lists_every_invalid_field_of_each_policy_file(tmp_path, capsys):
    import json
    import sys
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_cli import write_programme
    files = write_programme(tmp_path / "in")
    (files["policies"] / "tier_policy.json").write_text(json.dumps(BAD_TIER_POLICY))
    reward = json.loads((files["policies"] / "reward_policy.json").read_text())
    reward["rules"][0]["currency"] = "XXX"
    reward["rules"][1]["kind"] = "fxed"
    (files["policies"] / "reward_policy.json").write_text(json.dumps(reward))
    code = main(["validate", "--policies", str(files["policies"])])
    out = capsys.readouterr().out
    assert code == 4, out
    for name, fld in (("tier_policy.json", "$.bogus"), ("tier_policy.json", "metrics[1].normalisation"),
                      ("tier_policy.json", "metrics[0].weight"), ("tier_policy.json", "tiers[1].keep_threshold"),
                      ("tier_policy.json", "tiers[1].grace_periods"), ("reward_policy.json", "rules[0].currency"),
                      ("reward_policy.json", "rules[1].kind")):
        assert f"error: {name}, field '{fld}'" in out, (name, fld, out)
    assert "7 error(s)" in out, out
    # A file that is not JSON is one problem.
    (files["policies"] / "tier_policy.json").write_text("{ nope")
    assert main(["validate", "--policies", str(files["policies"])]) == 4
    out = capsys.readouterr().out
    assert "tier_policy.json: not valid JSON" in out and "3 error(s)" in out, out


def test_validate_rewards_reads_text_ids_as_rewards_does():
    """CRM-shaped KOC and task ids: no problem for good tables, and a planted one found at its row."""
    import koc as k
    policy = {"schema": "koc.reward_policy/1", "rules": [{"id": "post", "kind": "fixed", "currency": "CNY",
                                                            "amount": "100.00"}]}
    tasks = pd.DataFrame({"task_id": pd.Series(["T-b", "T-a"], dtype=object), "rule": ["post", "post"]})
    done = pd.DataFrame({"koc_id": pd.Series(["KOC-2", "KOC-10", "KOC-2"], dtype=object),
                         "task_id": pd.Series(["T-b", "T-b", "T-a"], dtype=object), "delivered_at": [1770000000] * 3,
                         "quality": [1.0, 0.5, 1.0]})
    assert len(k.validate_rewards(done, policy, tasks=tasks)) == 0
    found = k.validate_rewards(done.assign(quality=[1.0, 1.5, 1.0]), policy, tasks=tasks)
    assert found[["table", "row", "field"]].values.tolist() == [["completions", 1, "quality"]]
