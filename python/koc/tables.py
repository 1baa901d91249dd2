"""The input tables koc reads, written down once: every column's name, kind and the stages that read it
(public: ``koc.tables.ROSTER``, ``koc.tables.TASKS``, ``koc.tables.COMPLETIONS``, ``koc.tables.TIERS_OUT``
(what koc.classify returns), and :func:`unix_seconds`, the one reader of time columns).

koc.match, koc.rewards and the CLI read their column names from here, so a table one stage accepts the
next accepts unchanged: the tasks table given to :func:`koc.match` is the one :func:`koc.rewards` reads
(its deadline is ``window_end``, its budget ``budget_minor`` or ``budget``). A column that looks meant for
koc but is not one of its names (a misspelling, or a name koc used to read) is refused with a suggestion
by every stage, never ignored: ignoring it would silently drop what it says (a late penalty, a budget,
a KOC's clearance). A roster may also carry the programme's own columns (a name, an email) and the
columns koc.classify returns; only a name close to one koc reads, which the roster lacks, is refused.

Kinds: ``id`` (a whole number, or text such as "T-2026-07" as CRM exports hold ids, for the whole
column), ``time`` (unix seconds, datetimes, or ISO-8601 text with or without an offset), ``int``, ``float``, ``flag`` (0/1), ``str``, ``amount`` (major units of the row's currency: a
decimal string, a Decimal, an int, or a float read by its shortest repr).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from . import _columns, _core
from ._errors import error

TIERS, MATCH, REWARDS = "tiers", "match", "rewards"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    stages: tuple[str, ...]
    about: str
    low: Optional[float] = None   #: the smallest valid value (the library refuses less, naming row and field)
    high: Optional[float] = None  #: the largest valid value

    def valid(self) -> str:
        """The valid range in words: "[0, 1]", ">= 0", or "" when any value of the kind is valid."""
        if self.low is None and self.high is None:
            return ""
        if self.high is None:
            return f">= {self.low:g}"
        return f"[{self.low:g}, {self.high:g}]" if self.low is not None else f"<= {self.high:g}"


def _table(*columns: Column) -> dict[str, Column]:
    return {c.name: c for c in columns}


def _metric_about(unit: str, integral: bool, lower_is_better: bool) -> str:
    """A built-in metric's declaration (the library's, koc::builtin_metric_declarations) in words; its range
    is the column's low and high."""
    return (f"built-in metric: {unit}{' (integral: growth gaps in whole steps)' if integral else ''}"
            f"{', lower is better' if lower_is_better else ''}")


ROSTER = _table(
    Column("id", "id", (TIERS, MATCH), "unique KOC id: a whole number or text (koc_id is accepted as its name)"),
    *(Column(name, "float", (TIERS,), _metric_about(unit, integral, lower), low, None if high == float("inf") else high)
      for name, unit, integral, low, high, lower in _core.builtin_metric_declarations()),
    Column("honorary", "flag", (TIERS,), "honorary status given by the programme"),
    Column("invited", "flag", (TIERS,), "invited to the programme (an invitation gate reads it)"),
    Column("clearance", "flag", (TIERS, MATCH), "NDA signed: may take confidential tasks"),
    Column("previous_tier", "str", (TIERS,), "last period's tier name; empty = a new KOC"),
    Column("periods_below", "int", (TIERS,), "periods already held by grace below the previous tier", 0),
    Column("capacity", "int", (MATCH,), "task load the KOC can take this period", 0),
    Column("region", "str", (MATCH,), "region, empty = unknown (then only tasks open anywhere fit)"),
    Column("audience", "str", (MATCH,), "audience segments, 'a|b'"),
    Column("available_start", "time", (MATCH,), "unix seconds or ISO-8601; start of the availability"),
    Column("available_end", "time", (MATCH,), "unix seconds or ISO-8601; end of the availability"),
    Column("opted_out", "str", (MATCH,), "asset types, horizons or directions the KOC declines, 'a|b'"),
    Column("recent_tasks", "int", (MATCH,), "tasks done in the rotation window (the fairness term)", 0),
)
ROSTER_PREFIX = "skill_"  # skill_<name>: the KOC's level of that skill

TASKS = _table(
    Column("task_id", "id", (MATCH, REWARDS), "unique task id: a whole number or text"),
    Column("asset", "str", (MATCH,), "social, knowledge, community or intelligence"),
    Column("horizon", "str", (MATCH,), "instant, phased, continuous or identity"),
    Column("direction", "str", (MATCH,), "internal or external"),
    Column("slots", "int", (MATCH,), "KOCs wanted; -1 = as many as possible", -1),
    Column("window_start", "time", (MATCH, REWARDS), "unix seconds or ISO-8601; start of the window (speed bonuses count from it)"),
    Column("window_end", "time", (MATCH, REWARDS), "unix seconds or ISO-8601; end of the window: the deadline, later work is late"),
    Column("load", "int", (MATCH,), "capacity a KOC needs for the task", 1),
    Column("audience", "str", (MATCH,), "target segments, 'a|b'"),
    Column("region", "str", (MATCH,), "region, empty = anywhere"),
    Column("min_tier", "str", (MATCH,), "lowest tier name"),
    Column("max_tier", "str", (MATCH,), "highest tier name"),
    Column("confidential", "flag", (MATCH,), "needs clearance", 0, 1),
    Column("budget", "amount", (REWARDS,), "the task's budget in major units of its currency"),
    Column("budget_minor", "int", (REWARDS,), "the same budget in integer minor units (-1 = none)", -1),
    Column("campaign_id", "int", (REWARDS,), "campaign, -1 = none", -1),
    Column("rule", "str", (REWARDS,), "the reward rule's id (or index) in the reward policy"),
    Column("currency", "str", (REWARDS,), "checked against the rule's currency"),
    Column("period_days", "int", (REWARDS,), "retainer period", 0),
)
TASK_PREFIX = "req_"  # req_<skill>: the level the task requires

