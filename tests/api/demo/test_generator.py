"""Tests of the SYNTHETIC demo data generator (api.demo.generator) and the demo data files.

The areas are the real RegSO 2025 polygons shipped in ``api/demo/data`` (Källa: SCB, CC0).
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from api.demo._calendar import easter_sunday, skollov_weeks
from api.demo.generator import (
    REPORT_COLUMNS,
    default_demo_organisations,
    demo_area_plan,
    generate_demo_reports,
)

DATA = Path(__file__).resolve().parents[3] / "api" / "demo" / "data"
START, END = date(2024, 11, 18), date(2026, 11, 15)  # a Monday, a Sunday: 104 whole weeks
SEED = 2026
CONTEXT = {"skollov", "evenemang", "positiv_iakttagelse"}
SEED_CODES = [
    "skadegorelse", "klotter", "nedskrapning", "anlagd_brand", "narkotika", "ungdomssamling",
    "incident_anstalld", "ran", "misshandel", "olovlig_trafik", "otrygg_plats",
    "oro_sociala_medier", "stold_inbrott", "ovrigt", "skollov", "evenemang", "positiv_iakttagelse",
]
MORNING, EVENING = range(6, 12), range(18, 24)


def _categories() -> pd.DataFrame:
    return pd.DataFrame({
        "category_code": SEED_CODES,
        "category_name": SEED_CODES,
        "severity": 1.0,
        "is_context": [c in CONTEXT for c in SEED_CODES],
        "active": True,
    })


def _areas(name: str = "orebro") -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DATA / f"{name}_regso_2025.gpkg", layer="regso")
    return gdf.rename(columns={"regsokod": "area_code", "regsonamn": "area_name"})[
        ["area_code", "area_name", "geometry"]
    ]


def _places() -> pd.DataFrame:
    return pd.read_csv(DATA / "orebro_places.csv", sep=";", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    return _areas()


@pytest.fixture(scope="module")
def demo(areas):
    return generate_demo_reports(
        areas, default_demo_organisations(), _categories(), START, END, SEED, places=_places()
    )


@pytest.fixture(scope="module")
def weekly(demo):
    """Incident reports with their week's Monday."""
    r = demo.reports[~demo.reports["is_context"]]
    monday = r["observed_date"] - pd.to_timedelta(r["observed_date"].dt.day_of_week, unit="D")
    return r.assign(monday=monday)


def _all_mondays() -> pd.DatetimeIndex:
    return pd.date_range(START, END, freq="7D")


# --- determinism and shape --------------------------------------------------------------------


def test_same_seed_gives_identical_data_and_another_seed_does_not(areas, demo):
    again = generate_demo_reports(
        areas, default_demo_organisations(), _categories(), START, END, SEED, places=_places()
    )
    pd.testing.assert_frame_equal(again.reports, demo.reports)
    pd.testing.assert_frame_equal(again.nollrapporter, demo.nollrapporter)
    pd.testing.assert_frame_equal(again.surges, demo.surges)
    pd.testing.assert_frame_equal(again.duplicates, demo.duplicates)
    assert again.insats_effect == demo.insats_effect
    other = generate_demo_reports(
        areas, default_demo_organisations(), _categories(), START, END, SEED + 1
    )
    assert len(other.reports) != len(demo.reports) or not other.reports.equals(demo.reports)


def test_reports_follow_the_contract(demo):
    r = demo.reports
    assert tuple(r.columns) == REPORT_COLUMNS
    assert isinstance(r.index, pd.RangeIndex)
    assert str(r["observed_date"].dtype) == "datetime64[ns]"
    assert (r["observed_date"] == r["observed_date"].dt.normalize()).all()
    assert str(r["observed_hour"].dtype) == "Int64"
    assert str(r["organisation_id"].dtype) == "Int64"
    assert r["organisation_id"].notna().all()
    assert r["report_count"].dtype == np.int64 and (r["report_count"] == 1).all()
    assert r["x"].dtype == np.float64 and r["y"].dtype == np.float64
    assert r["is_context"].dtype == bool
    assert (r["kommun_code"] == "1880").all()
    assert set(r["source"]) == {"form", "import", "api"}
    assert (r["source"] == "form").mean() > 0.7
    assert set(r["category_code"]) <= set(SEED_CODES)
    assert r["is_context"].equals(r["category_code"].isin(CONTEXT))
    assert r["observed_date"].min() >= pd.Timestamp(START)
    assert r["observed_date"].max() <= pd.Timestamp(END)
    assert r["observed_date"].is_monotonic_increasing
    # only the kommun-wide skollov records lack an area
    assert set(r.loc[r["area_code"].isna(), "category_code"]) == {"skollov"}
    assert 3000 <= len(r) <= 15000


