import pickle

import numpy as np
import pandas as pd
import pytest

import koc


def test_classify_dataframe_accounts_for_every_koc(sample_roster):
    t = koc.classify(sample_roster)
    assert len(t) == len(sample_roster)
    assert list(t["koc_id"]) == list(sample_roster["id"])
    assert list(t["tier"].cat.categories) == ["entry", "active", "core", "ambassador"]
    contrib = t[[c for c in t.columns if c.startswith("contribution_")]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["score"], rtol=0, atol=1e-12)
    assert set(t["transition"].unique()) <= set(koc.tiers._TRANSITIONS)


def test_dict_of_arrays_equals_dataframe(sample_roster):
    cols = {c: sample_roster[c].to_numpy() for c in sample_roster.columns if c != "previous_tier"}
    a = koc.classify(cols)
    b = koc.classify(sample_roster.drop(columns=["previous_tier"]))
    pd.testing.assert_frame_equal(a, b)


def test_growth_gap_promotes(sample_roster):
    t = koc.classify(sample_roster)
    row = int(np.flatnonzero(np.isfinite(t["gap_quality"]) & (t["gap_quality"] > 0))[0])
    bumped = sample_roster.copy()
    bumped.loc[row, "quality"] += t.loc[row, "gap_quality"]
    u = koc.classify(bumped)
    assert u.loc[row, "computed_tier"] >= t.loc[row, "next_tier"]


def test_string_ids_and_overrides(sample_roster):
    df = sample_roster.copy()
    df["id"] = "K" + df["id"].astype(str)
    ov = pd.DataFrame({"koc_id": ["K10005"], "tier": ["ambassador"], "reason": ["brand council pick"]})
    t = koc.classify(df, overrides=ov)
    row = t.index[t["koc_id"] == "K10005"][0]
    assert t.loc[row, "tier"] == "ambassador"
    assert t.loc[row, "transition"] == "overridden"
    assert t.loc[row, "override_reason"] == "brand council pick"
    with pytest.raises(koc.UnknownIdError) as e:
        koc.classify(df, overrides=pd.DataFrame({"koc_id": ["nobody"], "tier": ["core"], "reason": ["x"]}))
    assert e.value.row == 0 and e.value.field == "koc_id"


def test_policy_json_round_trip_repr_pickle(tmp_path):
    p = koc.TierPolicy.default()
    assert koc.TierPolicy.from_json(p.to_json()) == p
    path = tmp_path / "policy.json"
    p.save(path)
    assert koc.TierPolicy.load(path) == p
    assert pickle.loads(pickle.dumps(p)) == p
    assert "ambassador>=75" in repr(p)
    assert p.tiers == ("entry", "active", "core", "ambassador")


def test_policy_errors_name_the_path():
    d = koc.TierPolicy.default().to_dict()
    d["tiers"][2]["promote_threshold"] = 10
    with pytest.raises(koc.InvalidPolicyError) as e:
        koc.TierPolicy(d)
    assert e.value.field == "tiers[2].keep_threshold" or e.value.field == "tiers[2].promote_threshold"
    with pytest.raises(koc.Error):
        koc.TierPolicy("{not json")


@pytest.mark.parametrize(
    "column,value,error,row",
    [
        ("followers", np.nan, koc.InvalidValueError, 4),
        ("views", np.inf, koc.InvalidValueError, 4),
        ("posts", -3, koc.InvalidValueError, 4),
        ("quality", 1.5, koc.OutOfRangeError, 4),
        ("previous_tier", "legend", koc.UnknownNameError, 4),
        ("tenure_days", "abc", koc.InvalidValueError, 4),
    ],
)
def test_bad_roster_values_name_row_and_field(sample_roster, column, value, error, row):
    df = sample_roster.copy()
    df[column] = df[column].astype(object)
    df.loc[row, column] = value
    with pytest.raises(error) as e:
        koc.classify(df)
    assert e.value.row == row
    assert e.value.field == column
    assert isinstance(e.value, ValueError)


