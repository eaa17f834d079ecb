"""Static PNG charts for the kvartalsanalys package: hotspot map, KDE map and weekly trends.

Drawn with matplotlib (Agg) from the areas in EPSG:3006: no tiles, no network, and the same input
always gives the same bytes (fixed sizes, no timestamps in the PNG metadata).
"""

from __future__ import annotations

import io
import textwrap

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")  # no display on a server; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch, PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from analysis.density import DensitySurface  # noqa: E402

#: Fill by the area layer (`excess_class`); the cluster layer (`in_cluster`) is a thick outline.
HOTSPOT_COLOURS = {"hot": "#b3001b", "ns": "#e3e6ea"}
HOTSPOT_LABELS = {"hot": "Förhöjt område", "ns": "Inte förhöjt"}
CLUSTER_EDGE = "#1b1f24"
CLUSTER_LABEL = "I kluster (tjock kant)"
NOT_ADJUSTED_SV = "Antal händelser, inte justerade för områdenas storlek (befolkning)."
TEXT_COLOUR = "#1b1f24"
MUTED = "#4a5360"
MAX_LABELLED_AREAS = 40
_PNG_METADATA = {"Software": None}  # keeps the bytes free of the matplotlib version


def _png(figure) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    # "tight" grows the picture to hold every artist: a legend or label outside the axes (the map's
    # legend to the right, long area names at the edge) is never cut off (issue 14).
    figure.savefig(buffer, format="png", metadata=_PNG_METADATA, bbox_inches="tight", pad_inches=0.08)
    return buffer.getvalue()


def _source(axes, text: str = "Källa: SCB") -> None:  # type: ignore[no-untyped-def]
    axes.annotate(text, xy=(1.0, 0.0), xycoords="axes fraction", ha="right", va="bottom",
                  fontsize=7, color=MUTED)


def _labels(axes, areas: gpd.GeoDataFrame, fontsize: float = 6) -> None:  # type: ignore[no-untyped-def]
    if len(areas) > MAX_LABELLED_AREAS:
        return
    for name, point in zip(areas["area_name"], areas.representative_point(), strict=True):
        axes.annotate(str(name), xy=(point.x, point.y), ha="center", va="center", fontsize=fontsize,
                      color=TEXT_COLOUR, bbox={"boxstyle": "round,pad=0.2", "fc": "white",
                                               "ec": "none", "alpha": 0.8}, annotation_clip=True)


#: The inset shows the smaller half of the areas when their bounding box covers less than this
#: share of the whole map: at kommun scale they are then too small to see (Örebro's central RegSO).
INSET_MAX_SHARE = 0.05
INSET_MIN_AREAS = 6


