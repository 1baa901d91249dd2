"""Realistic, deterministic KOC programmes: roster, tasks, policies and completion records.

    prog = koc.datasets.make_programme(n_kocs=5000, n_tasks=60, seed=2026)
    tiers = koc.classify(prog.roster, prog.tier_policy)
    plan = koc.match(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    done = prog.simulate_completions(plan.assignments, seed=2026)

    sample = koc.datasets.load_sample()   # the bundled programme (5,000 KOCs, 60 tasks, completions)

Everything is drawn from one ``numpy.random.Generator`` per table, column by column, so the same seed
gives the same tables bit for bit, and a 1M-KOC roster takes a few seconds (no per-row Python loops:
strings such as ``audience`` are looked up from the few distinct bit patterns).

How the roster is built (the shapes real programmes show): each KOC has a latent engagement ``z`` and
a latent reach ``r`` (independent standard normals). Followers and views are lognormal in ``r`` (heavy
tails: a handful of celebrities, a long base); posts, interactions, tasks, quality, on-time rate,
loyalty and recency follow ``z``; skills follow ``z`` plus a few specialities per KOC. The previous tier
is the tier the same KOC would have had last period (the metrics perturbed, classified with the tier
policy), which gives the pyramid (many entry, few ambassadors) and a realistic mix of transitions.
"""
from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd

from ._errors import error

__all__ = ["Programme", "make_programme", "load_sample", "SKILLS", "SEGMENTS", "REGIONS", "OPT_OUT_KINDS",
           "PROGRAMME_START", "sample_dir"]

SKILLS = ("short_video", "long_review", "photography", "technical_analysis", "vlog", "live_stream",
          "public_speaking", "moderation")
SEGMENTS = ("car_owners", "families", "tech_enthusiasts", "outdoor", "commuters", "luxury", "students", "ev_curious")
REGIONS = ("north", "east", "south", "west", "central")
OPT_OUT_KINDS = ("social", "knowledge", "community", "intelligence", "instant", "phased", "continuous", "identity",
                 "internal", "external")
ASSETS = ("social", "knowledge", "community", "intelligence")
HORIZONS = ("instant", "phased", "continuous", "identity")
DIRECTIONS = ("internal", "external")

PROGRAMME_START = 1772323200  # 2026-03-01T00:00:00Z: every window is relative to it
DAY = 86400

# The reward rule each (horizon, asset, direction) pays under, see _rule_for().
_RULE_IDS = ("newbie_meme", "news_peak_red_packet", "spring_launch", "knowledge_base_moderator", "weibo_review",
             "auto_show", "ambassador_identity")
_RULE_CURRENCY = {"newbie_meme": "PTS", "news_peak_red_packet": "CNY", "spring_launch": "CNY",
                  "knowledge_base_moderator": "CNY", "weibo_review": "CNY", "auto_show": "CNY", "ambassador_identity": None}
_CAMPAIGNS = (7, 8, 9)  # campaign ids of the phased internal work; campaign 7 has a budget


def sample_dir() -> pathlib.Path:
    """Folder of the bundled sample programme inside the installed package."""
    return pathlib.Path(__file__).resolve().parent / "data" / "sample"


