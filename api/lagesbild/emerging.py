"""Each area's emerging-hotspot pattern for the weekly lägesbild's area panel.

The periods are the 12 four-week blocks ending with the lägesbild's week (48 weeks), taken from the
week's count cube, so the panel needs no extra query and follows the page's filter. The analysis
takes seconds (a null fit per period), so results are kept per kommun and count grid: the same
week and data give the cached answer, any changed count a new one.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from threading import Lock

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.counts import CountCube
from analysis.emerging import emerging_hotspots

#: Four-week periods in the trend (48 weeks, like the package's 12 months).
PERIODS = 12
PERIOD_WEEKS = 4
#: Above this many areas the panel shows no pattern: the first view of a week would cost seconds
#: (0.7 s at 36 areas, 8.3 s at 1 300 on the benchmark machine); the package still has it.
MAX_AREAS = 200
#: Fixed seed, as the package's, so a page shows the same pattern on every view.
SEED = 20260101
_CACHE_SIZE = 64
_cache: OrderedDict[tuple[str, str], dict[str, str]] = OrderedDict()
_lock = Lock()


def period_grid(cube: CountCube) -> np.ndarray | None:
    """Area × period counts of the last `PERIODS`·`PERIOD_WEEKS` weeks, or None if the cube is shorter."""
    weeks = PERIODS * PERIOD_WEEKS
    if len(cube.areas) < 3 or len(cube.weeks) < weeks:
        return None
    per_week = cube.values[:, :, -weeks:].sum(axis=1)
    return per_week.reshape(len(cube.areas), PERIODS, PERIOD_WEEKS).sum(axis=2).astype(np.int64)


def area_patterns(cube: CountCube, areas: gpd.GeoDataFrame, *, kommun_code: str) -> dict[str, str]:
    """``{area_code: pattern}`` (keys of ``analysis.emerging.PATTERNS_SV``); {} if too little data."""
    grid = period_grid(cube) if len(cube.areas) <= MAX_AREAS else None
    if grid is None:
        return {}
    codes = [str(c) for c in cube.areas]
    shapes = areas[areas["area_code"].isin(codes)]
    if len(shapes) != len(codes):
        return {}
    key = (kommun_code, hashlib.sha256(("|".join(codes)).encode() + grid.tobytes()).hexdigest())
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return dict(_cache[key])
    long = pd.DataFrame({
        "area_code": np.repeat(codes, PERIODS),
        "period": np.tile(np.arange(PERIODS), len(codes)),
        "count": grid.reshape(-1),
    })
    try:
        out = emerging_hotspots(shapes, long, seed=SEED)
    except ValueError:
        return {}
    patterns = {str(code): str(p) for code, p in out["pattern"].items()}
    with _lock:
        _cache[key] = patterns
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return dict(patterns)
