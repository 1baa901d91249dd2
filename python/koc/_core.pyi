# Stubs for koc._core, the private compiled module. Checked against the module by
# python/tests/test_stubs.py: every function here exists there with the same parameter names, and
# every public function there is declared here.
from typing import Any, Optional, Sequence

import numpy as np
import numpy.typing as npt

__version__: str
version_number: int

class Error(ValueError):
    code: str
    row: int | None
    field: str | None

class InvalidArgumentError(Error): ...
class InvalidValueError(Error): ...
class LengthMismatchError(Error): ...
class DuplicateIdError(Error): ...
class UnknownNameError(Error): ...
class UnknownIdError(Error): ...
class InvalidPolicyError(Error): ...
class OverflowError(Error): ...
class OutOfRangeError(Error): ...
class InternalError(Error): ...
class TimeoutError(Error): ...
class CancelledError(Error): ...

class SolveProgress:
    fraction: float
    steps: int
    phase: int
    phases: int
    seconds: float

# --- tiers ---------------------------------------------------------------------------------------
class ParsedTierPolicy:
    """A validated koc::tier_policy; a JSON text is accepted wherever one is expected."""
    ladder: list[str]
    metrics_used: list[str]
    gate_descriptions: list[list[str]]
    def __init__(self, policy_json: str) -> None: ...
    def to_json(self) -> str: ...

def default_tier_policy_json() -> str: ...
def metric_names() -> list[str]: ...
def builtin_metric_declarations() -> list[tuple[str, str, bool, float, float, bool]]: ...
def core_columns(table: str) -> list[tuple[str, str]]: ...
def tier_transition_names() -> list[str]: ...
def classify(
    columns: dict[str, npt.NDArray[Any]],
    policy: ParsedTierPolicy | str,
    override_ids: npt.NDArray[np.int64],
    override_tiers: npt.NDArray[np.int32],
    override_reasons: Sequence[str],
    growth_gaps: bool = True,
    reference: dict[str, Any] | None = None,
    override_authors: Sequence[str] = ...,
    override_expires_at: npt.NDArray[np.int64] = ...,
    as_of: int = -1,
) -> dict[str, Any]: ...
def tier_overrides_for(
    roster_id: npt.NDArray[np.int64],
    n_tiers: int,
    koc_id: npt.NDArray[np.int64],
    tier: npt.NDArray[np.int32],
    periods_below: npt.NDArray[np.int32],
    honorary: npt.NDArray[np.uint8],
    override_tier: npt.NDArray[np.int32],
    override_reason: Sequence[str],
    override_author: Sequence[str],
    override_expires_at: npt.NDArray[np.int64],
    added_ids: npt.NDArray[np.int64],
    added_tiers: npt.NDArray[np.int32],
    added_reasons: Sequence[str],
    added_authors: Sequence[str],
    added_expires_at: npt.NDArray[np.int64],
) -> dict[str, Any]: ...
def tier_state_for(
    roster_id: npt.NDArray[np.int64],
    roster_honorary: Optional[npt.NDArray[np.uint8]],
    n_tiers: int,
    koc_id: npt.NDArray[np.int64],
    tier: npt.NDArray[np.int32],
    periods_below: npt.NDArray[np.int32],
    honorary: npt.NDArray[np.uint8],
    revoked_ids: npt.NDArray[np.int64],
    revoked_reasons: Sequence[str],
) -> dict[str, npt.NDArray[Any]]: ...
def next_tier_state(
    roster_id: npt.NDArray[np.int64],
    final_tier: npt.NDArray[np.int32],
    periods_below: npt.NDArray[np.int32],
    honorary: npt.NDArray[np.uint8],
    koc_id: npt.NDArray[np.int64],
    tier: npt.NDArray[np.int32],
    last_periods_below: npt.NDArray[np.int32],
    last_honorary: npt.NDArray[np.uint8],
    row_override_tier: npt.NDArray[np.int32] = ...,
    row_override_reason: Sequence[str] = ...,
    row_override_author: Sequence[str] = ...,
    row_override_expires_at: npt.NDArray[np.int64] = ...,
    last_override_tier: npt.NDArray[np.int32] = ...,
    last_override_reason: Sequence[str] = ...,
    last_override_author: Sequence[str] = ...,
    last_override_expires_at: npt.NDArray[np.int64] = ...,
) -> dict[str, npt.NDArray[Any]]: ...
def explain(columns: dict[str, npt.NDArray[Any]], policy: ParsedTierPolicy | str, rows: Sequence[int]) -> list[str]: ...
def explain_classified(
    ids: npt.NDArray[np.int64],
    previous_tier: npt.NDArray[np.int32],
    policy: ParsedTierPolicy | str,
    result: dict[str, npt.NDArray[Any]],
    override_reasons: Sequence[str],
) -> list[str]: ...
def roster_problems(columns: dict[str, npt.NDArray[Any]], policy: ParsedTierPolicy | str, limit: int) -> list[tuple[str, int, str, str]]: ...
def tier_policy_problems(text: str, limit: int) -> list[tuple[str, int, str, str]]: ...
def matching_policy_problems(text: str, tier_policy: ParsedTierPolicy | str, limit: int) -> list[tuple[str, int, str, str]]: ...
def reward_policy_problems(text: str, limit: int) -> list[tuple[str, int, str, str]]: ...
def task_problems(task_cols: dict[str, Any], n_tiers: int, limit: int) -> list[tuple[str, int, str, str]]: ...
def reward_input_problems(policy: ParsedRewardPolicy | str, task_cols: dict[str, Any], assignment_cols: dict[str, Any], completion_cols: dict[str, Any], koc_cols: dict[str, Any], ladder: list[str], limit: int) -> list[tuple[str, int, str, str]]: ...
def what_if(columns: dict[str, npt.NDArray[Any]], current_policy: ParsedTierPolicy | str, proposed_policy: ParsedTierPolicy | str) -> dict[str, Any]: ...