COMPLETIONS = _table(
    Column("koc_id", "id", (REWARDS,), "the KOC of the assignment"),
    Column("task_id", "id", (REWARDS,), "the task of the assignment"),
    Column("assignment", "int", (REWARDS,), "row of the assignments table (instead of koc_id, task_id)"),
    Column("delivered_at", "time", (REWARDS,), "unix seconds or ISO-8601 (offsets honoured; naive = UTC)"),
    Column("accepted", "flag", (REWARDS,), "1 accepted, 0 rejected", 0, 1),
    Column("quality", "float", (REWARDS,), "the deliverable's quality score", 0, 1),
    Column("views", "int", (REWARDS,), "views of the deliverable", 0),
    Column("interactions", "int", (REWARDS,), "interactions with the deliverable", 0),
    Column("days_served", "int", (REWARDS,), "retainer days served", 0),
    Column("duty_fulfilment", "float", (REWARDS,), "share of the retainer's duties done", 0, 1),
    Column("days_on_site", "int", (REWARDS,), "offline days", 0),
    Column("travel_claimed", "amount", (REWARDS,), "travel claim in major units"),
    Column("travel_claimed_minor", "int", (REWARDS,), "the same claim in integer minor units", 0),
)

#: Names koc does not read, with the column that says the same: refused wherever they appear, since a
#: stage that ignored one would drop what it says. `deadline` is what koc.rewards once read (and the
#: end of the window is the deadline: one column for both stages).
RENAMED = {"roster": {}, "tasks": {"deadline": "window_end"}, "completions": {}}

#: One quantity in two units: a table gives at most one of each pair.
UNIT_PAIRS = {"roster": (), "tasks": (("budget", "budget_minor"),),
              "completions": (("travel_claimed", "travel_claimed_minor"),)}

#: The table koc.classify returns, one row per KOC (documented on koc.classify). A roster may carry
#: these columns too: a tiers table joined onto its roster is a roster koc.match accepts unchanged.
TIERS_OUT = _table(
    Column("koc_id", "id", (TIERS, MATCH), "the KOC (its roster id)"),
    Column("tier", "str", (TIERS, MATCH), "the tier this period, overrides applied"),
    Column("computed_tier", "str", (TIERS,), "the tier the rules give, before overrides"),
    Column("qualified_tier", "str", (TIERS,), "the highest tier the KOC qualifies for on this period's metrics"),
    Column("score", "float", (TIERS,), "the weighted score"),
    Column("blocked_tier", "str", (TIERS,), "a higher tier the score reaches but a gate blocks"),
    Column("blocked_gate", "str", (TIERS,), "the first gate of blocked_tier that fails"),
    Column("transition", "str", (TIERS,), "how the tier moved from last period"),
    Column("periods_below", "int", (TIERS,), "periods held by grace below the tier, for the next period"),
    Column("honorary", "flag", (TIERS,), "honorary status this period"),
    Column("next_tier", "str", (TIERS,), "the next tier up, empty at the top"),
    Column("override_reason", "str", (TIERS,), "why an override set the tier"),
    Column("override_author", "str", (TIERS,), "who set the override"),
    Column("override_expires_at", "time", (TIERS,), "when the override stops applying"),
)
TIERS_OUT_PREFIXES = ("contribution_", "gap_")  # contribution_<metric>, gap_<metric>: one per metric

_TABLES = {"roster": (ROSTER, ROSTER_PREFIX), "tasks": (TASKS, TASK_PREFIX), "completions": (COMPLETIONS, None)}
_CLOSE = 0.8  # difflib ratio above which an unknown column is taken for a misspelt known one


#: Which core table (the library's own column list, _core.core_columns) a stage reads a user table into.
_CORE_TABLE = {("tasks", MATCH): "match_tasks", ("tasks", REWARDS): "reward_tasks"}
_CORE_RENAMED = {("match_tasks", "id"): "task_id"}  # core column -> user column, where the names differ


def required(which: str, stage: str) -> tuple[str, ...]:
    """The columns `stage` requires of table `which` ("tasks"; MATCH or REWARDS), in the library's order:
    its core table's key and required columns (``_core.core_columns``), so the rule is the library's."""
    core = _CORE_TABLE[(which, stage)]
    return tuple(_CORE_RENAMED.get((core, name), name) for name, role in _core.core_columns(core) if role != "optional")