def core_bounds(areas: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """The bounding box (with a 5 % margin) of the smaller half of the areas, if it needs an inset.

    The rule: the areas at or below the median area; an inset when their box covers less than
    `INSET_MAX_SHARE` of the box of all areas. None for fewer than `INSET_MIN_AREAS` areas.
    """
    if len(areas) < INSET_MIN_AREAS:
        return None
    size = areas.geometry.area
    xmin, ymin, xmax, ymax = areas[size <= size.median()].total_bounds
    x0, y0, x1, y1 = areas.total_bounds
    if (xmax - xmin) * (ymax - ymin) > INSET_MAX_SHARE * (x1 - x0) * (y1 - y0):
        return None
    pad = 0.05 * max(xmax - xmin, ymax - ymin)
    return xmin - pad, ymin - pad, xmax + pad, ymax + pad


def _with_inset(figure, axes, areas: gpd.GeoDataFrame, draw) -> None:  # type: ignore[no-untyped-def]
    """Draw the map with `draw(ax, labelled_areas)`, plus an inset of the urban core if needed."""
    core = core_bounds(areas) if len(areas) else None
    if core is None:
        draw(axes, areas)
        return
    xmin, ymin, xmax, ymax = core
    centre = areas.representative_point()
    inside = ((centre.x >= xmin) & (centre.x <= xmax) & (centre.y >= ymin) & (centre.y <= ymax))
    draw(axes, areas[~inside.to_numpy()])  # the core's names go in the inset
    inset = axes.inset_axes((1.04, 0.0, 0.5, 0.5))
    draw(inset, areas[inside.to_numpy()])
    inset.set_xlim(xmin, xmax)
    inset.set_ylim(ymin, ymax)
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_title("Tätorten förstorad", fontsize=7, color=MUTED)
    axes.indicate_inset_zoom(inset, edgecolor=MUTED)
    # Room on the right for the legend and the inset (tight_layout does not see the inset).
    figure.subplots_adjust(left=0.08, right=0.62, top=0.97, bottom=0.03)


def hotspot_map_png(areas: gpd.GeoDataFrame, hotspots: pd.DataFrame | None,
                    *, width_cm: float = 16.0, population_source: str | None = None) -> bytes:
    """The areas filled by the area-excess layer, areas marked in a cluster outlined thickly.

    `hotspots` is `analysis.hotspot_layers.hotspot_layers`' frame (indexed by area code). Without a
    population the counts are not rates, and the map says so under the legend; with one, the map
    names its source (`population_source`, e.g. the demo's "Demo: påhittade invånartal"). Small
    central areas get an inset (`core_bounds`).
    """
    size = width_cm / 2.54
    figure, axes = plt.subplots(figsize=(size, size * 0.75), dpi=150)
    try:
        codes = areas["area_code"] if len(areas) else pd.Series([], dtype=object)
        if hotspots is not None:
            classes = hotspots["excess_class"].reindex(codes).fillna("ns")
            marked = hotspots["in_cluster"].reindex(codes).fillna(False).astype(bool)
        else:
            classes = pd.Series("ns", index=codes)
            marked = pd.Series(False, index=codes)

        def draw(ax, labelled: gpd.GeoDataFrame) -> None:  # type: ignore[no-untyped-def]
            colours = [HOTSPOT_COLOURS.get(c, HOTSPOT_COLOURS["ns"]) for c in classes]
            areas.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.8)
            areas.boundary.plot(ax=ax, color=TEXT_COLOUR, linewidth=0.3)
            if marked.any():
                areas[marked.to_numpy()].boundary.plot(ax=ax, color=CLUSTER_EDGE, linewidth=2.0)
            _labels(ax, labelled, 6 if ax is axes else 4.5)

        if len(areas):
            _with_inset(figure, axes, areas, draw)
        axes.set_axis_off()
        axes.set_aspect("equal")
        handles = [Patch(facecolor=colour, edgecolor=TEXT_COLOUR, label=HOTSPOT_LABELS[key])
                   for key, colour in HOTSPOT_COLOURS.items()]
        handles.append(Patch(facecolor="white", edgecolor=CLUSTER_EDGE, linewidth=2.0,
                             label=CLUSTER_LABEL))
        per_capita = hotspots is not None and bool(hotspots["population"].notna().any())
        axes.legend(handles=handles, title="Områden", loc="upper left",
                    bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7, title_fontsize=8)
        note = (NOT_ADJUSTED_SV if not per_capita else
                f"Per 1 000 invånare ({population_source})" if population_source else "")
        if note:
            axes.annotate("\n".join(_wrap(note, 30)), xy=(1.02, 0.72),
                          xycoords="axes fraction", ha="left", va="top", fontsize=6, color=MUTED)
        _source(axes)
        if not axes.child_axes:
            figure.tight_layout()
        return _png(figure)
    finally:
        plt.close(figure)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True) or [""]


def title_chars(width_cm: float) -> int:
    """How many characters of an 8 pt title fit on one line of a chart `width_cm` wide.

    DejaVu Sans at 8 pt averages about 1.75 mm a character (measured on the demo's names); with room
    to spare and half a centimetre of margin, 1.9 mm.
    """
    return max(10, int((width_cm - 0.5) / 0.19))


