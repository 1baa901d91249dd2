"""The programme report: one self-contained HTML file (inline SVG and CSS, a few lines of JS, no network).

    html = koc.report.build_report(tiers=..., previous_tier=..., tasks=..., assignments=..., unfilled_tasks=...,
                                   ledger=..., summary=..., ladder=policy.tiers)

Sections: the tier pyramid, the tier transition matrix, fill rate by asset type and horizon, unfilled
slots by reason, the eligibility funnel of every unfilled task, KOCs with spare capacity by reason, the
KOCs closest to the next tier and what they lack, reward totals by tier and by rule (per currency), budget
use per task and campaign (budget, computed, paid, cut), late and rejected work, and the top KOCs by
reward; each as a chart and the table it draws. Charts are SVG drawn here, not by a script, so the file opens anywhere
and is byte-identical for the same input. The script only adds sorting to the tables and marks the page
ready (``<body data-ready="1">``), which the browser test checks.
"""
from __future__ import annotations

import html
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .rewards import display_amount

__all__ = ["build_report"]

_TIER_COLOURS = ("#9ecae1", "#4292c6", "#08519c", "#f16913", "#a63603", "#54278f")
_ACCENT = "#2b8cbe"


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _fmt_int(n: Any) -> str:
    return f"{int(n):,}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool], cls: str = "") -> str:
    head = "".join(f'<th class="{"num" if numeric[i] else ""}">{_e(h)}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="{"num" if numeric[i] else ""}">{_e(v)}</td>' for i, v in enumerate(r)) + "</tr>"
                   for r in rows)
    return f'<table class="sortable {cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _hbars(labels: Sequence[str], values: Sequence[float], texts: Sequence[str], title: str,
           colours: Optional[Sequence[str]] = None, centred: bool = False) -> str:
    """Horizontal bars, one per label (centred bars make a pyramid)."""
    n = len(labels)
    width, label_w, bar_w, row_h = 800, 210, 380, 28
    height = max(n, 1) * row_h + 16
    vmax = max([float(v) for v in values] + [1e-12])
    parts = [f'<svg class="chart" role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>']
    for i, (lab, v, t) in enumerate(zip(labels, values, texts)):
        y = 8 + i * row_h
        w = 0.0 if vmax <= 0 else bar_w * float(v) / vmax
        x = label_w + (bar_w - w) / 2 if centred else label_w
        colour = colours[i % len(colours)] if colours else _ACCENT
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" class="lab">{_e(lab)}</text>')
        parts.append(f'<rect class="bar" x="{x:.2f}" y="{y + 3}" width="{max(w, 0.5):.2f}" height="{row_h - 8}" '
                     f'fill="{colour}"><title>{_e(lab)}: {_e(t)}</title></rect>')
        tx = (label_w + bar_w + 8) if centred else (label_w + w + 6)
        parts.append(f'<text x="{tx:.2f}" y="{y + 18}" class="val">{_e(t)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _heatmap(row_labels: Sequence[str], col_labels: Sequence[str], values: np.ndarray, texts: np.ndarray, title: str,
             row_title: str, col_title: str) -> str:
    cell_w, cell_h, left, top = 96, 34, 150, 54
    width = left + cell_w * len(col_labels) + 20
    height = top + cell_h * len(row_labels) + 10
    finite = values[np.isfinite(values)]
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    parts = [f'<svg class="chart" role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>',
             f'<text x="{left + cell_w * len(col_labels) / 2:.1f}" y="14" text-anchor="middle" class="axis">{_e(col_title)}</text>',
             f'<text x="8" y="{top - 8}" class="axis">{_e(row_title)}</text>']
    for j, c in enumerate(col_labels):
        parts.append(f'<text x="{left + j * cell_w + cell_w / 2:.1f}" y="{top - 10}" text-anchor="middle" class="lab">{_e(c)}</text>')
    for i, r in enumerate(row_labels):
        y = top + i * cell_h
        parts.append(f'<text x="{left - 8}" y="{y + cell_h / 2 + 5:.1f}" text-anchor="end" class="lab">{_e(r)}</text>')
        for j in range(len(col_labels)):
            v = values[i, j]
            if np.isfinite(v):
                a = 0.08 + 0.92 * (float(v) / vmax)
                fill = f"rgba(43,140,190,{a:.3f})"
                ink = "#fff" if a > 0.55 else "#111"
            else:
                fill, ink = "#eeeeee", "#777"
            x = left + j * cell_w
            parts.append(f'<rect class="cell" x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}">'
                         f'<title>{_e(r)} → {_e(col_labels[j])}: {_e(texts[i, j])}</title></rect>')
            parts.append(f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="middle" '
                         f'fill="{ink}" class="cv">{_e(texts[i, j])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _section(anchor: str, title: str, note: str, chart: str, table: str) -> str:
    return (f'<section id="{anchor}"><h2>{_e(title)}</h2><p class="note">{_e(note)}</p>'
            f'<div class="figure">{chart}</div><details open><summary>table</summary>{table}</details></section>')


def _money(units: int, currency: str) -> str:
    return display_amount(int(units), currency)


def _spend(lines: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per (key, currency): paid (all lines), budget cut and cap cut (>= 0), computed (before the cuts)."""
    g = lines.assign(budget_cut=np.where(lines["kind"].astype(str) == "budget_cut", -lines["amount"], 0),
                     cap_cut=np.where(lines["kind"].astype(str) == "cap_cut", -lines["amount"], 0))
    out = g.groupby([key, "currency"]).agg(paid=("amount", "sum"), budget_cut=("budget_cut", "sum"),
                                           cap_cut=("cap_cut", "sum"))
    out["computed"] = out["paid"] + out["budget_cut"] + out["cap_cut"]
    return out


def _budget_section(L: pd.DataFrame, tasks: pd.DataFrame, campaign_budgets: Optional[Sequence[dict]]) -> str:
    """Budget use per task (its budget_minor) and per campaign (the policy's budgets): budget, computed, paid, cut."""
    from .rewards import parse_amount
    rows: list[tuple] = []
    labels, values, texts = [], [], []
    per_task = _spend(L, "task_id")
    if "budget_minor" in tasks:
        t = tasks[["task_id", "budget_minor"] + (["currency"] if "currency" in tasks else [])].copy()
        t = t[pd.to_numeric(t["budget_minor"], errors="coerce").fillna(0) > 0]
        for x in t.itertuples():
            cur = str(getattr(x, "currency", "") or "")
            spent = per_task.loc[(x.task_id, cur)] if (x.task_id, cur) in per_task.index else None
            paid = int(spent["paid"]) if spent is not None else 0
            computed = int(spent["computed"]) if spent is not None else 0
            cut = int(spent["budget_cut"]) if spent is not None else 0
            budget = int(x.budget_minor)
            rows.append((f"task {x.task_id}", cur, _money(budget, cur), _money(computed, cur), _money(paid, cur),
                         _money(cut, cur), f"{100 * paid / budget:.1f} %"))
            labels.append(f"task {x.task_id}")
            values.append(min(paid / budget, 1.5))
            texts.append(f"{100 * paid / budget:.0f} % of {_money(budget, cur)}" + (f", {_money(cut, cur)} cut" if cut else ""))
    if campaign_budgets:
        per_campaign = _spend(L[L["campaign_id"] >= 0], "campaign_id") if "campaign_id" in L else per_task.iloc[:0]
        for b in campaign_budgets:
            cid, cur = int(b["campaign"]), str(b["currency"])
            budget = parse_amount(str(b["amount"]), cur)
            spent = per_campaign.loc[(cid, cur)] if (cid, cur) in per_campaign.index else None
            paid = int(spent["paid"]) if spent is not None else 0
            computed = int(spent["computed"]) if spent is not None else 0
            cut = int(spent["budget_cut"]) if spent is not None else 0
            rows.append((f"campaign {cid}", cur, _money(budget, cur), _money(computed, cur), _money(paid, cur),
                         _money(cut, cur), f"{100 * paid / budget:.1f} %" if budget else "-"))
            labels.append(f"campaign {cid}")
            values.append(min(paid / budget, 1.5) if budget else 0.0)
            texts.append(f"{100 * paid / budget:.0f} % of {_money(budget, cur)}" if budget else "no budget")
    cut_total = L[L["kind"].astype(str) == "budget_cut"].groupby("currency")["amount"].sum()
    note = ("Budget: what the task (its budget_minor) or the campaign (the reward policy) may spend; computed: what the "
            "rules gave before budget and cap cuts; paid: after them. Cut by budgets in all: " +
            (", ".join(_money(-v, c) for c, v in cut_total.items() if v) or "nothing") + ".")
    chart = _hbars(labels or ["(no budgets)"], values or [0], texts or ["-"], "Budget used")
    table = _table(["budget of", "currency", "budget", "computed", "paid", "cut by the budget", "used"], rows,
                   [False, False, True, True, True, True, True])
    return _section("budgets", "Budget use per task and campaign", note, chart, table)


def _late_section(ledger: pd.DataFrame, top_n: int) -> str:
    """Late and rejected work: counts by reason, then the tasks and KOCs with the most."""
    comp = ledger[ledger["completion"] >= 0] if "completion" in ledger else ledger
    per_completion = comp.drop_duplicates(["completion"]) if "completion" in comp else comp
    reason = per_completion["reason"].astype(str)
    counts = reason[reason.isin(["late", "rejected"])].value_counts()
    n = len(per_completion)
    chart = _hbars([r for r in ("late", "rejected")], [float(counts.get(r, 0)) for r in ("late", "rejected")],
                   [f"{int(counts.get(r, 0)):,} of {n:,} completions" for r in ("late", "rejected")], "Late and rejected work")
    bad = per_completion[reason.isin(["late", "rejected"]).to_numpy()]
    by_task = bad.groupby(["task_id", "reason"]).size().unstack(fill_value=0)
    by_task = by_task.reindex(columns=["late", "rejected"], fill_value=0)
    by_task = by_task.assign(total=by_task.sum(axis=1)).sort_values(["total"], ascending=False, kind="stable").head(top_n)
    by_koc = bad.groupby(["koc_id", "reason"]).size().unstack(fill_value=0).reindex(columns=["late", "rejected"], fill_value=0)
    by_koc = by_koc.assign(total=by_koc.sum(axis=1)).sort_values(["total"], ascending=False, kind="stable").head(top_n)
    table = _table(["task", "late", "rejected"], [(t, _fmt_int(x.late), _fmt_int(x.rejected)) for t, x in by_task.iterrows()],
                   [True, True, True])
    table += _table(["KOC", "late", "rejected"], [(k, _fmt_int(x.late), _fmt_int(x.rejected)) for k, x in by_koc.iterrows()],
                    [True, True, True])
    return _section("late", "Late and rejected work",
                    f"Of {n:,} completions, {int(counts.get('late', 0)):,} came after the task's window and "
                    f"{int(counts.get('rejected', 0)):,} were rejected; the tasks and KOCs with the most.", chart, table)


def build_report(*, tiers: pd.DataFrame, previous_tier: pd.Series, tasks: pd.DataFrame, assignments: pd.DataFrame,
                 unfilled_tasks: pd.DataFrame, ledger: Optional[pd.DataFrame], summary: dict,
                 ladder: Sequence[str], title: str = "KOC programme report", top_n: int = 20,
                 exclusions: Optional[pd.DataFrame] = None, unassigned_kocs: Optional[pd.DataFrame] = None,
                 promote_thresholds: Optional[Sequence[float]] = None,
                 campaign_budgets: Optional[Sequence[dict]] = None) -> str:
    """The report as HTML text (see the module docstring).

    The optional inputs add the sections a programme manager asks for first: ``exclusions`` (match's table:
    per task, eligible KOCs and how many each hard rule excluded) the eligibility funnel of every unfilled
    task; ``unassigned_kocs`` (match's) why KOCs got no work; ``promote_thresholds`` (the ladder's, in
    ladder order) who is closest to the next tier and what they lack; ``campaign_budgets`` (the reward
    policy's: campaign, currency, amount in major units) budget use per campaign beside the tasks' own
    ``budget_minor``. Late and rejected work comes from the ledger."""
    ladder = list(ladder)
    sections = []

    # 1. Tier pyramid: the top tier on top.
    counts = tiers["tier"].astype(str).value_counts()
    pyramid = [(t, int(counts.get(t, 0))) for t in reversed(ladder)]
    total = max(len(tiers), 1)
    n_hon = int(np.asarray(tiers["honorary"], bool).sum()) if "honorary" in tiers else 0
    chart = _hbars([t for t, _ in pyramid], [np.sqrt(c) for _, c in pyramid],
                   [f"{c:,} ({100 * c / total:.1f} %)" for _, c in pyramid], "Tier pyramid",
                   list(reversed(_TIER_COLOURS[:len(ladder)])), centred=True)
    table = _table(["tier", "KOCs", "share", "of which honorary"],
                   [(t, _fmt_int(c), f"{100 * c / total:.1f} %",
                     _fmt_int(int(((tiers["tier"].astype(str) == t) & np.asarray(tiers.get("honorary", False), bool)).sum())))
                    for t, c in pyramid], [False, True, True, True])
    sections.append(_section("pyramid", "Tier pyramid", f"{len(tiers):,} KOCs; {n_hon:,} honorary. "
                             "Bar widths are proportional to the square root of the count, so the top tiers stay visible.",
                             chart, table))

    # 2. Transition matrix: previous tier (or new) × current tier.
    prev = pd.Series(previous_tier).astype(str).replace({"": "new", "nan": "new", "None": "new"}).to_numpy()
    cur = tiers["tier"].astype(str).to_numpy()
    rows = ["new"] + ladder
    mat = np.array([[int(((prev == a) & (cur == b)).sum()) for b in ladder] for a in rows], dtype=float)
    txt = np.vectorize(lambda v: f"{int(v):,}")(mat) if mat.size else mat.astype(str)
    chart = _heatmap(rows, ladder, mat, txt, "Tier transitions", "previous tier", "tier now")
    trans = tiers["transition"].astype(str).value_counts() if "transition" in tiers else pd.Series(dtype=int)
    table = _table(["previous tier"] + ladder + ["total"],
                   [[a] + [_fmt_int(v) for v in mat[i]] + [_fmt_int(mat[i].sum())] for i, a in enumerate(rows)],
                   [False] + [True] * (len(ladder) + 1))
    table += _table(["transition", "KOCs"], [(k, _fmt_int(v)) for k, v in sorted(trans.items(), key=lambda x: (-x[1], x[0]))],
                    [False, True])
    sections.append(_section("transitions", "Tier transitions", "Rows: last period's tier (new = first period); "
                             "columns: the tier now. Above the diagonal: promotions; below: demotions.", chart, table))

    # 3. Fill rate by asset type × horizon (bounded slots; broadcast tasks counted apart).
    assets = ["social", "knowledge", "community", "intelligence"]
    horizons = ["instant", "phased", "continuous", "identity"]
    filled = assignments.groupby("task_id").size().reindex(tasks["task_id"], fill_value=0).to_numpy()
    slots = tasks["slots"].to_numpy(np.int64)
    asset, horizon = tasks["asset"].astype(str).to_numpy(), tasks["horizon"].astype(str).to_numpy()
    rate = np.full((len(assets), len(horizons)), np.nan)
    rate_txt = np.full((len(assets), len(horizons)), "-", dtype=object)
    rows_t = []
    for i, a in enumerate(assets):
        for j, h in enumerate(horizons):
            sel = (asset == a) & (horizon == h)
            bounded = sel & (slots >= 0)
            s, f = int(slots[bounded].sum()), int(np.minimum(filled[bounded], slots[bounded]).sum())
            b_tasks, b_asg = int((sel & (slots < 0)).sum()), int(filled[sel & (slots < 0)].sum())
            if s > 0:
                rate[i, j] = f / s
                rate_txt[i, j] = f"{100 * f / s:.0f} %"
            elif b_tasks:
                rate_txt[i, j] = f"{b_asg:,} bc."
            if sel.any():
                rows_t.append((a, h, _fmt_int(sel.sum()), _fmt_int(s), _fmt_int(f), "-" if s == 0 else f"{100 * f / s:.1f} %",
                               _fmt_int(b_tasks), _fmt_int(b_asg)))
    chart = _heatmap(assets, horizons, rate, rate_txt, "Fill rate by asset type and horizon", "asset type", "time horizon")
    table = _table(["asset", "horizon", "tasks", "slots", "filled", "fill rate", "broadcast tasks", "broadcast assignments"],
                   rows_t, [False, False, True, True, True, True, True, True])
    sections.append(_section("fill", "Fill rate by asset type and horizon", "Share of the fixed slots filled; "
                             "broadcast tasks (as many as possible, 'bc.') count their assignments instead.", chart, table))

    # 4. Unfilled slots by reason.
    u = unfilled_tasks.copy()
    u["reason"] = u["reason"].astype(str)
    by_reason = u.groupby("reason").agg(tasks=("task_id", "size"), slots=("unfilled", "sum")).sort_values(
        ["slots", "tasks"], ascending=False) if len(u) else pd.DataFrame({"tasks": [], "slots": []})
    chart = _hbars(list(by_reason.index) or ["(none)"], list(by_reason["slots"]) or [0],
                   [f"{int(s):,} slots, {int(t)} tasks" for s, t in zip(by_reason["slots"], by_reason["tasks"])] or ["every slot filled"],
                   "Unfilled slots by reason")
    table = _table(["reason", "tasks short", "unfilled slots"],
                   [(r, _fmt_int(x.tasks), _fmt_int(x.slots)) for r, x in by_reason.iterrows()], [False, True, True])
    table += _table(["task", "slots", "filled", "unfilled", "reason"],
                    [(x.task_id, _fmt_int(x.slots), _fmt_int(x.filled), _fmt_int(x.unfilled), x.reason) for x in u.itertuples()],
                    [True, True, True, True, False])
    n_closed = int((u["reason"] == "no_slots").sum())
    sections.append(_section("unfilled", "Unfilled slots by reason", f"{len(u) - n_closed} of {len(tasks)} tasks are short of "
                             "their slots" + (f" and {n_closed} are closed (0 slots, reason no_slots)" if n_closed else "")
                             + "; every task is either filled or listed here with its reason.", chart, table))
    u = u[u["reason"] != "no_slots"]  # a closed task has no funnel to show

    # 4b. The eligibility funnel of each unfilled task: slots, eligible KOCs, and who each rule excluded.
    if exclusions is not None and len(u):
        ex = exclusions.set_index("task_id")
        rules = [c for c in exclusions.columns if c not in ("task_id", "eligible")]
        rows, labels, values, texts = [], [], [], []
        for x in u.itertuples():
            if x.task_id not in ex.index:
                continue
            e = ex.loc[x.task_id]
            labels.append(f"task {x.task_id}")
            values.append(float(e["eligible"]))
            texts.append(f"{int(e['eligible']):,} eligible for {int(x.slots):,} slots ({int(x.filled):,} filled)")
            rows.append((x.task_id, _fmt_int(x.slots), _fmt_int(x.filled), _fmt_int(e["eligible"]),
                         *[_fmt_int(e[r]) for r in rules], x.reason))
        chart = _hbars(labels or ["(none)"], values or [0], texts or ["-"], "Eligible KOCs per unfilled task")
        table = _table(["task", "slots", "filled", "eligible KOCs", *[f"excluded: {r}" for r in rules], "reason"], rows,
                       [True, True, True, True, *[True] * len(rules), False])
        sections.append(_section("funnel", "Eligibility funnel of the unfilled tasks",
                                 "For each task short of its slots: how many KOCs passed every hard rule, and how many "
                                 "each rule excluded (a KOC excluded by several rules counts under each).", chart, table))

    # 4c. KOCs without work, by reason.
    if unassigned_kocs is not None:
        uk = unassigned_kocs.copy()
        uk["reason"] = uk["reason"].astype(str)
        by = uk.groupby("reason").size().sort_values(ascending=False, kind="stable")
        chart = _hbars(list(by.index) or ["(none)"], [float(v) for v in by] or [0],
                       [f"{int(v):,} KOCs" for v in by] or ["every KOC has work"], "KOCs with spare capacity, by reason")
        table = _table(["reason", "KOCs"], [(r, _fmt_int(v)) for r, v in by.items()], [False, True])
        sections.append(_section("unassigned", "KOCs with spare capacity, by reason",
                                 f"{len(uk):,} of {len(tiers):,} KOCs have capacity left or no work; every one is "
                                 "listed in unassigned.csv with its reason.", chart, table))

    # 4d. Who is closest to the next tier, and what they lack.
    if promote_thresholds is not None and "next_tier" in tiers and "score" in tiers:
        thr = {t: float(v) for t, v in zip(ladder, promote_thresholds)}
        nxt = tiers["next_tier"].astype(object)
        has_next = nxt.notna().to_numpy()
        need = np.full(len(tiers), np.inf)
        need[has_next] = np.array([thr.get(str(t), np.inf) for t in nxt[has_next]]) - tiers["score"].to_numpy()[has_next]
        order = np.lexsort((np.asarray(tiers["koc_id"]).astype(str), need))
        order = [i for i in order if np.isfinite(need[i])][:top_n]
        gap_cols = [c for c in tiers.columns if c.startswith("gap_")]
        rows, labels, values, texts = [], [], [], []
        for i in order:
            r = tiers.iloc[i]
            lack = [f"{c[4:]} +{r[c]:,.6g}" for c in gap_cols if np.isfinite(r[c]) and r[c] > 0]
            gate = str(r["blocked_gate"]) if "blocked_gate" in tiers and pd.notna(r["blocked_gate"]) and \
                str(r.get("blocked_tier", "")) == str(r["next_tier"]) else ""
            labels.append(str(r["koc_id"]))
            values.append(max(float(need[i]), 0.0))
            texts.append(f"{max(need[i], 0.0):.2f} points to {r['next_tier']}")
            rows.append((r["koc_id"], r["tier"], r["next_tier"], f"{r['score']:.2f}", f"{max(need[i], 0.0):.2f}",
                         "; ".join(lack) or "no single metric suffices", gate))
        chart = _hbars(labels or ["(none)"], values or [0], texts or ["-"], "Score points to the next tier")
        table = _table(["KOC", "tier", "next tier", "score", "points short", "any one of (metric alone)", "gate in the way"],
                       rows, [False, False, False, True, True, False, False])
        sections.append(_section("closest", "Closest to the next tier",
                                 f"The {len(rows)} KOCs nearest to their next tier's promotion threshold, with the change "
                                 "of one metric alone that would take each there (growth gaps) and any gate that "
                                 "blocks it.", chart, table))

    # 5. Rewards by tier and by rule, per currency; 6. top KOCs.
    if ledger is not None and len(ledger):
        L = ledger[ledger["currency"].astype(str) != ""].copy()
        L["currency"] = L["currency"].astype(str)
        L["rule"] = L["rule"].astype(str)
        tier_of = pd.Series(tiers["tier"].astype(str).to_numpy(), index=tiers["koc_id"].to_numpy())
        L["tier"] = tier_of.reindex(L["koc_id"].to_numpy()).fillna("(no KOC)").to_numpy()
        currencies = sorted(L["currency"].unique(), key=lambda c: (-int(L.loc[L["currency"] == c, "amount"].abs().sum() > 0),
                                                                   c == "PTS", c))
        charts, tables = [], []
        for c in currencies:
            Lc = L[L["currency"] == c]
            bt = Lc.groupby("tier")["amount"].sum().reindex(ladder + ["(no KOC)"]).dropna()
            bt = bt[(bt != 0) | bt.index.isin(ladder)]
            charts.append(f"<h3>{_e(c)} by tier</h3>" + _hbars(list(bt.index), [max(float(v), 0.0) for v in bt],
                                                                 [_money(v, c) for v in bt], f"{c} by tier",
                                                                 list(_TIER_COLOURS)))
            br = Lc.groupby("rule")["amount"].sum().sort_values(ascending=False)
            charts.append(f"<h3>{_e(c)} by rule</h3>" + _hbars(list(br.index), [max(float(v), 0.0) for v in br],
                                                                 [_money(v, c) for v in br], f"{c} by rule"))
            kocs_paid = Lc[Lc["amount"] != 0].groupby("tier")["koc_id"].nunique()
            tables.append(_table([f"tier ({c})", "KOCs paid", "total"],
                                 [(t, _fmt_int(kocs_paid.get(t, 0)), _money(v, c)) for t, v in bt.items()], [False, True, True]))
            tables.append(_table([f"rule ({c})", "lines", "total"],
                                 [(r, _fmt_int((Lc["rule"] == r).sum()), _money(v, c)) for r, v in br.items()], [False, True, True]))
        totals = summary.get("rewards", {}).get("totals_by_currency", {})
        note = "Total paid: " + (", ".join(v["text"] for v in totals.values()) or "nothing") + \
            ". Points (PTS) are tier-multiplied only when the policy says so; budget cuts appear as negative lines of their rule."
        sections.append(_section("rewards", "Reward totals by tier and by rule", note, "".join(charts), "".join(tables)))

        sections.append(_budget_section(L, tasks, campaign_budgets))
        sections.append(_late_section(ledger, top_n))

        if currencies:  # a settled run may pay nothing new: no money lines, no top list
            main = currencies[0]
            per_koc = L[L["currency"] == main].groupby("koc_id")["amount"].sum().sort_values(ascending=False, kind="stable")
            per_koc = per_koc[per_koc > 0]
            top = per_koc.head(top_n)
            top = top.iloc[np.lexsort((top.index.to_numpy(), -top.to_numpy()))]  # ties: lower KOC id first
            lines = L[L["koc_id"].isin(top.index)]
            rules_of = lines.groupby("koc_id")["rule"].agg(lambda s: ", ".join(sorted(set(s))))
            chart = _hbars([str(k) for k in top.index], list(top.astype(float)), [_money(v, main) for v in top],
                           f"Top {len(top)} KOCs by reward ({main})")
            table = _table(["rank", "KOC", "tier", f"total ({main})", "rules"],
                           [(i + 1, k, tier_of.get(k, ""), _money(v, main), rules_of.get(k, "")) for i, (k, v) in enumerate(top.items())],
                           [True, True, False, True, False])
            sections.append(_section("top", f"Top KOCs by reward ({main})",
                                     f"{len(per_koc):,} KOCs earned {main}; the {len(top)} highest totals.", chart, table))
    else:
        sections.append('<section id="rewards"><h2>Rewards</h2><p class="note">No completions were given: '
                        'no ledger.</p></section>')

    k, t, m = summary["kocs"], summary["tasks"], summary["matching"]
    cards = [("KOCs", _fmt_int(k["total"])), ("tasks", _fmt_int(t["total"])),
             ("slots filled", f"{t['slots_filled']:,} / {t['slots']:,}"), ("assignments", _fmt_int(m["assignments"]))]
    if "rewards" in summary:
        cards += [(f"paid {c}", v["text"]) for c, v in summary["rewards"]["totals_by_currency"].items()]
    cards_html = "".join(f'<div class="card"><div class="k">{_e(a)}</div><div class="v">{_e(b)}</div></div>' for a, b in cards)
    nav = "".join(f'<a href="#{a}">{_e(b)}</a>' for a, b in (("pyramid", "pyramid"), ("transitions", "transitions"),
                                                            ("fill", "fill rate"), ("unfilled", "unfilled"),
                                                            ("rewards", "rewards"), ("top", "top KOCs")))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>
body{{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f8fa}}
header{{background:#0b3d5c;color:#fff;padding:18px 28px}} header h1{{margin:0;font-size:22px}}
header p{{margin:4px 0 0;opacity:.8}} nav{{margin-top:10px}} nav a{{color:#cfe8f7;margin-right:14px}}
main{{max-width:1100px;margin:0 auto;padding:10px 24px 40px}}
.cards{{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}}
.card{{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:10px 14px;min-width:130px}}
.card .k{{color:#5b6b7b;font-size:12px}} .card .v{{font-size:18px;font-weight:600}}
section{{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:14px 20px;margin:16px 0}}
h2{{margin:0 0 4px;font-size:18px}} h3{{font-size:14px;margin:14px 0 2px}} .note{{color:#5b6b7b;margin:0 0 10px}}
.figure{{overflow-x:auto}} svg .lab{{font-size:12px;fill:#1d2733}} svg .val{{font-size:12px;fill:#3d4b59}}
svg .axis{{font-size:12px;fill:#5b6b7b;font-style:italic}} svg .cv{{font-size:12px}}
table{{border-collapse:collapse;margin:8px 0 12px;font-size:13px}} th,td{{padding:4px 10px;border-bottom:1px solid #e6eaef;text-align:left}}
th{{background:#f0f3f6;cursor:pointer;user-select:none}} td.num,th.num{{text-align:right;font-variant-numeric:tabular-nums}}
details summary{{cursor:pointer;color:#2b6f98;margin-top:6px}}
footer{{color:#7a8794;font-size:12px;text-align:center;padding:10px}}
</style></head>
<body data-ready="0">
<header><h1>{_e(title)}</h1><p>koc {_e(summary.get("koc_version", ""))} · matching mode {_e(m["mode"])} ·
optimality certificate verified</p><nav>{nav}</nav></header>
<main><div class="cards">{cards_html}</div>
{"".join(sections)}
</main>
<footer>Generated by koc. Self-contained: no network access is needed to view this file.</footer>
<script>
(function () {{
  "use strict";
  function key(cell) {{
    var t = cell.textContent.trim();
    var n = parseFloat(t.replace(/[^0-9.\\-]/g, ""));
    return cell.classList.contains("num") && !isNaN(n) ? n : t.toLowerCase();
  }}
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {{
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {{
      th.addEventListener("click", function () {{
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var dir = th.getAttribute("data-dir") === "asc" ? -1 : 1;
        th.setAttribute("data-dir", dir === 1 ? "asc" : "desc");
        rows.sort(function (a, b) {{
          var x = key(a.cells[col]), y = key(b.cells[col]);
          return (x < y ? -1 : x > y ? 1 : 0) * dir;
        }});
        rows.forEach(function (r) {{ body.appendChild(r); }});
      }});
    }});
  }});
  document.body.setAttribute("data-charts", String(document.querySelectorAll("svg.chart").length));
  document.body.setAttribute("data-ready", "1");
}})();
</script>
</body></html>
"""
