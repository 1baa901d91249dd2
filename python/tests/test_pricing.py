"""Distributed pricing without an engine: the edges cut into partitions (plain pandas frames), the driver's
loop of koc._distributed fed by a pricing pass over them, against the exact solve of all edges at once (the
oracle: koc.capacitated_assignment, its certificate verified). The Dask and Spark tests run the same loop
on their engines."""
import numpy as np
import pandas as pd
import pytest

import koc
from koc import _core
from koc import _distributed as D


def random_edges(rng, n_kocs, n_tasks, density, integer_scores):
    pairs = [(k, t) for k in range(n_kocs) for t in range(n_tasks) if rng.random() < density]
    koc_row = np.array([p[0] for p in pairs], dtype=np.int64)
    task_row = np.array([p[1] for p in pairs], dtype=np.int64)
    score = (rng.integers(-3, 11, len(pairs)).astype(np.float64) if integer_scores
             else np.round(rng.normal(0.5, 0.4, len(pairs)), 4))
    cap = rng.integers(0, 4, n_kocs)
    edges = pd.DataFrame({"koc_row": koc_row, "task_row": task_row, "koc_id": koc_row + 1000, "task_id": task_row + 50,
                          "score": score, "capacity": cap[koc_row].astype(np.int64)})
    tasks = pd.DataFrame({"task_id": np.arange(n_tasks) + 50, "slots": rng.integers(-1, 5, n_tasks)})
    return edges, tasks


def priced(edges, tasks, n_parts, seed_per_koc, add_per_koc, seed_per_task=None, objective="max_score"):
    cuts = np.linspace(0, len(edges), n_parts + 1).astype(int)
    parts = [edges.iloc[a:b].reset_index(drop=True) for a, b in zip(cuts[:-1], cuts[1:])]
    kocs = pd.concat([D.partition_kocs(p) for p in parts])
    seeds = pd.concat([D.seed_partition(p, D.task_slots(tasks), seed_per_koc, seed_per_task, objective == "max_score")
                       for p in parts])
    price = lambda d: pd.concat([D.price_partition(p, d, add_per_koc) for p in parts], ignore_index=True)  # noqa: E731
    return D.priced_match(kocs, seeds, len(edges), price, tasks, objective=objective, score_resolution=1e-4, timings={},
                          seed_per_koc=seed_per_koc, score_range=(edges["score"].min(), edges["score"].max()))


@pytest.mark.parametrize("objective", ["max_score", "max_fill"])
@pytest.mark.parametrize("seed", range(12))
def test_priced_total_equals_the_whole_solve(seed, objective):
    rng = np.random.default_rng(seed)
    edges, tasks = random_edges(rng, int(rng.integers(5, 120)), int(rng.integers(1, 15)), 0.4, seed % 2 == 0)
    if len(edges) == 0:
        pytest.skip("no edge drawn")
    # Edges cut across KOCs' rows on purpose (a KOC in two partitions), as Spark's Arrow batches may.
    whole, res = D.solve_edges(edges, tasks, objective=objective, score_resolution=1e-4)
    assert res.verify()
    for per_koc, add, per_task in ((1, 1, 0), (0, 4, None), (2, 4, None), (0, 2, 0)):  # (0, _, 0): from no edge at all
        m = priced(edges, tasks, 3, per_koc, add, per_task, objective)
        assert m.total_units == res.certificate["total_score_units"]
        assert len(m.assignments) == len(whole)  # under max_fill: the same maximum fill
        assert m.result.verify()
        assert m.rounds[-1]["violations_added"] == 0
        # Each round's graph holds the last one's: totals (max_score) or (fill, total) (max_fill) never fall.
        key = [(r["assigned"], r["total_units"]) if objective == "max_fill" else r["total_units"] for r in m.rounds]
        assert key == sorted(key)
        assert np.isclose(m.assignments["score"].sum(), res.total) and np.isclose(m.total, res.total)