def test_external_ids_only_for_import_and_api_and_unique_per_organisation(demo):
    r = demo.reports
    machine = r["source"].isin(["import", "api"])
    assert r.loc[machine, "external_id"].notna().all()
    assert r.loc[~machine, "external_id"].isna().all()
    assert not r.loc[machine].duplicated(["organisation_id", "external_id"]).any()


def test_day_and_week_observations_carry_consistent_times(demo):
    r = demo.reports
    week = r["observed_period"] == "vecka"
    assert set(r["observed_period"]) == {"dag", "vecka"}
    assert (r.loc[week, "observed_date"].dt.day_of_week == 0).all()
    assert r.loc[week, "observed_hour"].isna().all()
    assert r.loc[week, "observed_time"].isna().all()
    day = r[~week]
    assert day["observed_hour"].notna().all()
    assert all(isinstance(t, time) for t in day["observed_time"])
    assert [t.hour for t in day["observed_time"]] == day["observed_hour"].tolist()


# --- geography --------------------------------------------------------------------------------


def test_every_point_lies_inside_its_area(areas, demo):
    r = demo.reports[demo.reports["x"].notna()]
    geoms = areas.set_index("area_code").geometry.loc[r["area_code"]].to_numpy()
    assert shapely.contains_xy(geoms, r["x"].to_numpy(), r["y"].to_numpy()).all()
    assert r["y"].notna().all()


def test_reports_without_a_point_name_a_place_in_their_area(areas, demo):
    r = demo.reports
    no_point = r[r["x"].isna() & r["area_code"].notna()]
    share = len(no_point) / r["area_code"].notna().sum()
    assert 0.05 < share < 0.3
    places = _places()
    known = set(zip(places["name"], places["area_code"], strict=True))
    known |= set(zip(areas["area_name"], areas["area_code"], strict=True))
    pairs = set(zip(no_point["place_text"], no_point["area_code"], strict=True))
    assert pairs <= known
    assert any(name in set(places["name"]) for name, _ in pairs)


def test_hot_areas_run_hot_per_inhabitant_and_rural_areas_have_few_reports(areas, demo, weekly):
    per_area = weekly.groupby("area_code").size().reindex(areas["area_code"], fill_value=0)
    plan = demo.population.set_index("area_code").reindex(areas["area_code"])
    assert (plan["population"] > 0).all()
    per_capita = per_area / plan["population"]
    # Reports follow the invented population × the planned hotness (reports per inhabitant).
    assert np.corrcoef(np.log(per_capita), np.log(plan["hotness"]))[0, 1] > 0.8
    # Vivalla (3.0) and Örebro city (2.6) have the most per inhabitant
    assert set(per_capita.nlargest(2).index) == {"1880R029", "1880R031"}
    assert per_capita["1880R029"] > 2 * per_capita.median()
    rural = areas.loc[areas.area > 20e6, "area_code"]
    assert sorted(rural) == ["1880R007", "1880R009", "1880R010", "1880R011", "1880R016",
                             "1880R036"]
    assert not plan.loc[rural, "urban"].any() and plan.loc[~plan.index.isin(rural), "urban"].all()
    assert per_area[rural].max() < per_area["1880R029"] / 5


def test_demo_area_plan_is_the_generators_plan(areas, demo):
    plan = demo_area_plan(areas, SEED)
    pd.testing.assert_frame_equal(plan, demo.population)
    planted = plan[plan["area_name"].str.lower().str.contains("vivalla")]
    assert planted["hotness"].tolist() == [3.0]
    # invented, but in a plausible range for a RegSO
    assert plan["population"].between(600, 15000).all()


