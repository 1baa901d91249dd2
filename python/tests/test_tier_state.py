"""koc.classify(state=...) and koc.tier_state over several periods: hysteresis and grace carried by the state,
lifetime honours kept once earned, revocations, KOCs missing a period (the engine's own tests are
tests/tiers/test_state.cpp; these run the same story through the Python front)."""
import json

import numpy as np
import pandas as pd
import pytest

import koc

POLICY = koc.TierPolicy(json.dumps({
    "schema": "koc.tier_policy/1",
    "metrics": [{"metric": "quality", "weight": 100, "normalisation": "none", "reference": 1}],
    "tiers": [{"name": "entry", "promote_threshold": 0, "keep_threshold": 0, "grace_periods": 0},
              {"name": "active", "promote_threshold": 50, "keep_threshold": 40, "grace_periods": 1},
              {"name": "core", "promote_threshold": 80, "keep_threshold": 70, "grace_periods": 2}],
    "honorary": {"floor": "active", "lifetime": {"tasks_completed": 100}},
}))


def month(ids, quality, tasks):
    return pd.DataFrame({"id": ids, "quality": quality, "tasks_completed": tasks})


def period(roster, state, revoked=None):
    tiers = koc.classify(roster, POLICY, state=state, revoked=revoked)
    return tiers, koc.tier_state(tiers, state)


@pytest.mark.parametrize("ids", [[1, 2, 3], ["ana", "bo", "cy"]])
def test_six_periods(ids):
    a, b, c = ids
    t1, s1 = period(month([a, b, c], [0.85, 0.30, 0.85], [10, 120, 10]), None)
    assert list(t1["tier"]) == ["core", "active", "core"] and list(t1["honorary"]) == [False, True, False]

    t2, s2 = period(month([b, a], [0.10, 0.60], [3, 10]), s1)
    assert list(t2["tier"]) == ["active", "core"]
    assert list(t2["transition"].astype(str)) == ["held_by_grace", "held_by_grace"]
    assert bool(t2["honorary"].iloc[0])  # kept, though the rule no longer holds
    assert list(s2["koc_id"]) == [b, a, c] and s2.set_index("koc_id").loc[c, "tier"] == "core"

    t3, s3 = period(month([a, b], [0.60, 0.10], [10, 3]), s2)
    assert list(t3["transition"].astype(str)) == ["held_by_grace", "held_by_honorary_floor"]

    t4, s4 = period(month([a, b, c], [0.60, 0.10, 0.75], [10, 3, 10]), s3)
    assert list(t4["tier"]) == ["active", "active", "core"]
    assert list(t4["transition"].astype(str)) == ["demoted", "held_by_grace", "held_by_margin"]

    # Without a state the honour is recomputed from this period's metrics, and lost.
    assert not koc.classify(month([b], [0.10], [3]), POLICY)["honorary"].iloc[0]

    t5, s5 = period(month([a, b, c], [0.60, 0.10, 0.75], [10, 3, 10]), s4,
                    revoked=pd.DataFrame({"koc_id": [b], "reason": ["breach of the code of conduct"]}))
    assert not t5["honorary"].iloc[1] and t5["tier"].iloc[1] == "entry"
    assert not s5.set_index("koc_id").loc[b, "honorary"]

    # Last period's classify output is itself accepted as the state, unchanged.
    t6 = koc.classify(month([a, b, c], [0.60, 0.10, 0.75], [10, 3, 10]), POLICY, state=t5)
    assert list(t6["tier"]) == ["active", "entry", "core"]


def test_state_read_back_from_csv(tmp_path):
    t1, s1 = period(month([1, 2], [0.85, 0.30], [10, 120]), None)
    s1.to_csv(tmp_path / "state.csv", index=False)
    t2 = koc.classify(month([1, 2], [0.60, 0.10], [10, 3]), POLICY, state=pd.read_csv(tmp_path / "state.csv"))
    assert list(t2["transition"].astype(str)) == ["held_by_grace", "held_by_grace"]
    assert bool(t2["honorary"].iloc[1])


