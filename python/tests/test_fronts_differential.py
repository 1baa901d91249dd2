"""The same random inputs, good and bad, through the Python front and the C ABI (libkoc, loaded with
ctypes): identical outputs, or the identical (code, row, field). The C ABI is compared with the C++ API
by tests/c/test_c_vs_cpp.cpp, so the three fronts agree.

The C library is the build tree's (``build/bindings/c/libkoc.so``, which the test command builds before
pytest runs) or the one named by ``KOC_C_LIBRARY``.
"""
from __future__ import annotations

import ctypes
import os
import pathlib
import re

import numpy as np
import pytest

import koc

ROOT = pathlib.Path(__file__).resolve().parents[2]
HEADER = ROOT / "bindings" / "c" / "include" / "koc" / "koc.h"
METRICS = ["posts", "interactions", "views", "followers", "leads", "tasks_completed", "on_time_rate", "quality",
           "tenure_days", "loyalty", "days_since_active"]  # koc_metric order
RATES = ["on_time_rate", "quality", "loyalty"]
N_CASES = 300


def _library():
    path = pathlib.Path(os.environ.get("KOC_C_LIBRARY", ROOT / "build" / "bindings" / "c" / "libkoc.so"))
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the C library {path} is missing: the test command builds it before pytest")
        pytest.skip(f"no C library at {path} (build it, or set KOC_C_LIBRARY)")
    lib = ctypes.CDLL(str(path))
    lib.koc_last_error_row.restype = ctypes.c_int64
    lib.koc_last_error_field.restype = ctypes.c_char_p
    lib.koc_last_error_message.restype = ctypes.c_char_p
    return lib


@pytest.fixture(scope="module")
def c():
    return _library()


# koc_status values -> the codes Python's errors carry ("KOC_ERROR_INVALID_VALUE" -> "invalid_value"),
# read from the header itself so that the table is not written twice.
STATUS = {int(v): n.lower() for n, v in re.findall(r"KOC_ERROR_([A-Z_]+) = (\d+)", HEADER.read_text())}


def _ptr(a, ctype):
    return a.ctypes.data_as(ctypes.POINTER(ctype))


def _c_error(lib, status):
    return ("error", STATUS[status], int(lib.koc_last_error_row()), lib.koc_last_error_field().decode())


def _py_error(e):
    return ("error", e.code, -1 if e.row is None else int(e.row), e.field or "")


# ---------------------------------------------------------------------------------------------------
# Rosters


def _random_roster(rng):
    n = int(rng.integers(1, 40))
    cols = {"id": rng.permutation(np.arange(1000, 1000 + 3 * n, 3)).astype(np.int64)}
    for m in METRICS:
        cols[m] = rng.uniform(0, 1, n) if m in RATES else np.floor(rng.exponential(200, n))
    cols["honorary"] = (rng.uniform(size=n) < 0.1).astype(np.uint8)
    cols["previous_tier"] = rng.integers(-1, 4, n).astype(np.int32)
    cols["periods_below"] = rng.integers(0, 3, n).astype(np.int32)
    for _ in range(int(rng.integers(0, 3))):  # 0, 1 or 2 problems
        kind = rng.integers(0, 7)
        r = int(rng.integers(0, n))
        m = METRICS[int(rng.integers(0, len(METRICS)))]
        if kind == 0:
            cols[m][r] = [np.nan, np.inf, -np.inf][int(rng.integers(0, 3))]
        elif kind == 1:
            cols[m][r] = -1.0 - rng.integers(0, 5)
        elif kind == 2:
            cols[RATES[int(rng.integers(0, 3))]][r] = 1.0 + rng.uniform(0.01, 2)
        elif kind == 3 and n > 1:
            cols["id"][r] = cols["id"][(r + 1 + int(rng.integers(0, n - 1))) % n]
        elif kind == 4:
            cols["previous_tier"][r] = [-3, 4, 9][int(rng.integers(0, 3))]
        elif kind == 5:
            cols["periods_below"][r] = -1
        elif kind == 6 and n > 1:
            cols[m] = cols[m][:-1]
    return cols


