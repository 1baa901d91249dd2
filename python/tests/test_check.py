"""koc.Check: every verify() returns it, truthy only when the check holds, with the first violation."""
import dataclasses

import numpy as np
import pytest

import koc


def test_check_is_truthy_only_when_it_holds():
    good, bad = koc.Check(True), koc.Check(False, "pair 3 is not tight")
    assert good and not bad
    assert bad.message == "pair 3 is not tight" and "pair 3" in repr(bad)
    ok, message = bad  # unpacks like the (ok, message) pair it replaced
    assert (ok, message) == (False, "pair 3 is not tight")
    assert good == (True, "") and bad[0] is False and bad[1] == message
    with pytest.raises(AssertionError):
        assert koc.Check(False, "x")


def test_every_verify_returns_a_check():
    s = koc.datasets.load_sample()
    tiers = koc.classify(s.roster, s.tier_policy)
    plan = koc.match(s.roster, s.tasks, s.matching_policy, tiers=tiers, tier_policy=s.tier_policy)
    ledger = koc.rewards(s.completions[["koc_id", "task_id"]], s.completions, s.reward_policy, tasks=s.tasks,
                         kocs=tiers[["koc_id", "tier"]])
    dense = koc.solve_assignment(np.array([[4.0, 1.0], [2.0, 0.0]]))
    cap = koc.capacitated_assignment((np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([1.0, 2.0, 3.0])),
                                     np.array([1, 1]), np.array([1, 1]))
    for check in (plan.verify(), ledger.verify(), dense.verify(), cap.verify()):
        assert isinstance(check, koc.Check) and check and check.ok


def test_a_failing_certificate_is_a_falsy_check_with_the_violation():
    res = koc.solve_assignment(np.array([[4.0, 1.0], [2.0, 0.0]]))
    broken = dataclasses.replace(res, col_ind=res.col_ind[::-1].copy())  # a worse assignment, same duals
    check = broken.verify()
    assert isinstance(check, koc.Check) and not check and check.message
