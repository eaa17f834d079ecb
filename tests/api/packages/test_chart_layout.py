"""The package charts: nothing cut at the figure's edge, the density map clipped to the kommun's outline."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.density import DensitySurface
from analysis.hotspot_layers import hotspot_layers
from api.packages import charts

LONG_NAME = "Ungdomssamlingar / samlingar som skapar otrygghet"  # was cut at 8.5 cm (issue 14)


def _edge_ink(png: bytes) -> int:
    """How many pixels of the image's one-pixel border are not blank (white or transparent)."""
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    rgb, alpha = image[..., :3], image[..., 3] if image.shape[2] == 4 else np.ones(image.shape[:2])
    ink = (rgb.min(axis=2) < 0.97) & (alpha > 0.03)
    border = np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])
    return int(border.sum())


def _weekly(weeks: int = 13) -> pd.DataFrame:
    return pd.DataFrame({"iso_week": [f"2026-W{27 + i}" for i in range(weeks)],
                         "count": [16, 30, 21, 20, 21, 30, 20, 13, 33, 18, 19, 31, 12][:weeks],
                         "count_last_year": [26, 48, 35, 33, 38, 20, 32, 32, 30, 27, 20, 24, 21][:weeks]})


def _grid(names: list[str]) -> gpd.GeoDataFrame:
    codes = [f"{r}{c}" for r in "abcdef" for c in "123456"]
    return gpd.GeoDataFrame({"area_code": codes, "area_name": names[:36] + codes[len(names):]}, crs=3006,
                            geometry=[box(c * 1000, r * 1000, c * 1000 + 1000, r * 1000 + 1000)
                                      for r in range(6) for c in range(6)])


@pytest.mark.parametrize("width_cm", [8.5, 16.0])
def test_trend_chart_keeps_a_long_title_and_its_legend_inside(width_cm: float) -> None:
    png = charts.trend_png(_weekly(), LONG_NAME, width_cm=width_cm)
    assert _edge_ink(png) == 0
    # At 8.5 cm the name takes two lines: (8.5 − 0.5) / 0.19 = 42 characters a line.
    assert charts.title_chars(8.5) == 42 and charts.title_chars(16.0) == 81
    assert charts._wrap(LONG_NAME, 42) == ["Ungdomssamlingar / samlingar som skapar", "otrygghet"]


def test_maps_keep_legend_labels_and_colour_bar_inside() -> None:
    names = [f"Långt områdesnamn nummer {i} i kanten" for i in range(36)]
    grid = _grid(names)
    counts = pd.Series(30, index=grid["area_code"])
    counts[["a1", "a2", "b1", "b2"]] = 90
    layers = hotspot_layers(grid, counts, seed=1)
    assert _edge_ink(charts.hotspot_map_png(grid, layers, population_source="Källa: SCB")) == 0
    assert _edge_ink(charts.hotspot_map_png(grid, None)) == 0
    surface = _surface((0.0, 0.0, 6000.0, 6000.0), cells=30)
    assert _edge_ink(charts.density_map_png(grid, surface)) == 0


def _surface(bounds: tuple[float, float, float, float], cells: int) -> DensitySurface:
    xmin, ymin, xmax, ymax = bounds
    size = (xmax - xmin) / cells
    density = np.linspace(1.0, 10.0, cells * cells).reshape(cells, cells)  # every cell above 0
    return DensitySurface(density=density, transform=(size, 0.0, xmin, 0.0, -size, ymax), bounds=bounds,
                          cell_size=size, bandwidth=300.0, kernel="quartic", total=float(density.sum()),
                          n_points=10, n_without_point=0)


def test_density_surface_is_clipped_to_the_areas_outline() -> None:
    # An L of two areas in a 2 km square; the surface covers the whole square, notch included.
    areas = gpd.GeoDataFrame({"area_code": ["L1", "L2"], "area_name": ["", ""]}, crs=3006,
                             geometry=[box(0, 0, 2000, 1000), box(0, 1000, 1000, 2000)])
    figure = charts.density_map_figure(areas, _surface((0.0, 0.0, 2000.0, 2000.0), cells=20))
    try:
        figure.canvas.draw()
        pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3] / 255.0
        height = pixels.shape[0]
        to_pixels = figure.axes[0].transData

        def colour(x: float, y: float) -> np.ndarray:
            px, py = to_pixels.transform((x, y))
            return pixels[int(round(height - py)), int(round(px))]

        # Inside the L the surface is drawn (YlOrRd: red and green above blue, not white) ...
        for point in ((1700.0, 300.0), (300.0, 1700.0), (600.0, 600.0)):
            r, g, b = colour(*point)
            assert b < 0.9 and r > b, point
        # ... in the notch (1000–2000 m east, 1000–2000 m north) it is not: white paper.
        for point in ((1500.0, 1500.0), (1800.0, 1200.0), (1200.0, 1800.0)):
            assert colour(*point).min() > 0.97, point
    finally:
        plt.close(figure)