@dataclass
class Programme:
    """A complete programme: the roster, the tasks and the three policies (JSON text).

    ``roster`` and ``tasks`` use the table formats of :func:`koc.classify` and :func:`koc.match`;
    ``completions`` is set for the bundled sample (None for a freshly generated programme: call
    :meth:`simulate_completions` on a matching plan).
    """

    roster: pd.DataFrame
    tasks: pd.DataFrame
    tier_policy: str
    matching_policy: str
    reward_policy: str
    seed: int
    completions: Optional[pd.DataFrame] = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (f"Programme(n_kocs={len(self.roster)}, n_tasks={len(self.tasks)}, seed={self.seed}, "
                f"completions={'None' if self.completions is None else len(self.completions)})")

    def simulate_completions(self, assignments: Any, seed: Optional[int] = None) -> pd.DataFrame:
        """Completion records for (koc_id, task_id) assignments: what the KOCs actually delivered.

        About 85 % of assignments are completed; of those about 6 % are rejected and about 10 % late
        (after the task's window_end). Columns: ``koc_id``, ``task_id``, ``delivered_at`` (unix s),
        ``accepted`` (0/1), ``quality`` (0..1), ``views``, ``interactions`` (public results, scaled by the
        KOC's followers), ``days_served``, ``duty_fulfilment`` (retainers), ``days_on_site``,
        ``travel_claimed_minor`` (offline work, minor units). Each record depends only on (seed, koc_id, task_id),
        so the result does not depend on the order of the assignments; rows come out in assignment order.
        """
        seed = self.seed if seed is None else int(seed)
        a = pd.DataFrame(assignments)
        for c in ("koc_id", "task_id"):
            if c not in a.columns:
                raise error("invalid_argument", f"assignments need a '{c}' column", None, c)
        kid = a["koc_id"].to_numpy(np.int64)
        tid = a["task_id"].to_numpy(np.int64)
        kpos = pd.Index(self.roster["id"]).get_indexer(kid)
        tpos = pd.Index(self.tasks["task_id"]).get_indexer(tid)
        for pos, name, vals in ((kpos, "koc_id", kid), (tpos, "task_id", tid)):
            if (pos < 0).any():
                row = int(np.flatnonzero(pos < 0)[0])
                raise error("unknown_id", f"unknown {name} {vals[row]}", row, name)
        u = _pair_uniforms(seed, kid, tid, 9)
        done = u[0] < 0.85
        kid, tid, kpos, tpos, u = kid[done], tid[done], kpos[done], tpos[done], u[:, done]
        ro, ta = self.roster, self.tasks
        start = ta["window_start"].to_numpy(np.int64)[tpos]
        end = ta["window_end"].to_numpy(np.int64)[tpos]
        span_s = np.maximum(end - start, DAY)
        quality_koc = ro["quality"].to_numpy(np.float64)[kpos]
        on_time = ro["on_time_rate"].to_numpy(np.float64)[kpos]
        # Late work comes from unreliable KOCs: P(late) ~ 0.5 * (1 - on_time_rate).
        late = u[1] < 0.5 * (1.0 - on_time)
        delivered = np.where(late, end + 1 + (u[2] * 5 * DAY).astype(np.int64),
                             start + (u[2] * 0.95 * span_s).astype(np.int64))
        quality = np.clip(quality_koc + (u[3] - 0.5) * 0.3, 0.0, 1.0).round(3)
        accepted = ((u[4] > 0.06) & (quality >= 0.25)).astype(np.uint8)
        followers = ro["followers"].to_numpy(np.float64)[kpos]
        direction = ta["direction"].to_numpy(object)[tpos]
        # Public reach: a post is seen by a lognormal multiple of the audience; internal work has none.
        views = np.where(direction == "external", np.floor(followers * np.exp(0.2 + 1.6 * _normal(u[5]))), 0)
        views = np.minimum(views, 5e8).astype(np.int64)
        interactions = np.floor(views * (0.01 + 0.07 * u[6])).astype(np.int64)
        horizon = ta["horizon"].to_numpy(object)[tpos]
        period = ta["period_days"].to_numpy(np.int64)[tpos] if "period_days" in ta.columns else np.zeros(len(tpos), np.int64)
        retained = horizon == "continuous"
        days_served = np.where(retained, np.maximum(period - (u[7] < 0.3) * (u[7] * 40).astype(np.int64), 0), 0)
        duty = np.where(retained, np.where(u[8] < 0.7, 1.0, np.round(0.5 + u[8] * 0.5, 2)), 1.0)
        rule = ta["rule"].to_numpy(object)[tpos]
        offline = rule == "auto_show"
        days_on_site = np.where(offline, 1 + (u[7] * 3).astype(np.int64), 0)
        travel = np.where(offline, (u[8] * 2500).astype(np.int64) * 100, 0)
        return pd.DataFrame({
            "koc_id": kid, "task_id": tid, "delivered_at": delivered.astype(np.int64), "accepted": accepted,
            "quality": quality, "views": views, "interactions": interactions,
            "days_served": days_served.astype(np.int64), "duty_fulfilment": duty,
            "days_on_site": days_on_site.astype(np.int64), "travel_claimed_minor": travel.astype(np.int64),
        })


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _pair_uniforms(seed: int, koc_id: np.ndarray, task_id: np.ndarray, k: int) -> np.ndarray:
    """k uniforms in [0, 1) per (koc, task) pair: a counter-based hash, independent of row order."""
    with np.errstate(over="ignore"):
        base = _splitmix64(np.uint64(seed & (2**64 - 1)) ^ _splitmix64(koc_id.astype(np.uint64))
                           ^ (_splitmix64(task_id.astype(np.uint64) + np.uint64(0x632BE59BD9B4E019))))
        out = np.empty((k, len(koc_id)), dtype=np.float64)
        for i in range(k):
            out[i] = (_splitmix64(base + np.uint64(i + 1)) >> np.uint64(11)) * (1.0 / 2**53)
    return out


