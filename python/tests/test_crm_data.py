"""CRM-shaped data: what exports hold (ISO-8601 times with offsets, datetimes) gives the same results as
unix seconds, on every stage that reads a time."""
import numpy as np
import pandas as pd
import pytest

import koc


def _iso(unix: np.ndarray, offset_hours: int) -> list:
    tz = f"+{offset_hours:02d}:00" if offset_hours >= 0 else f"-{-offset_hours:02d}:00"
    local = pd.to_datetime(unix, unit="s", utc=True) + pd.Timedelta(hours=offset_hours)
    return [t.strftime("%Y-%m-%dT%H:%M:%S") + tz for t in local]


@pytest.fixture(scope="module")
def prog():
    return koc.datasets.load_sample()


def test_seconds_reads_every_time_form():
    from koc._columns import seconds
    want = np.array([1774935040, 0, 1774915200], dtype=np.int64)
    assert seconds(np.array(want), "t").tolist() == want.tolist()
    assert seconds(pd.Series(pd.to_datetime(want, unit="s")), "t").tolist() == want.tolist()
    assert seconds(pd.Series(pd.to_datetime(want, unit="s", utc=True).tz_convert("Asia/Shanghai")), "t").tolist() == \
        want.tolist()
    text = ["2026-03-31 05:30:40", "1970-01-01T08:00:00+08:00", "2026-03-31"]
    assert seconds(pd.Series(text), "t").tolist() == want.tolist()
    assert seconds(pd.Series(["1774935040", "", None]), "t", default=-1).tolist() == [1774935040, -1, -1]
    with pytest.raises(koc.InvalidValueError) as e:
        seconds(pd.Series(["2026-03-31", "31/03/2026"]), "delivered_at")
    assert e.value.row == 1 and e.value.field == "delivered_at" and "ISO-8601" in str(e.value)
    with pytest.raises(koc.InvalidValueError, match="time is missing"):
        seconds(pd.Series(["2026-03-31", ""]), "deadline")


def test_match_and_rewards_take_iso_times_with_offsets(prog):
    tiers = koc.classify(prog.roster, prog.tier_policy)
    tasks_iso = prog.tasks.copy()
    for c in ("window_start", "window_end"):
        if c in tasks_iso:
            tasks_iso[c] = _iso(tasks_iso[c].to_numpy(), 8)
    plan = koc.match(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    plan_iso = koc.match(prog.roster, tasks_iso, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    assert plan_iso.verify()
    pd.testing.assert_frame_equal(plan.assignments, plan_iso.assignments)

    done = prog.completions.copy()
    done_iso = done.copy()
    done_iso["delivered_at"] = _iso(done["delivered_at"].to_numpy(), -5)
    # The task tables koc.match read, unchanged: window_end (ISO at +08:00) is the deadline that
    # deliveries (ISO at -05:00) are late against.
    a = koc.rewards(done[["koc_id", "task_id"]], done, prog.reward_policy, tasks=prog.tasks, kocs=tiers)
    b = koc.rewards(done[["koc_id", "task_id"]], done_iso, prog.reward_policy, tasks=tasks_iso, kocs=tiers)
    assert (a.lines["reason"] == "late").any()
    pd.testing.assert_frame_equal(a.lines, b.lines)
