"""Kernel density surface of point reports on a regular grid in EPSG:3006.

Points are spread onto the grid by linear (cloud-in-cell) binning, and the binned grid is
convolved with the kernel sampled on the same grid and normalised to sum 1 (FFT convolution). This
keeps the total mass exact: the surface integrates to the number of reports (their
``report_count`` weights) as long as every kernel lies inside the grid, which the default bounds
ensure. Density is in reports per km², so ``density.sum() * cell_area_km2 == total``.

The default kernel is the quartic (biweight) kernel with compact support radius ``bandwidth``,
``K(d) = 3 / (pi h^2) * (1 - d^2 / h^2)^2`` for ``d < h``, the usual choice in crime mapping
(CrimeStat, ArcGIS). ``kernel="gaussian"`` uses a normal kernel with standard deviation
``bandwidth``, truncated at 4 standard deviations.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.signal import fftconvolve
from shapely import box

from analysis._validate import require_columns, require_numeric

#: Refuse grids larger than this (cells); a kommun at 50 m cells is well under it.
MAX_CELLS = 25_000_000

_KERNEL_RADIUS = {"quartic": 1.0, "gaussian": 4.0}  # support radius in bandwidths


@dataclass(frozen=True)
class DensitySurface:
    """A density grid: ``density[row, col]`` in reports per km², row 0 at the north edge.

    ``transform`` is the affine ``(a, b, c, d, e, f)`` in rasterio order, mapping a cell's
    upper-left corner: ``x = c + a * col``, ``y = f + e * row`` (``e`` is negative).
    ``bounds`` is ``(xmin, ymin, xmax, ymax)`` of the whole grid in EPSG:3006.
    """

    density: np.ndarray
    transform: tuple[float, float, float, float, float, float]
    bounds: tuple[float, float, float, float]
    cell_size: float
    bandwidth: float
    kernel: str
    total: float
    n_points: int
    n_without_point: int
    crs: str = "EPSG:3006"
    unit: str = "rapporter per km²"

    @property
    def cell_area_km2(self) -> float:
        """Area of one cell in km²."""
        return self.cell_size * self.cell_size / 1e6


def kernel_density(
    reports: pd.DataFrame,
    *,
    bandwidth: float,
    cell_size: float,
    bounds: tuple[float, float, float, float] | None = None,
    weight: str | None = "report_count",
    kernel: str = "quartic",
) -> DensitySurface:
    """Kernel density of report points as a grid of reports per km².

    Parameters
    ----------
    reports : pandas.DataFrame
        Reports frame with ``x`` and ``y`` in EPSG:3006 (metres); rows with NaN coordinates are
        left out and counted in ``n_without_point``.
    bandwidth : float
        Kernel bandwidth in metres (quartic: search radius; gaussian: standard deviation).
    cell_size : float
        Grid cell side in metres.
    bounds : tuple, optional
        ``(xmin, ymin, xmax, ymax)`` of the grid. Default: the points' extent padded by the kernel
        radius, snapped outwards to whole cells, so no mass is lost. With explicit bounds, mass of
        points near or outside the edge falls off the grid.
    weight : str or None
        Column with the weight of each point, by default ``report_count`` (counting always sums
        ``report_count``); ``None`` weights every row 1.
    kernel : {"quartic", "gaussian"}
        Kernel shape.

    Returns
    -------
    DensitySurface

    Examples
    --------
    >>> import pandas as pd
    >>> pts = pd.DataFrame({"x": [500_000.0, 500_100.0], "y": [6_400_000.0] * 2,
    ...                     "report_count": [1, 3]})
    >>> s = kernel_density(pts, bandwidth=200, cell_size=25)
    >>> round(float(s.density.sum() * s.cell_area_km2), 6)
    4.0
    """
    x, y, w, n_missing = _check_inputs(reports, bandwidth, cell_size, bounds, weight, kernel)
    radius = _KERNEL_RADIUS[kernel] * bandwidth
    if bounds is None:
        if len(x) == 0:
            raise ValueError("inga rapporter med koordinater; ange bounds för ett tomt rutnät")
        xmin = np.floor((x.min() - radius) / cell_size) * cell_size - cell_size
        ymin = np.floor((y.min() - radius) / cell_size) * cell_size - cell_size
        xmax = np.ceil((x.max() + radius) / cell_size) * cell_size + cell_size
        ymax = np.ceil((y.max() + radius) / cell_size) * cell_size + cell_size
    else:
        xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    nx = max(1, int(np.ceil((xmax - xmin) / cell_size - 1e-9)))
    ny = max(1, int(np.ceil((ymax - ymin) / cell_size - 1e-9)))
    if nx * ny > MAX_CELLS:
        raise ValueError(
            f"rutnätet blir för stort ({nx} × {ny} rutor); välj större cell_size eller mindre yta"
        )
    xmax, ymax = xmin + nx * cell_size, ymin + ny * cell_size
    binned = _linear_binning(x, y, w, xmin, ymax, cell_size, nx, ny)
    kern = _kernel_grid(kernel, bandwidth, cell_size)
    smoothed = fftconvolve(binned, kern, mode="same") if len(x) else binned
    smoothed = np.clip(smoothed, 0.0, None)  # FFT round-off can leave tiny negatives
    density = smoothed / (cell_size * cell_size / 1e6)
    return DensitySurface(
        density=density,
        transform=(cell_size, 0.0, xmin, 0.0, -cell_size, ymax),
        bounds=(xmin, ymin, xmax, ymax),
        cell_size=float(cell_size),
        bandwidth=float(bandwidth),
        kernel=kernel,
        total=float(w.sum()),
        n_points=int(len(x)),
        n_without_point=n_missing,
    )


def density_cells(surface: DensitySurface, *, min_density: float = 0.0) -> gpd.GeoDataFrame:
    """The cells of a density surface as square polygons (EPSG:3006), e.g. for GeoPackage export.

    Only cells with density strictly above ``min_density`` are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> s = kernel_density(pd.DataFrame({"x": [0.0], "y": [0.0]}), bandwidth=100,
    ...                    cell_size=50, weight=None)
    >>> cells = density_cells(s)
    >>> list(cells.columns), cells.crs.to_epsg()
    (['row', 'col', 'density', 'geometry'], 3006)
    """
    if not isinstance(surface, DensitySurface):
        raise ValueError("surface måste vara en DensitySurface från kernel_density")
    rows, cols = np.nonzero(surface.density > min_density)
    a, _, c, _, e, f = surface.transform
    x0 = c + cols * a
    y1 = f + rows * e
    geoms = box(x0, y1 + e, x0 + a, y1)
    return gpd.GeoDataFrame(
        {"row": rows, "col": cols, "density": surface.density[rows, cols]},
        geometry=geoms,
        crs=surface.crs,
    )


def _check_inputs(reports, bandwidth, cell_size, bounds, weight, kernel):
    require_columns(reports, ["x", "y"], "rapporter")
    for col in ("x", "y"):
        s = reports[col]
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            raise ValueError(f"rapporter: kolumnen '{col}' måste vara numerisk, inte {s.dtype}")
    if kernel not in _KERNEL_RADIUS:
        raise ValueError(f"okänd kärna '{kernel}', välj 'quartic' eller 'gaussian'")
    if not (np.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError("bandwidth måste vara ett positivt antal meter")
    if not (np.isfinite(cell_size) and cell_size > 0):
        raise ValueError("cell_size måste vara ett positivt antal meter")
    if bounds is not None and (
        len(bounds) != 4 or not bounds[0] < bounds[2] or not bounds[1] < bounds[3]
    ):
        raise ValueError("bounds måste vara (xmin, ymin, xmax, ymax) med xmin < xmax, ymin < ymax")
    has_point = reports["x"].notna() & reports["y"].notna()
    if weight is None:
        w = np.ones(int(has_point.sum()))
    else:
        require_numeric(reports, weight, "rapporter", min_value=0)
        w = reports.loc[has_point, weight].to_numpy(dtype=float)
    x = reports.loc[has_point, "x"].to_numpy(dtype=float)
    y = reports.loc[has_point, "y"].to_numpy(dtype=float)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("rapporter: kolumnerna 'x' och 'y' har oändliga värden")
    return x, y, w, int((~has_point).sum())


def _linear_binning(x, y, w, xmin, ymax, cell, nx, ny) -> np.ndarray:
    """Share each point's weight among the 4 nearest cell centres, bilinearly."""
    grid = np.zeros((ny, nx))
    if len(x) == 0:
        return grid
    # continuous cell coordinates measured from the first cell centre
    fc = (x - xmin) / cell - 0.5
    fr = (ymax - y) / cell - 0.5
    c0 = np.floor(fc).astype(np.int64)
    r0 = np.floor(fr).astype(np.int64)
    tc = fc - c0
    tr = fr - r0
    flat = np.zeros(ny * nx)
    for dr, dc, share in (
        (0, 0, (1 - tr) * (1 - tc)),
        (0, 1, (1 - tr) * tc),
        (1, 0, tr * (1 - tc)),
        (1, 1, tr * tc),
    ):
        rr, cc = r0 + dr, c0 + dc
        inside = (rr >= 0) & (rr < ny) & (cc >= 0) & (cc < nx)
        flat += np.bincount(
            rr[inside] * nx + cc[inside], weights=(w * share)[inside], minlength=ny * nx
        )
    grid[:] = flat.reshape(ny, nx)
    return grid


