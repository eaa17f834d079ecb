"""GeoPackage of the week's areas: opens in geopandas with the hand-counted aggregates."""

from __future__ import annotations

import geopandas as gpd
from sqlmodel import select

from api.audit.models import AuditEvent
from api.lagesbild.compose import week_query
from api.statistics import service as statistics
from tests.api.exports.conftest import WEEK, publish_week
from tests.conftest import login
from tests.factories import PASSWORD


def _open(tmp_path, content: bytes) -> gpd.GeoDataFrame:
    path = tmp_path / "omraden.gpkg"
    path.write_bytes(content)
    return gpd.read_file(path, layer="omraden").set_index("omradeskod")


def test_unpublished_week_gives_the_analyst_suggested_statuses(client, world, session, week_reports, tmp_path):
    login(client, world.user("analytiker").email, PASSWORD)
    response = client.get(f"/export/{WEEK}/omraden.gpkg")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/geopackage+sqlite3"
    frame = _open(tmp_path, response.content)
    assert frame.crs.to_epsg() == 3006
    assert list(frame.index) == ["1880A", "1880B", "1880C", "1880D"]
    assert frame.omradesnamn.tolist() == ["Område A", "Område B", "Område C", "Område D"]
    assert frame.klotter.tolist() == [3, 1, 0, 0]
    assert frame.skadegorelse.tolist() == [1, 0, 0, 0]
    assert frame.totalt.tolist() == [4, 1, 0, 0]
    # Every counted category has its column, zeros included; kontextfaktorer have none.
    assert "nedskrapning" in frame.columns and frame.nedskrapning.sum() == 0
    assert set(frame.statuskalla) == {"förslag"} and frame.version.isna().all()
    overview = statistics.week_overview(session=session, query=week_query("1880", WEEK), week=WEEK)
    assert frame.status.to_dict() == dict(zip(overview.statuses.area_code, overview.statuses.status, strict=True))
    # Geometry: the 1 km squares, untouched (QGIS gets the real EPSG:3006 polygons).
    assert frame.geometry.area.round().tolist() == [1_000_000.0] * 4
    assert frame.loc["1880A"].geometry.bounds == (510_000.0, 6_570_000.0, 511_000.0, 6_571_000.0)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.object_type == "gpkg" and event.object_id == f"{WEEK} ej publicerad"


def test_readers_need_a_published_version_and_get_its_statuses(client, world, session, week_reports, tmp_path):
    login(client, world.user("granskare").email, PASSWORD)
    refused = client.get(f"/export/{WEEK}/omraden.gpkg")
    assert refused.status_code == 404 and "ingen publicerad" in refused.text
    publish_week(session, world, statuses={"1880C": "röd"}, motiveringar={"1880C": "Oro vid skolan"})
    response = client.get(f"/export/{WEEK}/omraden.gpkg")
    assert response.status_code == 200
    frame = _open(tmp_path, response.content)
    assert frame.loc["1880C"].status == "röd" and set(frame.statuskalla) == {"publicerad"}
    assert frame.version.tolist() == [1, 1, 1, 1]
    assert frame.klotter.tolist() == [3, 1, 0, 0] and frame.totalt.tolist() == [4, 1, 0, 0]
    assert client.get(f"/export/{WEEK}/omraden.gpkg?version=2").status_code == 404
    assert client.get("/export/vecka-47/omraden.gpkg").status_code == 404