# --- dense assignment ----------------------------------------------------------------------------
def solve_dense_assignment(
    cost: npt.NDArray[np.float64], maximize: bool = False, forbidden: npt.NDArray[np.uint8] | None = None
) -> dict[str, Any]: ...
def solve_dense_assignment_stack(
    costs: npt.NDArray[np.float64], maximize: bool = False, threads: int = 0
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
def solve_dense_assignment_list(
    costs: Sequence[npt.NDArray[np.float64]], maximize: bool = False, threads: int = 0
) -> tuple[npt.NDArray[np.uint8], list[npt.NDArray[np.int64]], list[npt.NDArray[np.int64]], npt.NDArray[np.float64]]: ...
def verify_dense_assignment(
    cost: npt.NDArray[np.float64],
    maximize: bool,
    forbidden: npt.NDArray[np.uint8] | None,
    status: str,
    row_ind: npt.NDArray[np.int64],
    col_ind: npt.NDArray[np.int64],
    row_potential: npt.NDArray[np.float64],
    col_potential: npt.NDArray[np.float64],
    blocking_rows: npt.NDArray[np.int64],
    blocking_cols: npt.NDArray[np.int64],
    tolerance: float = 1e-9,
) -> tuple[bool, str]: ...

# --- matching ------------------------------------------------------------------------------------
class MatchState:
    def verify(self) -> tuple[bool, str]: ...

class ParsedMatchingPolicy:
    """A validated koc::matching_policy, its tier names resolved against one tier ladder."""
    def __init__(self, policy_json: str, tier_policy: ParsedTierPolicy | str) -> None: ...
    def to_json(self) -> str: ...

def default_matching_policy_json() -> str: ...
def matching_policy_normalise(policy_json: str, tier_policy: ParsedTierPolicy | str) -> str: ...
def match(
    task_cols: dict[str, npt.NDArray[Any]],
    koc_cols: dict[str, npt.NDArray[Any]],
    policy: ParsedMatchingPolicy,
    tier_policy: ParsedTierPolicy | str,
    two_way: dict[str, npt.NDArray[Any]],
    mode: str = "optimal",
    objective: str = "max_score",
    score_resolution: float = 1e-6,
    method: str = "auto",
    time_limit: Optional[float] = None,
    cancel: Any = None,
    progress: Any = None,
) -> dict[str, Any]: ...
def candidates(
    task_cols: dict[str, npt.NDArray[Any]],
    koc_cols: dict[str, npt.NDArray[Any]],
    policy: ParsedMatchingPolicy,
    tier_policy: ParsedTierPolicy | str,
    two_way: dict[str, npt.NDArray[Any]],
) -> dict[str, Any]: ...

# --- capacitated assignment ----------------------------------------------------------------------
class CapacitatedState:
    def verify(self) -> tuple[bool, str]: ...

def solve_capacitated(
    n_kocs: int,
    n_tasks: int,
    koc: npt.NDArray[np.int32],
    task: npt.NDArray[np.int32],
    score: npt.NDArray[np.float64],
    capacity: npt.NDArray[np.int32],
    slots: npt.NDArray[np.int32],
    objective: str = "max_score",
    score_resolution: float = 1e-6,
    method: str = "auto",
    time_limit: Optional[float] = None,
    cancel: Any = None,
    progress: Any = None,
    warm_task_potential: Optional[npt.NDArray[np.int64]] = None,
    warm_scale: int = 1,
    warm_pair_bonus: int = 0,
) -> dict[str, Any]: ...
def score_units(score: npt.NDArray[np.float64], score_resolution: float) -> npt.NDArray[np.int64]: ...
def capacitated_violations(
    koc: npt.NDArray[np.int32],
    task: npt.NDArray[np.int32],
    score: npt.NDArray[np.float64],
    chosen: npt.NDArray[np.uint8],
    koc_potential: npt.NDArray[np.int64],
    task_potential: npt.NDArray[np.int64],
    scale: int,
    epsilon: int,
    pair_bonus: int,
    objective: str = "max_score",
    score_resolution: float = 1e-6,
) -> npt.NDArray[np.int64]: ...

# --- rewards -------------------------------------------------------------------------------------
class ParsedRewardPolicy:
    """A validated koc::reward_policy; a JSON text is accepted wherever one is expected."""
    def __init__(self, policy_json: str) -> None: ...

class LedgerState:
    def explain(self, line: int) -> str: ...
    def verify(self) -> tuple[bool, str]: ...

def reward_policy_normalise(policy_json: str) -> str: ...
def reward_policy_summary(policy: ParsedRewardPolicy | str) -> dict[str, Any]: ...
def currencies() -> list[tuple[str, int]]: ...
def parse_amount(text: str, currency: str) -> int: ...
def format_amount(minor_units: int, currency: str) -> str: ...
def compute_ledger(
    policy: ParsedRewardPolicy | str,
    task_cols: dict[str, npt.NDArray[Any]],
    assignment_cols: dict[str, npt.NDArray[Any]],
    completion_cols: dict[str, npt.NDArray[Any]],
    koc_cols: dict[str, npt.NDArray[Any]],
    ladder: Sequence[str],
    explain: bool = False,
    settled_cols: dict[str, npt.NDArray[Any]] = ...,
    settled_rule_names: Sequence[str] = ...,
    award_cols: Optional[dict[str, Any]] = ...,
    run_id: str = ...,
) -> dict[str, Any]: ...
def line_kinds() -> list[str]: ...
def points_balances(
    policy: ParsedRewardPolicy | str,
    koc_id: npt.NDArray[np.int64],
    amount: npt.NDArray[np.int64],
    earned_at: npt.NDArray[np.int64],
    redeemed_koc_id: npt.NDArray[np.int64],
    redeemed_amount: npt.NDArray[np.int64],
    redeemed_at: npt.NDArray[np.int64],
    as_of: int,
) -> dict[str, npt.NDArray[np.int64]]: ...
