"""koc: tiers, matching and rewards for Key Opinion Consumer programmes.

    import koc
    tiers = koc.classify(roster_df)                 # one row per KOC: tier, score, contributions, growth gaps
    moved = koc.what_if(roster_df, koc.TierPolicy.default(), proposed)

Errors are subclasses of :class:`koc.Error` (a ``ValueError``) with ``.code``, ``.row`` and ``.field``.
"""
from __future__ import annotations

from . import _core
from ._core import (
    CancelledError,
    DuplicateIdError,
    Error,
    InternalError,
    InvalidArgumentError,
    InvalidPolicyError,
    InvalidValueError,
    LengthMismatchError,
    OutOfRangeError,
    OverflowError,
    SolveProgress,
    TimeoutError,
    UnknownIdError,
    UnknownNameError,
)
from ._check import Check
from .assignment import (
    AssignmentResult,
    CapacitatedResult,
    InfeasibleError,
    capacitated_assignment,
    linear_sum_assignment,
    linear_sum_assignment_batch,
    solve_assignment,
)
from .matching import MatchingPolicy, MatchResult, candidates, match, validate_tasks
from .statement import statement
from .tiers import METRICS, TierPolicy, WhatIf, classify, explain, tier_state, validate, validate_policy, what_if
from . import datasets  # noqa: E402  (koc.datasets.load_sample(), make_programme(); imports the names above)
from .rewards import (CURRENCIES, Ledger, RewardPolicy, format_amount, parse_amount, points_balances, rewards, to_decimal,
                      validate_rewards)

__version__: str = _core.__version__

from . import tables  # noqa: E402  the input tables' columns, written down once
from ._errors import detail as _detail  # noqa: E402

# Every koc.Error's message without its "(row r, field 'f')" suffix, beside .code, .row and .field.
Error.detail = property(_detail)

__all__ = [
    "Check",
    "CURRENCIES",
    "Ledger",
    "RewardPolicy",
    "format_amount",
    "parse_amount",
    "rewards",
    "points_balances",
    "statement",
    "to_decimal",
    "CapacitatedResult",
    "capacitated_assignment",
    "MatchResult",
    "candidates",
    "MatchingPolicy",
    "match",
    "AssignmentResult",
    "InfeasibleError",
    "linear_sum_assignment",
    "linear_sum_assignment_batch",
    "solve_assignment",
    "METRICS",
    "CancelledError",
    "DuplicateIdError",
    "Error",
    "InternalError",
    "InvalidArgumentError",
    "InvalidPolicyError",
    "InvalidValueError",
    "LengthMismatchError",
    "OutOfRangeError",
    "OverflowError",
    "SolveProgress",
    "TierPolicy",
    "TimeoutError",
    "UnknownIdError",
    "UnknownNameError",
    "WhatIf",
    "classify",
    "tier_state",
    "explain",
    "validate",
    "validate_policy",
    "validate_rewards",
    "validate_tasks",
    "what_if",
]
