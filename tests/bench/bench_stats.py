"""Benchmark: the statistics of the overdispersion issue at large-kommun size.

* ``weekly_alerts`` (beta-binomial, dispersion per category, last year's season) for one week over
  1 300 areas × 15 categories with two years of history, on a ready cube and including counting
  1 M reports; the earlier binomial test side by side.
* ``hotspot_layers`` (area excess + scan clusters, 999 simulated maps) on 1 300 Voronoi areas,
  with and without population; ``getis_ord_hotspots`` side by side.
* ``emerging_hotspots`` over 12 months of 1 300 areas.

Run: ``.venv/bin/python -m tests.bench.run_all bench_stats``. Median of ``REPEATS`` runs after a
warm-up.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from analysis.alerts import alert_history_window, weekly_alerts
from analysis.counts import CountCube, count_cube
from analysis.emerging import emerging_hotspots
from analysis.hotspot_layers import hotspot_layers
from analysis.hotspots import getis_ord_hotspots
from analysis.weeks import iso_week_label
from tests.bench.bench_counts_alerts import FIRST_DAY, N_DAYS, make_reports
from tests.bench.bench_hotspots import _counts, _tessellation

REPEATS = 5


def _time(fn, repeats: int = REPEATS):
    result = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    df, areas, cats = make_reports()
    week = iso_week_label(FIRST_DAY + pd.Timedelta(days=N_DAYS - 1))
    first = iso_week_label(FIRST_DAY)  # two years of history; the test needs from
    assert alert_history_window(week)[0] >= first  # alert_history_window(week) on
    cube = count_cube(df, areas, cats, first, week)
    rows = []
    t, out = _time(lambda: weekly_alerts(count_cube(df, areas, cats, first, week), week))
    rows.append(("count 1 M reports + weekly_alerts (default)", t, len(out)))
    t, out = _time(lambda: weekly_alerts(cube, week))
    rows.append(("weekly_alerts on a ready cube (default: beta-binomial, season)", t, len(out)))
    t, out = _time(lambda: weekly_alerts(cube, week, all_cells=True))
    rows.append(("… all 19 500 cells returned", t, int(out["is_alert"].sum())))
    t, out = _time(lambda: weekly_alerts(cube, week, method="binomial"))
    rows.append(("weekly_alerts, method='binomial' (earlier test)", t, len(out)))
    # Harder data: negative-binomial counts (k = 2) with means up to 3 a week per cell, so the
    # tail sums run longer than on the uniform reports above.
    rng = np.random.default_rng(5)
    mu = rng.uniform(0.05, 3.0, (len(areas), len(cats), 1))
    nb = CountCube(areas, cats, cube.weeks,
                   rng.poisson(rng.gamma(2.0, mu / 2.0, cube.values.shape)), cube.kommun_level)
    t, out = _time(lambda: weekly_alerts(nb, week, all_cells=True))
    rows.append(("weekly_alerts, NB(k = 2) cube, all cells", t, int(out["is_alert"].sum())))
    print(f"alerts for {week}: {len(areas)} areas × {len(cats)} categories, cube {first}–{week} "
          f"({len(cube.weeks)} weeks); median of {REPEATS} runs\n")
    print("| alerts | seconds | alerts |")
    print("| --- | ---: | ---: |")
    for name, secs, n in rows:
        print(f"| {name} | {secs:.3f} | {n} |")

    tess = _tessellation()
    counts = _counts(tess)
    pop = pd.Series(np.random.default_rng(3).lognormal(np.log(1500), 0.5, len(tess)).round(),
                    index=tess["area_code"].to_numpy())
    rows = []
    t, out = _time(lambda: hotspot_layers(tess, counts, seed=1))
    rows.append(("hotspot_layers, 999 simulated maps", t, out))
    t, out = _time(lambda: hotspot_layers(tess, counts, population=pop, seed=1))
    rows.append(("hotspot_layers with population", t, out))
    t, gi = _time(lambda: getis_ord_hotspots(tess, counts, permutations=999, seed=1))
    print(f"\nhotspots on {len(tess)} Voronoi areas (Poisson mean 3, 12 within 3 km of a point); "
          f"median of {REPEATS} runs\n")
    print("| hotspots | seconds | result |")
    print("| --- | ---: | --- |")
    for name, secs, res in rows:
        print(f"| {name} | {secs:.2f} | {(res['excess_class'] == 'hot').sum()} förhöjda, "
              f"{int(res['in_cluster'].sum())} in {len(res.attrs['clusters'])} clusters |")
    print(f"| getis_ord_hotspots, 999 permutations | {t:.2f} | "
          f"{int((gi['hotspot_class'] == 'hot').sum())} hot |")

    rng = np.random.default_rng(4)
    c = tess.geometry.centroid
    hot_zone = np.hypot(c.x - 490_000.0, c.y - 6_570_000.0) < 3_000  # as in bench_hotspots
    lam = np.where(hot_zone, 12.0, 3.0) * 4  # a month: four weeks
    monthly = pd.DataFrame([
        (a, f"2026-{m:02d}", int(rng.poisson(mu)))
        for m in range(1, 13) for a, mu in zip(tess["area_code"], lam, strict=True)
    ], columns=["area_code", "period", "count"])
    t, em = _time(lambda: emerging_hotspots(tess, monthly, seed=1), repeats=1)
    patterns = em["pattern"].value_counts()
    print(f"| emerging_hotspots, 12 months | {t:.2f} | {int(hot_zone.sum())} areas at 4×: "
          + ", ".join(f"{k} {v}" for k, v in patterns.items()) + " |")


if __name__ == "__main__":
    main()
