"""One KOC's statement for a period: the tier and why, what it takes to reach the next tier, then every
ledger line with its explanation, then what the KOC is owed per currency. What a programme manager sends a
KOC, or reads when a KOC asks: as text, as a self-contained HTML page, or as CSV rows.

    text = koc.statement(1001, roster, tier_policy, ledger=ledger, state=last_state)
    page = koc.statement(1001, roster, tier_policy, ledger=ledger, format="html")
    rows = koc.statement(1001, roster, tier_policy, ledger=ledger, format="csv")   # CSV text

Built from koc.explain and koc.classify (tiers) and Ledger.explain (rewards): the sentences are the
engines' own.
"""
from __future__ import annotations

import html
import io
from typing import Any, Optional

import numpy as np
import pandas as pd

from .rewards import Ledger, display_amount
from .tiers import PolicyLike, classify, explain

FORMATS = ("text", "html", "csv")


def statement(koc_id: Any, roster: Any, policy: PolicyLike = None, *, ledger: Optional[Ledger] = None,
              state: Any = None, revoked: Any = None, title: Optional[str] = None, format: str = "text") -> str:
    """The statement of one KOC.

    koc_id: the KOC, as in the roster's ``id``/``koc_id`` column. roster, policy, state, revoked: what the
    period was classified with (see :func:`koc.classify`); the tier section is :func:`koc.explain` of that
    KOC. ledger: the period's :class:`koc.Ledger` (optional): each of the KOC's lines, in ledger order, with
    its explanation, then the totals per currency (cuts included). title: a first line, e.g. the period.
    format: ``"text"`` (plain text, Markdown-friendly), ``"html"`` (one self-contained page: tier and why,
    the change of one metric alone that reaches the next tier, every line with its explanation, totals) or
    ``"csv"`` (long-format rows ``section, item, value, detail``: tier, growth, line and total rows, for a
    CRM to import). An id that is not in the roster raises :class:`koc.UnknownIdError`.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if format != "text":
        return _structured(koc_id, roster, policy, ledger, state, revoked, title, format)
    out = [title] if title else []
    out.append(f"KOC {koc_id}")
    out.append("")
    out.append("Tier")
    out.append(explain(roster, policy, ids=koc_id, state=state, revoked=revoked))
    if ledger is not None:
        mine, sentences = _ledger_rows(koc_id, ledger)
        out.append("")
        out.append("Rewards")
        if len(mine) == 0:
            out.append("  (no ledger line: the KOC completed nothing this period)")
        out.extend(f"  - {sentence}" for sentence in sentences)
        if len(mine):
            totals = _totals(mine)
            if len(totals):
                out.append("Total: " + "; ".join(display_amount(int(v), c) for c, v in totals.items()))
            else:
                out.append("Total: nothing paid")
    return "\n".join(out) + "\n"


def _ledger_rows(koc_id: Any, ledger: Optional[Ledger]) -> tuple[pd.DataFrame, list[str]]:
    """The KOC's ledger lines and their explanations (none without a ledger)."""
    if ledger is None:
        return pd.DataFrame(), []
    lines = ledger.lines
    ids = lines["koc_id"].to_numpy()
    try:
        mine = np.flatnonzero(ids == np.asarray(koc_id, dtype=ids.dtype))
    except (TypeError, ValueError):  # a string id against integer ledger ids: no line is the KOC's
        mine = np.zeros(0, dtype=np.int64)
    return lines.iloc[mine], [ledger.explain(int(i)) for i in mine]


def _totals(lines: pd.DataFrame) -> pd.Series:
    """Per currency (in code order), the sum of the lines' amounts; lines without a currency are left out."""
    money = lines[lines["currency"].notna()] if len(lines) else lines
    return money.groupby(money["currency"].astype(str), sort=True)["amount"].sum() if len(money) else pd.Series(dtype=np.int64)