def test_the_final_certificate_holds_on_every_edge_and_a_worse_one_does_not():
    rng = np.random.default_rng(99)
    edges, tasks = random_edges(rng, 80, 10, 0.5, False)
    m = priced(edges, tasks, 2, 1, 1, 0)
    assert len(m.rounds) > 2  # one seed per KOC is not enough here
    c = m.result.certificate
    kocs = np.sort(edges["koc_row"].unique())
    chosen = m.assignments.merge(edges, on=["koc_id", "task_id"], suffixes=("", "_edge"))
    assert len(chosen) == len(m.assignments) and (chosen["score"] == chosen["score_edge"]).all()  # ids by row
    keys = np.sort(chosen["koc_row"].to_numpy() * len(tasks) + chosen["task_row"].to_numpy())
    d = D.PricingDuals(kocs, np.asarray(c["koc_potential"]), np.asarray(c["task_potential"]), c["scale"], c["epsilon"],
                       c["pair_bonus"], keys, len(tasks), 1e-4)
    assert len(D.price_partition(edges, d, 10**6)) == 0
    # Lower one task's price below what its slot is worth: its unused edges now break the certificate.
    worse = np.asarray(c["task_potential"]).copy()
    t = int(np.argmax(worse))
    worse[t] = -10**15
    d2 = D.PricingDuals(kocs, d.koc_potential, worse, d.scale, d.epsilon, d.pair_bonus, keys, len(tasks), 1e-4)
    bad = D.price_partition(edges, d2, 10**6)
    assert len(bad) > 0 and set(bad["task_row"]) == {t}


def test_priced_refuses_unknown_solve_objective_and_sizes():
    with pytest.raises(ValueError, match="unknown objective"):
        D.check_solve("priced", "max_total")
    with pytest.raises(ValueError, match="unknown solve"):
        D.check_solve("scatter", "max_score")
    with pytest.raises(ValueError, match="add_per_koc must be an integer >= 1"):
        D.check_solve("priced", "max_score", 0, 0)
    with pytest.raises(ValueError, match="seed_per_koc must be an integer >= 0"):
        D.check_solve("priced", "max_score", -1, 4)


def test_integer_units_are_the_solvers():
    """The max_fill bonus scores are built from the same integers the solver makes (half away from zero)."""
    score = np.array([0.00015, -0.00015, 0.00025, -0.00025, 1.23456789, -7.5e-5, 2.4999999e-4, 3e-4])
    got = D.integer_units(score, 1e-4)
    for s_, g in zip(score, got):
        r = koc.capacitated_assignment((np.array([0]), np.array([0]), np.array([s_])), [1], [1], score_resolution=1e-4,
                                       objective="max_fill")
        assert r.certificate["total_score_units"] == g, s_


def test_violations_name_row_and_field():
    z = np.zeros(2, np.int64)
    with pytest.raises(koc.Error) as e:
        _core.capacitated_violations(np.array([0, 5], np.int32), np.array([0, 0], np.int32), np.array([1.0, 1.0]),
                                     np.zeros(2, np.uint8), z, z[:1], 3, 1, 0)
    assert e.value.row == 1 and e.value.field == "koc"
    with pytest.raises(ValueError) as e:
        _core.capacitated_violations(np.array([0], np.int32), np.array([0], np.int32), np.array([np.nan]),
                                     np.zeros(1, np.uint8), z, z[:1], 3, 1, 0)
    assert e.value.row == 0 and e.value.field == "score"


def test_max_fill_bonus_refuses_scores_it_cannot_hold_exactly():
    assert D.fill_bonus(-2.0, 10.0, 1e-4, 50, 7) == 7 * 120000 + 20000 + 1
    with pytest.raises(ValueError) as e:
        D.fill_bonus(-1e10, 1e10, 1e-6, 10**6, 10**4)
    assert e.value.field == "score"
