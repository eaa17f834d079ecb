"""The weekly lägesbild as one self-contained HTML file that opens offline with a working map.

Leaflet's JS and CSS, the simplified area GeoJSON and the lägesbild's numbers are inlined; the only
outside request is the optional background tile layer, which may fail offline (the areas still show).
"""

from __future__ import annotations

import json
import re

from jinja2 import Environment
from markupsafe import Markup

from api.core.time import local_time
from api.exports.pdf import COMPLETENESS_LABELS, STATUS_COLOURS, STATUS_LABELS, area_status
from api.exports.service import WeekExport
from api.resources import frontend_path

# Leaflet's CSS points at marker and layer-control images; this map uses neither, and a relative
# url() in a file:// page would be a stray request.
_CSS_IMAGE_URL = re.compile(r"url\(images/[^)]*\)")


def _read_leaflet(name: str) -> str:
    return frontend_path("static", "vendor", "leaflet", name).read_text("utf-8")


def leaflet_css() -> Markup:
    """The vendored Leaflet stylesheet for a <style> element, without its image URLs."""
    return Markup(_CSS_IMAGE_URL.sub("none", _read_leaflet("leaflet.css")))


def leaflet_js() -> Markup:
    """The vendored Leaflet script for an inline <script> element."""
    return _inline_script(_read_leaflet("leaflet.js"))


def _inline_script(text: str) -> Markup:
    """Text safe inside <script>: no "</" can close the element early."""
    return Markup(text.replace("</", "<\\/"))


def map_data(export: WeekExport) -> dict[str, object]:
    """What the inline map script needs: each area's status, count and categories. No free text."""
    statuses = area_status(export)
    return {
        "week": export.snapshot.week,
        "published": export.published,
        "colours": STATUS_COLOURS,
        "labels": STATUS_LABELS,
        "areas": {
            a.code: {
                "name": a.name,
                "count": a.count,
                "status": statuses.get(a.code),
                "categories": [[c.category_name, c.count] for c in a.category_counts],
            }
            for a in export.snapshot.areas
        },
    }


def render(
    env: Environment, export: WeekExport, area_geojson: bytes, *, timezone: str, tile_url: str,
    tile_attribution: str,
) -> str:
    """The complete HTML document."""
    snapshot = export.snapshot
    online_tiles = tile_url if tile_url.startswith(("https://", "http://")) else ""
    return env.get_template("export_lagesbild.html").render(
        snapshot=snapshot,
        published=export.published,
        statuses=area_status(export),
        status_labels=STATUS_LABELS,
        status_colours=STATUS_COLOURS,
        completeness_labels=COMPLETENESS_LABELS,
        published_local=local_time(snapshot.published_at, timezone),
        week_number=int(snapshot.week[-2:]),
        attributions=list(dict.fromkeys([*snapshot.attributions, "Källa: SCB"])),
        leaflet_css=leaflet_css(),
        leaflet_js=leaflet_js(),
        areas_json=_inline_script(area_geojson.decode("utf-8")),
        data_json=_inline_script(json.dumps(map_data(export), ensure_ascii=False)),
        tile_url=online_tiles,
        tile_attribution=tile_attribution if online_tiles else "",
    )
