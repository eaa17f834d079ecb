"""Simulations of the hotspot layers on Örebro's 36 real RegSO (Källa: SCB): nulls and planted.

Run the full-size version (figures for docs/statistics.md and BENCHMARKS.md):

    .venv/bin/python -m tests.bench.sim_hotspots

tests/analysis/test_hotspot_simulations.py runs smaller versions of :func:`run_case`.

Per map, counts per area are Poisson around a mean (30 or 5 per area), optionally with lognormal
heterogeneity between areas (``sigma``: each area's rate times ``exp(σZ − σ²/2)``), optionally per
capita with fixed simulated populations. Planted: a **cluster of 5 adjacent areas** (a random
area, then four times a random area adjacent to those already chosen, so clusters have random
connected shapes, not circles) at a factor times the mean, or **a single area** at a factor.
Measured per case:

* ``any_*``: share of maps where the layer marks at least one area (null cases: the false
  hotspot rate per map);
* ``found_*``: share of maps with at least 60 % of the planted areas marked;
* ``share_*``: mean share of the planted areas marked;
* ``not_elevated_*``: share of all marks, over all maps, that fall on areas not planted.

Layers: ``excess`` and ``cluster`` (:func:`analysis.hotspot_layers.hotspot_layers`), ``union``
(either, what the map's ``hotspot_class`` shows), ``gi`` (the earlier
:func:`analysis.hotspots.getis_ord_hotspots`, conditional permutation) and ``gi_total`` (Gi* with
the focal value permuted too, 999 total permutations, BH at 5 %; for comparison only).
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.hotspot_layers import hotspot_layers
from analysis.hotspots import _build_weights, benjamini_hochberg, getis_ord_hotspots

FIXTURE = (Path(__file__).resolve().parents[1] / "analysis" / "fixtures"
           / "regso_orebro_1880_simplified.geojson")

CASES: dict[str, dict] = {
    "null: Poisson, mean 30": {"base": 30},
    "null: Poisson, mean 5": {"base": 5},
    "null: lognormal σ 0.3, mean 30": {"base": 30, "sigma": 0.3},
    "null: lognormal σ 0.6, mean 30": {"base": 30, "sigma": 0.6},
    "null: lognormal σ 0.5, mean 5": {"base": 5, "sigma": 0.5},
    "null: per capita, mean 30": {"base": 30, "population": True},
    "cluster 3× (5 areas), mean 30": {"base": 30, "cluster": 3.0},
    "cluster 2× (5 areas), mean 30": {"base": 30, "cluster": 2.0},
    "single area 5×, mean 30": {"base": 30, "single": 5.0},
    "cluster 3×, per capita": {"base": 30, "cluster": 3.0, "population": True},
    "single 5×, per capita": {"base": 30, "single": 5.0, "population": True},
    "cluster 3×, lognormal σ 0.3": {"base": 30, "cluster": 3.0, "sigma": 0.3},
    "single 5×, lognormal σ 0.3": {"base": 30, "single": 5.0, "sigma": 0.3},
    "cluster 3× (5 areas), mean 5": {"base": 5, "cluster": 3.0},
}
LAYERS = ("excess", "cluster", "union", "gi", "gi_total")


def load_areas() -> gpd.GeoDataFrame:
    """Örebro's 36 RegSO 2025 (simplified fixture, EPSG:3006)."""
    return gpd.read_file(FIXTURE)