@pytest.mark.parametrize("state, revoked, field", [
    (pd.DataFrame({"koc_id": [1, 1], "tier": ["core", "core"], "periods_below": [0, 0], "honorary": [0, 0]}), None,
     "state.koc_id"),
    (pd.DataFrame({"koc_id": [1], "tier": ["gold"], "periods_below": [0], "honorary": [0]}), None, "state.tier"),
    (pd.DataFrame({"koc_id": [1], "tier": ["core"], "periods_below": [-1], "honorary": [0]}), None,
     "state.periods_below"),
    (pd.DataFrame({"koc_id": [1], "tier": ["core"], "honorary": [0]}), None, "state.periods_below"),
    (None, pd.DataFrame({"koc_id": [2], "reason": [""]}), "revocations.reason"),
    (None, pd.DataFrame({"koc_id": [9], "reason": ["left"]}), "revocations.koc_id"),
])
def test_bad_state_names_the_field(state, revoked, field):
    with pytest.raises(ValueError) as e:
        koc.classify(month([1, 2], [0.5, 0.5], [1, 1]), POLICY, state=state, revoked=revoked)
    assert e.value.field == field


def test_state_and_previous_tier_columns_are_not_both_given():
    roster = month([1], [0.5], [1]).assign(previous_tier=["core"])
    with pytest.raises(ValueError, match="not both"):
        koc.classify(roster, POLICY, state=pd.DataFrame({"koc_id": [1], "tier": ["core"], "periods_below": [0],
                                                         "honorary": [False]}))


def test_a_misspelt_metric_column_is_named():
    roster = pd.read_csv(koc.datasets.sample_dir() / "roster.csv").head(5).rename(columns={"followers": "folowers"})
    with pytest.raises(ValueError, match="the roster has a 'folowers' column.*did you mean 'followers'") as e:
        koc.classify(roster)
    assert e.value.field == "folowers"


def test_statement_of_one_koc():
    """koc.statement: the tier explained, each ledger line explained, totals per currency."""
    roster = month(["ana", "bo"], [0.85, 0.30], [10, 120])
    tiers = koc.classify(roster, POLICY)
    rp = koc.RewardPolicy({"schema": "koc.reward_policy/1", "rules": [
        {"id": "fee", "kind": "fixed", "currency": "CNY", "amount": "60.00"},
        {"id": "meme", "kind": "fixed", "currency": "PTS", "amount": "50"}]})
    tasks = pd.DataFrame({"task_id": [1, 2], "rule": ["fee", "meme"]})
    done = pd.DataFrame({"koc_id": [1, 1], "task_id": [1, 2], "delivered_at": [0, 0]})
    ledger = koc.rewards(done[["koc_id", "task_id"]], done, rp, tasks=tasks)
    # The ledger's KOC ids are integers here; the roster's are names: the statement takes the roster's.
    text = koc.statement("ana", roster, POLICY, title="June 2026")
    assert text.startswith("June 2026\nKOC ana\n") and "core" in text
    assert koc.explain(roster, POLICY, ids="ana") in text
    int_roster = month([1, 2], [0.85, 0.30], [10, 120])
    text = koc.statement(1, int_roster, POLICY, ledger=ledger)
    assert "fixed reward per completion: 60.00 CNY" in text and "Total: 60.00 CNY; 50 PTS" in text
    nothing = koc.statement(2, int_roster, POLICY, ledger=ledger)
    assert "completed nothing" in nothing or "no reward" in nothing
    with pytest.raises(koc.UnknownIdError):
        koc.statement(9, int_roster, POLICY)
    # With last period's state, the statement explains the classification that used it.
    state = koc.tier_state(tiers)
    june = month(["ana", "bo"], [0.60, 0.10], [10, 3])
    assert "grace" in koc.statement("ana", june, POLICY, state=state)