def test_organisations_report_only_where_they_plausibly_work(areas, demo):
    r = demo.reports[demo.reports["area_code"].notna()]
    rural = set(areas.loc[areas.area > 20e6, "area_code"])
    by_type = {o["id"]: o["type"] for o in default_demo_organisations()}
    kind = r["organisation_id"].map(by_type)
    in_rural = r["area_code"].isin(rural)
    for urban_only in ("skola", "socialtjanst", "kommunal_forvaltning", "bevakning", "ovrig"):
        assert not in_rural[kind == urban_only].any(), urban_only
    assert in_rural[kind == "polis"].any()
    # the väktare work in the city centre and the hottest areas, not everywhere
    guard_areas = set(r.loc[kind == "bevakning", "area_code"])
    assert "1880R031" in guard_areas
    assert len(guard_areas) < len(areas) - len(rural)


# --- rhythm -----------------------------------------------------------------------------------


def test_more_reports_in_the_evening_than_in_the_morning(weekly):
    hours = weekly["observed_hour"].dropna()
    assert hours.isin(EVENING).mean() > hours.isin(MORNING).mean()


def test_more_reports_per_week_in_summer_than_in_winter(weekly):
    per_week = weekly.groupby("monday").size().reindex(_all_mondays(), fill_value=0)
    month = per_week.index.month
    summer = per_week[(month >= 6) & (month <= 8)].mean()
    winter = per_week[(month == 12) | (month <= 2)].mean()
    assert summer > 1.2 * winter
    # plausible for one kommun of 160 000 inhabitants: tens of observations a week
    assert 20 < per_week.median() < 200


def test_police_report_more_on_saturdays_than_on_tuesdays(weekly):
    police = weekly[weekly["organisation_id"] == 9]
    police = police[police["observed_period"] == "dag"]
    per_weekday = police["observed_date"].dt.day_of_week.value_counts()
    assert per_weekday[5] > 1.2 * per_weekday[1]


def test_skollov_weeks_have_a_context_record_and_schools_go_quiet(demo, weekly):
    r = demo.reports
    lov = r[r["category_code"] == "skollov"]
    labels = {f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in lov["observed_date"]}
    for week in ("2025-W08", "2026-W08", "2025-W17", "2026-W15", "2025-W44", "2026-W44",
                 "2025-W28", "2026-W01"):
        assert week in labels, week
    assert "2025-W20" not in labels
    assert not lov.duplicated("observed_date").any()
    school = weekly[weekly["organisation_id"] == 1].groupby("monday").size()
    school = school.reindex(_all_mondays(), fill_value=0)
    iso = school.index.isocalendar()
    summer = school[(iso["week"] >= 26) & (iso["week"] <= 32)].mean()
    term = school[iso["week"].isin([10, 11, 12, 13, 37, 38, 39, 40])].mean()
    assert summer < 0.3 * term


def test_skollov_calendar_by_hand():
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2025) == date(2025, 4, 20)
    lov = skollov_weeks(range(2025, 2027))
    # Easter Monday 2026-04-06 is in ISO week 15; 2025-04-21 in week 17
    assert lov[(2026, 15)] == lov[(2025, 17)] == "påsklov"
    assert lov[(2026, 53)] == "jullov"  # 2026 has 53 ISO weeks, 2025 has 52
    assert (2025, 53) not in lov
    assert sum(1 for v in lov.values() if v == "sommarlov") == 18


# --- nollrapporter and silence ----------------------------------------------------------------


def test_nollrapport_weeks_have_no_reports_from_that_organisation(demo):
    r = demo.reports
    iso = r["observed_date"].dt.isocalendar()
    label = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    reported = set(zip(r["organisation_id"].astype(int), label, strict=True))
    nolls = demo.nollrapporter
    assert len(nolls) >= 20
    assert not nolls.duplicated(["organisation_id", "iso_week"]).any()
    assert all(re.fullmatch(r"\d{4}-W\d{2}", w) for w in nolls["iso_week"])
    assert (nolls["kommun_code"] == "1880").all()
    pairs = set(zip(nolls["organisation_id"], nolls["iso_week"], strict=True))
    assert not pairs & reported