def neighbours(areas: gpd.GeoDataFrame) -> list[np.ndarray]:
    """Queen contiguity (islands joined to their nearest area), as lists of indices."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = _build_weights(areas, "queen", 6)
    return [np.array(w.neighbors[i]) for i in range(len(areas))]


def planted_cluster(rng: np.random.Generator, nbrs: list[np.ndarray], size: int = 5):
    """A random connected set: a random area, then random areas adjacent to the set."""
    members = [int(rng.integers(len(nbrs)))]
    while len(members) < size:
        candidates = sorted({int(j) for m in members for j in nbrs[m]} - set(members))
        members.append(int(rng.choice(candidates)))
    return np.array(members)


def simulated_population(n: int, seed: int = 1880) -> np.ndarray:
    """Fixed populations, lognormal around 4 000 (RegSO hold roughly 1 000–15 000 people)."""
    return np.round(np.random.default_rng(seed).lognormal(np.log(4000), 0.6, n)).clip(300)


def run_case(case: dict, *, maps: int, seed: int, layers=LAYERS, areas=None,
             simulations: int = 999, min_cluster_areas: int = 1) -> dict:
    """Simulate ``maps`` maps of one case and measure every layer (see the module docstring)."""
    areas = load_areas() if areas is None else areas
    codes = areas["area_code"].to_numpy()
    n = len(codes)
    nbrs = neighbours(areas)
    rng = np.random.default_rng(seed)
    pop = simulated_population(n) if case.get("population") else None
    exposure = np.ones(n) if pop is None else pop / pop.mean()
    w_star = _w_star(nbrs) if "gi_total" in layers else None
    stats = {layer: {"any": 0, "found": 0, "share": [], "marks": 0, "wrong": 0}
             for layer in layers}
    for m in range(maps):
        mult = np.ones(n)
        planted = np.array([], dtype=int)
        if case.get("cluster"):
            planted = planted_cluster(rng, nbrs)
            mult[planted] = case["cluster"]
        if case.get("single"):
            planted = rng.choice(n, 1)
            mult[planted] = case["single"]
        sigma = case.get("sigma", 0.0)
        hetero = np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
        y = rng.poisson(case["base"] * exposure * mult * hetero)
        counts = pd.Series(y, index=codes)
        marks = {}
        if {"excess", "cluster", "union"} & set(layers):
            out = hotspot_layers(areas, counts, seed=seed * 100_000 + m, simulations=simulations,
                                 min_cluster_areas=min_cluster_areas,
                                 population=None if pop is None else pd.Series(pop, index=codes))
            marks["excess"] = (out["excess_class"] == "hot").to_numpy()
            marks["cluster"] = out["in_cluster"].to_numpy()
            marks["union"] = (out["hotspot_class"] == "hot").to_numpy()
        if "gi" in layers:
            gi = getis_ord_hotspots(areas, counts.astype(float), seed=seed * 100_000 + m)
            marks["gi"] = (gi["hotspot_class"] == "hot").to_numpy()
        if "gi_total" in layers:
            marks["gi_total"] = _gi_total(y, w_star, rng)
        elevated = np.zeros(n, dtype=bool)
        elevated[planted] = True
        for layer in layers:
            mk, s = marks[layer], stats[layer]
            s["any"] += bool(mk.any())
            s["marks"] += int(mk.sum())
            s["wrong"] += int((mk & ~elevated).sum())
            if planted.size:
                share = float(mk[planted].mean())
                s["share"].append(share)
                s["found"] += share >= 0.6
    result = {"maps": maps}
    for layer, s in stats.items():
        result[f"any_{layer}"] = s["any"] / maps
        if case.get("cluster") or case.get("single"):
            result[f"found_{layer}"] = s["found"] / maps
            result[f"share_{layer}"] = float(np.mean(s["share"]))
            result[f"not_elevated_{layer}"] = s["wrong"] / s["marks"] if s["marks"] else 0.0
    return result


def _w_star(nbrs: list[np.ndarray]) -> np.ndarray:
    n = len(nbrs)
    w = np.eye(n)
    for i, nb in enumerate(nbrs):
        w[i, nb] = 1.0
    return w


def _gi_total(y: np.ndarray, w_star: np.ndarray, rng, permutations: int = 999) -> np.ndarray:
    """Gi* (binary weights with self) with every value permuted, one-sided upper, BH 5 %."""
    y = y.astype(float)
    obs = w_star @ y
    perms = rng.permuted(np.broadcast_to(y, (permutations, y.size)), axis=1)
    sims = perms @ w_star.T
    p = (1 + (sims >= obs - 1e-9).sum(axis=0)) / (permutations + 1)
    return benjamini_hochberg(p) <= 0.05


def main(argv: list[str] | None = None) -> None:
    """Print the hotspot table; ``--no-gi`` skips the esda Gi* column, ``--case NAME --maps N``
    runs one case (same seed as in the table) with N maps, ``--min-cluster-areas 2`` the scan
    without single-area windows."""
    args = parser().parse_args(argv)
    layers = tuple(la for la in LAYERS if not (args.no_gi and la == "gi"))
    cases = {args.case: CASES[args.case]} if args.case else CASES
    t_start = time.perf_counter()
    areas = load_areas()
    print(f"# sim_hotspots · {date.today().isoformat()} · {platform.node()} · "
          f"{platform.processor() or platform.machine()}\n")
    print(f"Örebro's {len(areas)} RegSO; ``any`` = share of maps with at least one mark; "
          "``found`` = share of maps with ≥ 60 % of the planted areas marked; ``share`` = mean "
          "share of planted areas marked; ``not el.`` = share of marks on areas not planted.\n")
    head = "| case | maps | " + " | ".join(
        f"{layer}: any / found / share / not el." for layer in layers) + " | seconds |"
    print(head)
    print("| --- | ---: | " + " | ".join("---" for _ in layers) + " | ---: |")
    for name, case in cases.items():
        t0 = time.perf_counter()
        maps = args.maps or (400 if name.startswith("null") else 200)
        r = run_case(case, maps=maps, seed=500 + list(CASES).index(name), areas=areas,
                     layers=layers, min_cluster_areas=args.min_cluster_areas)
        cells = []
        for layer in layers:
            if f"found_{layer}" in r:
                cells.append(f"{r[f'any_{layer}']:.1%} / {r[f'found_{layer}']:.1%} / "
                             f"{r[f'share_{layer}']:.1%} / {r[f'not_elevated_{layer}']:.1%}")
            else:
                cells.append(f"{r[f'any_{layer}']:.1%}")
        print(f"| {name} | {maps} | " + " | ".join(cells)
              + f" | {time.perf_counter() - t0:.0f} |", flush=True)
    print(f"\nruntime {time.perf_counter() - t_start:.0f} s")


def parser() -> argparse.ArgumentParser:
    """Command-line options of :func:`main`."""
    p = argparse.ArgumentParser(prog="python -m tests.bench.sim_hotspots")
    p.add_argument("--no-gi", action="store_true",
                   help="skip esda's Gi* (it draws from its own seed, so the maps are the same)")
    p.add_argument("--case", choices=list(CASES), help="run only this case")
    p.add_argument("--maps", type=int, default=None, help="maps per case")
    p.add_argument("--min-cluster-areas", type=int, default=1,
                   help="fewest areas in a scan window (hotspot_layers' min_cluster_areas)")
    return p


if __name__ == "__main__":
    main()