def test_previous_tier_names_in_every_column_form(sample_roster):
    # Names looked up once per distinct name (text, categorical, object with missing cells) give what the
    # ladder indices give; numbers beside names keep the row-by-row rule; the first unknown name is named.
    ladder = koc.TierPolicy.default().tiers
    names = [ladder[i % len(ladder)] for i in range(len(sample_roster))]
    names[1], names[3] = None, ""  # missing: no previous tier
    index = [-1 if v in (None, "") else ladder.index(v) for v in names]
    want = koc.classify(sample_roster.assign(previous_tier=np.array(index, dtype=np.int64)))
    none = koc.classify(sample_roster.assign(previous_tier=np.full(len(index), -1, dtype=np.int64)))
    assert want["transition"].astype(str).tolist() != none["transition"].astype(str).tolist()  # the column matters
    for column in (pd.Series(names, dtype=object), pd.Series(names, dtype="string"),
                   pd.Series(names, dtype="category"), pd.Series([np.nan if v is None else v for v in names], dtype=object),
                   pd.Series([index[k] if k % 2 else names[k] for k in range(len(names))], dtype=object)):
        got = koc.classify(sample_roster.assign(previous_tier=column.to_numpy() if column.dtype == object else column))
        assert got["tier"].astype(str).tolist() == want["tier"].astype(str).tolist(), column.dtype
        assert got["transition"].astype(str).tolist() == want["transition"].astype(str).tolist(), column.dtype
    for dtype in (object, "category"):
        bad = pd.Series(names, dtype=object)
        bad[9], bad[12] = "legend", "myth"
        with pytest.raises(koc.UnknownNameError) as e:
            koc.classify(sample_roster.assign(previous_tier=bad.astype(dtype)))
        assert (e.value.row, e.value.field) == (9, "previous_tier") and "'legend'" in str(e.value)


def test_duplicate_ids_and_missing_columns(sample_roster):
    df = sample_roster.copy()
    df.loc[7, "id"] = df.loc[2, "id"]
    with pytest.raises(koc.DuplicateIdError) as e:
        koc.classify(df)
    assert (e.value.row, e.value.field) == (7, "id")
    with pytest.raises(koc.InvalidArgumentError) as e:
        koc.classify(sample_roster.drop(columns=["loyalty"]))
    assert e.value.field == "loyalty"
    with pytest.raises(koc.UnknownNameError, match="'idd' column, which koc does not read .did you mean 'id'"):
        koc.classify(sample_roster.rename(columns={"id": "idd"}))
    with pytest.raises(koc.UnknownNameError, match="did you mean 'koc_id'"):
        koc.classify(sample_roster.rename(columns={"id": "kocid"}))
    with pytest.raises(koc.InvalidArgumentError, match="the roster needs an 'id' .or 'koc_id'. column"):
        koc.classify(sample_roster.rename(columns={"id": "member_number"}))


@pytest.mark.parametrize("wrong,meant", [("clearence", "clearance"), ("honourary", "honorary"),
                                          ("periods_bellow", "periods_below"), ("veiws", "views")])
def test_misspelt_roster_columns_are_refused_by_every_stage(sample_roster, wrong, meant):
    # Read without it, the roster would classify (or match) as if the column were absent: a KOC's honorary
    # status, clearance or grace silently lost. Refused with the name meant, by classify and match alike.
    df = sample_roster.rename(columns={meant: wrong})
    tasks = pd.DataFrame({"task_id": [1], "asset": ["social"], "horizon": ["instant"], "direction": ["external"],
                          "slots": [1]})
    for stage in (lambda: koc.classify(df), lambda: koc.match(df, tasks)):
        with pytest.raises(koc.UnknownNameError, match=f"did you mean '{meant}'") as e:
            stage()
        assert e.value.field == wrong and isinstance(e.value, ValueError)
    found = koc.validate(df)
    assert list(found["code"]) == ["unknown_name"] and list(found["field"]) == [wrong]


def test_roster_may_carry_the_programmes_own_columns_and_the_tiers_table(sample_roster):
    # Columns far from any koc name are the programme's own (a name, an email); a tiers table joined onto
    # the roster is accepted unchanged by the next stage.
    df = sample_roster.assign(name="x", email="a@b.c", city="Shanghai", follower_source="organic")
    tiers = koc.classify(df)
    joined = pd.concat([df, tiers.drop(columns=["koc_id", "periods_below", "honorary"])], axis=1)
    assert set(joined.columns) >= {"tier", "score", "gap_views", "contribution_views", "override_reason"}
    pd.testing.assert_frame_equal(koc.classify(joined), tiers)
    assert set(koc.tables.TIERS_OUT) | {c for c in tiers.columns if c.startswith(koc.tables.TIERS_OUT_PREFIXES)} \
        == set(tiers.columns)


