"""Hotspot map layers that find what is there and only that: area excess and clusters.

Two layers, both judged against the same null model (:mod:`analysis._area_null`: every area has the
kommun's rate per unit exposure up to ordinary area-to-area variation, Poisson–lognormal, estimated
from the lower half of the areas so that hot areas cannot hide themselves):

* **Area excess** ("förhöjt område"): each area's own count against that null, one-sided,
  averaged over the uncertainty of the null's two parameters, then Benjamini–Hochberg over the
  areas (false discovery rate ``alpha``). It answers "which areas have clearly more than normal",
  a 5× area as well as the members of a cluster.
* **Clusters** ("kluster"): Kulldorff's (1997) spatial scan statistic with circular windows (each
  area and its nearest neighbours by centroid, from ``min_cluster_areas`` up to
  ``max_cluster_areas``), the window statistic being the overdispersion-aware excess
  ``(c − μ)/√(μ + ν·Σμ_i²)``, and Monte Carlo inference on the largest window statistic of each
  simulated null map (over the same windows). The areas' own counts are part of every window, so
  by default a single hot area is a cluster of one (``min_cluster_areas=2`` leaves single-area
  windows out; measured and not adopted, docs/statistics.md), and the map-wise error rate is
  ``alpha``
  (non-overlapping secondary clusters are tested against the same maximum, as SaTScan does). Inside
  a significant window only the areas whose own count is above normal (one-sided p < 0.25) are
  marked, so a hot area does not colour its ordinary neighbours.

Why not Gi*: Gi* with esda's conditional permutation holds the area's own value fixed, so a single
hot area is never a hotspot and its ordinary neighbours may be. On Örebro's 36 RegSO with a planted
3× cluster of 5 areas it marked most of the cluster on 4.5 % of maps and 37 % of its marks fell on
areas that were not elevated; a single 5× area was never marked (tests/bench/sim_hotspots.py).
:func:`analysis.hotspots.getis_ord_hotspots` remains for comparison. Figures for both layers: docs/statistics.md.

With ``population`` the test is on rates (an area's exposure is its share of the population) and
the output has ``rate_per_1000`` (händelser per 1 000 invånare).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from analysis._area_null import excess_p_values, fit_null, pln_sf, simulate
from analysis._validate import require_columns, require_hotspot_areas
from analysis.hotspots import benjamini_hochberg

EXCESS_LEGEND_SV = (
    "Förhöjt område: området har klart fler händelser{per_capita} än vad som är normalt för "
    "kommunens områden, även med hänsyn till att områden alltid skiljer sig åt en del. Varje "
    "område prövas för sig och högst var tjugonde markering väntas vara ett falsklarm. Ett "
    "område som inte är markerat kan ändå ha fått fler händelser än vanligt; en liten ökning "
    "syns inte."
)
CLUSTER_LEGEND_SV = (
    "Kluster: en grupp närliggande områden (eller ett enskilt område) som tillsammans har klart "
    "fler händelser{per_capita} än normalt. Bara de områden i klustret som själva ligger över "
    "det normala är färgade. På en karta utan verkliga kluster visas ett kluster ungefär högst "
    "var tjugonde gång."
)

#: Confidence levels for the Swedish labels, strictest first: (adjusted p ≤ q, label %).
_LEVELS: tuple[tuple[float, int], ...] = ((0.01, 99), (0.05, 95), (0.10, 90))
#: One-sided p below which a member of a significant window counts as above normal itself.
_OWN_EXCESS_P = 0.25
_CHUNK = 100


def legend_texts(*, per_capita: bool = False) -> dict[str, str]:
    """The Swedish legend texts of the two layers (``"excess"``, ``"cluster"``).

    Examples
    --------
    >>> legend_texts(per_capita=True)["excess"][:60]
    'Förhöjt område: området har klart fler händelser per 1 000 i'
    """
    per = " per 1 000 invånare" if per_capita else ""
    return {
        "excess": EXCESS_LEGEND_SV.format(per_capita=per),
        "cluster": CLUSTER_LEGEND_SV.format(per_capita=per),
    }


def hotspot_layers(
    areas: gpd.GeoDataFrame,
    counts: pd.Series | str,
    *,
    population: pd.Series | str | None = None,
    alpha: float = 0.05,
    max_cluster_areas: int = 15,
    max_cluster_share: float = 0.25,
    min_cluster_areas: int = 1,
    simulations: int = 999,
    seed: int | None = None,
) -> pd.DataFrame:
    """Area excess (FDR) and scan clusters (map-wise level) for one period's counts per area.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        ``area_code`` and ``geometry``, CRS EPSG:3006, at least 3 areas.
    counts : pandas.Series or str
        Counts (non-negative whole numbers) per ``area_code`` (areas missing from the Series count
        0) or the name of a column of ``areas``.
    population : pandas.Series or str, optional
        Inhabitants per ``area_code`` (all areas, each > 0) or a column name. Then the test is on
        rates: an area is expected to have its share of the population's events.
    alpha : float, default 0.05
        False discovery rate of the area layer and map-wise level of the cluster layer, at most
        0.10.
    max_cluster_areas : int, default 15
        Most areas in a cluster window.
    max_cluster_share : float, default 0.25
        Most areas in a window as a share of all areas (whichever limit is smaller).
    min_cluster_areas : int, default 1
        Fewest areas in a window, in the observed and the simulated maps alike (capped at the
        largest window allowed). 2 leaves single hot areas to the area layer; it lowers false
        clusters at small counts but marks ordinary neighbours of a single hot area far more
        often (docs/statistics.md), so it is not the default.
    simulations : int, default 999
        Null maps for the scan's Monte Carlo p-values (at least 99).
    seed : int, optional
        Seed for the simulations: the same seed gives the same result.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``area_code`` in the order of ``areas``: ``count``, ``population`` (NaN without
        one), ``expected`` (the normal count for the area: the kommun's typical rate times its
        exposure), ``ratio`` (count / expected), ``rate_per_1000`` (NaN without population),
        ``p_excess`` (one-sided), ``q_excess`` (Benjamini–Hochberg), ``excess_class``
        (``"hot"``/``"ns"``), ``excess_label`` (Swedish), ``cluster_id`` (0 = none, else 1, 2, …
        by strength; every area of a significant window, whether marked or not), ``cluster_p``,
        ``in_cluster`` (marked: in a significant window and above normal itself),
        ``cluster_label`` (Swedish), and, for the existing map and PDF code, ``hotspot_class``
        (``"hot"`` when the area is förhöjt or marked in a cluster, else ``"ns"``) and ``label``.
        ``attrs`` holds ``rho`` and ``nu`` (the null model's level and heterogeneity),
        ``clusters`` (a list of dicts) and ``legend`` (:func:`legend_texts`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> codes = [f"{r}{c}" for r in "abcdef" for c in "123456"]
    >>> grid = gpd.GeoDataFrame({"area_code": codes}, crs=3006,
    ...     geometry=[box(c, r, c + 1, r + 1) for r in range(6) for c in range(6)])
    >>> counts = pd.Series(30, index=codes)
    >>> counts[["a1", "a2", "b1", "b2"]] = 90      # a hot corner
    >>> counts["f6"] = 150                         # a single hot area
    >>> out = hotspot_layers(grid, counts, seed=1)
    >>> sorted(out.index[out["excess_class"] == "hot"])
    ['a1', 'a2', 'b1', 'b2', 'f6']
    >>> sorted(out.index[out["in_cluster"]])
    ['a1', 'a2', 'b1', 'b2', 'f6']
    >>> out.loc["c3", ["hotspot_class", "label"]].tolist()
    ['ns', 'Inte förhöjt']
    """
    y, pop = _check_inputs(areas, counts, population, alpha, max_cluster_areas,
                           max_cluster_share, simulations)
    if min_cluster_areas < 1:
        raise ValueError("min_cluster_areas måste vara minst 1")
    n = y.size
    exposure = np.ones(n) if pop is None else pop / pop.mean()
    rng = np.random.default_rng(seed)
    codes = pd.Index(areas["area_code"].to_numpy(), name="area_code")
    if y.sum() == 0:
        return _frame(codes, y, pop, np.zeros(n), np.ones(n), np.zeros(n, int), np.ones(n),
                      np.zeros(n, bool), alpha, 0.0, 0.0, [])

    fit = fit_null(y, exposure, rng, draws=max(simulations, 200))
    expected = fit.rho * exposure
    p_excess = excess_p_values(y, exposure, fit)
    own_p = pln_sf(y, expected, fit.nu)

    k_max = int(max(1, min(max_cluster_areas, np.floor(max_cluster_share * n))))
    k_min = min(min_cluster_areas, k_max)
    order = _window_order(areas, k_max)
    z_obs = _window_z(y[None, :], order, expected, fit.nu, k_min)[0]
    # Chunks end at ``simulations``: there are at least 200 fiducial draws, maybe more than maps.
    chunks = [(i, min(i + _CHUNK, simulations)) for i in range(0, simulations, _CHUNK)]
    max_null = np.concatenate([
        _window_z(simulate(rng, exposure, fit.rho_draws[i:j], fit.nu_draws[i:j], j - i),
                  order, expected, fit.nu, k_min).reshape(j - i, -1).max(axis=1)
        for i, j in chunks
    ])
    cluster_id, cluster_p, clusters = _clusters(z_obs, order, np.sort(max_null), alpha, codes,
                                                k_min)
    in_cluster = (cluster_id > 0) & (own_p < _OWN_EXCESS_P)
    for c in clusters:
        c["marked"] = [a for a in c["areas"] if in_cluster[codes.get_loc(a)]]
    return _frame(codes, y, pop, expected, p_excess, cluster_id, cluster_p, in_cluster, alpha,
                  fit.rho, fit.nu, clusters)


def _window_order(areas: gpd.GeoDataFrame, k_max: int) -> np.ndarray:
    """Each area followed by its nearest areas by centroid: row i is window centre i."""
    c = areas.geometry.centroid
    points = np.column_stack([c.x.to_numpy(), c.y.to_numpy()])
    _, idx = cKDTree(points).query(points, k=k_max)
    idx = np.asarray(idx).reshape(len(points), k_max)
    # The centre first even when another centroid coincides with it.
    first = np.arange(len(points))
    same = idx == first[:, None]
    rest = np.where(same, -1, idx)
    ordered = np.concatenate([first[:, None], rest], axis=1)
    return np.array([r[r >= 0][:k_max] for r in ordered])


def _window_z(y: np.ndarray, order: np.ndarray, expected: np.ndarray, nu: float,
              k_min: int = 1) -> np.ndarray:
    """Excess of every window of ``k_min`` areas or more (maps × centres × sizes).

    The statistic is (c − μ)/√(μ + ν·Σμ²); the last axis runs over sizes ``k_min … k_max``.
    """
    y_w = np.cumsum(y[:, order], axis=-1, dtype=np.float64)
    mu_w = np.cumsum(expected[order], axis=-1)
    var_w = mu_w + nu * np.cumsum(expected[order] ** 2, axis=-1)
    return ((y_w - mu_w) / np.sqrt(var_w))[..., k_min - 1:]


def _clusters(z_obs, order, max_null_sorted, alpha, codes, k_min: int = 1):
    """Significant non-overlapping windows, strongest first (Kulldorff's secondary clusters).

    Column ``j`` of ``z_obs`` is the window of ``k_min + j`` areas.
    """
    n, n_sizes = z_obs.shape
    cluster_id = np.zeros(n, dtype=np.int64)
    cluster_p = np.ones(n)
    used = np.zeros(n, dtype=bool)
    clusters: list[dict] = []
    b = max_null_sorted.size
    for flat in np.argsort(-z_obs, axis=None, kind="stable"):
        centre, j = divmod(int(flat), n_sizes)
        size = j + k_min - 1
        z = z_obs[centre, j]
        if z <= 0:
            break
        p = (1 + b - np.searchsorted(max_null_sorted, z, side="left")) / (b + 1)
        if p > alpha:
            break
        members = order[centre, : size + 1]
        if used[members].any():
            continue
        used[members] = True
        cluster_id[members] = len(clusters) + 1
        cluster_p[members] = p
        clusters.append({"cluster_id": len(clusters) + 1, "p_value": float(p), "z": float(z),
                         "areas": [str(codes[m]) for m in members]})
    return cluster_id, cluster_p, clusters


def _frame(codes, y, pop, expected, p_excess, cluster_id, cluster_p, in_cluster, alpha, rho, nu,
           clusters) -> pd.DataFrame:
    q = benjamini_hochberg(p_excess)
    hot = q <= alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, y / expected, np.nan)
    pop_col = np.full(y.size, np.nan) if pop is None else pop
    out = pd.DataFrame(
        {
            "count": y,
            "population": pop_col,
            "expected": expected,
            "ratio": ratio,
            "rate_per_1000": 1000 * y / pop_col,
            "p_excess": p_excess,
            "q_excess": q,
            "excess_class": np.where(hot, "hot", "ns"),
            "excess_label": [_excess_label(h, v) for h, v in zip(hot, q, strict=True)],
            "cluster_id": cluster_id,
            "cluster_p": cluster_p,
            "in_cluster": in_cluster,
            "cluster_label": [
                f"Kluster {c} (p = {_p_text(p)})" if m else "" for c, p, m in
                zip(cluster_id, cluster_p, in_cluster, strict=True)
            ],
        },
        index=codes,
    )
    either = hot | in_cluster
    out["hotspot_class"] = np.where(either, "hot", "ns")
    out["label"] = np.where(hot, out["excess_label"],
                            np.where(in_cluster, out["cluster_label"], "Inte förhöjt"))
    out.attrs.update(rho=float(rho), nu=float(nu), clusters=clusters,
                     legend=legend_texts(per_capita=pop is not None))
    return out


def _excess_label(hot: bool, q: float) -> str:
    if not hot:
        return "Inte förhöjt"
    level = next(pct for limit, pct in _LEVELS if q <= limit)
    return f"Förhöjt ({level} %)"


def _p_text(p: float) -> str:
    return f"{p:.3f}".replace(".", ",")


def _check_inputs(areas, counts, population, alpha, max_cluster_areas, max_cluster_share,
                  simulations):
    require_hotspot_areas(areas)
    if not 0 < alpha <= _LEVELS[-1][0]:
        raise ValueError("alpha måste vara större än 0 och högst 0,10")
    if max_cluster_areas < 1:
        raise ValueError("max_cluster_areas måste vara minst 1")
    if not 0 < max_cluster_share <= 0.5:
        raise ValueError("max_cluster_share måste vara större än 0 och högst 0,5")
    if simulations < 99:
        raise ValueError("simulations måste vara minst 99")
    y = _per_area(areas, counts, "antal", fill=0.0)
    if (y != np.round(y)).any():
        raise ValueError("antal: räkningarna måste vara heltal")
    pop = None
    if population is not None:
        pop = _per_area(areas, population, "befolkning", fill=None)
        if (pop <= 0).any():
            bad = areas["area_code"].iloc[int(np.flatnonzero(pop <= 0)[0])]
            raise ValueError(f"befolkning: area_code '{bad}' har ingen befolkning (0 invånare)")
    return y, pop


def _per_area(areas, values, what: str, *, fill) -> np.ndarray:
    """Values per area in the order of ``areas``, from a Series by area_code or a column name."""
    codes = pd.Index(areas["area_code"])
    if isinstance(values, str):
        require_columns(areas, [values], "områden")
        series = areas[values]
        name = values
    else:
        if not isinstance(values, pd.Series):
            raise ValueError(f"{what} måste vara en Series per area_code eller ett kolumnnamn")
        unknown = values.index.difference(codes)
        if len(unknown):
            raise ValueError(f"{what}: area_code '{unknown[0]}' finns inte bland områdena")
        if values.index.duplicated().any():
            raise ValueError(f"{what}: samma area_code förekommer flera gånger")
        missing = codes.difference(values.index)
        if fill is None and len(missing):
            raise ValueError(f"{what}: area_code '{missing[0]}' saknar värde")
        series = values.reindex(codes)
        if fill is not None:
            series = series.fillna(fill)
        name = what
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise ValueError(f"{what}: kolumnen '{name}' måste vara numerisk")
    out = series.to_numpy(dtype=np.float64)
    if np.isnan(out).any():
        bad = codes[int(np.flatnonzero(np.isnan(out))[0])]
        raise ValueError(f"{what}: area_code '{bad}' saknar värde")
    if (out < 0).any():
        bad = codes[int(np.flatnonzero(out < 0)[0])]
        raise ValueError(f"{what}: area_code '{bad}' har ett negativt värde")
    return out
