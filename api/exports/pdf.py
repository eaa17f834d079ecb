"""The weekly lägesbild as an A4 PDF (WeasyPrint): a static status map, tables and the texts.

The map is drawn with geopandas/matplotlib from the areas in EPSG:3006: no tiles, so the PDF needs
no network and prints the same everywhere.
"""

from __future__ import annotations

import base64
import io

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from jinja2 import Environment  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from analysis.alerts import ALERT_HELP_TEXT_SV  # noqa: E402
from api.core.pdf import html_to_pdf  # noqa: E402
from api.core.time import local_time
from api.exports.service import WeekExport  # noqa: E402

STATUS_COLOURS = {"grön": "#1e7b3a", "gul": "#f2c500", "orange": "#e06c00", "röd": "#b3001b"}
STATUS_LABELS = {"grön": "Grön", "gul": "Gul", "orange": "Orange", "röd": "Röd"}
NO_STATUS_COLOUR = "#d9dde3"
MAX_LABELLED_AREAS = 40  # beyond this the names overlap; the table lists them all
COMPLETENESS_LABELS = {"reported": "Har rapporterat", "nollrapport": "Nollrapport", "silent": "Ingen rapport"}


def area_status(export: WeekExport) -> dict[str, str]:
    """Each area's status as shown: published (analyst's or suggestion), else the suggestion."""
    return {
        a.code: (a.effective_status if export.published else a.suggested_status)
        for a in export.snapshot.areas
    }


def status_map_png(areas: gpd.GeoDataFrame, statuses: dict[str, str], *, width_cm: float = 16.0) -> bytes:
    """A PNG of the areas coloured by status, with a legend grön/gul/orange/röd."""
    size = width_cm / 2.54
    figure, axes = plt.subplots(figsize=(size, size * 0.8), dpi=150)
    try:
        if len(areas):
            colours = [STATUS_COLOURS.get(statuses.get(code, ""), NO_STATUS_COLOUR) for code in areas.area_code]
            areas.plot(ax=axes, color=colours, edgecolor="white", linewidth=0.8)
            areas.boundary.plot(ax=axes, color="#1b1f24", linewidth=0.3)
            if len(areas) <= MAX_LABELLED_AREAS:
                for name, point in zip(areas.area_name, areas.representative_point(), strict=True):
                    axes.annotate(name, xy=(point.x, point.y), ha="center", va="center", fontsize=6,
                                  color="#1b1f24", bbox={"boxstyle": "round,pad=0.2", "fc": "white",
                                                         "ec": "none", "alpha": 0.8})
        axes.set_axis_off()
        axes.set_aspect("equal")
        handles = [Patch(facecolor=colour, edgecolor="#1b1f24", label=STATUS_LABELS[status])
                   for status, colour in STATUS_COLOURS.items()]
        axes.legend(handles=handles, title="Status", loc="upper left", bbox_to_anchor=(1.0, 1.0),
                    frameon=False, fontsize=8, title_fontsize=9)
        axes.annotate("Källa: SCB", xy=(1.0, 0.0), xycoords="axes fraction", ha="right", va="bottom",
                      fontsize=7, color="#4a5360")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def render_html(
    env: Environment, export: WeekExport, areas: gpd.GeoDataFrame, *, timezone: str
) -> str:
    """The print HTML of the lägesbild (what WeasyPrint turns into the PDF)."""
    snapshot = export.snapshot
    statuses = area_status(export)
    png = status_map_png(areas, statuses)
    return env.get_template("pdf/lagesbild.html").render(
        snapshot=snapshot,
        alert_help=ALERT_HELP_TEXT_SV,
        published=export.published,
        statuses=statuses,
        status_labels=STATUS_LABELS,
        status_colours=STATUS_COLOURS,
        completeness_labels=COMPLETENESS_LABELS,
        map_data_uri="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        published_local=local_time(snapshot.published_at, timezone),
        week_number=int(snapshot.week[-2:]),
        attributions=list(dict.fromkeys([*snapshot.attributions, "Källa: SCB"])),
    )


def render_pdf(html: str) -> bytes:
    """The PDF of a print HTML page."""
    return html_to_pdf(html)
