"""The two layers of each table agree: koc.tables (the columns a user gives, by name and kind) and the
library's core tables (the columns the C++ checks and the binding read, listed once by each table's
for_each_column and exposed as koc._core.core_columns)."""
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
