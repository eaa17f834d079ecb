"""Simulations of the weekly alert test: false alerts on null data, detection of surges, alpha.

Run the full-size version (figures for docs/statistics.md and BENCHMARKS.md):

    .venv/bin/python -m tests.bench.sim_alerts

tests/analysis/test_alert_simulations.py runs smaller versions of the same functions in the test
suite. Every simulated kommun has 36 areas × 12 categories; each cell's mean is drawn uniformly
between 0.1 and 4 a week. Null scenarios:

* ``poisson``: Poisson counts at the cell mean.
* ``nb5``, ``nb2``: negative binomial of the same means, shape k = 5 and 2 (variance μ + μ²/k),
  every week an independent gamma-distributed rate.
* ``nb_mixed``: k drawn per category uniformly in 1.7–4.9 (the range seen in real weekly counts).
* ``trend``: Poisson, every cell growing 30 % a year.
* ``season``: Poisson with a ±30 % yearly sine, its phase drawn per category.
* ``nb2_trend_season``: all three at once.

The cubes hold 66 weeks before the first tested week, so last year's seasonal ratio is available
(as it is when the app counts :func:`analysis.alerts.alert_history_window`); the ``seasonal=False``
rows show the test without it.
"""

from __future__ import annotations

import platform
import sys
import time
from datetime import date

import numpy as np

from analysis.alerts import weekly_alerts
from analysis.counts import CountCube
from analysis.weeks import week_range

N_AREAS, N_CATS = 36, 12
HISTORY = 66  # weeks before the first tested week: 12 + the n_weeks before last year's week
WEEKS = week_range("2020-W01", "2029-W52")
AREAS = [f"A{i:02d}" for i in range(N_AREAS)]
CATS = [f"c{j:02d}" for j in range(N_CATS)]

SCENARIOS: dict[str, dict] = {
    "poisson": {},
    "nb5": {"k": 5.0},
    "nb2": {"k": 2.0},
    "nb_mixed": {"k": "mixed"},
    "trend": {"trend": 0.30},
    "season": {"season": 0.30},
    "nb2_trend_season": {"k": 2.0, "trend": 0.30, "season": 0.30},
}


def simulate_counts(rng: np.random.Generator, scenario: dict, n_weeks: int, mean=None):
    """Counts (areas, categories, weeks) for one simulated kommun under ``scenario``."""
    mu = rng.uniform(0.1, 4.0, (N_AREAS, N_CATS)) if mean is None else mean
    t = np.arange(n_weeks)
    mult = np.ones((N_CATS, n_weeks))
    if scenario.get("trend"):
        mult = mult * (1 + scenario["trend"]) ** (t / 52)
    if scenario.get("season"):
        phase = rng.uniform(0, 2 * np.pi, N_CATS)
        mult = mult * (1 + scenario["season"] * np.sin(2 * np.pi * t / 52 + phase[:, None]))
    lam = mu[:, :, None] * mult[None, :, :]
    k = scenario.get("k")
    if k == "mixed":
        k = rng.uniform(1.7, 4.9, N_CATS)[None, :, None]
    if k is not None:
        lam = rng.gamma(np.broadcast_to(k, lam.shape), lam / k)
    return rng.poisson(lam)


def _cube(values: np.ndarray) -> CountCube:
    n = values.shape[2]
    return CountCube(AREAS, CATS, WEEKS[:n], values, np.zeros((N_CATS, n), dtype=np.int64))


def false_alerts(scenario: str, *, kommuner: int, weeks: int, seed: int, **kwargs) -> dict:
    """Alerts per tested week on null data: ``kommuner`` simulated kommuner × ``weeks`` weeks."""
    rng = np.random.default_rng(seed)
    per_kommun = []
    for _ in range(kommuner):
        cube = _cube(simulate_counts(rng, SCENARIOS[scenario], HISTORY + weeks))
        per_kommun.append([
            int(weekly_alerts(cube, w, **kwargs)["is_alert"].sum()) for w in cube.weeks[HISTORY:]
        ])
    arr = np.array(per_kommun, dtype=float)
    # Weeks of one kommun share cell means and overlapping history, so the standard error is
    # taken between kommuner.
    se = arr.mean(axis=1).std(ddof=1) / np.sqrt(kommuner) if kommuner > 1 else np.nan
    return {"mean": float(arr.mean()), "se": float(se), "weeks": arr.size,
            "max": int(arr.max())}


