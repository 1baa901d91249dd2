"""The two layers of each table agree: koc.tables (the columns a user gives, by name and kind) and the
library's core tables (the columns the C++ checks and the binding read, listed once by each table's
for_each_column and exposed as koc._core.core_columns)."""
import numpy as np
import pytest

import koc
from koc import _core, tables

# Core columns whose user column has another name, and user columns the Python layer reads itself
# (checked or converted there, never passed on as a column of their own).
CORE_NAME = {("match_tasks", "id"): "task_id", ("profiles", "tier"): "tier", ("reward_kocs", "tier"): "tier"}
READ_IN_PYTHON = {
    "tasks": {"budget_minor": "the same budget as budget, in minor units: one core column",
              "currency": "checked against the rule's currency before the ledger runs"},
}


def core(table):
    return [name for name, _ in _core.core_columns(table)]


@pytest.mark.parametrize("core_table,user_tables", [
    ("match_tasks", (tables.TASKS,)),
    ("profiles", (tables.ROSTER, tables.TIERS_OUT)),
    ("reward_tasks", (tables.TASKS,)),
    ("reward_assignments", (tables.COMPLETIONS,)),
    ("reward_completions", (tables.COMPLETIONS,)),
    ("reward_kocs", (tables.TIERS_OUT,)),
])
def test_every_core_column_is_a_user_column(core_table, user_tables):
    for name in core(core_table):
        user = CORE_NAME.get((core_table, name), name)
        assert any(user in t for t in user_tables), f"{core_table}.{name} has no column in koc.tables"


def test_every_user_column_of_a_stage_reaches_its_core_table():
    match_core = {CORE_NAME.get(("match_tasks", n), n) for n in core("match_tasks")}
    reward_core = set(core("reward_tasks"))
    for c in tables.TASKS.values():
        if c.name in READ_IN_PYTHON["tasks"]:
            continue
        if tables.MATCH in c.stages:
            assert c.name in match_core, c.name
        if tables.REWARDS in c.stages:
            assert c.name in reward_core, c.name
    completions = set(core("reward_completions")) | set(core("reward_assignments"))
    assert {c for c in tables.COMPLETIONS if not c.endswith("_minor")} <= completions


def test_core_columns_name_their_roles():
    assert _core.core_columns("match_tasks")[0] == ("id", "key")
    assert ("slots", "required") in _core.core_columns("match_tasks")
    assert ("window_end", "optional") in _core.core_columns("reward_tasks")
    with pytest.raises(koc.UnknownNameError):
        _core.core_columns("ledger")


def test_required_columns_are_the_librarys():
    # One rule for what a stage needs: the core table's key and required columns, read by koc.match's
    # checks and the CLI's file checks alike.
    from koc.cli import _pipeline
    assert tables.required("tasks", tables.MATCH) == ("task_id", "asset", "horizon", "direction", "slots")
    assert tables.required("tasks", tables.REWARDS) == ("task_id", "rule")
    assert _pipeline.TASKS_MATCH_REQUIRED == tables.required("tasks", tables.MATCH)
    for column in tables.required("tasks", tables.MATCH)[1:]:
        bare = {"task_id": [1], "asset": ["social"], "horizon": ["instant"], "direction": ["external"], "slots": [1]}
        del bare[column]
        found = koc.validate_tasks(bare)
        assert list(found["field"]) == [column] and f"needs a '{column}' column" in found["message"][0]


def _outside(column, side):
    """A value just outside the column's valid range on `side` ("low" or "high")."""
    step = 0.5 if column.kind == "float" else 1
    return column.low - step if side == "low" else column.high + step


def _ranged(table):
    return [(c, side) for c in table.values() for side in ("low", "high") if getattr(c, side) is not None]


@pytest.fixture(scope="module")
def sample():
    return koc.datasets.load_sample()


def _problem_at(found, row, field):
    return any(r == row and f.split(".")[-1] == field for r, f in zip(found["row"], found["field"]))


@pytest.mark.parametrize("column,side", _ranged(tables.ROSTER), ids=lambda x: getattr(x, "name", x))
def test_the_librarys_roster_checks_are_the_schemas_ranges(sample, column, side):
    # Each valid range is data in koc.tables; the library's own check refuses a value just past it,
    # naming the row and the column: the two cannot drift apart unnoticed.
    roster = sample.roster.copy()
    roster[column.name] = roster[column.name].astype(np.float64 if column.kind == "float" else np.int64)
    roster.loc[1, column.name] = _outside(column, side)
    if tables.TIERS in column.stages:
        assert _problem_at(koc.validate(roster, sample.tier_policy), 1, column.name)
    else:
        with pytest.raises(koc.Error) as e:
            koc.match(roster, sample.tasks, sample.matching_policy, tier_policy=sample.tier_policy)
        assert (e.value.row, e.value.field) == (1, column.name)


@pytest.mark.parametrize("column,side", _ranged(tables.TASKS), ids=lambda x: getattr(x, "name", x))
def test_the_librarys_task_checks_are_the_schemas_ranges(sample, column, side):
    tasks = sample.tasks.copy()
    tasks[column.name] = tasks[column.name].astype(np.int64)
    tasks.loc[1, column.name] = _outside(column, side)
    if tables.MATCH in column.stages:
        assert _problem_at(koc.validate_tasks(tasks, sample.tier_policy), 1, column.name)
    else:
        found = koc.validate_rewards(sample.completions, sample.reward_policy, tasks=tasks)
        # budget_minor reaches the library as its one budget column, "budget"
        assert _problem_at(found, 1, column.name.replace("_minor", ""))


@pytest.mark.parametrize("column,side", _ranged(tables.COMPLETIONS), ids=lambda x: getattr(x, "name", x))
def test_the_librarys_completion_checks_are_the_schemas_ranges(sample, column, side):
    done = sample.completions.copy()
    done[column.name] = done[column.name].astype(np.float64 if column.kind == "float" else np.int64)
    done.loc[1, column.name] = _outside(column, side)
    found = koc.validate_rewards(done, sample.reward_policy, tasks=sample.tasks)
    assert _problem_at(found, 1, column.name.replace("_minor", ""))
