"""Benchmark: Gi* hotspots over a 1 300-area Voronoi tessellation, and kernel density of 200 000
points. Run: ``.venv/bin/python -m tests.bench.run_all bench_hotspots``.

Synthetic data only (seeded): 1 300 Voronoi cells over a 40 km × 30 km box in EPSG:3006, about the
size of a large kommun's DeSO set; counts Poisson with a planted cluster. Each figure is the median
of ``REPEATS`` runs, measured in one process.
"""

from __future__ import annotations

import statistics
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from analysis.density import kernel_density
from analysis.hotspots import getis_ord_hotspots

REPEATS = 5
X0, Y0 = 480_000.0, 6_560_000.0
WIDTH, HEIGHT = 40_000.0, 30_000.0


def _tessellation(n: int = 1300, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    pts = shapely.points(rng.uniform(X0, X0 + WIDTH, n), rng.uniform(Y0, Y0 + HEIGHT, n))
    extent = box(X0, Y0, X0 + WIDTH, Y0 + HEIGHT)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=extent))
    cells = shapely.intersection(cells, extent)
    codes = [f"B{i:04d}" for i in range(len(cells))]
    return gpd.GeoDataFrame({"area_code": codes, "area_name": codes}, geometry=cells, crs=3006)


def _counts(areas: gpd.GeoDataFrame, seed: int = 2) -> pd.Series:
    rng = np.random.default_rng(seed)
    c = areas.geometry.centroid
    near = np.hypot(c.x - (X0 + 10_000), c.y - (Y0 + 10_000)) < 3_000
    lam = np.where(near, 12.0, 3.0)
    return pd.Series(rng.poisson(lam), index=areas["area_code"].to_numpy())


def _points(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    hot = n // 4
    x = np.r_[rng.uniform(X0, X0 + WIDTH, n - hot), rng.normal(X0 + 10_000, 800, hot)]
    y = np.r_[rng.uniform(Y0, Y0 + HEIGHT, n - hot), rng.normal(Y0 + 10_000, 800, hot)]
    return pd.DataFrame({"x": x, "y": y, "report_count": 1})


def _median_seconds(fn) -> tuple[float, object]:
    times, out = [], None
    for _ in range(REPEATS):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    areas = _tessellation()
    counts = _counts(areas)
    rows = []
    for weights, perms in (("queen", 999), ("queen", 99), ("knn", 999)):
        secs, out = _median_seconds(
            lambda w=weights, p=perms: getis_ord_hotspots(
                areas, counts, weights=w, permutations=p, seed=1
            )
        )
        n_hot = int((out["hotspot_class"] == "hot").sum())
        rows.append(
            (f"Gi* {len(areas)} areas, {weights}, {perms} perm.", f"{secs:.2f} s",
             f"{n_hot} hot, {int((out['hotspot_class'] == 'cold').sum())} cold")
        )
    for n_points, cell, kernel in (
        (200_000, 50.0, "quartic"),
        (200_000, 25.0, "quartic"),
        (200_000, 50.0, "gaussian"),
    ):
        pts = _points(n_points)
        secs, surface = _median_seconds(
            lambda p=pts, c=cell, k=kernel: kernel_density(p, bandwidth=300, cell_size=c, kernel=k)
        )
        ny, nx = surface.density.shape
        mass = surface.density.sum() * surface.cell_area_km2
        rows.append(
            (f"KDE {n_points:_} points, {kernel}, h 300 m, cell {cell:.0f} m".replace("_", " "),
             f"{secs:.2f} s", f"grid {nx}×{ny}, integral {mass:_.1f}".replace("_", " "))
        )
    print(f"median of {REPEATS} runs\n")
    print("| case | time | result |")
    print("| --- | --- | --- |")
    for case, t, result in rows:
        print(f"| {case} | {t} | {result} |")


if __name__ == "__main__":
    main()
