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
