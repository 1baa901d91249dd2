"""A tier policy's own metrics (metric_declarations) on the Python front and the CLI: read from any
DataFrame column the policy names, scored, gated, explained, kept in the state, refused with the column named."""
import pathlib

import numpy as np
import pandas as pd
import pytest

import koc
from koc.cli import main

POLICY = {
    "schema": "koc.tier_policy/1",
    "metric_declarations": [
        {"name": "answers", "unit": "count", "integral": True, "better": "higher"},
        {"name": "complaints", "unit": "count", "integral": True, "better": "lower"},
        {"name": "sentiment", "unit": "score", "min": -1, "max": 1},
    ],
    "metrics": [
        {"metric": "answers", "weight": 60, "normalisation": "cap", "reference": 50},
        {"metric": "complaints", "weight": 20, "normalisation": "cap", "reference": 10},
        {"metric": "sentiment", "weight": 10, "normalisation": "percentile"},
        {"metric": "quality", "weight": 10, "normalisation": "none"},
    ],
    "tiers": [
        {"name": "entry", "promote_threshold": 0},
        {"name": "expert", "promote_threshold": 50, "keep_threshold": 45, "grace_periods": 1,
         "gates": [{"metric": "answers", "min": 10}]},
    ],
    "honorary": {"floor": "expert", "lifetime": {"answers": 1000}},
}


def roster() -> pd.DataFrame:
    return pd.DataFrame({"id": [1, 2, 3, 4], "answers": [5, 40, 9, 1200], "complaints": [0, 2, 10, 4],
                         "sentiment": [-0.5, 0.25, 1.0, -1.0], "quality": [0.5, 0.9, 1.0, 0.0],
                         "region": pd.Series(["north", "south", "east", "west"], dtype=object)})


def test_policy_declares_and_round_trips():
    pol = koc.TierPolicy(POLICY)
    assert pol.declared_metrics == ("answers", "complaints", "sentiment")
    assert pol.metrics_used == ("quality", "answers", "complaints", "sentiment")
    d = pol.to_dict()
    # complaints is better lower: its weight inverts without saying so.
    assert [m["invert"] for m in d["metrics"]] == [False, True, False, False]
    assert d["metric_declarations"][2] == {"name": "sentiment", "unit": "score", "integral": False, "min": -1.0,
                                           "max": 1.0, "better": "higher"}
    assert koc.TierPolicy(pol.to_json()) == pol
    assert "metric_declarations" not in koc.TierPolicy.default().to_dict()


def test_classify_scores_gates_and_explains_declared_metrics():
    pol = koc.TierPolicy(POLICY)
    t = koc.classify(roster(), pol)
    assert list(t["tier"]) == ["entry", "expert", "entry", "expert"]
    assert t["contribution_answers"].iloc[1] == pytest.approx(48.0)
    assert t["contribution_complaints"].iloc[1] == pytest.approx(16.0)  # (1 - 2/10) * 20: inverted
    assert t["contribution_sentiment"].iloc[1] == pytest.approx(10 * 2 / 3)
    assert bool(t["honorary"].iloc[3])  # 1,200 answers meet the lifetime rule
    gap = t["gap_answers"].iloc[0]
    assert gap == 14.0  # a whole number: answers is integral
    more = roster()
    more.loc[0, "answers"] += gap
    assert koc.classify(more, pol)["tier"].iloc[0] == "expert"
    more.loc[0, "answers"] -= 1
    assert koc.classify(more, pol)["tier"].iloc[0] == "entry"
    text = koc.explain(roster(), pol, ids=1)
    assert "answers 6" in text and "+14 answers" in text
    assert koc.classify({c: roster()[c].to_numpy() for c in ("id", "answers", "complaints", "sentiment", "quality")},
                        pol).equals(t.drop(columns=[]))


