"""Exploratory (stats5): min_cluster_areas=2 with the own-count rule at p < 0.05 (monkeypatched).

Run: .venv/bin/python -m tests.bench.sim_hotspots_own_p CASE MAPS. Layers excess, cluster, union
only, so the maps differ from sim_hotspots' table (its gi_total draws from the same generator).
"""
import sys

import analysis.hotspot_layers as hl
from tests.bench.sim_hotspots import CASES, load_areas, run_case

if __name__ == "__main__":
    hl._OWN_EXCESS_P = 0.05
    name, maps = sys.argv[1], int(sys.argv[2])
    r = run_case(CASES[name], maps=maps, seed=500 + list(CASES).index(name), areas=load_areas(),
                 layers=("excess", "cluster", "union"), min_cluster_areas=2)
    print(name, maps, {k: round(v, 4) for k, v in r.items()}, flush=True)
