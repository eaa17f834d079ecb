"""How robustly the demo's planted hot areas show in the package's hotspot layers, over seeds.

    .venv/bin/python -m tests.bench.sim_demo_hotspots 30

For the demo seed and ``N`` other seeds: the generator's 2026-Q3 counts (demo as of 2026-11-18,
as tests/api/packages/test_demo_package.py loads it), per 1 000 invånare of the invented
population, through :func:`analysis.hotspot_layers.hotspot_layers`. Prints per seed the fitted ν,
planted areas marked (either layer), ordinary areas marked and the planned hotness of those, and
at the end the share of seeds with the majority of the planted areas marked (docs/statistics.md).
"""

from __future__ import annotations

import sys
from datetime import date

import numpy as np
import pandas as pd

from analysis.hotspot_layers import hotspot_layers
from api.demo import _profiles as P
from api.demo.generator import default_demo_organisations, generate_demo_reports
from api.demo.loader import DEMO_SEED
from tests.api.demo.test_generator import _areas, _categories, _places


def main(n_seeds: int) -> None:
    areas, categories, places = _areas(), _categories(), _places()
    names = dict(zip(areas.area_code, areas.area_name, strict=True))
    planted = {c for c, n in names.items() if any(p in n.lower() for p, _ in P.HOT_AREA_NAMES)}
    rows = []
    for seed in [DEMO_SEED, *range(100, 100 + n_seeds)]:
        demo = generate_demo_reports(areas, default_demo_organisations(), categories,
                                     date(2024, 11, 1), date(2026, 11, 18), seed, places=places)
        r = demo.reports[~demo.reports.is_context & demo.reports.area_code.notna()]
        r = r[(r.observed_date >= "2026-07-01") & (r.observed_date <= "2026-09-30")]
        counts = r.groupby("area_code")["report_count"].sum().reindex(areas.area_code, fill_value=0)
        plan = demo.population.set_index("area_code")
        out = hotspot_layers(areas, counts, population=plan["population"], seed=2026)
        marked = set(out.index[out.hotspot_class == "hot"])
        ordinary = sorted(round(float(plan.hotness[c]), 2) for c in marked - planted)
        rows.append((seed, out.attrs["nu"], len(marked & planted), len(ordinary)))
        print(f"seed {seed}: ν {out.attrs['nu']:.3f}, planted marked {len(marked & planted)}"
              f"/{len(planted)}, ordinary marked {len(ordinary)} {ordinary}", flush=True)
    table = pd.DataFrame(rows, columns=["seed", "nu", "planted", "ordinary"])
    print(f"majority of planted marked on {(2 * table.planted > len(planted)).mean():.0%} of "
          f"{len(table)} seeds; ordinary marked per seed: "
          f"{table.ordinary.value_counts().sort_index().to_dict()}; median ν {np.median(table.nu):.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