def _kernel_grid(kernel: str, bandwidth: float, cell: float) -> np.ndarray:
    """The kernel sampled at cell-centre offsets and normalised to sum 1 (mass-preserving)."""
    half = int(np.ceil(_KERNEL_RADIUS[kernel] * bandwidth / cell))
    offsets = np.arange(-half, half + 1) * cell
    dx, dy = np.meshgrid(offsets, offsets)
    d2 = (dx * dx + dy * dy) / (bandwidth * bandwidth)
    if kernel == "quartic":
        k = np.where(d2 < 1.0, (1.0 - d2) ** 2, 0.0)
    else:
        k = np.where(d2 <= _KERNEL_RADIUS["gaussian"] ** 2, np.exp(-0.5 * d2), 0.0)
    total = k.sum()
    if total == 0:  # bandwidth far below the cell size: all mass in the point's own cell
        k[half, half] = 1.0
        total = 1.0
    return k / total


#: Sane range (metres) for a rule-chosen quartic search radius: below a block, above a district.
BANDWIDTH_RANGE_M: tuple[float, float] = (150.0, 1000.0)
#: Quartic radius per Gaussian standard deviation with the same variance: the 2-D quartic kernel of
#: radius R has E[d²] = R²/4, i.e. a standard deviation of R/√8 per axis.
_QUARTIC_PER_SIGMA = float(np.sqrt(8.0))