def test_what_if(sample_roster):
    cur = koc.TierPolicy.default()
    d = cur.to_dict()
    d["tiers"][2]["promote_threshold"] = 45
    d["tiers"][2]["keep_threshold"] = 40
    w = koc.what_if(sample_roster, cur, koc.TierPolicy(d))
    assert int(w.matrix.to_numpy().sum()) == len(sample_roster)
    off_diag = int(w.matrix.to_numpy().sum() - np.trace(w.matrix.to_numpy()))
    assert off_diag == w.n_moved > 0
    assert set(w.moved.columns) == {"row", "koc_id", "current_tier", "proposed_tier"}


def test_explain(sample_roster):
    text = koc.explain(sample_roster, rows=0)
    assert text.startswith("KOC 10001:")
    assert len(koc.explain(sample_roster, rows=[0, 1])) == 2


def test_numpy_input_is_not_copied():
    from koc import _columns

    a = np.arange(10, dtype=np.float64)
    assert _columns.typed(a, np.float64, "x") is a


def test_explain_by_koc_id_and_policy_from_a_path(tmp_path):
    prog = koc.datasets.load_sample()
    roster = prog.roster
    first, third = roster["id"].iloc[0], roster["id"].iloc[2]
    by_row = koc.explain(roster, rows=[0, 2])
    assert koc.explain(roster, ids=[first, third]) == by_row
    assert koc.explain(roster, ids=third) == by_row[1]
    with pytest.raises(koc.UnknownIdError) as e:
        koc.explain(roster, ids=[first, "no such KOC"])
    assert e.value.code == "unknown_id" and e.value.field == "koc_id"
    with pytest.raises(TypeError):
        koc.explain(roster, rows=0, ids=first)
    # A policy may be given as a path (str or PathLike) as well as an object, a dict or JSON text.
    path = tmp_path / "tiers.json"
    koc.TierPolicy.default().save(path)
    assert koc.TierPolicy(path) == koc.TierPolicy(str(path)) == koc.TierPolicy.default()
    assert koc.classify(roster.head(50), str(path)).equals(koc.classify(roster.head(50)))
    with pytest.raises(koc.InvalidPolicyError, match="neither JSON text"):
        koc.TierPolicy(str(tmp_path / "missing.json"))
    assert "would change tier" in repr(koc.what_if(roster, None, path))


def test_explain_from_a_classification_already_made(sample_roster):
    """explain(tiers=...) reads the classification given (no second classification): the same text as
    explain() computing it, for every row; the overrides it applied are explained with their reason; a
    table of another roster is refused."""
    policy = koc.TierPolicy.default()
    t = koc.classify(sample_roster, policy)
    assert koc.explain(sample_roster, policy, tiers=t) == koc.explain(sample_roster, policy)
    ids = list(sample_roster["id"].iloc[[3, 0]])
    assert koc.explain(sample_roster, policy, ids=ids, tiers=t) == koc.explain(sample_roster, policy, ids=ids)
    # Without growth gaps: the rest of the text is the same.
    no_gaps = koc.classify(sample_roster, policy, growth_gaps=False)
    assert koc.explain(sample_roster, policy, rows=1, tiers=no_gaps).split(" To reach")[0] == \
        koc.explain(sample_roster, policy, rows=1).split(" To reach")[0]
    first = sample_roster["id"].iloc[0]
    overridden = koc.classify(sample_roster, policy,
                              overrides=pd.DataFrame({"koc_id": [first], "tier": ["ambassador"], "reason": ["brand council"]}))
    text = koc.explain(sample_roster, policy, rows=0, tiers=overridden)
    assert text.startswith(f"KOC {first}: ambassador") and "reason: brand council" in text
    with pytest.raises(ValueError, match="this roster"):
        koc.explain(sample_roster.iloc[1:], policy, rows=0, tiers=t)
    edited = t.copy()
    edited["tier"] = edited["tier"].astype(object)
    edited.loc[2, "tier"] = "platinum"
    with pytest.raises(ValueError) as e:
        koc.explain(sample_roster, policy, rows=[0, 2], tiers=edited)
    assert (e.value.row, e.value.field) == (2, "tiers.tier")