def detection(kind: str, scenario: str, *, cubes: int, seed: int, **kwargs) -> float:
    """Share of planted one-week surges that alert; 10 planted cells per simulated kommun.

    ``kind``: ``"plus10"`` (baseline uniform 0.1–2 a week, the surge week gets 10 extra reports,
    Poisson), ``"x3_10"``/``"x3_2"`` (baseline 10 or 2 a week, the week's mean tripled and drawn
    like the rest, so under NB the surge week is as bursty as any other), or ``"xF_B"``/``"pD_B"``
    for a factor F or D extra reports over a baseline B.
    """
    rng = np.random.default_rng(seed)
    k = SCENARIOS[scenario].get("k")
    hits = trials = 0
    for _ in range(cubes):
        values = simulate_counts(rng, SCENARIOS[scenario], HISTORY + 1)
        cells = rng.choice(N_AREAS * N_CATS, size=10, replace=False)
        base, factor, extra = _surge(kind, rng)
        lam = np.repeat(base[:, None], HISTORY + 1, axis=1)
        lam[:, -1] *= factor
        if k is not None:
            lam = rng.gamma(k, lam / k)
        flat = values.reshape(-1, HISTORY + 1)
        flat[cells] = rng.poisson(lam)
        flat[cells, -1] += rng.poisson(extra, size=10)
        out = weekly_alerts(_cube(values), WEEKS[HISTORY], all_cells=True, **kwargs)
        alerted = set(zip(out.loc[out["is_alert"], "area_code"],
                          out.loc[out["is_alert"], "category_code"], strict=True))
        for cell in cells:
            a, c = divmod(int(cell), N_CATS)
            hits += (AREAS[a], CATS[c]) in alerted
            trials += 1
    return hits / trials


def _surge(kind: str, rng) -> tuple[np.ndarray, float, float]:
    if kind == "plus10":
        return rng.uniform(0.1, 2.0, 10), 1.0, 10.0
    head, base = kind.split("_")
    value = float(head[1:])
    if head[0] == "x":
        return np.full(10, float(base)), value, 0.0
    return np.full(10, float(base)), 1.0, value


def alpha_rate(scenario: str, alpha: float, *, kommuner: int, weeks: int, seed: int) -> float:
    """Share of null cells alerting at a given per-cell ``alpha`` (should be at most ``alpha``)."""
    rng = np.random.default_rng(seed)
    alerts = cells = 0
    for _ in range(kommuner):
        cube = _cube(simulate_counts(rng, SCENARIOS[scenario], HISTORY + weeks))
        for w in cube.weeks[HISTORY:]:
            alerts += int(weekly_alerts(cube, w, alpha=alpha)["is_alert"].sum())
            cells += N_AREAS * N_CATS
    return alerts / cells


def main() -> None:
    t_start = time.perf_counter()
    print(f"# sim_alerts · {date.today().isoformat()} · {platform.node()} · "
          f"{platform.processor() or platform.machine()}\n")
    kommuner, weeks = 20, 26
    print(f"## False alerts per week ({kommuner} kommuner × {weeks} weeks = {kommuner * weeks} "
          "weeks per row; SE between kommuner)\n")
    print("| null | beta-binomial (default) | … without season | old binomial mid-p |")
    print("| --- | ---: | ---: | ---: |")
    for i, name in enumerate(SCENARIOS):
        cells = []
        for kw in ({}, {"seasonal": False}, {"method": "binomial"}):
            r = false_alerts(name, kommuner=kommuner, weeks=weeks, seed=100 + i, **kw)
            cells.append(f"{r['mean']:.2f} ± {r['se']:.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)

    print("\n## Detection of planted surges (share of 3 000 planted cells, 300 kommuner)\n")
    print("| surge | data | beta-binomial (default) | … without season | old binomial mid-p |")
    print("| --- | --- | ---: | ---: | ---: |")
    for j, (kind, label) in enumerate((("plus10", "+10 over ≤ 2/week"),
                                        ("x3_10", "3× over 10/week"),
                                        ("x3_2", "3× over 2/week"))):
        for name in ("poisson", "nb5", "nb2"):
            rates = [detection(kind, name, cubes=300, seed=200 + 10 * j, **kw)
                     for kw in ({}, {"seasonal": False}, {"method": "binomial"})]
            print(f"| {label} | {name} | " + " | ".join(f"{r:.1%}" for r in rates) + " |",
                  flush=True)

    print("\n## What size of one-week change is found 90 % of the time? (default test, 1 000 "
          "planted cells per entry)\n")
    sizes = ["x2", "x3", "x5", "x10", "p5", "p10", "p20"]
    print("| data | baseline/week | " + " | ".join(
        s.replace("x", "×").replace("p", "+") for s in sizes) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in sizes) + " |")
    for name in ("poisson", "nb5", "nb2"):
        for base in (1, 2, 5, 10):
            rates = [detection(f"{s}_{base}", name, cubes=100, seed=300 + base) for s in sizes]
            print(f"| {name} | {base} | " + " | ".join(f"{r:.0%}" for r in rates) + " |",
                  flush=True)

    print("\n## Is alpha honoured? Share of null cells alerting at a fixed per-cell alpha "
          "(10 kommuner × 26 weeks × 432 cells)\n")
    print("| null | alpha 0.001 | alpha 0.01 | alpha 0.05 |")
    print("| --- | ---: | ---: | ---: |")
    for name in ("poisson", "nb2", "nb2_trend_season"):
        rates = [alpha_rate(name, a, kommuner=10, weeks=26, seed=400) for a in (0.001, 0.01, 0.05)]
        print(f"| {name} | " + " | ".join(f"{r:.4f}" for r in rates) + " |", flush=True)
    print(f"\nruntime {time.perf_counter() - t_start:.0f} s", file=sys.stderr)
    print(f"\nruntime {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
