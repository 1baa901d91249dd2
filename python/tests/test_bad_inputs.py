"""The shared bad-input catalogue (tests/bad_inputs/catalogue.json) through the Python front: the same
code, row and field as the C++ and C fronts (tests/bad_inputs/test_bad_inputs.cpp)."""
import json
import pathlib
import re

import numpy as np
import pytest

import koc

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOGUE = json.loads((ROOT / "tests" / "bad_inputs" / "catalogue.json").read_text())
CODES = {"invalid_argument": koc.InvalidArgumentError, "invalid_value": koc.InvalidValueError,
         "length_mismatch": koc.LengthMismatchError, "duplicate_id": koc.DuplicateIdError,
         "unknown_name": koc.UnknownNameError, "unknown_id": koc.UnknownIdError,
         "invalid_policy": koc.InvalidPolicyError, "overflow": koc.OverflowError, "out_of_range": koc.OutOfRangeError}


def number(v):
    return {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}.get(v, v) if isinstance(v, str) else v


def run(case):
    base = CATALOGUE["base"]
    target = case["target"]
    if target == "roster":
        cols = {k: np.array(v) for k, v in base["roster"].items()}
        cols["previous_tier"] = cols["previous_tier"].astype(np.int32)
        if case.get("empty"):
            cols = {k: v[:0] for k, v in cols.items()}
        if "set" in case:
            s = case["set"]
            col = cols[s["column"]].astype(np.float64) if s["column"] not in ("id", "previous_tier", "periods_below") \
                else cols[s["column"]].copy()
            col[s["row"]] = col[s["copy_row"]] if "copy_row" in s else number(s["value"])
            cols[s["column"]] = col
        if "truncate" in case:
            cols[case["truncate"]["column"]] = cols[case["truncate"]["column"]][:-1]
        koc.classify(cols)
    elif target == "tier_policy":
        text = koc.TierPolicy.default().to_json().encode()
        if "json_truncate" in case:
            text = text[: case["json_truncate"]]
        if "json_replace" in case:
            r = case["json_replace"]
            to = bytes.fromhex(r["to_hex"]) if "to_hex" in r else r["to"].encode()
            assert r["from"].encode() in text
            text = text.replace(r["from"].encode(), to, 1)
        if "json_regex_all" in case:
            r = case["json_regex_all"]
            text = re.sub(r["pattern"].encode(), r["to"].encode(), text)
        koc.TierPolicy(text)
    elif target == "dense":
        m = np.array(base["dense"], dtype=float)
        if "set" in case:
            m[case["set"]["row"], case["set"]["col"]] = number(case["set"]["value"])
        koc.linear_sum_assignment(m)
    elif target == "capacitated":
        b = dict(base["capacitated"])
        for key in ("capacity", "slots", "score", "task", "koc"):
            if key in case:
                b[key] = case[key]
        score = np.array([number(v) for v in b["score"]], dtype=float)
        koc.capacitated_assignment((np.array(b["koc"]), np.array(b["task"]), score), np.array(b["capacity"]),
                                   np.array(b["slots"]))


@pytest.mark.parametrize("case", CATALOGUE["cases"], ids=[c["name"] for c in CATALOGUE["cases"]])
def test_catalogue_case(case):
    if case["expect"] == "ok":
        run(case)
        return
    exp = case["expect"]
    with pytest.raises(CODES[exp["code"]]) as e:
        run(case)
    assert isinstance(e.value, koc.Error)
    assert e.value.code == exp["code"]
    assert e.value.field == exp["field"]
    assert e.value.row == (None if exp["row"] < 0 else exp["row"])