def test_some_organisations_are_sometimes_silent(demo):
    r = demo.reports
    iso = r["observed_date"].dt.isocalendar()
    label = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    weeks = {f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in _all_mondays()}
    assert len(weeks) == 104
    silent = {}
    for org in default_demo_organisations():
        said = set(label[r["organisation_id"] == org["id"]])
        said |= set(demo.nollrapporter.loc[
            demo.nollrapporter["organisation_id"] == org["id"], "iso_week"])
        silent[org["id"]] = len(weeks - said)
    # the two least busy (räddningstjänsten, the private fastighetsbolag) are unreliable
    assert silent[8] >= 5 and silent[5] >= 5
    assert silent[9] < silent[8]


# --- planted surges, duplicates, insats -------------------------------------------------------


def test_planted_surges_stand_out_in_their_cell(weekly, demo):
    surges = demo.surges
    assert len(surges) == 3
    assert not surges.duplicated(["area_code", "category_code", "iso_week"]).any()
    for s in surges.itertuples():
        cell = weekly[(weekly["area_code"] == s.area_code)
                      & (weekly["category_code"] == s.category_code)]
        per_week = cell.groupby("monday").size().reindex(_all_mondays(), fill_value=0)
        peak = per_week[s.week_start]
        rest = per_week.drop(s.week_start)
        assert peak == per_week.max()
        assert peak - rest.mean() >= s.extra_count - 3 * max(rest.std(), 1.0)


def test_duplicates_are_one_event_reported_by_two_organisations(demo):
    r = demo.reports
    d = demo.duplicates
    assert len(d) == 12
    a, b = r.loc[d["row_a"]].reset_index(), r.loc[d["row_b"]].reset_index()
    assert (a["organisation_id"] != b["organisation_id"]).all()
    assert a["organisation_id"].tolist() == d["organisation_id_a"].tolist()
    assert b["organisation_id"].tolist() == d["organisation_id_b"].tolist()
    assert (a["category_code"] == b["category_code"]).all()
    assert a["category_code"].tolist() == d["category_code"].tolist()
    assert (a["area_code"] == b["area_code"]).all()
    assert (a["observed_date"] == b["observed_date"]).all()
    dist = np.hypot(a["x"] - b["x"], a["y"] - b["y"])
    assert (dist <= 100).all()
    np.testing.assert_allclose(dist, d["distance_m"])
    minutes = [(tb.hour * 60 + tb.minute) - (ta.hour * 60 + ta.minute)
               for ta, tb in zip(a["observed_time"], b["observed_time"], strict=True)]
    assert minutes == d["minutes_apart"].tolist()
    assert all(0 < m <= 60 for m in minutes)


def test_planted_insats_lowers_its_category_by_about_forty_percent(areas, demo):
    ins = demo.insats_effect
    assert ins.rate_change == -0.4
    assert ins.category_code == "skadegorelse"
    assert ins.area_codes[0] == "1880R029"  # Vivalla, the hottest area
    touching = areas.set_index("area_code").geometry
    assert all(touching[c].intersects(touching["1880R029"]) for c in ins.area_codes)
    assert pd.Timestamp(ins.start_date).day_of_week == 0
    year, week, _ = ins.start_date.isocalendar()
    assert ins.start_week == f"{year}-W{week:02d}"
    r = demo.reports[demo.reports["category_code"] == ins.category_code]
    after = r["observed_date"] >= pd.Timestamp(ins.start_date)
    treated = r["area_code"].isin(ins.area_codes)
    ratio_treated = (treated & after).sum() / (treated & ~after).sum()
    ratio_control = (~treated & after).sum() / (~treated & ~after).sum()
    assert 0.45 < ratio_treated / ratio_control < 0.75


