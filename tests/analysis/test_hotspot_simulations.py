"""Simulation tests of the hotspot layers on Örebro's 36 RegSO (fixed seeds).

Smaller versions of tests/bench/sim_hotspots.py (full runs: 400 null maps and 200 planted maps per
case, figures in docs/statistics.md). The bounds are derived from the full-run rates so that they
hold with high probability at this size:

* Poisson nulls: the full runs marked anything on 0.8 % (mean 30) and 0.2 % (mean 5) of maps; at
  60 and 40 maps, "at most 5 % of maps" (3 and 2 maps) fails with probability below 0.1 %.
* Lognormal heterogeneity (σ 0.3): full run 4.2 %. 100 maps cannot tell 4 % from 6 %, so this
  test only catches a gross failure: at most 10 of 100 maps (P(X ≥ 11) = 0.3 % at 4.2 %; a
  method that ignored the estimation uncertainty, 15 % in the full run, fails it nine times in
  ten).
* Planted 3× cluster: found (≥ 60 % of its 5 areas marked) on 99.5 % of full-run maps; "≥ 90 % of
  60 maps" fails with probability below 1e-6. Marks on areas not planted: 5.3 % of about 5.5 marks
  a map; with 330 marks the standard error, inflated for marks sharing a map, is about 1.9 points,
  so ≤ 10 % holds by 2.5 standard errors.
* Single 5× area: found on 100 % of 200 full-run maps; per capita 3× cluster 98.5 %.
"""

import pytest

from tests.bench.sim_hotspots import CASES, load_areas, run_case

pytestmark = pytest.mark.slow
LAYERS = ("excess", "cluster", "union")


@pytest.fixture(scope="module")
def areas():
    return load_areas()


@pytest.mark.parametrize(
    ("case", "maps", "most", "seed"),
    [
        ("null: Poisson, mean 30", 60, 3, 41),
        ("null: Poisson, mean 5", 40, 2, 42),
        ("null: lognormal σ 0.3, mean 30", 100, 10, 43),
    ],
)
def test_null_maps_rarely_show_a_hotspot(areas, case, maps, most, seed):
    result = run_case(CASES[case], maps=maps, seed=seed, layers=LAYERS, areas=areas)
    for layer in LAYERS:
        assert round(result[f"any_{layer}"] * maps) <= most, layer


def test_a_planted_cluster_is_found_and_its_neighbours_are_not_marked(areas):
    result = run_case(CASES["cluster 3× (5 areas), mean 30"], maps=60, seed=44, layers=LAYERS,
                      areas=areas)
    for layer in LAYERS:
        assert result[f"found_{layer}"] >= 0.90, layer
        assert result[f"not_elevated_{layer}"] <= 0.10, layer


@pytest.mark.parametrize(
    ("case", "seed"), [("single area 5×, mean 30", 45), ("cluster 3×, per capita", 46)]
)
def test_a_single_hot_area_and_a_per_capita_cluster_are_found(areas, case, seed):
    result = run_case(CASES[case], maps=30, seed=seed, layers=LAYERS, areas=areas)
    for layer in LAYERS:
        assert result[f"found_{layer}"] >= 0.90, layer
