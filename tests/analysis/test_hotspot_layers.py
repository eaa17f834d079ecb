"""Tests for analysis.hotspot_layers and its null model (analysis._area_null)."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm, poisson
from shapely.geometry import box

from analysis._area_null import fit_null, pln_sf, robust_stats
from analysis.hotspot_layers import _window_order, hotspot_layers, legend_texts

REGSO_OREBRO = Path(__file__).parent / "fixtures" / "regso_orebro_1880_simplified.geojson"


def _grid(n: int = 6) -> gpd.GeoDataFrame:
    codes = [f"{chr(97 + r)}{c + 1}" for r in range(n) for c in range(n)]
    geoms = [box(c * 100, r * 100, (c + 1) * 100, (r + 1) * 100) for r in range(n) for c in range(n)]
    return gpd.GeoDataFrame({"area_code": codes}, geometry=geoms, crs=3006)


def test_lognormal_poisson_tail_against_brute_force_integration():
    z = np.linspace(-10, 10, 100_001)
    dz = z[1] - z[0]
    for y, mu, nu in [(90, 30, 0.43), (150, 30, 0.43), (60, 30, 0.09), (3, 1, 0.5), (1, 5, 0.3),
                      (20, 5, 0.3), (300, 30, 2.0)]:
        s = np.sqrt(np.log1p(nu))
        brute = (poisson.sf(y - 1, mu * np.exp(s * z - s**2 / 2)) * norm.pdf(z)).sum() * dz
        assert pln_sf(y, mu, nu) == pytest.approx(brute, rel=1e-6)
    # ν = 0 is the Poisson tail; y = 0 is certain
    assert pln_sf(45, 30, 0.0) == pytest.approx(poisson.sf(44, 30))
    assert pln_sf(0, 5, 0.3) == 1.0


def test_robust_statistics_ignore_the_upper_half():
    y = np.array([30, 31, 29, 30, 28, 32, 30, 31])
    hot = y.copy()
    hot[[5, 7]] = [300, 400]  # two hot areas in the upper half
    e = np.ones(y.size)
    t1, t2 = robust_stats(y, e)
    t1_hot, t2_hot = robust_stats(hot, e)
    assert t1_hot == pytest.approx(t1, abs=0.02)
    assert t2_hot == pytest.approx(t2)  # the lower half is the same areas


def test_null_fit_recovers_level_and_heterogeneity():
    rng = np.random.default_rng(4)
    e = np.ones(400)
    y = rng.poisson(30 * np.exp(0.5 * rng.standard_normal(400) - 0.125))
    fit = fit_null(y, e, np.random.default_rng(1))
    assert fit.rho == pytest.approx(30, rel=0.1)
    assert fit.nu == pytest.approx(np.expm1(0.25), abs=0.1)
    assert fit.nu_draws.min() >= 0 and fit.rho_draws.min() > 0
    poisson_only = fit_null(rng.poisson(30, 400), e, np.random.default_rng(1))
    assert poisson_only.nu < 0.02


def test_window_order_starts_at_the_centre_with_nearest_areas_next():
    order = _window_order(_grid(3), 3)
    assert order.shape == (9, 3)
    assert (order[:, 0] == np.arange(9)).all()
    # the centre square b2 (index 4) has its four edge neighbours at distance 100 next
    assert set(order[4, 1:]) <= {1, 3, 5, 7}


def test_a_hot_area_is_marked_but_its_ordinary_neighbours_are_not():
    grid = _grid()
    counts = pd.Series(30, index=grid["area_code"])
    counts["c3"] = 150
    out = hotspot_layers(grid, counts, seed=3, min_cluster_areas=2)
    assert out.index[out["excess_class"] == "hot"].tolist() == ["c3"]
    assert out.index[out["in_cluster"]].tolist() == ["c3"]
    assert out.loc["c3", "label"] == "Förhöjt (99 %)"
    assert out.loc["c3", "expected"] == pytest.approx(30, rel=0.05)
    assert out.loc["c3", "ratio"] == pytest.approx(5, rel=0.05)
    # every area of a significant window carries its id, only the elevated ones are marked
    assert (out["in_cluster"] <= (out["cluster_id"] > 0)).all()
    assert ((out["hotspot_class"] == "hot") == ((out["excess_class"] == "hot") | out["in_cluster"])).all()
    clusters = out.attrs["clusters"]
    assert clusters[0]["cluster_id"] == 1 and "c3" in clusters[0]["marked"]
    assert out.attrs["legend"] == legend_texts()


def test_same_seed_same_result_and_no_reports_no_hotspots():
    grid = _grid()
    rng = np.random.default_rng(5)
    counts = pd.Series(rng.poisson(20, len(grid)), index=grid["area_code"])
    pd.testing.assert_frame_equal(hotspot_layers(grid, counts, seed=9), hotspot_layers(grid, counts, seed=9))
    empty = hotspot_layers(grid, pd.Series(dtype=float), seed=1)
    assert (empty["hotspot_class"] == "ns").all() and empty["count"].sum() == 0


def test_population_turns_counts_into_rates():
    grid = _grid()
    codes = grid["area_code"]
    pop = pd.Series(2000.0, index=codes)
    counts = pd.Series(20, index=codes)
    pop["a1"], counts["a1"] = 10_000.0, 100  # five times the people, five times the reports
    counts["f6"] = 100  # five times the reports of an ordinary area with 2 000 people
    out = hotspot_layers(grid, counts, population=pop, seed=2)
    assert out.loc["a1", "rate_per_1000"] == pytest.approx(10.0)
    assert out.loc["f6", "rate_per_1000"] == pytest.approx(50.0)
    assert out.loc["a1", "excess_class"] == "ns"
    assert out.loc["f6", "excess_class"] == "hot"
    assert out.loc["a1", "expected"] == pytest.approx(5 * out.loc["b1", "expected"])
    assert "per 1 000 invånare" in out.attrs["legend"]["excess"]
    without = hotspot_layers(grid, counts, seed=2)
    assert without.loc["a1", "excess_class"] == "hot"  # by counts alone a1 stands out too
    assert without["rate_per_1000"].isna().all()


def test_counts_as_a_column_and_missing_areas_count_zero():
    grid = _grid()
    grid["n"] = 10
    by_col = hotspot_layers(grid, "n", seed=1)
    by_series = hotspot_layers(grid, pd.Series(10, index=grid["area_code"]), seed=1)
    pd.testing.assert_frame_equal(by_col, by_series)
    sparse = hotspot_layers(grid, pd.Series({"b2": 5}), seed=1)
    assert sparse.loc["a1", "count"] == 0


def test_orebro_regso_single_hot_area():
    areas = gpd.read_file(REGSO_OREBRO)
    rng = np.random.default_rng(8)
    counts = pd.Series(rng.poisson(30, len(areas)), index=areas["area_code"])
    counts["1880R029"] = 150  # Vivalla at five times the rest
    out = hotspot_layers(areas, counts, seed=8)
    assert out.index[out["hotspot_class"] == "hot"].tolist() == ["1880R029"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alpha": 0.2}, "alpha"),
        ({"simulations": 10}, "simulations"),
        ({"max_cluster_areas": 0}, "max_cluster_areas"),
        ({"max_cluster_share": 0.9}, "max_cluster_share"),
        ({"min_cluster_areas": 0}, "min_cluster_areas"),
        ({"population": pd.Series({"a1": 100})}, "befolkning: area_code 'a2' saknar värde"),
    ],
)
def test_bad_parameters_are_refused(kwargs, message):
    grid = _grid(3)
    with pytest.raises(ValueError, match=message):
        hotspot_layers(grid, pd.Series(1, index=grid["area_code"]), **kwargs)


def test_bad_inputs_are_named():
    grid = _grid(3)
    ones = pd.Series(1, index=grid["area_code"])
    with pytest.raises(ValueError, match="EPSG:4326"):
        hotspot_layers(grid.set_crs(4326, allow_override=True), ones)
    with pytest.raises(ValueError, match="'zz' finns inte"):
        hotspot_layers(grid, pd.Series({"zz": 1}))
    with pytest.raises(ValueError, match="heltal"):
        hotspot_layers(grid, ones * 0.5)
    with pytest.raises(ValueError, match="negativt"):
        hotspot_layers(grid, -ones)
    pop = pd.Series(100.0, index=grid["area_code"])
    pop["a1"] = 0
    with pytest.raises(ValueError, match="'a1' har ingen befolkning"):
        hotspot_layers(grid, ones, population=pop)
    with pytest.raises(ValueError, match="minst 3"):
        hotspot_layers(grid.iloc[:2], ones.iloc[:2])


def test_alpha_is_honoured_as_a_nesting_of_the_marks():
    """A stricter alpha marks a subset of the areas (same seed, same simulated null maps)."""
    areas = gpd.read_file(REGSO_OREBRO)
    rng = np.random.default_rng(12)
    counts = pd.Series(rng.poisson(30, len(areas)), index=areas["area_code"])
    counts.iloc[[3, 4, 17]] = [60, 55, 70]
    marks = {a: hotspot_layers(areas, counts, alpha=a, seed=4) for a in (0.01, 0.05, 0.10)}
    for strict, loose in ((0.01, 0.05), (0.05, 0.10)):
        for col in ("excess_class", "hotspot_class"):
            s, lo = marks[strict][col] == "hot", marks[loose][col] == "hot"
            assert (s <= lo).all()
        assert (marks[strict]["cluster_id"] > 0).sum() <= (marks[loose]["cluster_id"] > 0).sum()
    assert (marks[0.10]["q_excess"] == marks[0.01]["q_excess"]).all()


def test_cluster_windows_of_at_least_two_areas_mark_only_the_hot_one():
    # With min_cluster_areas=2 the smallest window is the area and its nearest neighbour, and the
    # own-count rule leaves an ordinary neighbour at exactly the normal count unmarked.
    grid = _grid()
    counts = pd.Series(30, index=grid["area_code"])
    counts["f6"] = 150
    out = hotspot_layers(grid, counts, seed=3, min_cluster_areas=2)
    assert out.attrs["clusters"], "the 5× area must still be inside a significant window"
    assert all(len(c["areas"]) >= 2 for c in out.attrs["clusters"])
    assert "f6" in out.attrs["clusters"][0]["areas"]
    assert out.index[out["in_cluster"]].tolist() == ["f6"]
    assert out.index[out["excess_class"] == "hot"].tolist() == ["f6"]


def test_window_statistics_from_two_areas_are_the_full_scan_without_single_areas():
    from analysis.hotspot_layers import _window_z

    grid = _grid(4)
    order = _window_order(grid, 4)
    y = np.arange(16, dtype=float)[None, :] + 3
    expected = np.full(16, 10.0)
    full = _window_z(y, order, expected, 0.2)
    assert full.shape == (1, 16, 4)
    np.testing.assert_array_equal(_window_z(y, order, expected, 0.2, 2), full[..., 1:])
    # one area, its own excess: (y − μ)/√(μ + ν·μ²) = (3 − 10)/√30 for area a1
    assert full[0, 0, 0] == pytest.approx(-7 / np.sqrt(30))


def test_a_map_too_small_for_two_area_windows_keeps_single_area_windows():
    grid = _grid(2)  # 4 areas: a quarter of them is one area
    counts = pd.Series({"a1": 200, "a2": 10, "b1": 10, "b2": 10})
    out = hotspot_layers(grid, counts, seed=1, simulations=199, min_cluster_areas=2)
    assert [len(c["areas"]) for c in out.attrs["clusters"]] in ([], [1])
