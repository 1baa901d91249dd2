"""koc.linear_sum_assignment_batch: each matrix as linear_sum_assignment solves it alone (and as scipy's
objective), for any number of threads; errors name the problem; the GIL is released."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment as scipy_lsa

import koc

from gil_checks import progress_while


def families(rng, count, rows, cols):
    """scipy's benchmark cost families, in turn: uniform, spatial, logarithmic, integer, binary."""
    out = []
    for k in range(count):
        f = k % 5
        if f == 0:
            c = rng.uniform(-20, 20, (rows, cols))
        elif f == 1:
            p, q = rng.uniform(-1, 1, (rows, 2)), rng.uniform(-1, 1, (cols, 2))
            c = ((p[:, None, :] - q[None, :, :]) ** 2).sum(-1)
        elif f == 2:
            c = 10.0 ** rng.uniform(-20, 20, (rows, cols))
        elif f == 3:
            c = rng.integers(-1000, 1000, (rows, cols)).astype(float)
        else:
            c = rng.integers(0, 2, (rows, cols)).astype(float)
        out.append(c)
    return out


@pytest.mark.parametrize("shape", [(6, 6), (5, 9), (9, 5), (1, 1), (40, 40)])
@pytest.mark.parametrize("maximize", [False, True])
def test_stack_equals_one_by_one_and_scipy(shape, maximize):
    rng = np.random.default_rng(sum(shape) + maximize)
    costs = np.stack(families(rng, 23, *shape))
    r, c = koc.linear_sum_assignment_batch(costs, maximize=maximize)
    k = min(shape)
    assert r.shape == c.shape == (23, k) and r.dtype == c.dtype == np.int64
    for b in range(len(costs)):
        r1, c1 = koc.linear_sum_assignment(costs[b], maximize=maximize)
        np.testing.assert_array_equal(r[b], r1)
        np.testing.assert_array_equal(c[b], c1)
        rs, cs = scipy_lsa(costs[b], maximize=maximize)
        assert costs[b][r[b], c[b]].sum() == pytest.approx(costs[b][rs, cs].sum(), rel=1e-12, abs=1e-300)
        cert = koc.solve_assignment(costs[b], maximize=maximize)  # the same solve, with its certificate
        np.testing.assert_array_equal(cert.col_ind, c[b])
        assert cert.verify()


def test_answers_do_not_depend_on_the_number_of_threads():
    rng = np.random.default_rng(3)
    costs = np.stack(families(rng, 64, 12, 15))
    first = koc.linear_sum_assignment_batch(costs, threads=1)
    for threads in (2, 3, 8, 0, None):
        again = koc.linear_sum_assignment_batch(costs, threads=threads)
        np.testing.assert_array_equal(first[0], again[0])
        np.testing.assert_array_equal(first[1], again[1])


def test_list_of_matrices_of_different_shapes():
    rng = np.random.default_rng(4)
    mats = [m for shape in [(3, 7), (7, 3), (10, 10), (1, 4), (0, 3)] for m in families(rng, 2, *shape)]
    mats.append(rng.integers(0, 9, (4, 4)))  # integers are taken as scipy takes them
    out = koc.linear_sum_assignment_batch(mats, threads=2)
    assert isinstance(out, list) and len(out) == len(mats)
    for m, (r, c) in zip(mats, out):
        r1, c1 = koc.linear_sum_assignment(m)
        np.testing.assert_array_equal(r, r1)
        np.testing.assert_array_equal(c, c1)
        assert koc.solve_assignment(m).verify()


def test_empty_batches():
    r, c = koc.linear_sum_assignment_batch(np.zeros((0, 3, 4)))
    assert r.shape == c.shape == (0, 3)
    assert koc.linear_sum_assignment_batch([]) == []


def test_infeasible_and_invalid_problems_are_named():
    costs = np.ones((5, 3, 3))
    costs[3, 1, :] = np.inf  # row 1 of problem 3 has no allowed column
    with pytest.raises(ValueError, match=r"cost matrix is infeasible \(problem 3\)") as e:
        koc.linear_sum_assignment_batch(costs)
    assert isinstance(e.value, koc.InfeasibleError) and e.value.problem == 3
    costs[3, 1, :] = 1.0
    costs[4, 0, 0] = np.nan
    costs[2, 2, 1] = -np.inf
    for threads in (1, 4):
        with pytest.raises(ValueError, match=r"invalid numeric entries \(problem 2\)") as e:
            koc.linear_sum_assignment_batch(costs, threads=threads)
        assert isinstance(e.value, koc.InvalidValueError)
        assert e.value.problem == 2 and e.value.row == 2 and e.value.field == "cost"


def test_argument_errors():
    with pytest.raises(ValueError, match="3-D array"):
        koc.linear_sum_assignment_batch(np.ones((3, 3)))
    with pytest.raises(ValueError, match="threads"):
        koc.linear_sum_assignment_batch(np.ones((1, 2, 2)), threads=-1)
    with pytest.raises(ValueError, match=r"expected a matrix \(2-D array\)"):
        koc.linear_sum_assignment_batch([np.ones(3)])
    with pytest.raises(TypeError):
        koc.linear_sum_assignment_batch(np.ones((1, 2, 2), dtype=complex))


def test_the_gil_is_released_while_solving_a_batch():
    """While one thread solves a batch, the main thread keeps running Python code (gil_checks)."""
    rng = np.random.default_rng(9)
    costs = np.stack(families(rng, 40, 300, 300))
    progress = progress_while(lambda: koc.linear_sum_assignment_batch(costs, threads=1))
    assert progress > 1000, progress