def vocabulary(which: str, prefixed: Sequence[str] = ()) -> list[str]:
    """The known column names of a table (plus `prefixed` full names such as req_short_video)."""
    columns, _ = _TABLES[which]
    return list(columns) + list(prefixed)


def check_names(table: Any, which: str, what: str, declared: Sequence[str] = ()) -> None:
    """Refuses a column of `table` that koc does not read but that looks meant for it, and a quantity given
    in both its units. `which`: "roster", "tasks" or "completions"; `what`: the table as the message names
    it; `declared`: for a roster, the metrics the tier policy declares (columns of its own)."""
    found = problems(_columns.column_names(table), which, what, declared)
    if found:
        raise error(*found[0])


def problems(names: Sequence[str], which: str, what: str,
             declared: Sequence[str] = ()) -> list[tuple[str, str, None, str]]:
    """Every column problem of a table with these column names, as (code, message, row, field).

    A roster carries the programme's own columns too (a name, an email, a city): only a column close to
    one koc reads (a built-in metric, a flag, a matching column, or a metric the policy declares) that is
    absent is refused, since koc would otherwise read the table without it."""
    columns, prefix = _TABLES[which]
    known = list(columns) + list(declared) + (["koc_id"] if which == "roster" else [])  # the id's other name
    roster = which == "roster"
    present = set(names)
    out = []
    for name in names:
        if name in columns or name in declared or (prefix and name.startswith(prefix)):
            continue
        if roster and (name in TIERS_OUT or name.startswith(TIERS_OUT_PREFIXES)):
            continue
        instead = RENAMED[which].get(name)
        if instead is None:
            close = difflib.get_close_matches(name, known, n=1, cutoff=_CLOSE)
            instead = close[0] if close and close[0] not in present else None
        if instead is not None:
            table = "the roster" if which == "roster" else f"the {what} table"
            out.append(("unknown_name", f"{table} has a '{name}' column, which koc does not read "
                                        f"(did you mean '{instead}'?)", None, name))
    for a, b in UNIT_PAIRS[which]:
        if a in present and b in present:
            out.append(("invalid_argument", f"give the {what} table's '{a}' once: '{a}' (major units) or '{b}' "
                                            "(integer minor units)", None, a))
    return out


def markdown() -> str:
    """The tables as a Markdown page, one section per table (the docs' page of input tables is this text,
    checked by the tests): every column's name, kind, the stages that read it and what it holds."""
    sections = (
        ("Roster", "one row per KOC; read by koc.classify and koc.match", ROSTER,
         f"`{ROSTER_PREFIX}<name>`: the KOC's level of that skill (0-255), read by matching. A tier policy may "
         "declare metrics of its own: their columns are read as numbers (see the page on your own metrics)."),
        ("Tasks", "one row per task; read by koc.match and koc.rewards, the same table for both", TASKS,
         f"`{TASK_PREFIX}<skill>`: the level the task requires. Give a budget in one unit only: "
         "`budget` or `budget_minor`."),
        ("Completions", "one row per piece of work delivered; read by koc.rewards", COMPLETIONS,
         "Name the assignment by `koc_id` and `task_id`, or by `assignment`. Give a travel claim in one "
         "unit only."),
        ("Tiers", "what koc.classify returns, one row per KOC; a roster may carry these columns", TIERS_OUT,
         "".join(f"`{p}<metric>` " for p in TIERS_OUT_PREFIXES).strip().replace("` `", "`, `")
         + ": one column per metric of the policy (the term's contribution to the score, the growth gap)."),
    )
    out = ["# Input tables", "",
           "Every column koc reads, by table: its kind, its valid range (a value outside it is refused, with "
           "its row and column named), the stages that read it and what it holds. A column "
           "close to one of these names that a table lacks is refused with the name meant; other columns "
           "are the programme's own and are left alone. This page is `koc.tables.markdown()`; the tests "
           "check that they agree.", "",
           "Kinds: `id` (a whole number, or text), `time` (unix seconds, a datetime, or ISO-8601 text), "
           "`int`, `float`, `flag` (0/1), `str`, `amount` (major units of the row's currency, exact).", ""]
    for title, what, columns, note in sections:
        out += [f"## {title}", "", what[0].upper() + what[1:] + ".", "", "| column | kind | valid | read by | holds |",
                "|---|---|---|---|---|"]
        out += [f"| `{c.name}` | {c.kind} | {c.valid()} | {', '.join(c.stages)} | {c.about} |" for c in columns.values()]
        out += ["", note, ""]
    return "\n".join(out)


def unix_seconds(values: Any, field: str, default: Any = None) -> Any:
    """A time column as unix seconds (int64 array), as every stage reads one: integers (unix seconds),
    datetimes (naive = UTC) or ISO-8601 text ("2026-03-31 05:30:40+08:00"). Missing values become
    ``default``, or are refused (a koc.Error naming the row and ``field``) when it is None."""
    return _columns.seconds(values, field, default)
