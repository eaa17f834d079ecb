"""Tests for analysis.hotspots: Gi* on tiny hand-built grids, islands, FDR."""

import math
from pathlib import Path

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from libpysal.weights import Queen
from shapely.geometry import box

from analysis.hotspots import benjamini_hochberg, getis_ord_hotspots

ROWS = "abcde"
REGSO_OREBRO = Path(__file__).parent / "fixtures" / "regso_orebro_1880_simplified.geojson"


def _grid(n: int = 5, size: float = 100.0) -> gpd.GeoDataFrame:
    """n×n squares of ``size`` metres; code row letter + column digit, 'a1' at the origin."""
    codes, geoms = [], []
    for r in range(n):
        for c in range(n):
            codes.append(f"{ROWS[r]}{c + 1}")
            geoms.append(box(c * size, r * size, (c + 1) * size, (r + 1) * size))
    return gpd.GeoDataFrame({"area_code": codes, "area_name": codes}, geometry=geoms, crs=3006)


def _planted(grid: gpd.GeoDataFrame) -> pd.Series:
    """10 reports in the 3×3 block a1..c3, 1 everywhere else."""
    codes = grid["area_code"]
    in_block = codes.str[0].isin(list("abc")) & codes.str[1].isin(list("123"))
    return pd.Series(np.where(in_block, 10, 1), index=codes.to_numpy())


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_planted_cluster_is_hot_and_far_corner_is_not(seed):
    grid = _grid()
    out = getis_ord_hotspots(grid, _planted(grid), seed=seed)
    # b2 is the cluster's core (all 8 neighbours in the block); a2 and b1 have 4 of 5 in it.
    for code in ("b2", "a2", "b1"):
        assert out.loc[code, "hotspot_class"] == "hot", code
        assert out.loc[code, "label"].startswith("Hotspot (")
    for code in ("e5", "e4", "d5"):
        assert out.loc[code, "hotspot_class"] != "hot"
    assert (out.loc[["a1", "a2", "b1", "b2"], "z"] > 0).all()
    assert out.loc["e5", "z"] < 0
    assert set(out["hotspot_class"]) <= {"hot", "cold", "ns"}


