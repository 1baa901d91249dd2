"""koc.capacitated_assignment against an independent LP oracle (scipy's HiGHS): the bipartite
b-matching LP is totally unimodular, so its optimum is the integer optimum."""
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

import koc


def lp_optimum(n, m, koc_i, task_i, w, cap, slots, objective):
    E = len(w)
    A = sp.vstack([sp.csr_matrix((np.ones(E), (koc_i, np.arange(E))), shape=(n, E)),
                   sp.csr_matrix((np.ones(E), (task_i, np.arange(E))), shape=(m, E))])
    b = np.concatenate([cap, slots])
    if objective == "max_score":
        res = linprog(-w, A_ub=A, b_ub=b, bounds=(0, 1), method="highs")
        return -res.fun
    # max fill first: maximise the count, then the score at that count.
    fill = linprog(-np.ones(E), A_ub=A, b_ub=b, bounds=(0, 1), method="highs")
    count = round(-fill.fun)
    res = linprog(-w, A_ub=A, b_ub=b, A_eq=np.ones((1, E)), b_eq=[count], bounds=(0, 1), method="highs")
    return -res.fun, count


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("objective", ["max_score", "max_fill"])
def test_equals_lp_oracle(seed, objective):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(5, 60), rng.integers(2, 12)
    density = rng.uniform(0.1, 0.6)
    mask = rng.random((n, m)) < density
    koc_i, task_i = np.nonzero(mask)
    w = rng.integers(-20, 100, size=len(koc_i)).astype(float)  # integers: exact at resolution 1
    cap = rng.integers(0, 4, n)
    slots = rng.integers(0, 8, m)
    r = koc.capacitated_assignment((koc_i, task_i, w), cap, slots, objective=objective, score_resolution=1.0)
    assert r.verify()
    assert (np.bincount(r.koc, minlength=n) <= cap).all()
    assert (np.bincount(r.task, minlength=m) <= slots).all()
    np.testing.assert_array_equal(koc_i[r.edge], r.koc)
    np.testing.assert_array_equal(task_i[r.edge], r.task)
    if objective == "max_score":
        assert r.total == pytest.approx(lp_optimum(n, m, koc_i, task_i, w, cap, slots, objective), abs=1e-6)
        assert (r.score > 0).all()
    else:
        best, count = lp_optimum(n, m, koc_i, task_i, w, cap, slots, objective)
        assert len(r.koc) == count
        assert r.total == pytest.approx(best, abs=1e-6)


def test_sparse_matrix_input_and_reasons():
    scores = sp.csr_matrix(np.array([[5.0, 0, 1], [4, 3, 0], [0, 0, 0]]))
    r = koc.capacitated_assignment(scores, capacity=[1, 1, 1], slots=[1, 2, 1])
    assert r.verify()
    assert r.total == pytest.approx(8.0)  # (0,0)=5 and (1,1)=3
    assert r.koc_reason[2] == "nobody_eligible"
    assert r.task_reason[2] in ("better_pairs_chosen", "all_candidates_at_capacity")


def test_bad_input():
    with pytest.raises(koc.InvalidValueError) as e:
        koc.capacitated_assignment((np.array([0, 1]), np.array([0, 0]), np.array([1.0, np.nan])), [1, 1], [2])
    assert e.value.row == 1 and e.value.field == "score"
    with pytest.raises(koc.DuplicateIdError):
        koc.capacitated_assignment((np.array([0, 0]), np.array([0, 0]), np.array([1.0, 2.0])), [1], [2])
    with pytest.raises(koc.InvalidValueError) as e:
        koc.capacitated_assignment((np.array([0]), np.array([0]), np.array([1.0])), [-1], [1])
    assert e.value.field == "capacity"
    with pytest.raises(koc.UnknownIdError):
        koc.capacitated_assignment((np.array([0]), np.array([3]), np.array([1.0])), [1], [1])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("objective", ["max_score", "max_fill"])
def test_both_methods_reach_the_same_certified_optimum(seed, objective):
    rng = np.random.default_rng(100 + seed)
    n, m = 300, 12
    mask = rng.random((n, m)) < 0.3
    koc_i, task_i = np.nonzero(mask)
    w = rng.integers(0, 40, size=len(koc_i)).astype(float)  # ties
    cap = rng.integers(0, 4, n)
    slots = np.where(rng.random(m) < 0.2, 2**31 - 1, rng.integers(0, 30, m))  # some unlimited
    a = koc.capacitated_assignment((koc_i, task_i, w), cap, slots, objective=objective, score_resolution=1.0, method="auction")
    b = koc.capacitated_assignment((koc_i, task_i, w), cap, slots, objective=objective, score_resolution=1.0,
                                   method="shortest_paths")
    assert a.verify() and b.verify()
    assert a.certificate["total_score_units"] == b.certificate["total_score_units"]
    if objective == "max_fill":
        assert len(a.koc) == len(b.koc)
    assert a.certificate["epsilon"] == 1 and a.certificate["scale"] == 2 * m + 4
    assert b.certificate["epsilon"] == 0 and b.certificate["scale"] == 1
    with pytest.raises(koc.InvalidArgumentError) as e:
        koc.capacitated_assignment((koc_i, task_i, w), cap, slots, method="simplex")
    assert e.value.field == "method"