@pytest.mark.parametrize("ids", [[1, 2, 3], ["ana", "bo", "cy"]])
def test_override_stands_until_it_expires(ids, tmp_path):
    """An override with its author and expiry is carried by the state, reported when it expires, replaced by
    a new one for the same KOC, and kept for a KOC that misses a period; the same through a CSV round trip."""
    a, b, c = ids
    roster = month([a, b, c], [0.1, 0.1, 0.1], [0, 0, 0])  # everyone scores 10: entry on their own
    added = pd.DataFrame({"koc_id": [a, b], "tier": ["core", "active"], "reason": ["board decision", "contract"],
                          "author": ["li", None], "expires_at": ["2026-05-01", None]})
    t1 = koc.classify(roster, POLICY, added, as_of="2026-03-01T00:00:00+08:00")
    assert list(t1["tier"]) == ["core", "active", "entry"]
    assert list(t1["transition"].astype(str))[:2] == ["overridden", "overridden"]
    assert t1["override_author"].iloc[0] == "li" and pd.isna(t1["override_author"].iloc[2])
    assert t1["override_expires_at"].iloc[0] == pd.Timestamp("2026-05-01", tz="UTC")
    assert t1.attrs["expired_overrides"] == []
    s1 = koc.tier_state(t1)
    assert list(s1["override_tier"].astype(object).where(s1["override_tier"].notna(), None)) == ["core", "active", None]

    # Written and read back as CRM text.
    s1.to_csv(tmp_path / "state.csv", index=False)
    s1 = pd.read_csv(tmp_path / "state.csv", dtype={"koc_id": type(a)} if isinstance(a, str) else None)
    t2 = koc.classify(roster, POLICY, state=s1, as_of=pd.Timestamp("2026-04-01", tz="UTC"))
    assert list(t2["tier"])[:2] == ["core", "active"]
    assert t2["override_reason"].iloc[0] == "board decision"

    # May: a's override has expired: reported, not applied (the state's tier, core, holds a by grace).
    s2 = koc.tier_state(t2, s1)
    t3 = koc.classify(roster, POLICY, state=s2, as_of="2026-05-01")
    gone = t3.attrs["expired_overrides"]
    assert [(g["koc_id"], g["tier"], g["author"]) for g in gone] == [(a, "core", "li")]
    assert gone[0]["expires_at"] == pd.Timestamp("2026-05-01", tz="UTC")
    assert t3["transition"].astype(str).iloc[0] == "held_by_grace"
    s3 = koc.tier_state(t3, s2)
    assert pd.isna(s3["override_tier"].iloc[0]) and s3["override_tier"].iloc[1] == "active"

    # A new override replaces b's; c misses a period and keeps its own.
    t4 = koc.classify(month([a, c], [0.1, 0.1], [0, 0]), POLICY,
                      pd.DataFrame({"koc_id": [c], "tier": ["core"], "reason": ["founding member"]}), state=s3)
    s4 = koc.tier_state(t4, s3)
    t5 = koc.classify(roster, POLICY, pd.DataFrame({"koc_id": [b], "tier": ["entry"], "reason": ["contract ended"]}),
                      state=s4)
    assert list(t5["tier"]) == ["active", "entry", "core"]  # a: core's grace is spent, held in active by grace
    assert list(t5["transition"].astype(str)) == ["held_by_grace", "overridden", "overridden"]
    assert t5["override_reason"].iloc[1] == "contract ended" and t5["override_reason"].iloc[2] == "founding member"


