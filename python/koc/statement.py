"""One KOC's statement for a period: the tier and why, then every ledger line with its explanation, then
what the KOC is owed per currency. The text a programme manager sends a KOC, or reads when a KOC asks.

    text = koc.statement(1001, roster, tier_policy, ledger=ledger, state=last_state)

Built from koc.explain (tiers) and Ledger.explain (rewards): the sentences are the engines' own.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .rewards import Ledger, display_amount
from .tiers import PolicyLike, explain


def statement(koc_id: Any, roster: Any, policy: PolicyLike = None, *, ledger: Optional[Ledger] = None,
              state: Any = None, revoked: Any = None, title: Optional[str] = None) -> str:
    """The statement of one KOC as plain text (Markdown-friendly).

    koc_id: the KOC, as in the roster's ``id``/``koc_id`` column. roster, policy, state, revoked: what the
    period was classified with (see :func:`koc.classify`); the tier section is :func:`koc.explain` of that
    KOC. ledger: the period's :class:`koc.Ledger` (optional): each of the KOC's lines, in ledger order, with
    its explanation, then the totals per currency (cuts included). title: a first line, e.g. the period.
    An id that is not in the roster raises :class:`koc.UnknownIdError`.
    """
    out = [title] if title else []
    out.append(f"KOC {koc_id}")
    out.append("")
    out.append("Tier")
    out.append(explain(roster, policy, ids=koc_id, state=state, revoked=revoked))
    if ledger is not None:
        lines = ledger.lines
        ids = lines["koc_id"].to_numpy()
        try:
            mine = np.flatnonzero(ids == np.asarray(koc_id, dtype=ids.dtype))
        except (TypeError, ValueError):  # a string id against integer ledger ids: no line is the KOC's
            mine = np.zeros(0, dtype=np.int64)
        out.append("")
        out.append("Rewards")
        if len(mine) == 0:
            out.append("  (no ledger line: the KOC completed nothing this period)")
        for i in mine:
            out.append(f"  - {ledger.explain(int(i))}")
        if len(mine):
            money = lines.iloc[mine]
            money = money[money["currency"].notna()]
            totals = money.groupby(money["currency"].astype(str), sort=True)["amount"].sum()
            if len(totals):
                out.append("Total: " + "; ".join(display_amount(int(v), c) for c, v in totals.items()))
            else:
                out.append("Total: nothing paid")
    return "\n".join(out) + "\n"
