"""Exact assignment solvers on user-supplied scores: a drop-in for scipy's linear_sum_assignment, a batch
form of it for many small problems, and the same solve with its optimality certificate."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from . import _core
from ._check import Check
from ._errors import error


class InfeasibleError(_core.Error):
    """The smaller side cannot be fully assigned using allowed entries (scipy: 'cost matrix is infeasible').
    ``.code`` is ``"infeasible"`` and ``.field`` ``"cost"``; :func:`solve_assignment` returns the proof."""

    code = "infeasible"
    field = "cost"


def _as_cost_matrix(cost_matrix: Any) -> np.ndarray:
    arr = np.asarray(cost_matrix)
    if arr.ndim != 2:
        raise ValueError(f"expected a matrix (2-D array), got a {arr.ndim} array")
    if not np.can_cast(arr.dtype, np.float64, casting="safe"):
        raise TypeError(f"Cannot cast array data from {arr.dtype!r} to dtype('float64') according to the rule 'safe'")
    return np.ascontiguousarray(arr, dtype=np.float64)  # no copy for C-contiguous float64


def _invalid(e: _core.Error) -> _core.InvalidValueError:
    # scipy's message, with koc's row and field kept on the exception.
    err = _core.InvalidValueError("matrix contains invalid numeric entries")
    err.code, err.row, err.field = e.code, e.row, "cost"
    return err


def linear_sum_assignment(cost_matrix: Any, maximize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Solve the linear sum assignment problem: a drop-in for ``scipy.optimize.linear_sum_assignment``.

    Same signature, same returned arrays (``row_ind`` increasing, ``col_ind``; int64), same exceptions and
    messages: ``ValueError('matrix contains invalid numeric entries')`` for NaN or a wrong-signed infinity,
    ``ValueError('cost matrix is infeasible')``, ``ValueError('expected a matrix (2-D array), got a N
    array')`` and scipy's ``TypeError`` for non-numeric input. Forbidden pairs: +inf when minimising,
    -inf when maximising. Ties: lowest index, so a constant matrix gives the identity. Unlike scipy, a finite
    cost above ``DBL_MAX / (12 (min(rows, cols) + 7)**2)`` in magnitude (about 1e301 at 4000 rows) raises
    ``koc.OutOfRangeError``: the certificate's potentials would overflow. The errors are koc.Error
    subclasses (ValueError), so ``except ValueError`` keeps working.
    """
    cost = _as_cost_matrix(cost_matrix)
    try:
        r = _core.solve_dense_assignment(cost, bool(maximize), None)
    except _core.InvalidValueError as e:
        raise _invalid(e) from None
    if r["status"] != "optimal":
        raise InfeasibleError("cost matrix is infeasible")
    return r["row_ind"], r["col_ind"]


def _batch_error(e: _core.Error) -> _core.Error:
    # The core names the problem ("problem 3: ..."): keep it as .problem; invalid entries in scipy's words.
    m = re.match(r"problem (\d+): ", str(e))
    problem = int(m.group(1)) if m else None
    if isinstance(e, _core.InvalidValueError):
        err = _core.InvalidValueError(f"matrix contains invalid numeric entries (problem {problem})")
        err.code, err.row, err.field = getattr(e, "code", "invalid_value"), getattr(e, "row", None), "cost"
        e = err
    e.problem = problem
    return e


def linear_sum_assignment_batch(costs: Any, maximize: bool = False, *, threads: Optional[int] = None) -> Any:
    """Solve many linear sum assignment problems in one call, on every core.

    ``costs``: a 3-D array of shape (count, rows, cols), or a sequence of 2-D arrays (their shapes may
    differ). Each matrix is solved exactly as :func:`linear_sum_assignment` solves it alone, so the answers
    do not depend on ``threads`` (None or 0: one thread per core). The GIL is released while solving.

    Returns, for a 3-D array, ``(row_ind, col_ind)``: int64 arrays of shape (count, min(rows, cols)), row k
    holding ``linear_sum_assignment(costs[k])``; for a sequence, a list of ``(row_ind, col_ind)`` pairs.
    Raises as :func:`linear_sum_assignment` does, for the lowest-numbered problem at fault, naming it
    (``ValueError('cost matrix is infeasible (problem 3)')``; the exception's ``.problem`` is 3).
    """
    n_threads = 0 if threads is None else int(threads)
    if n_threads < 0:
        raise ValueError("threads must be >= 0 (0 or None: one per core)")
    stacked = isinstance(costs, np.ndarray) and costs.ndim == 3
    if stacked:
        if not np.can_cast(costs.dtype, np.float64, casting="safe"):
            raise TypeError(f"Cannot cast array data from {costs.dtype!r} to dtype('float64') according to the rule 'safe'")
        arr = np.ascontiguousarray(costs, dtype=np.float64)
        call = lambda: _core.solve_dense_assignment_stack(arr, bool(maximize), n_threads)  # noqa: E731
    else:
        if isinstance(costs, np.ndarray) and costs.ndim != 3:
            raise ValueError(f"expected a 3-D array or a sequence of matrices, got a {costs.ndim}-D array")
        mats = [_as_cost_matrix(c) for c in costs]
        call = lambda: _core.solve_dense_assignment_list(mats, bool(maximize), n_threads)  # noqa: E731
    try:
        optimal, row_ind, col_ind, _ = call()
    except _core.Error as e:
        raise _batch_error(e) from None
    if not optimal.all():
        k = int(np.flatnonzero(optimal == 0)[0])
        err = InfeasibleError(f"cost matrix is infeasible (problem {k})")
        err.problem = k
        raise err
    if stacked:
        return row_ind, col_ind
    return list(zip(row_ind, col_ind))