def _big():
    rng = np.random.default_rng(7)
    n, m = 20_000, 400
    koc_i = np.repeat(np.arange(n), 30)
    task_i = np.concatenate([rng.choice(m, 30, replace=False) for _ in range(n)])
    return (koc_i, task_i, rng.random(len(koc_i))), rng.integers(1, 4, n), rng.integers(5, 60, m)


def test_time_limit_cancel_and_progress():
    import threading

    edges, cap, slots = _big()
    seen = []
    r = koc.capacitated_assignment(edges, cap, slots, progress=seen.append)
    assert r.verify()
    assert len(seen) >= 2 and seen[-1].fraction == 1.0
    assert all(0 <= p.fraction <= 1 for p in seen) and [p.fraction for p in seen] == sorted(p.fraction for p in seen)
    assert "SolveProgress(fraction=" in repr(seen[0])
    # A time limit already past: no result, a clear error.
    with pytest.raises(koc.TimeoutError) as e:
        koc.capacitated_assignment(edges, cap, slots, time_limit=1e-9)
    assert e.value.code == "timeout" and e.value.field == "time_limit" and "time limit" in str(e.value)
    with pytest.raises(koc.InvalidValueError):
        koc.capacitated_assignment(edges, cap, slots, time_limit=-1)
    # Cancelled from another thread while the solve runs (the GIL is released): a threading.Event.
    stop = threading.Event()
    started = threading.Event()

    def progress(p):
        started.set()

    threading.Thread(target=lambda: (started.wait(10), stop.set()), daemon=True).start()
    with pytest.raises(koc.CancelledError) as e:
        koc.capacitated_assignment(edges, cap, slots, cancel=stop, progress=progress, method="shortest_paths")
    assert e.value.code == "cancelled"
    # A callable works too, and an exception raised by a callback propagates as itself.
    with pytest.raises(koc.CancelledError):
        koc.capacitated_assignment(edges, cap, slots, cancel=lambda: True)

    def boom(p):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        koc.capacitated_assignment(edges, cap, slots, progress=boom)


def test_results_print_as_one_short_line():
    # A notebook shows a result by its repr: counts and the total, never the arrays, at any size.
    rng = np.random.default_rng(7)
    n = 5000
    pairs = np.arange(4 * n)
    res = koc.capacitated_assignment((pairs // 4, (pairs * 7) % 50, rng.random(4 * n)),  # 4 distinct tasks per KOC
                                     np.ones(n, np.int32), np.full(50, 30, np.int32), objective="max_fill")
    text = repr(res)
    assert "\n" not in text and len(text) < 160
    assert text.startswith(f"CapacitatedResult({len(res.koc):,} pairs, total=")
    dense = repr(koc.solve_assignment(rng.random((300, 400))))
    assert "\n" not in dense and dense.startswith("AssignmentResult(status='optimal', 300 x 400, 300 pairs, total=")


@pytest.mark.parametrize("objective", ["max_score", "max_fill"])
@pytest.mark.parametrize("method", ["auction", "shortest_paths"])
def test_warm_start_reaches_the_cold_optimum(objective, method):
    """A few pairs rescored: the solve started from the previous task prices gives the cold solve's optimum,
    certified, with either method's duals."""
    rng = np.random.default_rng(3)
    n, m, p = 300, 20, 3000
    k, t = rng.integers(0, n, p), rng.integers(0, m, p)
    keep = np.unique(k * m + t, return_index=True)[1]
    k, t = k[keep], t[keep]
    w = np.round(rng.uniform(-1, 10, len(k)), 3)
    cap, slots = rng.integers(0, 4, n), rng.integers(0, 30, m)
    first = koc.capacitated_assignment((k, t, w), cap, slots, objective=objective, method=method)
    w2 = w.copy()
    w2[rng.choice(len(w), 30, replace=False)] = np.round(rng.uniform(-1, 10, 30), 3)
    cold = koc.capacitated_assignment((k, t, w2), cap, slots, objective=objective, method=method)
    for start in (first, first.certificate):
        warm = koc.capacitated_assignment((k, t, w2), cap, slots, objective=objective, method=method, warm_start=start)
        assert warm.verify()
        assert warm.certificate["total_score_units"] == cold.certificate["total_score_units"]
        assert len(warm.koc) == len(cold.koc)
    with pytest.raises(ValueError) as e:
        koc.capacitated_assignment((k, t, w2), cap, slots, warm_start={"scale": 1})
    assert e.value.field == "warm_start"
    with pytest.raises(ValueError) as e:
        koc.capacitated_assignment((k, t, w2), cap, slots, warm_start={"task_potential": np.zeros(3, np.int64), "scale": 1,
                                                                      "pair_bonus": 0})
    assert e.value.field == "task_potential"
