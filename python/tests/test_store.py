"""The programme store through the CLI (koc run --state STORE --period P, koc periods, koc history,
koc replay): periods chained exactly as runs on files, committed whole and in order, replayed byte for
byte; bad stores refused without a change."""
from __future__ import annotations

import glob
import json
import os
import pathlib
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import uuid

import pandas as pd
import pytest

from koc import datasets
from koc.cli import main

sqlalchemy = pytest.importorskip("sqlalchemy")
D = datasets.sample_dir()
CHAINED = ("tiers.csv", "tier_state.csv", "assignments.csv", "unassigned.csv", "ledger.csv")


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of our own for the session: initialised in a scratch folder, listening on
    127.0.0.1 only (and a socket in that folder), stopped at the end. Yields a function that creates a
    fresh database and returns its URL."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    try:
        import psycopg  # noqa: F401
    except ImportError:
        initdb = []
    if not initdb:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL (the postgresql package and psycopg) is missing: ./setup.sh installs it")
        pytest.skip("no PostgreSQL server binaries (./setup.sh deps installs them)")
    bindir = pathlib.Path(initdb[-1]).parent
    root = pathlib.Path(tempfile.mkdtemp(prefix="koc-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the package's own user
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data, log = root / "data", root / "server.log"
    subprocess.run(as_user + [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "koc", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
                              f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    admin = sqlalchemy.create_engine(f"postgresql+psycopg://koc@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT")

    def new_database() -> str:
        name = "koc_" + uuid.uuid4().hex[:12]
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://koc@127.0.0.1:{port}/{name}"

    try:
        yield new_database
    finally:
        admin.dispose()
        subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> str:
    """A new, empty store location: a SQLite file, or a database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "programme.db")
    return request.getfixturevalue("postgres")()


def test_the_postgresql_server_listens_on_loopback_only(postgres):
    from distributed_checks import listening_sockets
    url = postgres()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    addresses = {a for a, p in listening_sockets() if p == port}
    assert addresses == {"127.0.0.1"}, addresses


def sql(location: str, query: str, *params) -> list:
    """Rows of a query on a store, whatever its database (test checks only)."""
    url = location if "://" in location else "sqlite:///" + location
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(sqlalchemy.text(query), {f"p{i}": v for i, v in enumerate(params)})
            return result.fetchall() if result.returns_rows else []
    finally:
        engine.dispose()


def koc_cli(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def months(tmp_path_factory) -> pathlib.Path:
    """May: the sample; June: the same roster without last period's columns (the store supplies them) and
    the completions plus new work; July: June's roster again."""
    d = tmp_path_factory.mktemp("months")
    roster = pd.read_csv(D / "roster.csv")
    roster.to_csv(d / "may.csv", index=False)
    roster.drop(columns=["previous_tier", "periods_below"]).to_csv(d / "june.csv", index=False)
    done = pd.read_csv(D / "completions.csv")
    done.to_csv(d / "done_may.csv", index=False)
    more = done.copy()
    more["views"] = more["views"] * 3  # the same posts, more views: later steps of step rules
    more.to_csv(d / "done_june.csv", index=False)
    done.iloc[: len(done) // 2].to_csv(d / "done_may_half.csv", index=False)
    return d


def run_month(capsys, store, period, roster, done, out, *extra):
    return koc_cli(capsys, "run", "--state", store, "--period", period, "--roster", roster, "--tasks", D / "tasks.csv",
                   "--completions", done, "--policies", D, "--out", out, "--quiet", *extra)


def test_periods_chain_as_runs_on_files_and_replay_identically(tmp_path, capsys, months, store):
    assert run_month(capsys, store, "2026-05", months / "may.csv", months / "done_may.csv", tmp_path / "may")[0] == 0
    rc, _, err = run_month(capsys, store, "2026-06", months / "june.csv", months / "done_june.csv", tmp_path / "june")
    assert rc == 0, err
    # The same June on files: May's state and ledger given by hand.
    rc, _, err = koc_cli(capsys, "run", "--roster", months / "june.csv", "--tasks", D / "tasks.csv", "--completions",
                         months / "done_june.csv", "--policies", D, "--out", tmp_path / "june-files", "--quiet",
                         "--state", tmp_path / "may" / "tier_state.csv", "--settled", tmp_path / "may" / "ledger.csv",
                         "--run-id", "2026-06")
    assert rc == 0, err
    for name in CHAINED:
        assert (tmp_path / "june" / name).read_bytes() == (tmp_path / "june-files" / name).read_bytes(), name
    june = pd.read_csv(tmp_path / "june" / "ledger.csv", keep_default_na=False)
    paid = june.loc[june["amount"] != 0]
    assert len(paid) > 0 and set(paid["reason"]) <= {"none"}  # only the new steps of the extra views
    assert (june["run_id"] == "2026-06").all()

    rc, out, _ = koc_cli(capsys, "periods", "--state", store)
    assert rc == 0 and "2026-05" in out and "2026-06" in out and "243,493.75 CNY" in out
    rc, out, _ = koc_cli(capsys, "history", "--state", store, "--koc", "100007")
    assert rc == 0 and out.count("2026-0") == 2
    rc, out, err = koc_cli(capsys, "replay", "--state", store)
    assert rc == 0, err
    assert out.count("replayed, identical") == 2


def test_a_committed_period_is_refused_and_periods_go_in_order(tmp_path, capsys, months, store):
    assert run_month(capsys, store, "2026-05", months / "may.csv", months / "done_may.csv", tmp_path / "a")[0] == 0
    rc, _, err = run_month(capsys, store, "2026-05", months / "may.csv", months / "done_may.csv", tmp_path / "b")
    assert rc == 7 and "already committed" in err and "--replace" in err
    rc, _, err = run_month(capsys, store, "2026-04", months / "june.csv", months / "done_may.csv", tmp_path / "c")
    assert rc == 7 and "out of order" in err
    rc, _, err = run_month(capsys, store, "2026-06", months / "june.csv", months / "done_may.csv", tmp_path / "d",
                           "--settled", tmp_path / "a" / "ledger.csv")
    assert rc == 2 and "not both" in err
    assert sql(store, "select count(*) from koc_periods")[0][0] == 1


def test_replace_recomputes_the_period_and_every_later_one(tmp_path, capsys, months, store):
    assert run_month(capsys, store, "2026-05", months / "may.csv", months / "done_may_half.csv", tmp_path / "may")[0] == 0
    assert run_month(capsys, store, "2026-06", months / "june.csv", months / "done_may.csv", tmp_path / "june")[0] == 0
    june_before = sql(store, "select sum(amount) from koc_ledger_lines where period='2026-06' and currency='CNY'")[0][0]
    # May was run on half of its completions: rerun it whole; June, recomputed, now pays nothing new.
    rc, _, err = run_month(capsys, store, "2026-05", months / "may.csv", months / "done_may.csv", tmp_path / "may2",
                           "--replace")
    assert rc == 0, err
    rows = dict(sql(store, "select period, coalesce(sum(amount), 0) from koc_ledger_lines where currency='CNY' "
                           "group by period"))
    assert sql(store, "select count(*) from koc_periods")[0][0] == 2
    assert june_before > 0 and rows.get("2026-06", 0) == 0
    assert rows["2026-05"] == 24349375  # the whole sample, as one run pays it
    rc, out, err = koc_cli(capsys, "replay", "--state", store)
    assert rc == 0 and out.count("identical") == 2, err
    rc, _, err = run_month(capsys, store, "2026-09", months / "june.csv", months / "done_may.csv", tmp_path / "x",
                           "--replace")
    assert rc == 7 and "not in the store" in err


def test_replay_finds_a_stored_output_that_was_changed(tmp_path, capsys, months, store):
    assert run_month(capsys, store, "2026-05", months / "may.csv", months / "done_may.csv", tmp_path / "may")[0] == 0
    data = sql(store, "select content from koc_files where role='output:ledger.csv'")[0][0]
    sql(store, "update koc_files set content=:p0 where role='output:ledger.csv'", bytes(data).replace(b"CNY", b"USD", 1))
    rc, _, err = koc_cli(capsys, "replay", "--state", store, "--period", "2026-05")
    assert rc == 8 and "ledger.csv differs" in err and "first at line" in err


def test_bad_stores_are_refused_and_left_unchanged(tmp_path, capsys, months):
    args = ("--roster", months / "may.csv", "--tasks", D / "tasks.csv", "--completions", months / "done_may.csv",
            "--policies", D, "--out", tmp_path / "out", "--quiet", "--period", "2026-05")
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("create table customers (id integer)")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all")
    newer = tmp_path / "newer.db"
    assert run_month(capsys, newer, "2026-05", months / "may.csv", months / "done_may.csv", tmp_path / "n")[0] == 0
    sql(str(newer), "update koc_meta set value='99' where key='schema_version'")
    for path, says in ((truncated, "cannot open the store"), (foreign, "not a koc store"), (garbage, "not a SQLite database"),
                       (newer, "newer koc")):
        before = path.read_bytes()
        rc, _, err = koc_cli(capsys, "run", "--state", path, *args)
        assert rc == 7 and says in err, (path.name, err)
        assert path.read_bytes() == before, path.name
    rc, _, err = koc_cli(capsys, "periods", "--state", tmp_path / "absent.db")
    assert rc == 7 and "no such store" in err
    rc, _, err = koc_cli(capsys, "run", *args[:-2], "--period", "2026-05")
    assert rc == 2 and "programme store" in err


def test_two_runs_of_one_period_at_once_commit_once(tmp_path, months, store):
    """Two processes run the same period on one store at the same moment: one commits, the other fails
    with a clear error, and the period's ledger is stored once."""
    cmd = [sys.executable, "-m", "koc.cli", "run", "--state", str(store), "--period", "2026-05", "--roster",
           str(months / "may.csv"), "--tasks", str(D / "tasks.csv"), "--completions", str(months / "done_may.csv"),
           "--policies", str(D), "--quiet"]
    procs = [subprocess.Popen(cmd + ["--out", str(tmp_path / f"out{i}")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(2)]
    results = []
    for p in procs:
        _, err = p.communicate(timeout=600)
        results.append((p.returncode, err))
    codes = sorted(rc for rc, _ in results)
    assert codes == [0, 7], results
    assert any("committed" in err for rc, err in results if rc == 7), results
    assert sql(store, "select count(*) from koc_periods")[0][0] == 1
    lines = sql(store, "select count(*) from koc_ledger_lines")[0][0]
    assert lines == len(pd.read_csv(tmp_path / "out0" / "ledger.csv")) or lines == len(pd.read_csv(tmp_path / "out1" / "ledger.csv"))
    summary = json.loads((tmp_path / ("out0" if results[0][0] == 0 else "out1") / "summary.json").read_text())
    assert summary["provenance"]["run_id"] == "2026-05"


def test_a_killed_run_leaves_the_store_at_a_period_boundary(store):
    """A few SIGKILLs at random moments of a period's run (scripts/store_kill.py; the long runs, 100 kills
    per database, are in docs/reliability.md): the period is wholly there or not at all, and running it
    again gives the uninterrupted run's outputs byte for byte."""
    root = pathlib.Path(__file__).resolve().parents[2]
    args = [sys.executable, str(root / "scripts" / "store_kill.py"), "--kills", "3", "--seed", "7",
            "--backend", "postgresql" if "://" in store else "sqlite"] + (["--url", store] if "://" in store else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["kills"] == 3 and summary["violations"] == 0


def test_twelve_months_through_the_store_are_the_library_periods_in_sequence(tmp_path, capsys):
    """Twelve generated months (metrics that rise and fall, work that keeps growing and arriving) through
    `koc run --state STORE`: every month's stored tier state and ledger are, value for value, those of the
    library's period functions applied in sequence (koc.classify with state=, koc.tier_state, koc.rewards
    with settled=); koc replay of every month agrees."""
    import numpy as np

    import koc
    from koc.cli import _pipeline

    roster0 = datasets.read_roster_csv(D / "roster.csv").iloc[:1500].reset_index(drop=True)
    done0 = pd.read_csv(D / "completions.csv")
    done0 = done0[done0["koc_id"].isin(roster0["id"])].reset_index(drop=True)
    tasks = datasets.read_tasks_csv(D / "tasks.csv")
    tier_policy = koc.TierPolicy(D / "tier_policy.json")
    reward_policy = koc.RewardPolicy(D / "reward_policy.json")
    counts = ["posts", "interactions", "views", "followers", "leads", "tasks_completed"]
    store = str(tmp_path / "programme.db")
    state, ledgers = None, []
    for m in range(1, 13):
        period = f"2027-{m:02d}"
        growth = 1.0 + 0.3 * np.sin(m) + 0.05 * m  # some months down: grace and demotions happen too
        roster = roster0.copy()
        roster[counts] = np.floor(roster[counts] * growth)
        if m > 1:
            roster = roster.drop(columns=["previous_tier", "periods_below"])
        done = done0[np.arange(len(done0)) % 12 < m].copy()
        done["views"] = np.floor(done["views"] * (1 + 0.5 * m)).astype(np.int64)
        roster.to_csv(tmp_path / f"roster-{m}.csv", index=False)
        done.to_csv(tmp_path / f"done-{m}.csv", index=False)
        rc, _, err = koc_cli(capsys, "run", "--state", store, "--period", period, "--roster", tmp_path / f"roster-{m}.csv",
                             "--tasks", D / "tasks.csv", "--completions", tmp_path / f"done-{m}.csv", "--policies", D,
                             "--out", tmp_path / period, "--quiet")
        assert rc == 0, err

        # The library, period by period, on the same files.
        r = datasets.read_roster_csv(tmp_path / f"roster-{m}.csv")
        tiers = koc.classify(r, tier_policy, state=state)
        state = koc.tier_state(tiers, state, policy=tier_policy)
        d = pd.read_csv(tmp_path / f"done-{m}.csv")
        ledger = koc.rewards(d[["koc_id", "task_id"]], d, reward_policy, tasks=_pipeline.tasks_for_rewards(tasks),
                             kocs=pd.DataFrame({"koc_id": tiers["koc_id"].to_numpy(), "tier": tiers["tier"]}),
                             settled=ledgers or None, run_id=period)
        ledgers.append(ledger)

        stored_state = pd.DataFrame(sql(store, "select koc_id, tier, periods_below, honorary from koc_tier_state "
                                               "where period = :p0", period),
                                    columns=["koc_id", "tier", "periods_below", "honorary"])
        want = state.assign(koc_id=state["koc_id"].astype(str), tier=state["tier"].astype(str),
                            honorary=state["honorary"].astype(int))[["koc_id", "tier", "periods_below", "honorary"]]
        pd.testing.assert_frame_equal(stored_state.sort_values("koc_id").reset_index(drop=True),
                                      want.sort_values("koc_id").reset_index(drop=True), check_dtype=False)
        lines = ledger.lines
        lines = lines[lines["reason"].astype(str) != "no_completion"]  # the CLI's ledger.csv leaves them out
        stored = pd.DataFrame(sql(store, "select koc_id, task_id, rule, kind, reason, coalesce(currency, ''), amount "
                                         "from koc_ledger_lines where period = :p0 order by line", period),
                              columns=["koc_id", "task_id", "rule", "kind", "reason", "currency", "amount"])
        assert len(stored) == len(lines), period
        assert stored["amount"].tolist() == lines["amount"].tolist(), period
        assert stored["kind"].tolist() == lines["kind"].astype(str).tolist(), period
        assert stored["koc_id"].tolist() == [None if k == -1 else str(k) for k in lines["koc_id"]], period
    assert len({s["amount"].sum() for s in [lg.lines for lg in ledgers]}) > 1  # the months differ
    rc, out, err = koc_cli(capsys, "replay", "--state", store)
    assert rc == 0 and out.count("replayed, identical") == 12, err
