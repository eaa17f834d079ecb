"""Uniform random points inside polygons, vectorised by rejection sampling in each bounding box."""

from __future__ import annotations

import numpy as np
import shapely


def sample_points(geoms: np.ndarray, area_index: np.ndarray, rng: np.random.Generator):
    """Draw one point uniformly inside ``geoms[area_index[i]]`` for every ``i``.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely Polygon/MultiPolygon
        The areas (prepared or not).
    area_index : numpy.ndarray of int
        For each wanted point, the index of its polygon.
    rng : numpy.random.Generator
        Source of randomness; the result is deterministic given its state.

    Returns
    -------
    tuple of numpy.ndarray
        ``x`` and ``y`` (float64), strictly inside their polygon.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> x, y = sample_points(np.array([box(0, 0, 10, 10)]), np.zeros(3, int),
    ...                      np.random.default_rng(0))
    >>> bool(((x > 0) & (x < 10) & (y > 0) & (y < 10)).all())
    True
    """
    x = np.full(len(area_index), np.nan)
    y = np.full(len(area_index), np.nan)
    for a in np.unique(area_index):
        rows = np.flatnonzero(area_index == a)
        geom = geoms[a]
        minx, miny, maxx, maxy = geom.bounds
        fill = max(geom.area / ((maxx - minx) * (maxy - miny)), 0.01)
        xs, ys, got = [], [], 0
        while got < len(rows):
            k = int((len(rows) - got) / fill * 1.3) + 16
            px = rng.uniform(minx, maxx, k)
            py = rng.uniform(miny, maxy, k)
            inside = shapely.contains_xy(geom, px, py)
            xs.append(px[inside])
            ys.append(py[inside])
            got += int(inside.sum())
        x[rows] = np.concatenate(xs)[: len(rows)]
        y[rows] = np.concatenate(ys)[: len(rows)]
    return x, y
