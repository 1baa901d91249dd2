"""The programme store: a programme's history in a database, one committed period at a time.

``koc run --state programme.db --period 2026-11 ...`` reads last period's tier state and every earlier
ledger from the store, runs the period, and commits it whole: its inputs and policies (their bytes and
SHA-256), its outputs (the exact files the run wrote), the tier state and the ledger lines as rows for
queries (``koc periods``, ``koc history``), the run id and koc's version. A period is one transaction:
it is in the store completely or not at all, so a run killed at any moment leaves the store at a period
boundary, and running the period again completes it with the result an uninterrupted run gives.
``koc replay`` recomputes a stored period from its stored inputs and compares, byte for byte.

A store is SQLite by default (a file path) or any database SQLAlchemy reaches by URL
(``postgresql+psycopg://user@127.0.0.1/koc`` for a team that shares a server). The schema carries a
version; a store written by a newer koc is refused, an older one is migrated in place, in a transaction.

Tables (all prefixed ``koc_``):

- ``koc_meta`` (key, value): ``schema_version``.
- ``koc_periods`` (period, seq, run_id, koc_version, committed_at, options, summary): one row per
  committed period; ``seq`` orders them; ``options`` is the run's settings (JSON), ``summary`` its
  summary.json.
- ``koc_files`` (period, role, name, sha256, content): every input, policy and output file of a period;
  ``role`` is ``input:<kind>``, ``policy:<file>`` or ``output:<file>``.
- ``koc_tier_state`` (period, koc_id, tier, periods_below, honorary, override columns): the state after
  the period, one row per KOC the programme has known.
- ``koc_ledger_lines`` (period, line, koc_id, task_id, campaign_id, rule, kind, reason, currency, amount,
  run_id): the period's ledger (its paid and cut lines; amounts in minor units).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import pathlib
from dataclasses import dataclass
from typing import Any, Iterator, Optional

import pandas as pd

SCHEMA_VERSION = 1
# The outputs chained from one period to the next and compared by replay.
CHAINED_OUTPUTS = ("tier_state.csv", "ledger.csv")
COMPARED_OUTPUTS = ("tiers.csv", "tier_state.csv", "assignments.csv", "unassigned.csv", "ledger.csv")


class StoreError(Exception):
    """A store that cannot be used as asked (wrong period, newer schema, not a koc store...)."""


def _sqlalchemy() -> Any:
    try:
        import sqlalchemy
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency of the store
        raise StoreError("the programme store needs SQLAlchemy: pip install 'koc[store]'") from None
    return sqlalchemy


def is_store_location(text: str) -> bool:
    """Whether ``--state`` names a store (a database file or URL) rather than a tier_state.csv."""
    return "://" in text or pathlib.Path(text).suffix.lower() in (".db", ".sqlite", ".sqlite3")


def _url(location: str) -> str:
    if "://" in location:
        return location
    return "sqlite:///" + str(pathlib.Path(location).resolve())


def _tables(sa: Any) -> tuple[Any, dict[str, Any]]:
    md = sa.MetaData()
    t = {
        "meta": sa.Table("koc_meta", md, sa.Column("key", sa.String(64), primary_key=True),
                         sa.Column("value", sa.Text, nullable=False)),
        "periods": sa.Table("koc_periods", md, sa.Column("period", sa.String(64), primary_key=True),
                            sa.Column("seq", sa.Integer, nullable=False, unique=True),
                            sa.Column("run_id", sa.String(200), nullable=False),
                            sa.Column("koc_version", sa.String(64), nullable=False),
                            sa.Column("committed_at", sa.String(40), nullable=False),
                            sa.Column("options", sa.Text, nullable=False),
                            sa.Column("summary", sa.Text, nullable=False)),
        "files": sa.Table("koc_files", md, sa.Column("period", sa.String(64), sa.ForeignKey("koc_periods.period"),
                                                     primary_key=True),
                          sa.Column("role", sa.String(80), primary_key=True),
                          sa.Column("name", sa.String(255), nullable=False),
                          sa.Column("sha256", sa.String(64), nullable=False),
                          sa.Column("content", sa.LargeBinary, nullable=False)),
        "tier_state": sa.Table("koc_tier_state", md,
                               sa.Column("period", sa.String(64), sa.ForeignKey("koc_periods.period"), primary_key=True),
                               sa.Column("koc_id", sa.String(200), primary_key=True),
                               sa.Column("tier", sa.String(200), nullable=False),
                               sa.Column("periods_below", sa.Integer, nullable=False),
                               sa.Column("honorary", sa.Integer, nullable=False),
                               sa.Column("override_tier", sa.String(200)),
                               sa.Column("override_reason", sa.Text),
                               sa.Column("override_author", sa.Text),
                               sa.Column("override_expires_at", sa.String(40))),
        "ledger": sa.Table("koc_ledger_lines", md,
                           sa.Column("period", sa.String(64), sa.ForeignKey("koc_periods.period"), primary_key=True),
                           sa.Column("line", sa.Integer, primary_key=True),
                           sa.Column("koc_id", sa.String(200)), sa.Column("task_id", sa.String(200)),
                           sa.Column("campaign_id", sa.BigInteger, nullable=False),
                           sa.Column("rule", sa.String(200)), sa.Column("kind", sa.String(40), nullable=False),
                           sa.Column("reason", sa.String(40), nullable=False), sa.Column("currency", sa.String(8)),
                           sa.Column("amount", sa.BigInteger, nullable=False), sa.Column("run_id", sa.String(200))),
    }
    return md, t


# Migrations: MIGRATIONS[v] takes a store from schema v to v + 1 inside the caller's transaction. Version 0
# is an empty database.
def _create_v1(sa: Any, conn: Any, md: Any) -> None:
    md.create_all(conn)


MIGRATIONS = {0: _create_v1}


@dataclass(frozen=True)
class Period:
    period: str
    seq: int
    run_id: str
    koc_version: str
    committed_at: str
    options: dict
    summary: dict


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Store:
    """One programme's store. ``Store(location)`` opens (and, when empty, creates) it; every method that
    changes it does so in one transaction."""

    def __init__(self, location: str, *, create: bool = True) -> None:
        sa = _sqlalchemy()
        self._sa = sa
        self.location = location
        if "://" not in location:
            path = pathlib.Path(location)
            if not path.exists() and not create:
                raise StoreError(f"{location}: no such store")
            if path.exists() and path.stat().st_size > 0:
                with open(path, "rb") as f:
                    head = f.read(16)
                if head != b"SQLite format 3\x00":
                    raise StoreError(f"{location}: not a SQLite database (a truncated or foreign file?); nothing was changed")
        self._engine = sa.create_engine(_url(location), future=True)
        if self._engine.dialect.name == "sqlite":
            # One writer at a time: a second run of the same store waits for the first, briefly, then fails
            # clearly; BEGIN IMMEDIATE takes the write lock when the transaction starts, not at its first write.
            @sa.event.listens_for(self._engine, "connect")
            def _connect(dbapi_conn: Any, _: Any) -> None:
                dbapi_conn.isolation_level = None
                dbapi_conn.execute("PRAGMA foreign_keys = ON")
                dbapi_conn.execute("PRAGMA busy_timeout = 5000")

            @sa.event.listens_for(self._engine, "begin")
            def _begin(conn: Any) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        self._md, self.t = _tables(sa)
        try:
            self._migrate()
        except sa.exc.DatabaseError as e:
            raise StoreError(f"{location}: cannot open the store: {e.orig if hasattr(e, 'orig') else e}; "
                             "nothing was changed") from None

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- schema --------------------------------------------------------------------------------------
    def _write_lock(self, conn: Any) -> None:
        """One writer at a time on the whole store, held to the end of the transaction: SQLite's BEGIN
        IMMEDIATE (see __init__) does it there; a server database takes a transaction-level advisory lock."""
        if self._engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7038476157)")  # koc's own key

    def _migrate(self) -> None:
        sa = self._sa
        with self._engine.begin() as conn:
            self._write_lock(conn)
            names = set(sa.inspect(conn).get_table_names())
            if "koc_meta" in names:
                row = conn.execute(sa.select(self.t["meta"].c.value).where(self.t["meta"].c.key == "schema_version")).first()
                version = int(row[0]) if row else 0
            elif names:
                raise StoreError(f"{self.location}: a database, but not a koc store (tables {', '.join(sorted(names))}); "
                                 "nothing was changed")
            else:
                version = 0
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.location}: written by a newer koc (store schema {version}; this koc reads up to "
                                 f"{SCHEMA_VERSION}); nothing was changed")
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](sa, conn, self._md)
                version += 1
                meta = self.t["meta"]
                conn.execute(sa.delete(meta).where(meta.c.key == "schema_version"))
                conn.execute(sa.insert(meta).values(key="schema_version", value=str(version)))

    def schema_version(self) -> int:
        sa = self._sa
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(self.t["meta"].c.value).where(self.t["meta"].c.key == "schema_version")).scalar_one())

    # ---- reading -------------------------------------------------------------------------------------
    def periods(self) -> list[Period]:
        sa = self._sa
        p = self.t["periods"]
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(p).order_by(p.c.seq)).all()
        return [Period(r.period, r.seq, r.run_id, r.koc_version, r.committed_at, json.loads(r.options),
                       json.loads(r.summary)) for r in rows]

    def files(self, period: str, prefix: str = "") -> dict[str, tuple[str, bytes]]:
        """role -> (file name, content) of a period's files whose role starts with ``prefix``."""
        sa = self._sa
        f = self.t["files"]
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(f.c.role, f.c.name, f.c.content).where(f.c.period == period)
                                .where(f.c.role.startswith(prefix))).all()
        return {r.role: (r.name, bytes(r.content)) for r in rows}

    def history(self, koc_id: str) -> pd.DataFrame:
        """One row per committed period: the KOC's tier after it, grace counter, honour, and what the
        period's ledger paid it per currency (minor units)."""
        sa = self._sa
        p, s, led = self.t["periods"], self.t["tier_state"], self.t["ledger"]
        with self._engine.connect() as conn:
            states = conn.execute(sa.select(p.c.period, p.c.seq, s.c.tier, s.c.periods_below, s.c.honorary,
                                            s.c.override_tier)
                                  .select_from(p.join(s, sa.and_(s.c.period == p.c.period, s.c.koc_id == str(koc_id))))
                                  .order_by(p.c.seq)).all()
            paid = conn.execute(sa.select(led.c.period, led.c.currency, sa.func.sum(led.c.amount))
                                .where(led.c.koc_id == str(koc_id)).where(led.c.currency.is_not(None))
                                .where(led.c.currency != "")
                                .group_by(led.c.period, led.c.currency)).all()
        out = pd.DataFrame([dict(period=r.period, tier=r.tier, periods_below=r.periods_below, honorary=bool(r.honorary),
                                 override_tier=r.override_tier or "") for r in states],
                           columns=["period", "tier", "periods_below", "honorary", "override_tier"])
        for cur in sorted({r[1] for r in paid}):
            by = {r[0]: int(r[2]) for r in paid if r[1] == cur}
            out[f"paid_{cur}"] = [by.get(x, 0) for x in out["period"]]
        return out

    def before(self, period: str) -> tuple[Optional[Period], list[Period]]:
        """The last committed period before ``period`` (by order of commitment) and every one before it."""
        done = self.periods()
        names = [x.period for x in done]
        earlier = done[:names.index(period)] if period in names else done
        return (earlier[-1] if earlier else None), earlier

    # ---- writing -------------------------------------------------------------------------------------
    def commit_many(self, records: list[tuple[str, dict]], *, replace_from: Optional[str] = None) -> None:
        """Stores periods, whole, in one transaction, in the order given. Each record holds ``run_id``,
        ``koc_version``, ``options``, ``summary``, ``files`` (role -> (name, bytes)), ``tier_state`` and
        ``ledger`` (tables). ``replace_from``: a committed period that this transaction replaces with every
        later one (they are deleted first; the records then hold it and them again)."""
        try:
            self._commit_many(records, replace_from=replace_from)
        except self._sa.exc.IntegrityError as e:  # a period or row key taken meanwhile: nothing of this run is stored
            raise StoreError(f"the store changed under this run ({e.orig}); nothing of this run was stored") from None

    def _commit_many(self, records: list[tuple[str, dict]], *, replace_from: Optional[str]) -> None:
        sa = self._sa
        t = self.t
        with self._engine.begin() as conn:
            self._write_lock(conn)
            if replace_from is not None:
                seq0 = conn.execute(sa.select(t["periods"].c.seq).where(t["periods"].c.period == replace_from)).scalar_one()
                gone = [r[0] for r in conn.execute(sa.select(t["periods"].c.period).where(t["periods"].c.seq >= seq0))]
                for name in ("ledger", "tier_state", "files"):
                    conn.execute(sa.delete(t[name]).where(t[name].c.period.in_(gone)))
                conn.execute(sa.delete(t["periods"]).where(t["periods"].c.period.in_(gone)))
            for period, rec in records:
                existing = conn.execute(sa.select(t["periods"].c.period).where(t["periods"].c.period == period)).first()
                if existing is not None:
                    raise StoreError(f"period {period} was committed by another run meanwhile; nothing of this run was "
                                     "stored (use --replace to recompute it)")
                seq = (conn.execute(sa.select(sa.func.max(t["periods"].c.seq))).scalar() or 0) + 1
                conn.execute(sa.insert(t["periods"]).values(
                    period=period, seq=seq, run_id=rec["run_id"], koc_version=rec["koc_version"],
                    committed_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                    options=json.dumps(rec["options"], sort_keys=True), summary=json.dumps(rec["summary"], sort_keys=True)))
                rows = [dict(period=period, role=role, name=name, sha256=sha256(data), content=data)
                        for role, (name, data) in sorted(rec["files"].items())]
                if rows:
                    conn.execute(sa.insert(t["files"]), rows)
                state_rows = list(_state_rows(period, rec["tier_state"]))
                if state_rows:
                    conn.execute(sa.insert(t["tier_state"]), state_rows)
                ledger = rec.get("ledger")
                if ledger is not None and len(ledger):
                    conn.execute(sa.insert(t["ledger"]), list(_ledger_rows(period, ledger)))