def density_map_png(areas: gpd.GeoDataFrame, surface: DensitySurface | None,
                    *, width_cm: float = 16.0) -> bytes:
    """The kernel density surface (reports per km²) clipped to the areas, under their boundaries."""
    figure = density_map_figure(areas, surface, width_cm=width_cm)
    try:
        return _png(figure)
    finally:
        plt.close(figure)


def density_map_figure(areas: gpd.GeoDataFrame, surface: DensitySurface | None,
                       *, width_cm: float = 16.0):  # type: ignore[no-untyped-def]
    """The density map's figure (the caller closes it); `figure.axes[0]` is the main map."""
    size = width_cm / 2.54
    figure, axes = plt.subplots(figsize=(size, size * 0.75), dpi=150)
    try:
        images = []

        def draw(ax, labelled: gpd.GeoDataFrame) -> None:  # type: ignore[no-untyped-def]
            if surface is not None:
                xmin, ymin, xmax, ymax = surface.bounds
                density = np.where(surface.density > 0, surface.density, np.nan)
                image = ax.imshow(density, extent=(xmin, xmax, ymin, ymax), origin="upper",
                                  cmap="YlOrRd", interpolation="nearest")
                if len(areas):
                    # Clipped to the areas' outline: no surface over the neighbouring kommuner.
                    image.set_clip_path(PathPatch(_outline_path(areas), transform=ax.transData))
                images.append(image)
            if len(areas):
                areas.boundary.plot(ax=ax, color=TEXT_COLOUR, linewidth=0.4)
                _labels(ax, labelled, 6 if ax is axes else 4.5)

        if len(areas):
            _with_inset(figure, axes, areas, draw)
        else:
            draw(axes, areas)
        if images:
            bar = figure.colorbar(images[0], ax=axes, fraction=0.035, pad=0.02, location="left")
            bar.set_label("rapporter per km²", fontsize=7)
            bar.ax.tick_params(labelsize=6)
        axes.set_axis_off()
        axes.set_aspect("equal")
        _source(axes)
        if not axes.child_axes:
            figure.tight_layout()
        return figure
    except BaseException:
        plt.close(figure)
        raise


def _outline_path(areas: gpd.GeoDataFrame) -> MplPath:
    """The union of the areas as one matplotlib path (outer rings and holes)."""
    union = areas.geometry.union_all()
    polygons = list(getattr(union, "geoms", [union]))
    rings = [ring for poly in polygons if poly.geom_type == "Polygon"
             for ring in (poly.exterior, *poly.interiors)]
    return MplPath.make_compound_path(*[MplPath(np.asarray(ring.coords)[:, :2], closed=True)
                                        for ring in rings])


def trend_png(weekly: pd.DataFrame, category_name: str, *, width_cm: float = 16.0) -> bytes:
    """One category's weekly counts this period, last year's same weeks as a thin line."""
    size = width_cm / 2.54
    figure, axes = plt.subplots(figsize=(size, size * 0.6), dpi=150)
    try:
        x = np.arange(len(weekly))
        axes.plot(x, weekly["count_last_year"].to_numpy(), color=MUTED, linewidth=0.8,
                  linestyle="--", label="Samma veckor förra året")
        axes.plot(x, weekly["count"].to_numpy(), color="#0b4f8a", linewidth=2.0, marker="o",
                  markersize=2.5, label="Perioden")
        axes.set_xticks(x)
        axes.set_xticklabels([f"v{str(w)[-2:]}" for w in weekly["iso_week"]], fontsize=6)
        axes.tick_params(axis="y", labelsize=6)
        axes.set_ylim(bottom=0, top=max(1, axes.get_ylim()[1]))
        locator = axes.yaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # the default AutoLocator is one: whole-number ticks
            locator.set_params(integer=True)
        # A long category name is wrapped to the figure's width (it used to run off the right edge),
        # and the legend sits under the axes, where it can neither cover the lines nor the title.
        axes.set_title("\n".join(_wrap(category_name, title_chars(width_cm))), fontsize=8, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(fontsize=6, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14),
                    ncol=2, borderaxespad=0.0)
        figure.tight_layout(pad=0.6)
        return _png(figure)
    finally:
        plt.close(figure)
