"""Planning the SYNTHETIC demo: area hotness, who reports where, the insats, the surges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from api.demo import _profiles as P


@dataclass(frozen=True)
class PlantedInsats:
    """The one insats planted in the demo data: ``rate_change`` applies from ``start_date`` on."""

    area_codes: tuple[str, ...]
    category_code: str
    start_week: str
    start_date: date
    rate_change: float
    name: str



@dataclass
class AreaContext:
    """Per area: code, name, prepared geometry, hotness, urban/rural and city-centre flags, and the
    demo's invented population (``exposure`` is it relative to the mean: reports follow
    population × hotness)."""

    codes: list[str]
    names: list[str]
    geoms: np.ndarray
    hot: np.ndarray
    urban: np.ndarray
    centre: np.ndarray
    population: np.ndarray
    exposure: np.ndarray

    @classmethod
    def build(cls, areas: gpd.GeoDataFrame, rng: np.random.Generator,
              population_rng: np.random.Generator) -> AreaContext:
        """Known hot areas by name, other urban areas around 1, rural areas around ``RURAL_HOTNESS``.

        Hotness is the area's reports per inhabitant relative to an ordinary urban area.
        """
        names = [str(n) for n in areas["area_name"]]
        km2 = areas.geometry.area.to_numpy() / 1e6
        urban = km2 <= P.RURAL_AREA_KM2
        if not urban.any():
            urban = np.ones(len(names), dtype=bool)
        noise = rng.lognormal(0.0, P.ORDINARY_HOT_SIGMA, len(names))
        hot = np.where(urban, noise, P.RURAL_HOTNESS * noise)
        for i, name in enumerate(names):
            known = [h for part, h in P.HOT_AREA_NAMES if part in name.lower()]
            if known:
                hot[i] = max(known)
        centre = np.array([any(p in n.lower() for p in P.CENTRE_NAME_PARTS) for n in names])
        geoms = areas.geometry.to_numpy()
        shapely.prepare(geoms)
        population = demo_population(km2, urban, population_rng)
        return cls([str(c) for c in areas["area_code"]], names, geoms, hot, urban, centre,
                   population, population / population.mean())


def demo_population(km2: np.ndarray, urban: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """INVENTED inhabitants per area from its character (urban/rural, size); see ``_profiles``.

    >>> demo_population(np.array([2.0, 2.0, 50.0]), np.array([True, True, False]),
    ...                 np.random.default_rng(1)).tolist()
    [4906, 5526, 1955]
    """
    typical = np.where(urban, P.DEMO_URBAN_POPULATION, P.DEMO_RURAL_POPULATION).astype(float)
    median = np.ones(len(km2))
    for kind in (True, False):
        if (urban == kind).any():
            median[urban == kind] = np.median(km2[urban == kind])
    spread = rng.lognormal(0.0, P.DEMO_POPULATION_SIGMA, len(km2))
    people = typical * np.sqrt(km2 / median) * spread
    return np.clip(np.round(people), *P.DEMO_POPULATION_RANGE).astype(np.int64)


@dataclass
class OrgPlan:
    """Per organisation: weekly rate, where it works, what it reports, which weeks it reports."""

    orgs: list[dict]
    rate: np.ndarray  # reports per week
    area_w: np.ndarray  # (n_orgs, n_areas), rows sum to 1
    cat_w: np.ndarray  # (n_orgs, n_cats), rows sum to 1
    active: np.ndarray  # (n_orgs, n_weeks) bool

    @classmethod
    def build(cls, orgs, ctx: AreaContext, cat_codes, n_weeks, rng) -> OrgPlan:
        """Plan each organisation from its type (see ``_profiles``) and its rank within the type."""
        seen: dict[str, int] = {}
        rates, area_rows, cat_rows = [], [], []
        urban_hot = ctx.hot * ctx.urban
        for org in orgs:
            kind = org["type"]
            nth = seen.get(kind, 0)
            seen[kind] = nth + 1
            rates.append(P.WEEKLY_RATE[kind] * (1.0 if nth == 0 else P.SECONDARY_RATE_FACTOR))
            if kind in ("polis", "raddningstjanst"):
                w = ctx.hot.copy()
            elif kind in ("socialtjanst", "kommunal_forvaltning"):
                w = urban_hot**2
            elif kind == "bevakning":
                w = urban_hot * np.where(ctx.centre, 4.0, 1.0)
                w[(urban_hot < np.median(urban_hot[ctx.urban])) & ~ctx.centre] = 0.0
            elif kind == "ovrig":
                w = urban_hot * np.where(ctx.centre, 3.0, 1.0)
            else:
                w = urban_hot.copy()
            if nth > 0:  # a secondary reporter of a type works in about a third of the areas
                operating = np.flatnonzero(w > 0)
                k = max(1, len(operating) // 3)
                subset = rng.choice(operating, size=k, replace=False)
                w = np.where(np.isin(np.arange(len(w)), subset), w, 0.0)
            area_rows.append(w / w.sum())
            mix = P.CATEGORY_MIX[kind]
            c = np.array([mix.get(code, 0.0) for code in cat_codes], dtype=float)
            if c.sum() == 0:
                c = np.array([code not in ("skollov", "evenemang") for code in cat_codes], float)
            cat_rows.append(c / c.sum())
        rate = np.array(rates)
        area_w = _fit_area_totals(rate, np.array(area_rows), ctx.population * ctx.hot)
        p_active = np.array([P.WEEKLY_ACTIVE_P[o["type"]] for o in orgs])
        unreliable = np.argsort(rate, kind="stable")[: min(2, max(0, len(orgs) - 1))]
        p_active[unreliable] = P.UNRELIABLE_ACTIVE_P
        active = rng.random((len(orgs), n_weeks)) < p_active[:, None]
        for o in unreliable:
            if n_weeks > P.SILENT_STRETCH_WEEKS:
                s = int(rng.integers(0, n_weeks - P.SILENT_STRETCH_WEEKS))
                active[o, s : s + P.SILENT_STRETCH_WEEKS] = False
        return cls(orgs, rate, area_w, np.array(cat_rows), active)

    def operators(self, area: int, week: int) -> np.ndarray:
        """Organisations that work in ``area`` and report in ``week``."""
        return np.flatnonzero((self.area_w[:, area] > 0) & self.active[:, week])


def _fit_area_totals(rate: np.ndarray, area_w: np.ndarray, target: np.ndarray,
                     rounds: int = 200) -> np.ndarray:
    """Reweight the organisations' areas so that all reports together follow ``target``.

    Each organisation keeps its areas (zeros stay zero) and its rate; the weights are raked
    (iterative proportional fitting) until the expected reports per area are proportional to
    ``target`` (population × hotness): per inhabitant an area then has its planned hotness, however
    the reporters happen to be spread.

    >>> w = _fit_area_totals(np.array([2.0, 2.0]), np.array([[0.9, 0.1], [1.0, 0.0]]),
    ...                      np.array([3.0, 1.0]))
    >>> np.round(w, 3).tolist(), np.round(np.array([2.0, 2.0]) @ w, 3).tolist()
    ([[0.5, 0.5], [1.0, 0.0]], [3.0, 1.0])
    """
    goal = target / target.sum() * rate.sum()
    m = rate[:, None] * area_w
    for _ in range(rounds):
        total = m.sum(axis=0)
        m = m * np.where(total > 0, goal / np.where(total > 0, total, 1.0), 0.0)[None, :]
        m = m * (rate / np.where(m.sum(axis=1) > 0, m.sum(axis=1), 1.0))[:, None]
    return m / m.sum(axis=1, keepdims=True)


def plan_insats(ctx: AreaContext, cat_codes, mondays, labels):
    """The hottest urban area and up to two touching ones, from the middle week; or None."""
    if P.INSATS_CATEGORY not in cat_codes or len(mondays) < 8:
        return None
    order = np.argsort(-(ctx.hot * ctx.urban), kind="stable")
    chosen = [int(order[0])]
    first = ctx.geoms[order[0]]
    for j in order[1:]:
        if len(chosen) < 3 and ctx.urban[j] and shapely.intersects(first, ctx.geoms[j]):
            chosen.append(int(j))
    week = len(mondays) // 2
    planted = PlantedInsats(
        area_codes=tuple(ctx.codes[i] for i in chosen),
        category_code=P.INSATS_CATEGORY,
        start_week=labels[week],
        start_date=mondays[week].date(),
        rate_change=P.INSATS_RATE_CHANGE,
        name=P.INSATS_NAME,
    )
    return np.array(chosen), planted


def base_counts(plan: OrgPlan, days, lov_day, week_of_day, rng):
    """Poisson counts per organisation and day, returned as one (organisation, day) per report."""
    month = np.array(P.MONTH_FACTOR)[days.month.to_numpy() - 1]
    dow = days.day_of_week.to_numpy()
    expected = np.empty((len(plan.orgs), len(days)))
    for o, org in enumerate(plan.orgs):
        kind = org["type"]
        weekday = np.array(P.WEEKDAY_FACTOR[kind])[dow]
        holiday = np.where(lov_day, P.SKOLLOV_FACTOR[kind], 1.0)
        expected[o] = plan.rate[o] / 7.0 * month * weekday * holiday * plan.active[o, week_of_day]
    counts = rng.poisson(expected)
    org_i, day_i = np.nonzero(counts)
    reps = counts[org_i, day_i]
    return np.repeat(org_i, reps), np.repeat(day_i, reps)


def damage_counts(plan: OrgPlan, ctx: AreaContext, cat_codes, days, lov_day, week_of_day, rng):
    """The extra skadegörelse of ``_profiles.DAMAGE_WEEKLY_RATE``, as (organisation, day, area, category).

    Each organisation's share follows how much skadegörelse it reports in the mixed draws; its days
    follow its own week, year, skollov and silence (as in :func:`base_counts`); its areas are its
    own areas weighted once more by hotness ** ``DAMAGE_HOT_POWER``.
    """
    none = np.array([], np.int64)
    if P.DAMAGE_CATEGORY not in cat_codes or P.DAMAGE_WEEKLY_RATE <= 0:
        return none, none, none, none
    cat = cat_codes.index(P.DAMAGE_CATEGORY)
    share = plan.rate * plan.cat_w[:, cat]
    if share.sum() == 0:
        return none, none, none, none
    focus = plan.area_w * ctx.hot[None, :] ** P.DAMAGE_HOT_POWER
    total = focus.sum(axis=1, keepdims=True)
    # an organisation working only in rural areas keeps its own weights
    area_w = np.where(total > 0, focus / np.where(total > 0, total, 1.0), plan.area_w)
    stream = OrgPlan(plan.orgs, P.DAMAGE_WEEKLY_RATE * share / share.sum(), area_w, plan.cat_w,
                     plan.active)
    org_i, day_i = base_counts(stream, days, lov_day, week_of_day, rng)
    area_i = np.empty(len(org_i), dtype=np.int64)
    for o in np.unique(org_i):
        rows = np.flatnonzero(org_i == o)
        area_i[rows] = rng.choice(area_w.shape[1], size=len(rows), p=area_w[o])
    return org_i, day_i, area_i, np.full(len(org_i), cat, dtype=np.int64)


def draw_area_category(plan: OrgPlan, org_i, rng):
    """Draw each report's area and category from its organisation's weights."""
    area_i = np.empty(len(org_i), dtype=np.int64)
    cat_i = np.empty(len(org_i), dtype=np.int64)
    for o in range(len(plan.orgs)):
        rows = np.flatnonzero(org_i == o)
        area_i[rows] = rng.choice(plan.area_w.shape[1], size=len(rows), p=plan.area_w[o])
        cat_i[rows] = rng.choice(plan.cat_w.shape[1], size=len(rows), p=plan.cat_w[o])
    return area_i, cat_i


def plant_surges(plan, ctx, cat_codes, insats, n_weeks, n_days, labels, mondays, rng):
    """Extra reports in one week of one category in the hottest areas outside the insats."""
    empty = (np.array([], np.int64),) * 4
    cats = [c for c in P.SURGE_CATEGORIES if c in cat_codes]
    if not cats or n_weeks < 12:
        return [], empty
    excluded = set() if insats is None else set(insats[0].tolist())
    order = [int(i) for i in np.argsort(-(ctx.hot * ctx.urban), kind="stable")]
    candidates = [i for i in order if i not in excluded][: len(P.SURGE_EXTRA)]
    rows, parts = [], []
    for k, (area, extra) in enumerate(zip(candidates, P.SURGE_EXTRA, strict=False)):
        cat = cat_codes.index(cats[k % len(cats)])
        for _ in range(50):
            week = int(rng.integers(8, n_weeks - 2))
            ops = plan.operators(area, week)
            if len(ops):
                break
        else:
            continue
        prefer = ops[plan.cat_w[ops, cat] > 0]
        ops = prefer if len(prefer) else ops
        day = np.minimum(week * 7 + rng.integers(0, 7, extra), n_days - 1)
        parts.append((rng.choice(ops, extra), day, np.full(extra, area), np.full(extra, cat)))
        rows.append((ctx.codes[area], ctx.names[area], cat_codes[cat], labels[week],
                     mondays[week], extra))
    if not parts:
        return [], empty
    return rows, tuple(np.concatenate([p[j] for p in parts]) for j in range(4))


def apply_insats(insats, cat_codes, days, org_i, day_i, area_i, cat_i, rng):
    """Remove exactly ``-rate_change`` of the insats cell's reports from its start date on."""
    if insats is None:
        return org_i, day_i, area_i, cat_i
    area_index, planted = insats
    in_cell = np.isin(area_i, area_index) & (cat_i == cat_codes.index(planted.category_code))
    late = days[day_i] >= pd.Timestamp(planted.start_date)
    treated = np.flatnonzero(in_cell & late)
    drop = rng.choice(treated, round(-planted.rate_change * len(treated)), replace=False)
    keep = np.ones(len(org_i), dtype=bool)
    keep[drop] = False
    return org_i[keep], day_i[keep], area_i[keep], cat_i[keep]