def test_gi_star_z_matches_hand_computation():
    # A 1×4 strip: queen neighbours are left/right only. y = 1, 2, 3, 10.
    strip = gpd.GeoDataFrame(
        {"area_code": ["p", "q", "r", "s"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        crs=3006,
    )
    counts = pd.Series({"p": 1, "q": 2, "r": 3, "s": 10})
    out = getis_ord_hotspots(strip, counts, seed=0, permutations=99)
    # Ord & Getis (1995) Gi* with binary weights including self:
    # z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n W_i - W_i^2) / (n - 1))),
    # n = 4, xbar = 16/4 = 4, S^2 = (1+4+9+100)/4 - 16 = 12.5.
    s = math.sqrt(12.5)
    # p: neighbourhood {p, q}, W = 2, sum = 3 -> (3 - 8) / (S sqrt((8 - 4) / 3)) = -sqrt(1.5)
    assert out.loc["p", "z"] == pytest.approx((3 - 8) / (s * math.sqrt(4 / 3)))
    assert out.loc["p", "z"] == pytest.approx(-math.sqrt(1.5))
    # r: neighbourhood {q, r, s}, W = 3, sum = 15 -> (15 - 12) / (S sqrt((12 - 9) / 3)) = 3 / S
    assert out.loc["r", "z"] == pytest.approx(3 / s)
    assert out["n_neighbours"].tolist() == [1, 2, 2, 1]


def test_counts_as_column_and_series_agree_and_missing_areas_count_zero():
    grid = _grid()
    counts = _planted(grid)
    grid["n"] = counts.to_numpy()
    by_col = getis_ord_hotspots(grid, "n", seed=7)
    by_series = getis_ord_hotspots(grid, counts, seed=7)
    pd.testing.assert_frame_equal(by_col, by_series)
    sparse = pd.Series({"b2": 5, "c3": 2})  # every other area: 0 reports
    out = getis_ord_hotspots(grid, sparse, seed=7)
    assert out["count"].sum() == 7
    assert out.loc["a1", "count"] == 0


def test_zero_areas_among_zero_neighbours_are_not_cold():
    # esda's own p_sim counts ties as extreme on the low side and would call e5 a coldspot.
    grid = _grid()
    out = getis_ord_hotspots(grid, pd.Series({"a1": 20, "a2": 20, "b1": 20, "b2": 20}), seed=1)
    assert (out.loc[out["count"] == 0, "hotspot_class"] != "cold").all()
    assert out.loc["e5", "p_sim"] > 0.3


def test_islands_get_their_nearest_area_attached_both_ways():
    grid = _grid(3)  # a1..c3 on 300 m × 300 m
    far = gpd.GeoDataFrame(
        {"area_code": ["x", "y"], "area_name": ["x", "y"]},
        # two islands 50 m apart (each other's nearest), far from the grid
        geometry=[box(5000, 0, 5100, 100), box(5150, 0, 5250, 100)],
        crs=3006,
    )
    areas = pd.concat([grid, far], ignore_index=True)
    counts = pd.Series(np.arange(len(areas), dtype=float), index=areas["area_code"].to_numpy())
    out = getis_ord_hotspots(areas, counts, seed=0, permutations=99)
    # mutual nearest islands: one link each, not a duplicated one
    assert out.loc["x", "n_neighbours"] == 1
    assert out.loc["y", "n_neighbours"] == 1
    assert out.loc["b2", "n_neighbours"] == 8


def test_single_island_attaches_to_nearest_area():
    grid = _grid(3)
    island = gpd.GeoDataFrame(
        {"area_code": ["z"], "area_name": ["z"]}, geometry=[box(400, 0, 500, 100)], crs=3006
    )
    areas = pd.concat([grid, island], ignore_index=True)
    counts = pd.Series(np.arange(len(areas), dtype=float), index=areas["area_code"].to_numpy())
    out = getis_ord_hotspots(areas, counts, seed=0, permutations=99)
    assert out.loc["z", "n_neighbours"] == 1
    assert out.loc["a3", "n_neighbours"] == 3 + 1  # b2, b3, a2 plus the island


def test_knn_weights_give_k_neighbours():
    grid = _grid()
    out = getis_ord_hotspots(grid, _planted(grid), weights="knn", k=4, seed=0, alpha=0.10)
    assert (out["n_neighbours"] == 4).all()
    # b2 and its 4 nearest are all in the block: P = C(8,4)/C(24,4) = 70/10626 under permutation
    assert out.loc["b2", "p_sim"] < 0.02
    assert out.loc["b2", "hotspot_class"] == "hot"
    assert out.loc["b2", "label"] in {"Hotspot (95 %)", "Hotspot (90 %)"}


def test_same_seed_same_result():
    grid = _grid()
    a = getis_ord_hotspots(grid, _planted(grid), seed=42)
    b = getis_ord_hotspots(grid, _planted(grid), seed=42)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda g, c: (g.to_crs(4326), c), "EPSG:4326"),
        (lambda g, c: (g.drop(columns="area_code"), c), "area_code"),
        (lambda g, c: (g, pd.concat([c, pd.Series({"zz": 1})])), "zz"),
        (lambda g, c: (g, c * 0 + 3), "samma antal"),
        (lambda g, c: (g, -c), "negativa"),
        (lambda g, c: (g, "saknas"), "saknas"),
        (lambda g, c: (g, c.where(c.index != "c3")), "'c3' saknar värde"),
    ],
)
def test_bad_input_names_the_problem(mutate, message):
    grid = _grid()
    areas, counts = mutate(grid, _planted(grid))
    with pytest.raises(ValueError, match=message):
        getis_ord_hotspots(areas, counts)


