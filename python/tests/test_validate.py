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