def scott_bandwidth(
    reports: pd.DataFrame,
    *,
    kernel: str = "quartic",
    clip: tuple[float, float] = BANDWIDTH_RANGE_M,
) -> float:
    """Kernel bandwidth in metres by Scott's rule on the projected points, clipped to ``clip``.

    Scott's (1992) rule for a bivariate normal reference density is ``σ · n^(-1/6)`` per axis; σ is
    taken robustly as ``min(sd, IQR/1.349)`` per axis (Silverman 1986), averaged geometrically
    over x and y (EPSG:3006 metres), and ``n`` is the number of points. For the quartic kernel the
    Gaussian bandwidth is turned into the quartic radius of the same variance (× √8). The result
    is clipped to ``clip`` (150–1 000 m by default): reports pile up on a few addresses, where the
    rule would go below a street block, and a few scattered reports would smooth over districts.

    Examples
    --------
    >>> import pandas as pd
    >>> pts = pd.DataFrame({"x": [0.0, 1000.0] * 32, "y": [0.0] * 32 + [1000.0] * 32})
    >>> round(scott_bandwidth(pts, kernel="gaussian", clip=(1.0, 10_000.0)), 1)
    252.0
    >>> scott_bandwidth(pts)
    712.7
    """
    if kernel not in _KERNEL_RADIUS:
        raise ValueError(f"okänd kärna '{kernel}', välj 'quartic' eller 'gaussian'")
    low, high = clip
    if not (0 < low <= high):
        raise ValueError("clip måste vara (min, max) med 0 < min <= max")
    x, y, _, _ = _check_inputs(reports, 1.0, 1.0, None, None, kernel)
    n = len(x)
    if n < 2:
        return float(high)
    scales = [_robust_scale(v) for v in (x, y)]
    sigma = float(np.sqrt(scales[0] * scales[1]))
    if not sigma > 0:  # every point on one line or one spot
        sigma = max(scales)
    if not sigma > 0:
        return float(low)
    h = sigma * n ** (-1.0 / 6.0)
    if kernel == "quartic":
        h *= _QUARTIC_PER_SIGMA
    return round(float(np.clip(h, low, high)), 1)


def _robust_scale(v: np.ndarray) -> float:
    sd = float(np.std(v, ddof=1))
    q75, q25 = np.percentile(v, [75, 25])
    iqr = float(q75 - q25) / 1.349
    return min(sd, iqr) if iqr > 0 else sd