def test_skadegorelse_clusters_so_the_insats_cell_is_busy(areas, demo):
    r = demo.reports
    before = r[(r["category_code"] == "skadegorelse")
               & (r["observed_date"] < pd.Timestamp(demo.insats_effect.start_date))]
    weeks = (pd.Timestamp(demo.insats_effect.start_date) - pd.Timestamp(START)).days / 7
    per_week = before.groupby("area_code").size().reindex(areas["area_code"], fill_value=0) / weeks
    # several a week in Vivalla and the city centre (few residents, so fewer than Vivalla since
    # reports follow population × hotness), under one a week in a typical area
    assert per_week["1880R029"] > 3 and per_week["1880R031"] > 2
    assert per_week.median() < 1
    assert per_week[list(demo.insats_effect.area_codes)].sum() > 4
    # still a mixed lägesbild: skadegörelse is the largest category, not most of the reports
    shares = r.loc[~r["is_context"], "category_code"].value_counts(normalize=True)
    assert shares.index[0] == "skadegorelse" and shares.iloc[0] < 0.4


def test_the_insats_evaluation_finds_the_planted_decrease_for_most_seeds(areas):
    """The evaluation behind the demo's insats page, on the demo's own period, for ten seeds."""
    from analysis.effects import DECREASE, insats_effect
    from api.insatser.effects import periods

    first, today = date(2024, 11, 1), date(2026, 11, 18)  # what the loader uses for 2026-11-18
    found = []
    for seed in range(10):
        demo = generate_demo_reports(areas, default_demo_organisations(), _categories(), first,
                                     today, seed)
        ins = demo.insats_effect
        windows = periods(ins.start_date, None, today)
        assert windows is not None
        before, after = windows
        assert (before[1] - before[0]).days + 1 == 26 * 7 and (after[1] - after[0]).days > 360
        r = demo.reports[demo.reports["category_code"] == ins.category_code]
        comparison = [c for c in areas["area_code"] if c not in ins.area_codes]
        found.append(insats_effect(r, treated_areas=ins.area_codes, comparison_areas=comparison,
                                   before=before, after=after))
    # A planted rate ratio of 0.6 in a cell of ≈150 reports before: every estimate falls, nearly
    # every interval lies below zero, and the estimates centre on −40 %.
    assert all(e.effect_pct < -15 for e in found)
    assert sum(e.verdict == DECREASE for e in found) >= 9
    assert -50 < float(np.median([e.effect_pct for e in found])) < -30


# --- free text --------------------------------------------------------------------------------


def test_no_personnummer_like_digit_strings_in_free_text(demo):
    text = pd.concat([demo.reports["description"], demo.reports["place_text"]])
    assert not text.str.contains(r"\d{6}", regex=True).any()
    assert (demo.reports["description"].str.len() > 5).all()


# --- small hand-built fixture and input checks -------------------------------------------------


def _two_boxes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_code": ["1880R001", "1880R002"], "area_name": ["Vivalla", "Tybble"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 500)],
        crs=3006,
    )


def test_small_fixture_widens_the_period_back_to_monday():
    demo = generate_demo_reports(
        _two_boxes(), default_demo_organisations(), _categories(), "2026-01-07", "2026-03-01",
        seed=3,
    )
    r = demo.reports
    # 2026-01-07 is a Wednesday: the period starts on Monday 2026-01-05
    assert r["observed_date"].min() >= pd.Timestamp("2026-01-05")
    assert r["observed_date"].max() <= pd.Timestamp("2026-03-01")
    assert set(r["area_code"].dropna()) <= {"1880R001", "1880R002"}
    has_point = r["x"].notna()
    inside_a = (r["x"] > 0) & (r["x"] < 1000) & (r["y"] > 0) & (r["y"] < 1000)
    inside_b = (r["x"] > 1000) & (r["x"] < 2000) & (r["y"] > 0) & (r["y"] < 500)
    expected = np.where(r["area_code"] == "1880R001", inside_a, inside_b)
    assert expected[has_point.to_numpy()].all()
    # sportlov (vecka 8) is the only lov week between 2026-W02 and 2026-W09
    lov = r[r["category_code"] == "skollov"]
    assert lov["observed_date"].tolist() == [pd.Timestamp("2026-02-16")]


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_any_seed(seed):
    demo = generate_demo_reports(
        _two_boxes(), default_demo_organisations(), _categories(), "2025-01-06", "2025-12-28",
        seed,
    )
    r = demo.reports
    with_point = r[r["x"].notna()]
    geoms = _two_boxes().set_index("area_code").geometry.loc[with_point["area_code"]].to_numpy()
    assert shapely.contains_xy(geoms, with_point["x"].to_numpy(), with_point["y"].to_numpy()).all()
    iso = r["observed_date"].dt.isocalendar()
    label = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    reported = set(zip(r["organisation_id"].astype(int), label, strict=True))
    nolls = set(zip(demo.nollrapporter["organisation_id"], demo.nollrapporter["iso_week"],
                    strict=True))
    assert not nolls & reported
    assert (demo.duplicates["organisation_id_a"] != demo.duplicates["organisation_id_b"]).all()