def test_bad_parameters_are_refused():
    grid = _grid()
    counts = _planted(grid)
    with pytest.raises(ValueError, match="viktmatris"):
        getis_ord_hotspots(grid, counts, weights="rook")
    with pytest.raises(ValueError, match="alpha"):
        getis_ord_hotspots(grid, counts, alpha=0.2)
    with pytest.raises(ValueError, match="permutations"):
        getis_ord_hotspots(grid, counts, permutations=10)


def test_benjamini_hochberg_rejects_on_the_boundary():
    # BH rejects p_(k) <= k * alpha / n: with p = 0.03125, 0.05 and alpha 0.05, 0.05 <= 2/2 * 0.05
    assert (benjamini_hochberg(np.array([0.03125, 0.05])) <= 0.05).all()


def test_benjamini_hochberg_hand_values():
    # sorted p: 0.01, 0.03, 0.04, 0.5 with n = 4 -> raw n p / rank: 0.04, 0.06, 0.0533, 0.5
    # step-up minimum from the top: 0.04, 0.0533, 0.0533, 0.5 (back in input order below)
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])
    assert benjamini_hochberg(np.array([])).size == 0
    assert benjamini_hochberg(np.array([0.9, 0.95])) == pytest.approx([0.95, 0.95])


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(st.floats(min_value=0.0005, max_value=1.0), min_size=1, max_size=40),
    st.sampled_from([0.01, 0.05, 0.1]),
)
def test_benjamini_hochberg_agrees_with_esda_fdr(p_list, alpha):
    p = np.array(p_list)
    q = benjamini_hochberg(p)
    assert ((q >= p - 1e-12) & (q <= 1)).all()
    # esda.fdr returns the BH p-value threshold; rejections must be the same set. esda compares
    # with a strict "<" where BH (and we) use "≤", so leave out p-values exactly on a critical
    # value k * alpha / n (e.g. p = [0.03125, 0.05], alpha 0.05: BH rejects both, esda neither).
    critical = np.arange(1, p.size + 1) * alpha / p.size
    assume(not np.isclose(p[:, None], critical[None, :], rtol=0, atol=1e-9).any())
    threshold = esda.fdr(p, alpha)
    assert ((q <= alpha + 1e-12) == (p <= threshold + 1e-12)).all()


def test_real_regso_polygons_of_orebro():
    """Källa: SCB (RegSO 2025, Örebro, simplified; see fixtures/*.SOURCE.md)."""
    areas = gpd.read_file(REGSO_OREBRO)
    assert areas.crs.to_epsg() == 3006 and len(areas) == 36
    queen = Queen.from_dataframe(areas, use_index=False, silence_warnings=True)
    # Vivalla (1880R029) and its two queen neighbours, Lundby and Nya Hjärsta-Nyponlunden
    cluster = ["1880R029", "1880R018", "1880R022"]
    counts = pd.Series(2, index=areas["area_code"].to_numpy())
    counts[cluster] = 30
    out = getis_ord_hotspots(areas, counts, seed=4)
    # a real coverage has no islands: the neighbour counts are queen contiguity's own
    assert out["n_neighbours"].tolist() == [queen.cardinalities[i] for i in queen.id_order]
    assert out.loc["1880R029", "n_neighbours"] == 2
    # Vivalla's neighbourhood is all cluster: the largest z and the smallest possible p (1/1000)
    assert out["z"].idxmax() == "1880R029"
    assert out.loc["1880R029", "p_sim"] <= 0.005
    # nothing more than 10 km from Vivalla is hot
    centroids = areas.set_index("area_code").geometry.centroid
    far = centroids.distance(centroids["1880R029"]) > 10_000
    assert far.sum() > 5
    assert (out.loc[far[far].index, "hotspot_class"] != "hot").all()