def _normal(u: np.ndarray) -> np.ndarray:
    """Standard normal quantiles of uniforms (inverse CDF by the Acklam-free logistic approximation)."""
    u = np.clip(u, 1e-9, 1 - 1e-9)
    return np.log(u / (1 - u)) * 0.5513  # logistic with the normal's variance: close enough for reach


def _join_bits(bits: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Rows of a boolean matrix as 'a|b' strings, through the distinct bit patterns (fast at any scale)."""
    codes = (bits.astype(np.int64) << np.arange(len(names), dtype=np.int64)).sum(axis=1)
    patterns, inverse = np.unique(codes, return_inverse=True)
    labels = np.array(["|".join(n for j, n in enumerate(names) if p >> j & 1) for p in patterns], dtype=object)
    return labels[inverse.reshape(-1)]


def _beta_mean(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    """A rate in (0, 1) around `mean` (logit-normal: a beta's shape at a fraction of its sampling cost)."""
    mean = np.clip(mean, 0.02, 0.98)
    return _sigmoid(np.log(mean / (1 - mean)) + rng.normal(0.0, 2.2 / np.sqrt(concentration), len(mean)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _metrics(rng: np.random.Generator, z: np.ndarray, r: np.ndarray, tenure: np.ndarray) -> dict[str, np.ndarray]:
    n = len(z)
    z = z - 0.6  # most members of a programme are occasional: the typical KOC sits below the mean craft
    years = tenure / 365.0
    followers = np.floor(np.exp(rng.normal(4.6 + 1.7 * r + 0.3 * z, 1.5))).astype(np.int64)
    posts = rng.poisson(np.exp(0.8 + 1.0 * z) * np.minimum(1.0 + years, 4.0)).astype(np.int64)
    views = np.floor(followers * (posts + 1) * np.exp(rng.normal(0.5, 1.0, n))).astype(np.int64)
    interactions = np.floor(views * _beta_mean(rng, np.full(n, 0.03) * np.exp(0.3 * z), 20.0)).astype(np.int64)
    leads = rng.poisson(views * 2e-5 * np.exp(0.5 * z)).astype(np.int64)
    tasks_completed = rng.poisson(np.exp(0.3 + 1.0 * z) * np.minimum(years + 0.2, 5.0)).astype(np.int64)
    # No task done yet: no on-time record (0), which the tier score reads as no reliability shown.
    on_time = np.where(tasks_completed > 0, np.round(_beta_mean(rng, _sigmoid(1.2 + 0.7 * z), 12.0), 3), 0.0)
    quality = np.round(_beta_mean(rng, _sigmoid(-0.2 + 0.9 * z), 10.0), 3)
    loyalty = np.round(_beta_mean(rng, _sigmoid(-0.2 + 0.6 * z + 0.3 * np.minimum(years, 3)), 8.0), 3)
    days_since_active = np.minimum(np.floor(rng.exponential(np.exp(3.3 - 1.0 * z))), 720).astype(np.int64)
    return {"posts": posts, "interactions": interactions, "views": views, "followers": followers, "leads": leads,
            "tasks_completed": tasks_completed, "on_time_rate": on_time, "quality": quality,
            "tenure_days": tenure, "loyalty": loyalty, "days_since_active": days_since_active}


def _roster(rng: np.random.Generator, n: int, tier_policy: str) -> pd.DataFrame:
    ids = 100001 + np.arange(n, dtype=np.int64)
    z = rng.standard_normal(n)
    r = 0.5 * z + np.sqrt(0.75) * rng.standard_normal(n)  # reach correlates with engagement, loosely
    tenure = np.clip(np.floor(rng.lognormal(5.6, 0.9, n)), 1, 3650).astype(np.int64)
    m = _metrics(rng, z, r, tenure)
    out: dict[str, Any] = {"id": ids}
    out.update(m)
    honorary = (tenure >= 1095) & (m["tasks_completed"] >= 40) & (rng.random(n) < 0.25)
    invited = (z > 1.6) & (rng.random(n) < 0.35)
    clearance = rng.random(n) < _sigmoid(-2.3 + 1.2 * z)
    out["honorary"] = honorary.astype(np.int64)
    out["invited"] = invited.astype(np.int64)
    out["clearance"] = clearance.astype(np.int64)

    # Last period: the same KOCs, younger and with metrics that drifted; classified with the policy.
    z_prev = z + rng.normal(0.0, 0.25, n)
    tenure_prev = np.maximum(tenure - 90, 0)
    prev = _metrics(rng, z_prev, r, tenure_prev)
    prev_cols: dict[str, Any] = {"id": ids, **prev, "honorary": out["honorary"], "invited": out["invited"]}
    from .tiers import TierPolicy, classify  # late import: tiers imports the compiled core
    pol = TierPolicy(tier_policy)
    # A programme of tasks alone (no KOCs) has no last period to classify (classify refuses an empty roster).
    prev_tier = classify(prev_cols, pol, growth_gaps=False)["tier"].astype(object).to_numpy() if len(ids) else \
        np.zeros(0, dtype=object)
    is_new = tenure < 90
    prev_tier = np.where(is_new, "", prev_tier)
    out["previous_tier"] = prev_tier
    ladder = pol.tiers
    grace = np.array([t["grace_periods"] for t in pol.to_dict()["tiers"]], dtype=np.int64)
    prev_idx = pd.Index(ladder).get_indexer(prev_tier)  # -1 for new
    below = np.minimum(rng.choice(3, n, p=[0.8, 0.14, 0.06]), grace[np.maximum(prev_idx, 0)])
    out["periods_below"] = np.where(prev_idx > 0, below, 0).astype(np.int64)

    out["capacity"] = rng.choice(4, n, p=[0.08, 0.52, 0.3, 0.1]).astype(np.int64) + (z > 1.0)
    region_idx = rng.choice(len(REGIONS) + 1, n, p=[0.24, 0.22, 0.2, 0.12, 0.14, 0.08])
    out["region"] = np.array(list(REGIONS) + [""], dtype=object)[region_idx]
    seg_p = np.array([0.55, 0.3, 0.25, 0.15, 0.3, 0.08, 0.12, 0.2])
    out["audience"] = _join_bits(rng.random((n, len(SEGMENTS))) < seg_p, SEGMENTS)
    late_start = rng.random(n) < 0.08
    early_end = rng.random(n) < 0.12
    out["available_start"] = np.where(late_start, PROGRAMME_START + rng.integers(3, 45, n) * DAY,
                                      PROGRAMME_START - 30 * DAY).astype(np.int64)
    out["available_end"] = np.where(early_end, PROGRAMME_START + rng.integers(60, 200, n) * DAY,
                                    PROGRAMME_START + 800 * DAY).astype(np.int64)
    opt_p = np.array([0.02, 0.04, 0.05, 0.06, 0.05, 0.03, 0.1, 0.02, 0.01, 0.12])
    out["opted_out"] = _join_bits(rng.random((n, len(OPT_OUT_KINDS))) < opt_p, OPT_OUT_KINDS)
    out["recent_tasks"] = rng.poisson(np.exp(-0.2 + 0.4 * z)).astype(np.int64)
    # Skills: a general craft level from engagement, plus two or three specialities a KOC is good at.
    base = np.clip(np.floor(1.0 + 0.8 * z[:, None] + rng.normal(0.0, 0.8, (n, len(SKILLS)))), 0, 5)
    special = rng.random((n, len(SKILLS))) < np.array([0.45, 0.25, 0.3, 0.15, 0.25, 0.12, 0.1, 0.1])
    levels = np.clip(base + special * rng.integers(1, 3, (n, len(SKILLS))), 0, 5).astype(np.int64)
    for j, s in enumerate(SKILLS):
        out[f"skill_{s}"] = levels[:, j]
    return pd.DataFrame(out)


# Per asset: the skills a task of that asset asks for (first is the main one), and the tier range.
_ASSET_SKILLS = {"social": ("short_video", "photography", "vlog"),
                 "knowledge": ("long_review", "technical_analysis", "vlog"),
                 "community": ("moderation", "public_speaking", "live_stream"),
                 "intelligence": ("technical_analysis", "long_review", "photography")}
_ASSET_TIERS = {"social": (0, 2), "knowledge": (1, 3), "community": (2, 3), "intelligence": (2, 3)}
_HORIZON_DAYS = {"instant": (1, 3), "phased": (14, 60), "continuous": (90, 365), "identity": (365, 365)}


def _rule_for(asset: str, horizon: str, direction: str) -> str:
    if horizon == "instant":
        return "newbie_meme" if asset == "social" else "news_peak_red_packet"
    if horizon == "phased":
        if direction == "external":
            return "auto_show" if asset == "community" else "weibo_review"
        return "spring_launch"
    if horizon == "continuous":
        return "knowledge_base_moderator"
    return "ambassador_identity"


def _tasks(rng: np.random.Generator, m: int, ladder: tuple[str, ...]) -> pd.DataFrame:
    # Every (asset, horizon, direction) combination appears once per 32 tasks, in a shuffled order;
    # the horizon mix leans on phased and instant work, as real programmes do.
    combos = [(a, h, d) for h in HORIZONS for a in ASSETS for d in DIRECTIONS]
    order = np.concatenate([rng.permutation(len(combos)) for _ in range(m // len(combos) + 1)])[:m]
    weights = np.array([{"instant": 3, "phased": 4, "continuous": 2, "identity": 1}[h] for _, h, _ in combos], float)
    extra = rng.choice(len(combos), m, p=weights / weights.sum())
    pick = np.where(np.arange(m) < min(m, len(combos)), order, extra)
    asset = np.array([combos[i][0] for i in pick], dtype=object)
    horizon = np.array([combos[i][1] for i in pick], dtype=object)
    direction = np.array([combos[i][2] for i in pick], dtype=object)
    top = len(ladder) - 1
    out: dict[str, Any] = {"task_id": 1 + np.arange(m, dtype=np.int64), "asset": asset, "horizon": horizon,
                           "direction": direction}
    slots = np.empty(m, np.int64)
    load = np.ones(m, np.int64)
    start = np.empty(m, np.int64)
    length = np.empty(m, np.int64)
    req = np.zeros((m, len(SKILLS)), np.int64)
    min_tier = np.empty(m, np.int64)
    max_tier = np.empty(m, np.int64)
    budget = np.empty(m, np.int64)
    campaign = np.full(m, -1, np.int64)
    period = np.zeros(m, np.int64)
    rules = np.empty(m, dtype=object)
    for i in range(m):  # m is small (tasks, not KOCs): a readable loop
        a, h, d = asset[i], horizon[i], direction[i]
        lo, hi = _HORIZON_DAYS[h]
        length[i] = rng.integers(lo, hi + 1)
        start[i] = PROGRAMME_START + rng.integers(0, 30) * DAY + rng.integers(0, 24) * 3600
        tmin, tmax = _ASSET_TIERS[a]
        if h == "instant":
            slots[i] = -1 if a == "social" and d == "external" else rng.integers(40, 200)
            tmin, tmax = 0, top
        elif h == "phased":
            slots[i] = rng.integers(5, 40)
            load[i] = rng.integers(1, 3)
        elif h == "continuous":
            slots[i] = rng.integers(1, 6)
            load[i] = 2
            tmin = max(tmin, 1)
            period[i] = 30
        else:
            slots[i] = rng.integers(1, 4)
            tmin, tmax = top, top
        min_tier[i], max_tier[i] = min(tmin, top), min(tmax, top)
        skills = _ASSET_SKILLS[a]
        n_req = rng.choice(3, p=[0.25, 0.5, 0.25]) if h != "identity" else 0
        for s in skills[:n_req]:
            req[i, SKILLS.index(s)] = rng.integers(1, 4) + (h == "continuous")
        if d == "external" and h != "instant" and rng.random() < 0.5:
            req[i, SKILLS.index("public_speaking" if a == "community" else "short_video")] = rng.integers(1, 4)
        rules[i] = _rule_for(a, h, d)
        if rules[i] == "spring_launch":
            campaign[i] = _CAMPAIGNS[i % len(_CAMPAIGNS)]
        if h == "continuous":
            period[i] = 30
        # Budgets a little under what a full task would cost now and then, so cuts happen.
        per_slot = {"newbie_meme": 70, "news_peak_red_packet": 1388, "spring_launch": 30000,
                    "knowledge_base_moderator": 200000, "weibo_review": 120000, "auto_show": 400000,
                    "ambassador_identity": 0}[rules[i]]
        n_slots = 300 if slots[i] < 0 else slots[i]
        budget[i] = -1 if rules[i] == "ambassador_identity" else int(per_slot * n_slots * rng.uniform(0.5, 1.6))
    out["slots"] = slots
    out["window_start"] = start
    out["window_end"] = start + length * DAY
    out["load"] = load
    for j, s in enumerate(SKILLS):
        out[f"req_{s}"] = req[:, j]
    targeted = rng.random(m) < 0.5
    seg_bits = (rng.random((m, len(SEGMENTS))) < 0.2) & targeted[:, None]
    out["audience"] = _join_bits(seg_bits, SEGMENTS)
    regional = (rules == "auto_show") | (rng.random(m) < 0.2)
    out["region"] = np.where(regional, np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), m)], "")
    names = np.array(ladder, dtype=object)
    out["min_tier"] = names[min_tier]
    out["max_tier"] = names[max_tier]
    out["confidential"] = (asset == "intelligence").astype(np.int64)
    out["budget_minor"] = budget
    out["campaign_id"] = campaign
    out["rule"] = rules
    out["currency"] = np.array([_RULE_CURRENCY[r] for r in rules], dtype=object)
    out["period_days"] = period
    return pd.DataFrame(out)


def _reward_policy() -> str:
    policy = {
        "schema": "koc.reward_policy/1",
        "description": "Generated programme of a car maker: instant points and red packets, internal launch campaigns "
                       "with prize pools, monthly retainers, amplified reviews, auto shows, ambassador honours.",
        "gates": {"rejected_bp": 0, "late_bp": 5000},
        "tiers": [
            {"name": "entry", "multiplier_bp": 10000},
            {"name": "active", "multiplier_bp": 11000},
            {"name": "core", "multiplier_bp": 12500,
             "entitlements": [{"kind": "privilege", "name": "priority purchase"},
                              {"kind": "privilege", "name": "prototype access"}]},
            {"name": "ambassador", "multiplier_bp": 15000,
             "entitlements": [{"kind": "title", "name": "brand ambassador"},
                              {"kind": "privilege", "name": "seat on the user committee"}]},
        ],
        "rules": [
            {"id": "newbie_meme", "kind": "fixed", "currency": "PTS", "amount": "50",
             "speed_bonus": {"first_n": 100, "amount": "20"}},
            {"id": "news_peak_red_packet", "kind": "fixed", "currency": "CNY", "amount": "8.88",
             "speed_bonus": {"within_hours": 6, "amount": "5.00"}},
            {"id": "spring_launch", "kind": "campaign", "currency": "CNY", "base": "300.00",
             "prize_pool": {"amount": "10000.00", "split": "fixed_shares", "shares_bp": [5000, 3000, 2000]},
             "gates": {"rejected_bp": 2000}},
            {"id": "knowledge_base_moderator", "kind": "retainer", "currency": "CNY", "fee": "2000.00", "period": "month",
             "entitlements": [{"kind": "title", "name": "community knowledge officer"}]},
            {"id": "weibo_review", "kind": "amplification", "currency": "CNY", "base": "500.00", "metric": "views",
             "steps": [{"threshold": 10000, "bonus": "100.00"}, {"threshold": 100000, "bonus": "300.00"},
                       {"threshold": 1000000, "bonus": "1000.00"}],
             "cap_per_koc": "3000.00"},
            {"id": "auto_show", "kind": "offline", "currency": "CNY", "fee_per_day": "800.00", "travel_cap": "1500.00"},
            {"id": "ambassador_identity", "kind": "identity",
             "entitlements": [{"kind": "badge", "name": "hall of fame"},
                              {"kind": "title", "name": "lifetime honorary adviser"}]},
        ],
        "campaign_budgets": [{"campaign": _CAMPAIGNS[0], "currency": "CNY", "amount": "50000.00"}],
    }
    return json.dumps(policy, indent=2) + "\n"


def make_programme(n_kocs: int = 5000, n_tasks: int = 60, seed: int = 2026) -> Programme:
    """A realistic programme of ``n_kocs`` KOCs and ``n_tasks`` tasks, the same for the same arguments.

    The tier and matching policies are the library's defaults; the reward policy pays the seven rules the
    tasks name (see the ``rule`` column). Ids: KOCs 100001.., tasks 1...
    """
    if int(n_kocs) < 0 or int(n_tasks) < 0:
        raise error("invalid_argument", "n_kocs and n_tasks must be >= 0", None, "n_kocs")
    from .matching import MatchingPolicy
    from .tiers import TierPolicy
    tier_policy = TierPolicy.default()
    tp_text = tier_policy.to_json() + "\n"
    mp_text = MatchingPolicy.default().to_json() + "\n"
    # Independent streams per table, so n_tasks does not change the roster and vice versa.
    roster_rng, task_rng = (np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(2))
    roster = _roster(roster_rng, int(n_kocs), tp_text)
    tasks = _tasks(task_rng, int(n_tasks), tier_policy.tiers)
    return Programme(roster=roster, tasks=tasks, tier_policy=tp_text, matching_policy=mp_text,
                     reward_policy=_reward_policy(), seed=int(seed))


_SAMPLE_FILES = {"roster": "roster.csv", "tasks": "tasks.csv", "completions": "completions.csv",
                 "tier_policy": "tier_policy.json", "matching_policy": "matching_policy.json",
                 "reward_policy": "reward_policy.json"}
SAMPLE_SEED = 2026


def read_roster_csv(path: Any) -> pd.DataFrame:
    """Reads a roster CSV with string columns kept as strings (empty = '')."""
    return pd.read_csv(path, dtype={"previous_tier": str, "region": str, "audience": str, "opted_out": str},
                       keep_default_na=False, na_values=[])


def read_tasks_csv(path: Any) -> pd.DataFrame:
    """Reads a task CSV: empty strings stay '' except ``currency``, absent (NaN) on identity tasks."""
    t = pd.read_csv(path, dtype={c: str for c in ("asset", "horizon", "direction", "audience", "region", "min_tier",
                                                  "max_tier", "rule", "currency")},
                    keep_default_na=False, na_values=[])
    if "currency" in t.columns:
        t["currency"] = t["currency"].where(t["currency"] != "", None)
    return t


def load_sample() -> Programme:
    """The bundled sample programme: 5,000 KOCs, 60 tasks, their completions and the three policies.

    It is ``make_programme(5000, 60, seed=2026)`` plus ``simulate_completions`` of its optimal matching
    plan, stored as CSV and JSON in ``koc/data/sample`` (regenerated by scripts/make_sample_data.py).
    """
    d = sample_dir()
    text = {k: (d / v).read_text(encoding="utf-8") for k, v in _SAMPLE_FILES.items() if v.endswith(".json")}
    return Programme(roster=read_roster_csv(d / _SAMPLE_FILES["roster"]), tasks=read_tasks_csv(d / _SAMPLE_FILES["tasks"]),
                     tier_policy=text["tier_policy"], matching_policy=text["matching_policy"],
                     reward_policy=text["reward_policy"], seed=SAMPLE_SEED,
                     completions=pd.read_csv(d / _SAMPLE_FILES["completions"]))