def _structured(koc_id: Any, roster: Any, policy: PolicyLike, ledger: Optional[Ledger], state: Any, revoked: Any,
                title: Optional[str], format: str) -> str:
    tiers = classify(roster, policy, state=state, revoked=revoked)  # once: the explanation reads it
    why = explain(roster, policy, ids=koc_id, state=state, revoked=revoked, tiers=tiers)  # UnknownIdError for an unknown id
    row = tiers.iloc[int(np.flatnonzero(tiers["koc_id"].astype(object).to_numpy() == koc_id)[0])]
    gaps = [(c[4:], float(row[c])) for c in tiers.columns if c.startswith("gap_") and np.isfinite(row[c]) and row[c] > 0]
    nxt = row["next_tier"]
    has_next = pd.notna(nxt)
    lines, sentences = _ledger_rows(koc_id, ledger)
    totals = _totals(lines)

    rows: list[tuple] = [("tier", "tier", str(row["tier"]), str(row["transition"])),
                         ("tier", "score", f"{float(row['score']):.6g}", ""),
                         ("tier", "honorary", str(bool(row["honorary"])), "")]
    if pd.notna(row.get("override_reason")):
        rows.append(("tier", "override", str(row["tier"]), str(row["override_reason"])))
    rows.append(("tier", "explanation", "", why.strip()))
    if has_next:
        rows += [("growth", metric, f"+{gap:.6g}", f"alone, this takes the KOC to {nxt}") for metric, gap in gaps]
        if not gaps:
            rows.append(("growth", "", "", f"no single metric alone reaches {nxt}"))
    for (_, line), sentence in zip(lines.iterrows(), sentences):
        cur = line["currency"]
        amount = display_amount(int(line["amount"]), None if pd.isna(cur) else str(cur)) if pd.notna(cur) else ""
        rows.append(("line", f"task {line['task_id']} {line['rule']} {line['kind']}".strip(), amount, sentence))
    for cur, v in totals.items():
        rows.append(("total", cur, display_amount(int(v), cur), ""))

    if format == "csv":
        buf = io.StringIO()
        pd.DataFrame(rows, columns=["section", "item", "value", "detail"]).assign(koc_id=koc_id)[
            ["koc_id", "section", "item", "value", "detail"]].to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()

    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    head = e(title) if title else f"Statement of KOC {e(koc_id)}"
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{head}</title><style>"
             "body{font:15px/1.45 system-ui,sans-serif;max-width:56em;margin:2em auto;padding:0 1em;color:#111}"
             "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;"
             "text-align:left;vertical-align:top}td.num{text-align:right;white-space:nowrap}"
             "pre{white-space:pre-wrap;background:#f6f6f6;padding:.8em}</style></head><body>",
             f"<h1>{head}</h1><p>KOC <b>{e(koc_id)}</b>: tier <b>{e(row['tier'])}</b> ({e(row['transition'])})"
             + (", honorary" if bool(row["honorary"]) else "") + "</p>",
             f"<section id=\"tier\"><h2>Your tier and why</h2><pre>{e(why.strip())}</pre></section>"]
    if has_next:
        body = "".join(f"<tr><td>{e(m)}</td><td class=\"num\">+{g:.6g}</td></tr>" for m, g in gaps) or \
            "<tr><td colspan=\"2\">No single metric alone is enough: a mix of them is.</td></tr>"
        parts.append(f"<section id=\"growth\"><h2>To reach {e(nxt)}</h2><p>Any one of these changes, the others "
                     f"unchanged:</p><table><thead><tr><th>metric</th><th>more of it</th></tr></thead><tbody>{body}"
                     "</tbody></table></section>")
    if ledger is not None:
        body = "".join(f"<tr><td>{e(r[1])}</td><td class=\"num\">{e(r[2])}</td><td>{e(r[3])}</td></tr>"
                       for r in rows if r[0] == "line") or "<tr><td colspan=\"3\">No ledger line this period.</td></tr>"
        tot = "; ".join(display_amount(int(v), c) for c, v in totals.items()) or "nothing paid"
        parts.append(f"<section id=\"earned\"><h2>What you earned</h2><table><thead><tr><th>line</th><th>amount</th>"
                     f"<th>why</th></tr></thead><tbody>{body}</tbody></table><p><b>Total: {e(tot)}</b></p></section>")
    parts.append("</body></html>\n")
    return "".join(parts)
