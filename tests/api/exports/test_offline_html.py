"""The self-contained HTML: everything inline, no outside references, the areas and numbers inside."""

from __future__ import annotations

import json
import re

from sqlmodel import select

from api.audit.models import AuditEvent
from tests.api.exports.conftest import WEEK, publish_week
from tests.conftest import login
from tests.factories import PASSWORD


def _json_block(html: str, element_id: str):  # type: ignore[no-untyped-def]
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def test_offline_file_inlines_leaflet_areas_and_the_published_numbers(client, world, session, week_reports):
    publish_week(session, world, statuses={"1880D": "gul"}, motiveringar={"1880D": "Trygghetsvandring visade mörka stråk"},
                 texts={"vad_har_hant": "Klotter i Område A </script><b>x</b>"})
    login(client, world.user("granskare").email, PASSWORD)
    response = client.get(f"/export/{WEEK}/lagesbild.html")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    html = response.text
    # Nothing is fetched: no external scripts, styles or images; Leaflet itself is inline.
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=', html)
    assert "L.geoJSON" in html and ".leaflet-container" in html and "url(images/" not in html
    assert len(response.content) < 6 * 1024 * 1024
    # The analyst's text is escaped, so it cannot end the script or inject markup.
    assert "Klotter i Område A &lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in html
    areas = _json_block(html, "areas-data")
    assert [f["properties"]["code"] for f in areas["features"]] == ["1880A", "1880B", "1880C", "1880D"]
    data = _json_block(html, "lagesbild-data")
    assert data["published"] is True and data["areas"]["1880D"]["status"] == "gul"
    assert data["areas"]["1880A"]["count"] == 4 and data["areas"]["1880B"]["count"] == 1
    assert sorted(data["areas"]["1880A"]["categories"]) == [["Klotter", 3], ["Skadegörelse (inkl. krossade rutor)", 1]]
    # The test settings' tile URL is relative (no server behind a file://): no tile layer at all.
    assert _json_block(html, "tile-config") == {"url": "", "attribution": ""}
    assert "Trygghetsvandring visade mörka stråk" in html and "Källa: SCB" in html
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.object_type == "html"


def test_online_tile_url_is_kept_as_the_optional_background(client, world, session, week_reports, app):
    app.state.settings = app.state.settings.model_copy(
        update={"map_tile_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    )
    login(client, world.user("analytiker").email, PASSWORD)
    html = client.get(f"/export/{WEEK}/lagesbild.html").text
    assert _json_block(html, "tile-config")["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "Ej publicerad" in html