def test_override_errors_name_the_row_and_field():
    roster = month([1, 2], [0.5, 0.5], [0, 0])
    with pytest.raises(koc.InvalidArgumentError, match="period's date") as e:
        koc.classify(roster, POLICY, pd.DataFrame({"koc_id": [1], "tier": ["core"], "reason": ["x"],
                                                   "expires_at": ["2026-05-01"]}))
    assert e.value.field == "expires_at" and e.value.row == 0
    with pytest.raises(ValueError, match="not a time") as e:
        koc.classify(roster, POLICY, pd.DataFrame({"koc_id": [1], "tier": ["core"], "reason": ["x"],
                                                   "expires_at": ["next May"]}), as_of="2026-03-01")
    assert e.value.field == "expires_at"
    # With standing overrides in the state, a row still names the table's own row.
    state = koc.tier_state(koc.classify(roster, POLICY, pd.DataFrame({"koc_id": [1], "tier": ["core"], "reason": ["x"]})))
    with pytest.raises(koc.UnknownIdError) as e:
        koc.classify(roster, POLICY, pd.DataFrame({"koc_id": [2, 9], "tier": ["core", "core"], "reason": ["y", "z"]}),
                     state=state)
    assert e.value.row == 1 and e.value.field == "koc_id"
    bad = state.assign(override_reason=[None, None])
    with pytest.raises(koc.InvalidArgumentError) as e:
        koc.classify(roster, POLICY, state=bad)
    assert e.value.field == "state.override_reason"


def test_cli_overrides_and_as_of(tmp_path, capsys):
    from koc.cli import main
    roster = month([1, 2, 3], [0.1, 0.1, 0.1], [0, 0, 0])
    roster.to_csv(tmp_path / "roster.csv", index=False)
    (tmp_path / "policy.json").write_text(POLICY.to_json())
    pd.DataFrame({"koc_id": [1], "tier": ["core"], "reason": ["board"], "author": ["li"],
                  "expires_at": ["2026-05-01"]}).to_csv(tmp_path / "ov.csv", index=False)
    base = ["classify", "--roster", str(tmp_path / "roster.csv"), "--policy", str(tmp_path / "policy.json")]
    assert main(base + ["--overrides", str(tmp_path / "ov.csv"), "--out", str(tmp_path / "t1.csv")]) == 3
    assert "--as-of" in capsys.readouterr().err
    assert main(base + ["--overrides", str(tmp_path / "ov.csv"), "--as-of", "2026-03-01", "--out", str(tmp_path / "t1.csv"),
                        "--state-out", str(tmp_path / "s1.csv")]) == 0
    s1 = pd.read_csv(tmp_path / "s1.csv")
    assert s1["override_author"].iloc[0] == "li" and s1["override_tier"].iloc[0] == "core"
    assert main(base + ["--state", str(tmp_path / "s1.csv"), "--as-of", "2026-06-01", "--out", str(tmp_path / "t2.csv"),
                        "--state-out", str(tmp_path / "s2.csv")]) == 0
    assert "expired on 2026-05-01" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "s2.csv")["override_tier"].isna().all()


def test_statement_as_html_and_csv():
    """The same statement as a self-contained page and as CSV rows, with the growth section."""
    import io
    import re
    roster = month([1, 2], [0.45, 0.9], [10, 10])
    done = pd.DataFrame({"koc_id": [1], "task_id": [7], "delivered_at": [1770000000], "accepted": [True]})
    tasks = pd.DataFrame({"task_id": [7], "rule": ["post"], "window_end": [1780000000]})
    policy = {"schema": "koc.reward_policy/1", "rules": [{"id": "post", "kind": "fixed", "currency": "CNY",
                                                            "amount": "100.00"}]}
    ledger = koc.rewards(done, done, policy, tasks=tasks)
    page = koc.statement(1, roster, POLICY, ledger=ledger, title="June 2026", format="html")
    assert page.startswith("<!DOCTYPE html>") and "June 2026" in page
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", page)
    assert 'id="growth"' in page and "To reach active" in page and "quality" in page
    assert "100.00 CNY" in page
    rows = pd.read_csv(io.StringIO(koc.statement(1, roster, POLICY, ledger=ledger, format="csv")))
    assert list(rows.columns) == ["koc_id", "section", "item", "value", "detail"]
    assert set(rows["section"]) == {"tier", "growth", "line", "total"}
    assert rows.loc[rows["item"] == "tier", "value"].iloc[0] == "entry"
    assert rows.loc[rows["section"] == "total", "value"].tolist() == ["100.00 CNY"]
    with pytest.raises(ValueError, match="format"):
        koc.statement(1, roster, POLICY, format="pdf")
