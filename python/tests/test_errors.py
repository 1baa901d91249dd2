"""Every koc.Error, raised by the compiled core or by the Python layer, carries the same three facts:
.code (the errc name the C ABI and C++ use), .row (0-based, or None) and .field (or None), and its message
ends with the core's "(row r, field 'f')"."""
import numpy as np
import pandas as pd
import pytest

import koc
from koc import _errors

ERRC = ["invalid_argument", "invalid_value", "length_mismatch", "duplicate_id", "unknown_name", "unknown_id",
        "invalid_policy", "overflow", "out_of_range", "internal", "timeout", "cancelled"]


def test_one_class_per_code():
    assert sorted(_errors.CLASSES) == sorted(ERRC)
    for code, cls in _errors.CLASSES.items():
        assert cls.code == code and issubclass(cls, koc.Error)


def test_the_helper_builds_errors_like_the_core():
    e = _errors.error("unknown_name", "unknown tier 'gold'", 3, "min_tier")
    assert isinstance(e, koc.UnknownNameError)
    assert (e.code, e.row, e.field) == ("unknown_name", 3, "min_tier")
    assert str(e) == "unknown tier 'gold' (row 3, field 'min_tier')"
    e = _errors.error("invalid_argument", "no rows", -1, None)
    assert (e.row, e.field, str(e)) == (None, None, "no rows")
    moved = _errors.reraise_at(_errors.error("invalid_value", "metric is NaN", 2, "views"), row=12)
    assert (type(moved), moved.code, moved.row, str(moved)) == (koc.InvalidValueError, "invalid_value", 12,
                                                                "metric is NaN (row 12, field 'views')")


@pytest.mark.parametrize("case", ["match_asset", "match_slots", "rewards_rule", "columns_typed", "capacitated_index"])
def test_python_layer_errors_carry_the_errc_name(case):
    s = koc.datasets.make_programme(40, 4, seed=5)
    with pytest.raises(koc.Error) as e:
        if case == "match_asset":
            koc.match(s.roster, s.tasks.assign(asset=["social", "socail", "social", "social"]), s.matching_policy,
                      tier_policy=s.tier_policy)
        elif case == "match_slots":
            koc.match(s.roster, s.tasks.assign(slots=[1, 2, -5, 1]), s.matching_policy, tier_policy=s.tier_policy)
        elif case == "rewards_rule":
            none = pd.DataFrame({"koc_id": [], "task_id": [], "delivered_at": []})
            koc.rewards(none[["koc_id", "task_id"]], none, s.reward_policy,
                        tasks=s.tasks.assign(rule=["newbie_meme", "nope", "newbie_meme", "newbie_meme"]))
        elif case == "columns_typed":
            followers = s.roster["followers"].astype(object)
            followers[7] = "many"
            koc.classify(s.roster.assign(followers=followers))
        else:
            koc.capacitated_assignment((np.array([0, -1]), np.array([0, 0]), np.array([1.0, 2.0])), [1, 1], [1])
    expected = {"match_asset": ("unknown_name", 1, "asset"), "match_slots": ("invalid_value", 2, "slots"),
                "rewards_rule": ("unknown_name", 1, "rule"), "columns_typed": ("invalid_value", 7, "followers"),
                "capacitated_index": ("unknown_id", 1, "koc")}[case]
    assert (e.value.code, e.value.row, e.value.field) == expected
    assert type(e.value) is _errors.CLASSES[e.value.code]
    assert str(e.value).endswith(f"(row {expected[1]}, field '{expected[2]}')")