@dataclass(frozen=True)
class AssignmentResult:
    """An exact dense assignment with its LP-dual certificate.

    ``row_potential`` (rows,) and ``col_potential`` (cols,) are the duals u, v of the minimisation form
    (see koc/matching/dense_assignment.hpp): u_i + v_j <= c_ij on allowed pairs, equality on chosen ones.
    When infeasible, ``blocking_rows`` / ``blocking_cols`` is a Hall set proving it.
    """

    status: str
    row_ind: np.ndarray
    col_ind: np.ndarray
    total: float
    row_potential: np.ndarray
    col_potential: np.ndarray
    blocking_rows: np.ndarray
    blocking_cols: np.ndarray
    maximize: bool
    _cost: np.ndarray
    _forbidden: Optional[np.ndarray]

    def __repr__(self) -> str:  # counts, not arrays: a notebook cell stays one line
        rows, cols = self._cost.shape
        return (f"AssignmentResult(status={self.status!r}, {rows:,} x {cols:,}, {len(self.row_ind):,} pairs, "
                f"total={self.total:.6g}, {'maximize' if self.maximize else 'minimize'})")

    def verify(self, tolerance: float = 1e-9) -> Check:
        """Re-checks feasibility and optimality independently of the solver: a :class:`koc.Check`, truthy
        only when the certificate holds (else ``.message`` names the first violation)."""
        return Check(*_core.verify_dense_assignment(
            self._cost, self.maximize, self._forbidden, self.status, self.row_ind, self.col_ind,
            self.row_potential, self.col_potential, self.blocking_rows, self.blocking_cols, tolerance))


def solve_assignment(cost: Any, *, maximize: bool = False, forbidden: Any = None) -> AssignmentResult:
    """Exact rectangular 1:1 assignment with certificate; ``forbidden`` is an optional boolean mask.

    Unlike :func:`linear_sum_assignment`, infeasibility is a status (``result.status == 'infeasible'``)
    with its proof, not an exception; invalid entries raise koc.InvalidValueError naming the row.
    """
    c = _as_cost_matrix(cost)
    mask = None if forbidden is None else np.ascontiguousarray(np.asarray(forbidden, dtype=bool).view(np.uint8))
    r = _core.solve_dense_assignment(c, bool(maximize), mask)
    return AssignmentResult(status=r["status"], row_ind=r["row_ind"], col_ind=r["col_ind"], total=r["total"],
                            row_potential=r["row_potential"], col_potential=r["col_potential"],
                            blocking_rows=r["blocking_rows"], blocking_cols=r["blocking_cols"],
                            maximize=bool(maximize), _cost=c, _forbidden=mask)


@dataclass(frozen=True)
class CapacitatedResult:
    """Exact capacitated assignment (b-matching) with its certificate.

    ``koc``/``task``/``edge``/``score``: chosen pairs (``edge`` indexes the input edge arrays, or the
    sparse matrix's COO entries); ``koc_load``/``task_filled`` per row and a reason for any spare capacity
    or unfilled slot; ``total``: Σ score; ``certificate``: the flow potentials (int64, in units of
    ``score_resolution / scale``; every reduced cost at least ``-epsilon``, see capacitated_assignment.hpp),
    which :meth:`verify` re-checks independently in exact arithmetic.
    """

    koc: np.ndarray
    task: np.ndarray
    edge: np.ndarray
    score: np.ndarray
    total: float
    koc_load: np.ndarray
    task_filled: np.ndarray
    koc_reason: np.ndarray
    task_reason: np.ndarray
    certificate: dict
    _state: Any

    def __repr__(self) -> str:  # counts, not arrays: a notebook cell stays one line
        spare = int(np.count_nonzero(self.koc_reason != "none"))
        short = int(np.count_nonzero(self.task_reason != "none"))
        return (f"CapacitatedResult({len(self.koc):,} pairs, total={self.total:.6g}, {len(self.koc_load):,} KOCs "
                f"({spare:,} with spare capacity), {len(self.task_filled):,} tasks ({short:,} not full))")

    def verify(self) -> Check:
        """Re-checks the exact certificate independently of the solver: a :class:`koc.Check`, truthy only
        when it holds (else ``.message`` names the first violation)."""
        return Check(*self._state.verify())