def _classify_python(cols):
    try:
        df = koc.classify({k: v.copy() for k, v in cols.items()}, growth_gaps=False)
    except koc.Error as e:
        return _py_error(e)
    tier = df["tier"]
    codes = tier.cat.codes.to_numpy(np.int32) if hasattr(tier, "cat") else None
    return ("ok", codes, df["score"].to_numpy(np.float64))


def _classify_c(lib, cols):
    n = len(cols["id"])
    roster, policy, result = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    try:
        steps = [lambda: lib.koc_roster_create(_ptr(cols["id"], ctypes.c_int64), ctypes.c_size_t(n), ctypes.byref(roster))]
        for i, m in enumerate(METRICS):
            col = np.ascontiguousarray(cols[m], dtype=np.float64)
            steps.append(lambda i=i, col=col: lib.koc_roster_set_metric(roster, i, _ptr(col, ctypes.c_double),
                                                                        ctypes.c_size_t(len(col))))
        steps.append(lambda: lib.koc_roster_set_flag(roster, 0, _ptr(cols["honorary"], ctypes.c_uint8),
                                                     ctypes.c_size_t(n)))
        steps.append(lambda: lib.koc_roster_set_history(roster, _ptr(cols["previous_tier"], ctypes.c_int32),
                                                        _ptr(cols["periods_below"], ctypes.c_int32), ctypes.c_size_t(n)))
        steps.append(lambda: lib.koc_tier_policy_default(ctypes.byref(policy)))
        steps.append(lambda: lib.koc_classify(roster, policy, None, None, None, None, ctypes.c_size_t(0),
                                              ctypes.c_uint32(1), ctypes.byref(result)))
        for step in steps:
            status = step()
            if status != 0:
                return _c_error(lib, status)
        final = np.empty(n, np.int32)
        assert lib.koc_tier_result_column(result, 2, _ptr(final, ctypes.c_int32), ctypes.c_size_t(n)) == 0
        data, length = ctypes.POINTER(ctypes.c_double)(), ctypes.c_size_t()
        assert lib.koc_tier_result_scores(result, ctypes.byref(data), ctypes.byref(length)) == 0
        return ("ok", final, np.ctypeslib.as_array(data, (length.value,)).copy() if length.value else np.empty(0))
    finally:
        lib.koc_tier_result_destroy(result)
        lib.koc_tier_policy_destroy(policy)
        lib.koc_roster_destroy(roster)


def test_classification_agrees_between_python_and_c(c):
    rng = np.random.default_rng(20261207)
    outcomes = {"ok": 0, "error": 0}
    for case in range(N_CASES):
        cols = _random_roster(rng)
        py, cc = _classify_python(cols), _classify_c(c, cols)
        outcomes[py[0]] += 1
        assert py[0] == cc[0], f"case {case}: Python {py[:4]} but C {cc[:4]}"
        if py[0] == "error":
            assert py == cc, f"case {case}: Python reports {py}, C {cc}"
        else:
            assert py[1] is not None, "the tier column is categorical, ordered by the ladder"
            np.testing.assert_array_equal(py[1], cc[1], err_msg=f"case {case}: final tiers differ")
            assert py[2].tobytes() == cc[2].tobytes(), f"case {case}: scores differ in their bits"
    # The generator plants problems in about half the cases: both kinds of outcome are exercised.
    assert outcomes["ok"] > N_CASES // 5 and outcomes["error"] > N_CASES // 5, outcomes


# ---------------------------------------------------------------------------------------------------
# Capacitated assignment on an edge list


