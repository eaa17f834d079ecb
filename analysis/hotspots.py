"""Hotspots: local Getis-Ord Gi* over analysis areas, with permutation inference and FDR control.

The statistic is PySAL's ``esda.G_Local(star=True)`` on binary weights (the area itself counts
as its own neighbour, weight 1). Weights are queen contiguity by default. Areas that touch no
other area (islands, e.g. a skärgård DeSO, or EST-områden drawn apart) get their single nearest
area by centroid distance attached as a neighbour, both ways (KNN with k=1, like libpysal's
``attach_islands`` but without its duplicate links when two islands are each other's nearest),
so every area has a neighbourhood. ``weights="knn"`` uses the k nearest centroids for every
area instead, which suits area sets that are not a tessellation at all.

Inference is by conditional permutation (``permutations`` random draws, seeded), giving a
one-sided pseudo p-value in the smaller tail (ties with the observed value count towards both
tails, unlike esda's ``p_sim``, which would call a zero-count area among zero-count neighbours
a significant coldspot). Because one test is run per
area, the p-values are adjusted with the Benjamini–Hochberg procedure (false discovery rate)
before an area is called hot or cold.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
from esda import G_Local
from libpysal.weights import KNN, Queen, W

from analysis._validate import require_columns, require_hotspot_areas

#: Confidence levels used for the Swedish labels, strictest first: (FDR-adjusted p ≤ q, label %).
_LEVELS: tuple[tuple[float, int], ...] = ((0.01, 99), (0.05, 95), (0.10, 90))

_WEIGHTS = ("queen", "knn")


def getis_ord_hotspots(
    areas: gpd.GeoDataFrame,
    counts: pd.Series | str,
    *,
    weights: str = "queen",
    k: int = 6,
    permutations: int = 999,
    seed: int | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Classify areas as hot, cold or not significant with Getis-Ord Gi* and FDR control.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas as in the data contract: ``area_code``, ``geometry``; CRS EPSG:3006.
    counts : pandas.Series or str
        Either a Series of counts indexed by ``area_code`` (areas missing from it count 0; codes not
        in ``areas`` are an error), or the name of a numeric column of ``areas``.
    weights : {"queen", "knn"}
        ``"queen"``: queen contiguity, islands get their nearest area attached (KNN, k=1).
        ``"knn"``: the ``k`` nearest areas by centroid for every area.
    k : int
        Neighbours per area when ``weights="knn"``.
    permutations : int
        Conditional permutations for the pseudo p-value (at least 99).
    seed : int, optional
        Seed for the permutations, for reproducible results.
    alpha : float
        False discovery rate, at most 0.10: an area is hot/cold when its BH-adjusted p-value is
        ≤ ``alpha``. The label shows the strictest level (99, 95 or 90 %) the area passes.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``area_code`` in the order of ``areas``, columns: ``count`` (float), ``z``
        (analytic Gi* z-score), ``p_sim`` (one-sided pseudo p-value), ``p_fdr`` (BH-adjusted),
        ``hotspot_class`` (``"hot"``, ``"cold"`` or ``"ns"``; the direction is the tail of the
        permutation distribution the observed value lies in), ``label`` (Swedish, e.g.
        ``"Hotspot (99 %)"``), ``n_neighbours`` (excluding the area itself).

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> codes = [f"{r}{c}" for r in "abcde" for c in "12345"]
    >>> grid = gpd.GeoDataFrame({"area_code": codes}, crs=3006,
    ...     geometry=[box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)])
    >>> counts = pd.Series([10 if c[0] in "abc" and c[1] in "123" else 1 for c in codes], codes)
    >>> out = getis_ord_hotspots(grid, counts, seed=1)
    >>> out.loc["b2", "label"], out.loc["e5", "hotspot_class"]
    ('Hotspot (95 %)', 'ns')
    """
    y = _check_inputs(areas, counts, weights, k, permutations, alpha)
    w = _build_weights(areas, weights, k)
    with warnings.catch_warnings():
        # esda warns on zero-variance input; _check_inputs already refused it in Swedish.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        lg = G_Local(
            y, w, transform="B", permutations=permutations, star=True,
            keep_simulations=True, n_jobs=1, seed=seed,
        )
    z = np.asarray(lg.Zs, dtype=float)
    p_sim, upper = _pseudo_p(np.asarray(lg.Gs, dtype=float), np.asarray(lg.rGs, dtype=float))
    p_fdr = benjamini_hochberg(p_sim)
    significant = p_fdr <= alpha
    hot_class = np.where(significant & upper, "hot", np.where(significant, "cold", "ns"))
    out = pd.DataFrame(
        {
            "count": y,
            "z": z,
            "p_sim": p_sim,
            "p_fdr": p_fdr,
            "hotspot_class": hot_class,
            "label": [_label(c, q) for c, q in zip(hot_class, p_fdr, strict=True)],
            "n_neighbours": np.array([w.cardinalities[i] for i in w.id_order]),
        },
        index=pd.Index(areas["area_code"].to_numpy(), name="area_code"),
    )
    return out


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) for a family of tests.

    ``q_(i) = min_{j ≥ i} (n / j) · p_(j)`` over the ascending p-values, capped at 1. A test is
    significant at false discovery rate ``alpha`` exactly when its adjusted value is ≤ ``alpha``.

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    n = p.size
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="mergesort")
    ranked = p[order] * n / np.arange(1, n + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(ranked, 1.0)
    return out


def _pseudo_p(observed: np.ndarray, simulated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-sided pseudo p-value in the smaller tail, counting ties as *not* extreme on both sides.

    esda's own ``p_sim`` counts a tie as extreme on the low side, so an area with 0 reports among
    neighbours with 0 reports (common for counts) comes out as a significant coldspot. Here a tie
    counts towards both tails, which keeps such areas not significant.
    Returns the p-values and whether the upper tail (a hotspot) is the smaller one.
    """
    tol = 1e-10 * np.maximum(np.abs(observed), 1e-12)[:, None]
    n_sim = simulated.shape[1]
    at_least = (simulated >= observed[:, None] - tol).sum(axis=1)
    at_most = (simulated <= observed[:, None] + tol).sum(axis=1)
    upper = at_least < at_most
    return (np.minimum(at_least, at_most) + 1) / (n_sim + 1), upper


def _label(hotspot_class: str, q: float) -> str:
    if hotspot_class == "ns":
        return "Inte signifikant"
    word = "Hotspot" if hotspot_class == "hot" else "Coldspot"
    level = next(pct for limit, pct in _LEVELS if q <= limit)
    return f"{word} ({level} %)"


def _check_inputs(areas, counts, weights, k, permutations, alpha) -> np.ndarray:
    require_hotspot_areas(areas)
    if weights not in _WEIGHTS:
        raise ValueError(f"okänd viktmatris '{weights}', välj 'queen' eller 'knn'")
    if weights == "knn" and not 1 <= k < len(areas):
        raise ValueError(f"k måste vara mellan 1 och {len(areas) - 1}, inte {k}")
    if permutations < 99:
        raise ValueError("permutations måste vara minst 99")
    if not 0 < alpha <= _LEVELS[-1][0]:
        raise ValueError("alpha måste vara större än 0 och högst 0,10")
    if isinstance(counts, str):
        require_columns(areas, [counts], "områden")
        values = areas[counts]
    else:
        if not isinstance(counts, pd.Series):
            raise ValueError("antal måste vara en Series per area_code eller ett kolumnnamn")
        unknown = counts.index.difference(pd.Index(areas["area_code"]))
        if len(unknown):
            raise ValueError(f"antal: area_code '{unknown[0]}' finns inte bland områdena")
        if counts.index.duplicated().any():
            raise ValueError("antal: samma area_code förekommer flera gånger")
        if counts.isna().any():
            raise ValueError(f"antal: area_code '{counts.index[counts.isna()][0]}' saknar värde")
        values = counts.reindex(areas["area_code"]).fillna(0)
        counts = "antal"
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"kolumnen '{counts}' måste vara numerisk")
    y = values.to_numpy(dtype=float)
    if np.isnan(y).any() or (y < 0).any():
        raise ValueError(f"kolumnen '{counts}' har saknade eller negativa värden")
    if np.ptp(y) == 0:
        raise ValueError("alla områden har samma antal; det finns inga hotspots att söka")
    return y


def _build_weights(areas: gpd.GeoDataFrame, weights: str, k: int) -> W:
    geoms = areas.reset_index(drop=True)
    centroids = geoms.geometry.centroid
    points = np.column_stack([centroids.x, centroids.y])
    with warnings.catch_warnings():
        # libpysal warns about islands and disconnected components; both are handled here.
        warnings.simplefilter("ignore", UserWarning)
        if weights == "knn":
            return KNN(points, k=k, silence_warnings=True)
        w = Queen.from_dataframe(geoms, use_index=False, silence_warnings=True)
        if w.islands:
            w = _attach_islands(w, KNN(points, k=1, silence_warnings=True))
    return w


def _attach_islands(w: W, nearest: W) -> W:
    """Link every island to its nearest area, both ways, without duplicate links."""
    neighbours = {i: set(w.neighbors[i]) for i in w.id_order}
    for island in w.islands:
        other = nearest.neighbors[island][0]
        neighbours[island].add(other)
        neighbours[other].add(island)
    return W({i: sorted(nb) for i, nb in neighbours.items()}, id_order=w.id_order,
             silence_warnings=True)