def test_bad_declared_columns_name_row_and_field():
    pol = koc.TierPolicy(POLICY)
    with pytest.raises(ValueError, match=r"the roster has a 'answer' column, which koc does not read "
                                         r"\(did you mean 'answers'\?\)") as e:
        koc.classify(roster().rename(columns={"answers": "answer"}), pol)
    assert (e.value.code, e.value.field) == ("unknown_name", "answer")
    with pytest.raises(ValueError, match=r"no such column") as e:
        koc.classify(roster().rename(columns={"answers": "replies_given"}), pol)
    assert e.value.field == "answers"
    bad = roster()
    bad.loc[2, "sentiment"] = 3.0
    bad.loc[1, "complaints"] = -2.0
    found = koc.validate(bad, pol)
    assert list(zip(found["row"], found["field"], found["code"])) == [(1, "complaints", "invalid_value"),
                                                                      (2, "sentiment", "out_of_range")]
    assert found["message"].iloc[1] == "metric must be in [-1, 1]"
    with pytest.raises(ValueError) as e:
        koc.classify(bad, pol)
    assert (e.value.row, e.value.field) == (1, "complaints")


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d["metrics"][0].update(metric="answer"), "metrics[0].metric", "declare a new one"),
    (lambda d: d["metric_declarations"].append({"name": "views"}), "metric_declarations[3].name", "built-in"),
    (lambda d: d["metric_declarations"].append({"name": "invited"}), "metric_declarations[3].name", "roster column"),
    (lambda d: d["metric_declarations"][2].update(max=-2), "metric_declarations[2].max", "greater than min"),
    (lambda d: d["metrics"][2].update(normalisation="log1p", reference=1), "metrics[2].normalisation", "percentile"),
    (lambda d: d["metric_declarations"][0].update(better="more"), "metric_declarations[0].better", "'higher' or 'lower'"),
])
def test_bad_declarations_name_the_path(change, field, words):
    import copy
    d = copy.deepcopy(POLICY)
    change(d)
    found = koc.validate_policy(d, "tier")
    assert found["field"].iloc[0] == field
    assert words in found["message"].iloc[0]
    with pytest.raises(ValueError):
        koc.TierPolicy(d)


def test_lifetime_honour_on_a_declared_metric_is_kept_over_periods():
    pol = koc.TierPolicy(POLICY)
    may = koc.classify(roster(), pol)
    state = koc.tier_state(may, policy=pol)
    june = roster()
    june.loc[3, "answers"] = 0  # the honour was earned in May: kept for life
    june_t = koc.classify(june, pol, state=state)
    assert bool(june_t["honorary"].iloc[3]) and june_t["tier"].iloc[3] == "expert"
    # KOC 2 is held one period by grace, then demoted (keep threshold 45, grace 1).
    june.loc[1, "answers"] = 10  # score 43.7: below the keep threshold
    june_t = koc.classify(june, pol, state=state)
    assert june_t["transition"].iloc[1] == "held_by_grace"
    july_t = koc.classify(june, pol, state=koc.tier_state(june_t, state, policy=pol))
    assert (july_t["tier"].iloc[1], july_t["transition"].iloc[1]) == ("entry", "demoted")


def test_what_if_with_a_proposed_policy_that_declares_a_metric(sample_roster):
    proposed = koc.TierPolicy.default().to_dict()
    proposed["metric_declarations"] = [{"name": "answers", "integral": True}]
    proposed["tiers"][-1]["gates"].append({"metric": "answers", "min": 50})
    r = sample_roster.copy()
    r["answers"] = np.arange(len(r), dtype=np.float64) % 100
    w = koc.what_if(r, koc.TierPolicy.default(), proposed)
    now = koc.classify(r)
    after = koc.classify(r, proposed)
    assert w.n_moved == int((now["tier"] != after["tier"]).sum()) > 0


def test_cli_classifies_and_validates_declared_metrics(tmp_path: pathlib.Path, capsys):
    import json
    (tmp_path / "P").mkdir()
    (tmp_path / "P" / "tier_policy.json").write_text(json.dumps(POLICY))
    roster().to_csv(tmp_path / "roster.csv", index=False)
    rc = main(["classify", "--roster", str(tmp_path / "roster.csv"), "--policy", str(tmp_path / "P" / "tier_policy.json"),
               "--out", str(tmp_path / "tiers.csv")])
    assert rc == 0
    out = pd.read_csv(tmp_path / "tiers.csv")
    assert list(out["tier"]) == ["entry", "expert", "entry", "expert"]
    assert list(out["gap_answers"].iloc[[0]]) == [14]
    bad = roster()
    bad["answers"] = bad["answers"].astype(object)
    bad.loc[1, "answers"] = "many"
    bad.loc[2, "sentiment"] = 4
    bad.to_csv(tmp_path / "bad.csv", index=False)
    capsys.readouterr()
    rc = main(["validate", "--roster", str(tmp_path / "bad.csv"), "--policies", str(tmp_path / "P")])
    err = capsys.readouterr()
    text = err.out + err.err
    assert rc == 3 and "Traceback" not in text
    assert "row 1 (line 3), field 'answers': expected a number, got 'many'" in text
    assert "row 2 (line 4), field 'sentiment': metric must be in [-1, 1]" in text