def test_default_organisations_cover_an_est_group():
    orgs = default_demo_organisations()
    assert len({o["id"] for o in orgs}) == len(orgs) == 9
    assert {o["type"] for o in orgs} == {
        "skola", "socialtjanst", "fastighetsbolag", "polis", "bevakning",
        "kommunal_forvaltning", "raddningstjanst", "ovrig",
    }
    assert any(o["name"] == "ÖrebroBostäder" for o in orgs)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a, o, c: (a.to_crs(4326), o, c), "EPSG:3006"),
        (lambda a, o, c: (a.drop(columns="area_name"), o, c), "area_name"),
        (lambda a, o, c: (a, [{"id": 1, "name": "X", "type": "kyrka"}], c), "type"),
        (lambda a, o, c: (a, o + [o[0]], c), "id"),
        (lambda a, o, c: (a, o, c.drop(columns="active")), "active"),
        (lambda a, o, c: (a, o, c.assign(is_context=True)), "kontextfaktor"),
    ],
)
def test_bad_inputs_raise_naming_the_problem(change, message):
    areas, orgs, cats = change(_two_boxes(), default_demo_organisations(), _categories())
    with pytest.raises(ValueError, match=message):
        generate_demo_reports(areas, orgs, cats, "2026-01-05", "2026-03-01", 1)


def test_bad_period_raises():
    with pytest.raises(ValueError, match="perioden"):
        generate_demo_reports(
            _two_boxes(), default_demo_organisations(), _categories(), "2026-03-01",
            "2026-01-05", 1,
        )


# --- the data files ---------------------------------------------------------------------------


def test_demo_area_files_hold_the_expected_kommuner():
    orebro = gpd.read_file(DATA / "orebro_regso_2025.gpkg", layer="regso")
    alingsas = gpd.read_file(DATA / "alingsas_regso_2025.gpkg", layer="regso")
    assert list(orebro.columns) == ["regsokod", "regsonamn", "kommunkod", "kommunnamn",
                                    "geometry"]
    assert orebro.crs.to_epsg() == alingsas.crs.to_epsg() == 3006
    assert len(orebro) == 36 and set(orebro["kommunkod"]) == {"1880"}
    assert len(alingsas) == 23 and set(alingsas["kommunkod"]) == {"1489"}
    for name, areas in (("orebro", orebro), ("alingsas", alingsas)):
        outline = gpd.read_file(DATA / f"{name}_kommun.gpkg", layer="kommun")
        assert len(outline) == 1 and outline.crs.to_epsg() == 3006
        assert outline.geometry.area.iloc[0] == pytest.approx(areas.geometry.area.sum(), rel=1e-6)


def test_wgs84_copy_has_the_same_areas():
    sweref = gpd.read_file(DATA / "orebro_regso_2025.gpkg", layer="regso").set_index("regsokod")
    wgs = gpd.read_file(DATA / "orebro_regso_2025_wgs84.geojson")
    assert wgs.crs.to_epsg() == 4326
    back = wgs.to_crs(3006).set_index("regsokod").loc[sweref.index]
    np.testing.assert_allclose(back.geometry.area, sweref.geometry.area, rtol=1e-5)


def test_gazetteer_points_lie_in_their_areas():
    places = _places()
    assert 10 <= len(places) <= 20
    assert list(places.columns) == ["name", "aliases", "area_code", "x", "y"]
    assert not places["name"].duplicated().any()
    areas = _areas().set_index("area_code").geometry
    assert not set(places["name"]) & set(_areas()["area_name"])
    geoms = areas.loc[places["area_code"]].to_numpy()
    assert shapely.contains_xy(
        geoms, places["x"].astype(float).to_numpy(), places["y"].astype(float).to_numpy()
    ).all()