def capacitated_assignment(scores: Any, capacity: Any, slots: Any, *, objective: str = "max_score",
                           score_resolution: float = 1e-6, method: str = "auto", time_limit: Optional[float] = None,
                           cancel: Any = None, progress: Optional[Callable[[Any], None]] = None,
                           warm_start: Any = None) -> CapacitatedResult:
    """Exact capacitated assignment: KOC k takes up to capacity[k] tasks, task t up to slots[t] KOCs, each
    candidate pair at most once.

    scores: a scipy.sparse matrix (KOCs × tasks; every stored entry, explicit zeros included, is a
        candidate pair) or a tuple of edge arrays ``(koc, task, score)``.
    objective: "max_score" (maximise Σ score, partial assignment allowed: pairs with score <= 0 are never
        taken) or "max_fill" (as many pairs as possible, then the best score). Scores are solved exactly
        in units of ``score_resolution``.
    method: "auto" (the epsilon-scaling auction unless its integers would overflow), "auction" or
        "shortest_paths"; both are exact and certified.
    time_limit: seconds; past it the solve raises :class:`koc.TimeoutError` (no partial answer).
    cancel: a callable returning True, or a ``threading.Event``, polled every few milliseconds: set, the
        solve raises :class:`koc.CancelledError`. It may be set from another thread (the GIL is released).
    progress: called about every 0.1 s with a :class:`koc.SolveProgress` (``fraction``, ``phase``, ...).
        An exception raised by ``cancel`` or ``progress`` stops the solve and propagates.
    warm_start: a previous :class:`CapacitatedResult` (or its ``certificate``) of a problem with the same
        tasks, a few pairs or rows changed: the solve starts from its task prices. Changes the speed only;
        the result is the exact optimum either way (which one, among equally good ones, may differ).
    """
    if isinstance(scores, tuple):
        if len(scores) != 3:
            raise TypeError("edge input must be a tuple (koc, task, score)")
        koc = np.asarray(scores[0])
        task = np.asarray(scores[1])
        score = np.asarray(scores[2], dtype=np.float64)
        cap = np.asarray(capacity)
        n_kocs, n_tasks = len(cap), len(np.asarray(slots))
    else:
        coo = scores.tocoo()
        koc, task, score = coo.row, coo.col, np.asarray(coo.data, dtype=np.float64)
        n_kocs, n_tasks = coo.shape
    from ._columns import typed

    # Indices beyond int32 are out of range whatever the sizes: clipped to the int32 bounds, the core's
    # edge-list checks (in row order, shared with C++ and C) name them with the same row and field.
    i32 = np.iinfo(np.int32)
    koc32, task32 = (np.ascontiguousarray(np.clip(np.asarray(a, dtype=np.int64), i32.min, i32.max), dtype=np.int32)
                     for a in (koc, task))
    warm = warm_start.certificate if isinstance(warm_start, CapacitatedResult) else warm_start
    if warm is not None and not (isinstance(warm, dict) and {"task_potential", "scale", "pair_bonus"} <= set(warm)):
        raise error("invalid_argument", "warm_start must be a CapacitatedResult or its certificate", None, "warm_start")
    r = _core.solve_capacitated(int(n_kocs), int(n_tasks), koc32, task32, np.ascontiguousarray(score),
                                typed(capacity, np.int32, "capacity"), typed(slots, np.int32, "slots"),
                                objective, float(score_resolution), method, time_limit, cancel, progress,
                                None if warm is None else np.ascontiguousarray(warm["task_potential"], dtype=np.int64),
                                1 if warm is None else int(warm["scale"]), 0 if warm is None else int(warm["pair_bonus"]))
    edge = r["edge"]  # the input row of each chosen pair
    reasons = np.asarray(r["reasons"], dtype=object)
    cert = {k: r[k] for k in ("koc_potential", "task_potential", "source_potential", "scale", "epsilon", "pair_bonus",
                              "total_score_units")}
    return CapacitatedResult(koc=r["koc"].astype(np.int64), task=r["task"].astype(np.int64), edge=edge, score=score[edge],
                             total=float(r["total_score"]), koc_load=r["koc_load"], task_filled=r["task_filled"],
                             koc_reason=reasons[r["koc_reason"]], task_reason=reasons[r["task_reason"]],
                             certificate=cert, _state=r["state"])