def _random_edges(rng):
    n_kocs, n_tasks = int(rng.integers(1, 25)), int(rng.integers(1, 8))
    pairs = [(k, t) for k in range(n_kocs) for t in range(n_tasks) if rng.uniform() < 0.4]
    order = rng.permutation(len(pairs))
    koc_row = np.array([pairs[i][0] for i in order], dtype=np.int32)
    task_col = np.array([pairs[i][1] for i in order], dtype=np.int32)
    score = np.round(rng.uniform(-1, 10, len(pairs)), 3)
    capacity = rng.integers(0, 3, n_kocs).astype(np.int32)
    slots = rng.integers(0, 4, n_tasks).astype(np.int32)
    for _ in range(int(rng.integers(0, 3))):
        kind = int(rng.integers(0, 6))
        e = int(rng.integers(0, len(pairs))) if len(pairs) else None
        if kind == 0 and e is not None and len(pairs) > 1:  # a pair given twice (the later row repeats it)
            e2 = int(rng.integers(0, len(pairs)))
            koc_row[max(e, e2)], task_col[max(e, e2)] = koc_row[min(e, e2)], task_col[min(e, e2)]
        elif kind == 1 and e is not None:
            koc_row[e] = [-1, n_kocs][int(rng.integers(0, 2))]
        elif kind == 2 and e is not None:
            task_col[e] = [-2, n_tasks + 3][int(rng.integers(0, 2))]
        elif kind == 3 and e is not None:
            score[e] = [np.nan, np.inf][int(rng.integers(0, 2))]
        elif kind == 4:
            capacity[int(rng.integers(0, n_kocs))] = -2
        elif kind == 5:
            slots[int(rng.integers(0, n_tasks))] = -7
    objective = ["max_score", "max_fill"][int(rng.integers(0, 2))]
    return koc_row, task_col, score, capacity, slots, objective


def _assign_python(koc_row, task_col, score, capacity, slots, objective):
    try:
        r = koc.capacitated_assignment((koc_row, task_col, score), capacity, slots, objective=objective)
    except koc.Error as e:
        return _py_error(e)
    assert r.verify()
    order = np.lexsort((r.task, r.koc))
    return ("ok", np.asarray(r.edge, np.int64)[order], r.total)


def _assign_c(lib, koc_row, task_col, score, capacity, slots, objective):
    out = ctypes.c_void_p()
    try:
        status = lib.koc_capacitated_assignment(
            _ptr(koc_row, ctypes.c_int32), _ptr(task_col, ctypes.c_int32), _ptr(score, ctypes.c_double),
            ctypes.c_size_t(len(score)), _ptr(capacity, ctypes.c_int32), ctypes.c_size_t(len(capacity)),
            _ptr(slots, ctypes.c_int32), ctypes.c_size_t(len(slots)), 0 if objective == "max_score" else 1,
            ctypes.c_double(1e-6), ctypes.byref(out))
        if status != 0:
            return _c_error(lib, status)
        edge, n = ctypes.POINTER(ctypes.c_int64)(), ctypes.c_size_t()
        assert lib.koc_capacitated_result_pairs(out, ctypes.byref(edge), None, None, ctypes.byref(n)) == 0
        total = ctypes.c_double()
        assert lib.koc_capacitated_result_total(out, ctypes.byref(total), None) == 0
        edges = np.ctypeslib.as_array(edge, (n.value,)).copy() if n.value else np.empty(0, np.int64)
        return ("ok", edges, total.value)
    finally:
        lib.koc_capacitated_result_destroy(out)


def test_capacitated_assignment_agrees_between_python_and_c(c):
    rng = np.random.default_rng(7122026)
    outcomes = {"ok": 0, "error": 0}
    for case in range(N_CASES):
        args = _random_edges(rng)
        py, cc = _assign_python(*args), _assign_c(c, *args)
        outcomes[py[0]] += 1
        assert py[0] == cc[0], f"case {case}: Python {py} but C {cc}"
        if py[0] == "error":
            assert py == cc, f"case {case}: Python reports {py}, C {cc}"
        else:
            np.testing.assert_array_equal(py[1], cc[1], err_msg=f"case {case}: chosen edges differ")
            assert py[2] == cc[2], f"case {case}: totals differ"
    assert outcomes["ok"] > N_CASES // 5 and outcomes["error"] > N_CASES // 5, outcomes
