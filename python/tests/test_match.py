import numpy as np
import pandas as pd
import pytest

import koc


@pytest.fixture(scope="module")
def programme(sample_roster):
    rng = np.random.default_rng(7)
    n, m = len(sample_roster), 10
    roster = sample_roster.copy()
    roster["capacity"] = rng.integers(0, 3, n)
    roster["region"] = rng.choice(["north", "south", ""], n)
    roster["audience"] = rng.choice(["auto|tech", "family", "tech", ""], n)
    roster["opted_out"] = rng.choice(["", "intelligence", "external|instant"], n)
    roster["recent_tasks"] = rng.integers(0, 6, n)
    roster["skill_short_video"] = rng.integers(0, 6, n)
    tasks = pd.DataFrame({
        "task_id": np.arange(m) + 1,
        "asset": rng.choice(["social", "knowledge", "community", "intelligence"], m),
        "horizon": rng.choice(["instant", "phased", "continuous"], m),
        "direction": rng.choice(["internal", "external"], m),
        "slots": rng.integers(1, 25, m),
        "req_short_video": rng.integers(0, 4, m),
        "region": rng.choice(["north", ""], m),
        "audience": rng.choice(["tech", ""], m),
        "min_tier": "entry", "max_tier": "ambassador", "confidential": rng.integers(0, 2, m),
    })
    tasks.loc[0, "slots"] = -1  # an instant broadcast: as many as possible
    return roster, tasks


@pytest.mark.parametrize("mode,objective", [("optimal", "max_score"), ("optimal", "max_fill"), ("stable", "max_score"),
                                            ("stable_tasks", "max_score")])
def test_every_koc_and_task_accounted_for(programme, mode, objective):
    roster, tasks = programme
    r = koc.match(roster, tasks, mode=mode, objective=objective)
    assert r.verify()
    a = r.assignments
    assert not a.duplicated(["koc_id", "task_id"]).any()
    load = a.groupby("koc_id").size().reindex(roster["id"], fill_value=0).to_numpy()
    assert (load <= roster["capacity"].to_numpy()).all()
    # Every KOC is either at capacity or listed with a reason; every task filled or listed with a reason.
    listed = set(r.unassigned_kocs["koc_id"])
    for kid, cap, ld in zip(roster["id"], roster["capacity"], load):
        assert ld == cap and ld > 0 or kid in listed
    filled = a.groupby("task_id").size().reindex(tasks["task_id"], fill_value=0)
    for tid, slots in zip(tasks["task_id"], tasks["slots"]):
        if slots >= 0 and filled[tid] < slots:
            assert tid in set(r.unfilled_tasks["task_id"])
    assert r.total == pytest.approx(a["score"].sum())
    assert set(r.unassigned_kocs["reason"]) <= {"nobody_eligible", "all_candidates_at_capacity", "better_pairs_chosen",
                                                "outranked", "no_capacity"}
    assert (r.exclusions.drop(columns=["task_id"]).sum(axis=1) == len(roster)).all()


def test_optimal_beats_stable_and_is_deterministic(programme):
    roster, tasks = programme
    best = koc.match(roster, tasks)
    stable = koc.match(roster, tasks, mode="stable")
    assert best.total >= stable.total - 1e-6
    again = koc.match(roster, tasks)
    pd.testing.assert_frame_equal(best.assignments, again.assignments)


def test_declines_and_preferences(programme):
    roster, tasks = programme
    base = koc.match(roster, tasks)
    pair = base.assignments.iloc[0]
    declined = koc.match(roster, tasks, declines=pd.DataFrame({"koc_id": [pair.koc_id], "task_id": [pair.task_id]}))
    assert not ((declined.assignments.koc_id == pair.koc_id) & (declined.assignments.task_id == pair.task_id)).any()
    prefs = pd.DataFrame({"koc_id": [pair.koc_id], "task_id": [pair.task_id], "rank": [1]})
    assert koc.match(roster, tasks, preferences=prefs, mode="stable").verify()


def test_string_ids(programme):
    roster, tasks = programme
    r2 = roster.assign(id="K" + roster["id"].astype(str))
    t2 = tasks.assign(task_id="T" + tasks["task_id"].astype(str))
    a = koc.match(roster, tasks).assignments
    b = koc.match(r2, t2).assignments
    assert list(b.koc_id) == ["K" + str(x) for x in a.koc_id]
    assert list(b.task_id) == ["T" + str(x) for x in a.task_id]


@pytest.mark.parametrize("table,column,value,error,field", [
    ("tasks", "asset", "memes", koc.UnknownNameError, "asset"),
    ("tasks", "slots", -5, koc.InvalidValueError, "slots"),
    ("tasks", "min_tier", "legend", koc.UnknownNameError, "min_tier"),
    ("roster", "capacity", -1, koc.InvalidValueError, "capacity"),
    ("roster", "opted_out", "memes", koc.UnknownNameError, "opted_out"),
])
def test_bad_input_names_row_and_field(programme, table, column, value, error, field):
    roster, tasks = (t.copy() for t in programme)
    target = tasks if table == "tasks" else roster
    target[column] = target[column].astype(object)
    target.loc[3, column] = value
    with pytest.raises(error) as e:
        koc.match(roster, tasks)
    assert e.value.field == field
    assert e.value.row == 3


def test_missing_columns_suggest_names(programme):
    roster, tasks = programme
    with pytest.raises(koc.UnknownNameError, match="the roster has a 'capacty' column.*did you mean 'capacity'"):
        koc.match(roster.rename(columns={"capacity": "capacty"}), tasks)
    with pytest.raises(koc.InvalidArgumentError, match="needs a 'capacity' column"):
        koc.match(roster.drop(columns=["capacity"]), tasks)
    with pytest.raises(koc.InvalidArgumentError, match="task_id"):
        koc.match(roster, tasks.drop(columns=["task_id"]))


def test_matching_policy_round_trip(tmp_path):
    p = koc.MatchingPolicy.default()
    p.save(tmp_path / "m.json")
    assert koc.MatchingPolicy.load(tmp_path / "m.json") == p
    assert "MatchingPolicy(" in repr(p)
    import pickle
    assert pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(koc.Error):
        koc.MatchingPolicy("{}")


@pytest.mark.parametrize("table,column,value", [("tasks", "slots", 2**32 + 5), ("tasks", "load", 2**31),
                                                ("roster", "capacity", -(2**31) - 1)])
def test_a_count_past_its_column_type_is_refused_not_wrapped(programme, table, column, value):
    # Read into an int32 column, 2**32 + 5 would wrap around to 5: a silently wrong task.
    roster, tasks = programme
    frames = {"roster": roster.copy(), "tasks": tasks.copy()}
    frames[table][column] = np.asarray(frames[table].get(column, 1), dtype=np.int64) * np.ones(len(frames[table]), np.int64)
    frames[table].loc[3, column] = value
    with pytest.raises(koc.OutOfRangeError, match=f"{value} is outside the range of this column") as e:
        koc.match(frames["roster"], frames["tasks"])
    assert (e.value.row, e.value.field) == (3, column)
