"""SYNTHETIC demo data: two years of invented EST reports for one kommun.

Nothing here is real. The reports, nollrapporter, surges, duplicates and the insats are made up by a
seeded random generator so the demo kommun has a lägesbild that looks and behaves like a real one:

- more reports in the evening, on Friday and Saturday and in summer; school holidays (sportlov v. 8,
  påsklov, sommarlov v. 25–33, höstlov v. 44, jullov) with a kommun-level ``skollov`` context record
  per lov week, schools go quiet and fältare/fritidsgårdar get busier;
- a few areas run hot (Vivalla, Örebro city, Varberga, Baronbackarna, Brickebacken; any area for
  another kommun gets a random hotness), rural areas are cold;
- skadegörelse clusters more steeply than the rest (an extra stream weighted by hotness²), so the
  insats's cell is busy enough for its evaluation to see the planted change;
- each organisation reports only where it plausibly works (the police and räddningstjänsten
  everywhere, väktare mostly in the centre, fältare and fritidsgårdar in the hot urban areas …);
- an organisation that reports nothing in a week sends a nollrapport; some weeks it is simply silent
  (neither), and the one or two least busy organisations are silent more often;
- planted one-week surges, planted duplicate pairs (one event reported by two organisations) and one
  planted insats that lowers one category's rate by 40 % in its areas from its start week. They are
  returned alongside the reports so tests and docs can find them.

The generator is pure: no database, files, clock or environment. The same inputs and seed give an
identical result. ``api`` loads what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from api.demo import _profiles as P
from api.demo import _rows
from api.demo._calendar import skollov_weeks, week_labels
from api.demo._plan import (
    AreaContext,
    OrgPlan,
    PlantedInsats,
    apply_insats,
    base_counts,
    damage_counts,
    draw_area_category,
    plan_insats,
    plant_surges,
)

REPORT_COLUMNS: tuple[str, ...] = (
    "kommun_code", "area_code", "category_code", "observed_date", "observed_hour", "source",
    "organisation_id", "report_count", "x", "y", "is_context", "observed_time", "observed_period",
    "place_text", "description", "external_id",
)


@dataclass(frozen=True)
class DemoData:
    """What :func:`generate_demo_reports` returns (see its docstring for the columns)."""

    reports: pd.DataFrame
    nollrapporter: pd.DataFrame
    surges: pd.DataFrame
    duplicates: pd.DataFrame
    insats_effect: PlantedInsats | None
    #: The plan per area (:func:`demo_area_plan`): its INVENTED population (the demo's
    #: denominator, not SCB's figures: ``_profiles.DEMO_POPULATION_SOURCE``) and hotness.
    population: pd.DataFrame


def default_demo_organisations() -> list[dict]:
    """The organisations of a typical EST group in a kommun like Örebro (demo ids 1–9).

    Examples
    --------
    >>> orgs = default_demo_organisations()
    >>> len(orgs), orgs[0]["type"], orgs[-1]["type"]
    (9, 'skola', 'polis')
    """
    rows = [
        ("Örebro kommun – skolförvaltningen", "skola"),
        ("Örebro kommun – socialtjänsten, fältgruppen", "socialtjanst"),
        ("Örebro kommun – fritidsgårdar", "kommunal_forvaltning"),
        ("ÖrebroBostäder", "fastighetsbolag"),
        ("Privat fastighetsbolag (demo)", "fastighetsbolag"),
        ("Bevakningsbolag (demo)", "bevakning"),
        ("Länstrafiken Örebro", "ovrig"),
        ("Nerikes brandkår (räddningstjänst)", "raddningstjanst"),
        ("Polisen, lokalpolisområde Örebro", "polis"),
    ]
    return [{"id": i, "name": n, "type": t} for i, (n, t) in enumerate(rows, start=1)]


def generate_demo_reports(
    areas: gpd.GeoDataFrame,
    organisations: list[dict],
    categories: pd.DataFrame,
    start,
    end,
    seed: int,
    *,
    places: pd.DataFrame | None = None,
    kommun_code: str | None = None,
) -> DemoData:
    """Generate a SYNTHETIC, seeded set of EST reports for one kommun.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        ``area_code``, ``area_name``, ``geometry`` in EPSG:3006 (docs/data-contract.md).
    organisations : list of dict
        ``id`` (int), ``name``, ``type`` (skola, socialtjanst, fastighetsbolag, polis, bevakning,
        kommunal_forvaltning, raddningstjanst, ovrig). The first of a type is its main reporter.
    categories : pandas.DataFrame
        ``category_code``, ``is_context``, ``active``; only active categories are used.
    start, end : date-like
        First and last day. The period is widened back to the Monday of ``start``'s week so every
        "under veckan" report lies inside it. About two years is the intended length.
    seed : int
        Seed of the random generator: the same seed gives an identical result.
    places : pandas.DataFrame, optional
        Gazetteer (``name``, ``area_code``): reports without a point name one of these places in
        ``place_text``, else the area's name.
    kommun_code : str, optional
        Four-digit kommun code; by default the first four characters of the area codes.

    Returns
    -------
    DemoData
        ``reports``: the contract's report columns minus ``report_id``, plus ``observed_time``
        (``datetime.time`` or None), ``observed_period`` ("dag"/"vecka"), ``place_text``,
        ``description``, ``external_id`` (import/api rows only); sorted by date and hour with a
        RangeIndex. ``nollrapporter``: ``kommun_code``, ``organisation_id``, ``iso_week``,
        ``week_start``. ``surges``: ``area_code``, ``area_name``, ``category_code``, ``iso_week``,
        ``week_start``, ``extra_count``. ``duplicates``: ``row_a``, ``row_b`` (row positions in
        ``reports``), ``organisation_id_a``, ``organisation_id_b``, ``category_code``,
        ``area_code``, ``distance_m``, ``minutes_apart``. ``insats_effect``: :class:`PlantedInsats`.
        ``population``: :func:`demo_area_plan` (invented population and hotness per area;
        reports follow population × hotness).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area_code": ["1880R001", "1880R002"],
    ...     "area_name": ["Vivalla", "Tybble"]},
    ...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs=3006)
    >>> cats = pd.DataFrame({"category_code": ["skadegorelse", "klotter", "skollov"],
    ...     "is_context": [False, False, True], "active": [True, True, True]})
    >>> demo = generate_demo_reports(areas, default_demo_organisations(), cats,
    ...     "2024-11-18", "2026-11-15", seed=1)
    >>> demo.reports["kommun_code"].unique().tolist()
    ['1880']
    """
    _check_areas(areas)
    orgs = _check_organisations(organisations)
    cat_codes, cat_context = _check_categories(categories)
    first, last = _check_period(start, end)
    kommun = _kommun_code(areas, kommun_code)
    rng = np.random.default_rng(seed)

    days = pd.date_range(first, last, freq="D")
    n_weeks = (len(days) + 6) // 7
    week_of_day = np.arange(len(days)) // 7
    mondays = pd.date_range(first, periods=n_weeks, freq="7D")
    labels = week_labels(mondays)
    iso = mondays.isocalendar()
    lov = skollov_weeks(range(int(iso["year"].min()), int(iso["year"].max()) + 1))
    week_lov = [lov.get((int(y), int(w))) for y, w in zip(iso["year"], iso["week"], strict=True)]
    lov_day = np.array([week_lov[w] is not None for w in week_of_day])

    ctx = _area_context(areas, seed)
    plan = OrgPlan.build(orgs, ctx, cat_codes, n_weeks, rng)
    insats = plan_insats(ctx, cat_codes, mondays, labels)

    org_i, day_i = base_counts(plan, days, lov_day, week_of_day, rng)
    area_i, cat_i = draw_area_category(plan, org_i, rng)
    damage = damage_counts(plan, ctx, cat_codes, days, lov_day, week_of_day, rng)
    org_i, day_i, area_i, cat_i = (
        np.concatenate([mixed, more])
        for mixed, more in zip((org_i, day_i, area_i, cat_i), damage, strict=True)
    )
    org_i, day_i, area_i, cat_i = apply_insats(
        insats, cat_codes, days, org_i, day_i, area_i, cat_i, rng
    )
    surge_rows, extra = plant_surges(
        plan, ctx, cat_codes, insats, n_weeks, len(days), labels, mondays, rng
    )
    org_i = np.concatenate([org_i, extra[0]])
    day_i = np.concatenate([day_i, extra[1]])
    area_i = np.concatenate([area_i, extra[2]])
    cat_i = np.concatenate([cat_i, extra[3]])

    frame = _rows.describe(plan, ctx, cat_codes, org_i, day_i, area_i, cat_i, days, places, rng)
    frame, pairs = _rows.plant_duplicates(
        frame, plan, ctx, cat_codes, insats, surge_rows, week_of_day, rng
    )
    context = _rows.context_records(plan, ctx, cat_codes, week_lov, mondays, days, rng)
    reports = _rows.assemble(frame, context, kommun, cat_codes, cat_context, plan, ctx)
    row_of_uid = pd.Series(np.arange(len(reports)), index=reports.pop("_uid").to_numpy())
    duplicates = pairs.assign(
        row_a=row_of_uid.loc[pairs["row_a"]].to_numpy(),
        row_b=row_of_uid.loc[pairs["row_b"]].to_numpy(),
    )
    nolls = _rows.nollrapporter(reports, plan, kommun, first, labels, mondays)
    return DemoData(
        reports=reports,
        nollrapporter=nolls,
        surges=pd.DataFrame(
            surge_rows,
            columns=["area_code", "area_name", "category_code", "iso_week", "week_start",
                     "extra_count"],
        ),
        duplicates=duplicates,
        insats_effect=None if insats is None else insats[1],
        population=_plan_frame(ctx),
    )


def _area_context(areas: gpd.GeoDataFrame, seed: int) -> AreaContext:
    # Hotness and the invented population have their own streams, so the plan of the areas can be
    # read without generating the reports (demo_area_plan) and does not depend on the other draws.
    return AreaContext.build(areas, np.random.default_rng([seed, 2]), np.random.default_rng([seed, 1]))


def _plan_frame(ctx: AreaContext) -> pd.DataFrame:
    return pd.DataFrame({"area_code": ctx.codes, "area_name": ctx.names,
                         "population": ctx.population, "hotness": ctx.hot, "urban": ctx.urban})


def demo_area_plan(areas: gpd.GeoDataFrame, seed: int) -> pd.DataFrame:
    """The demo's plan per area for ``seed``, as :func:`generate_demo_reports` uses it.

    ``area_code``, ``area_name``, ``population`` (INVENTED inhabitants), ``hotness`` (reports per
    inhabitant relative to an ordinary urban area: ``_profiles.HOT_AREA_NAMES`` for the planted
    hot areas, lognormal around 1 for other urban areas, lower for rural ones), ``urban``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area_code": ["1880R001", "1880R002"],
    ...     "area_name": ["Vivalla", "Tybble"]},
    ...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs=3006)
    >>> plan = demo_area_plan(areas, seed=1)
    >>> float(plan.loc[0, "hotness"]), bool(plan["urban"].all()), bool((plan["population"] > 0).all())
    (3.0, True, True)
    """
    _check_areas(areas)
    return _plan_frame(_area_context(areas, seed))


def _check_areas(areas) -> None:
    if not isinstance(areas, gpd.GeoDataFrame):
        raise ValueError("områden måste vara en GeoDataFrame")
    missing = [c for c in ("area_code", "area_name", "geometry") if c not in areas.columns]
    if missing:
        raise ValueError(f"områden saknar kolumnen '{missing[0]}'")
    if areas.crs is None or areas.crs.to_epsg() != 3006:
        actual = "saknas" if areas.crs is None else f"EPSG:{areas.crs.to_epsg()}"
        raise ValueError(f"områden har fel koordinatsystem ({actual}), väntade EPSG:3006")
    if len(areas) == 0:
        raise ValueError("områden är tom")
    if areas["area_code"].duplicated().any():
        raise ValueError("områden: kolumnen 'area_code' har dubbletter")
    kinds = set(areas.geometry.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise ValueError("områden: kolumnen 'geometry' måste vara Polygon eller MultiPolygon")


def _check_organisations(organisations) -> list[dict]:
    if not organisations:
        raise ValueError("organisationer saknas")
    out = []
    for i, org in enumerate(organisations, start=1):
        for key in ("id", "name", "type"):
            if key not in org:
                raise ValueError(f"organisation {i} saknar fältet '{key}'")
        if org["type"] not in P.ORGANISATION_TYPES:
            raise ValueError(f"organisation {i}: okänd typ '{org['type']}' i fältet 'type'")
        out.append({"id": int(org["id"]), "name": str(org["name"]), "type": org["type"]})
    if len({o["id"] for o in out}) != len(out):
        raise ValueError("organisationer: fältet 'id' har dubbletter")
    return out


def _check_categories(categories) -> tuple[list[str], list[bool]]:
    if not isinstance(categories, pd.DataFrame):
        raise ValueError("kategorier måste vara en DataFrame")
    for col in ("category_code", "is_context", "active"):
        if col not in categories.columns:
            raise ValueError(f"kategorier saknar kolumnen '{col}'")
    active = categories[categories["active"].astype(bool)]
    incidents = active[~active["is_context"].astype(bool)]
    if incidents.empty:
        raise ValueError("kategorier: ingen aktiv kategori som inte är en kontextfaktor")
    codes = [str(c) for c in active["category_code"]]
    return codes, [bool(v) for v in active["is_context"]]


def _check_period(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    try:
        first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"ogiltigt datum för perioden: {exc}") from exc
    if first.tzinfo is not None or last.tzinfo is not None:
        raise ValueError("perioden ska anges som lokala datum utan tidszon")
    if last - first < pd.Timedelta(days=27):
        raise ValueError("perioden måste vara minst fyra veckor (start före slut)")
    if last - first > pd.Timedelta(days=3660):
        raise ValueError("perioden får vara högst tio år")
    return first - pd.Timedelta(days=first.day_of_week), last


def _kommun_code(areas: gpd.GeoDataFrame, kommun_code: str | None) -> str:
    code = kommun_code
    if code is None:
        prefixes = {str(c)[:4] for c in areas["area_code"]}
        code = prefixes.pop() if len(prefixes) == 1 else ""
    if len(code) != 4 or not code.isdigit():
        raise ValueError("kommunkod saknas eller är inte fyra siffror (ange kommun_code)")
    return code