def _text(v: Any) -> Optional[str]:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    return str(v)


def _state_rows(period: str, state: pd.DataFrame) -> Iterator[dict]:
    cols = set(state.columns)
    for r in state.itertuples(index=False):
        d = r._asdict()
        yield dict(period=period, koc_id=str(d["koc_id"]), tier=str(d["tier"]), periods_below=int(d["periods_below"]),
                   honorary=int(bool(d["honorary"])),
                   override_tier=_text(d.get("override_tier")) if "override_tier" in cols else None,
                   override_reason=_text(d.get("override_reason")) if "override_reason" in cols else None,
                   override_author=_text(d.get("override_author")) if "override_author" in cols else None,
                   override_expires_at=_text(d.get("override_expires_at")) if "override_expires_at" in cols else None)


def _ledger_rows(period: str, ledger: pd.DataFrame) -> Iterator[dict]:
    for i, r in enumerate(ledger.itertuples(index=False)):
        d = r._asdict()
        yield dict(period=period, line=i, koc_id=_text(d["koc_id"]), task_id=_text(d["task_id"]),
                   campaign_id=int(d["campaign_id"]), rule=_text(d["rule"]), kind=str(d["kind"]),
                   reason=str(d["reason"]), currency=_text(d["currency"]) or None, amount=int(d["amount"]),
                   run_id=_text(d.get("run_id")))


def materialise(files: dict[str, tuple[str, bytes]], directory: pathlib.Path) -> dict[str, str]:
    """Writes stored files into ``directory`` (each under its own sub-folder, so names never collide);
    returns role -> path."""
    out = {}
    for i, (role, (name, data)) in enumerate(sorted(files.items())):
        d = directory / f"{i:03d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)
        out[role] = str(d / name)
    return out


__all__ = ["Store", "StoreError", "Period", "SCHEMA_VERSION", "is_store_location", "CHAINED_OUTPUTS", "COMPARED_OUTPUTS",
           "materialise", "sha256"]
