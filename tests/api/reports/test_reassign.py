"""reassign_areas after a new area set: only changed reports are written and counted."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import box
from sqlmodel import select

from api.areas import service as area_service
from api.areas.models import Area, Place
from api.reports import area_moves
from api.reports import service as report_service
from api.reports.models import Report
from ingest.records import ReportRecord

DAY = date(2026, 11, 16)


def _record(**overrides) -> ReportRecord:
    values = {"kommun_code": "1880", "category_code": "klotter", "observed_date": DAY, "source": "api"}
    values.update(overrides)
    return ReportRecord(**values)


def _code(session, report_id):
    area_id = session.get(Report, report_id).area_id
    return session.get(Area, area_id).code if area_id else None


def _halves() -> gpd.GeoDataFrame:
    """V covers the west half of the world's 2x2 km squares; O only the south-east square (1880B)."""
    return gpd.GeoDataFrame(
        {"area_code": ["V", "O"], "area_name": ["Väst", "Öst"]},
        geometry=[box(510_000, 6_570_000, 511_000, 6_572_000), box(511_000, 6_570_000, 512_000, 6_571_000)],
        crs=3006,
    )


@pytest.fixture
def stored(session, world):
    """Five reports: two points (squares A and D), one by area code, one by place, one kommun level."""
    square_b = session.exec(select(Area).where(Area.code == "1880B")).one()
    place = Place(kommun_code="1880", name="Torget", area_id=square_b.id, x=511_500, y=6_570_500)
    session.add(place)
    session.commit()
    outcome = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=world.organisations["1880"][0].id,
        records=[
            _record(x=510_500, y=6_570_500, description="punkt i A"),
            _record(x=511_500, y=6_571_500, description="punkt i D"),
            _record(area_code="1880C", description="område C"),
            _record(place_id=str(place.id), description="vid torget"),
            _record(description="hela kommunen"),
        ],
    )
    session.commit()
    return outcome.created_ids


def test_points_place_and_code_reports_follow_the_new_set(session, world, stored):
    point_a, point_d, by_area, by_place, kommun_level = stored
    area_service.import_area_set(session=session, kommun_code="1880", areas=_halves(), name="Halvor", source="t")

    moved = report_service.reassign_areas(session=session, kommun_code="1880")
    session.expire_all()

    # A -> V, D -> outside every new area (kommun level), the place's report follows the place to O,
    # and the report placed by code 1880C goes to kommun level: the new set has no area 1880C.
    assert moved == 4
    assert [_code(session, i) for i in stored] == ["V", None, None, "O", None]
    assert session.get(Place, session.get(Report, by_place).place_id).area_id == session.get(
        Report, by_place
    ).area_id
    # A second run changes nothing and counts nothing (the point outside stays at kommun level).
    assert report_service.reassign_areas(session=session, kommun_code="1880") == 0
    assert [_code(session, i) for i in (point_a, point_d, by_area, kommun_level)] == ["V", None, None, None]


def test_a_report_placed_by_code_takes_the_same_code_in_the_new_set(session, world, stored):
    by_area = stored[2]
    old_area_id = session.get(Report, by_area).area_id
    revised = gpd.GeoDataFrame(  # a revision that keeps code 1880C but redraws it
        {"area_code": ["1880C", "V"], "area_name": ["C reviderad", "Väst"]},
        geometry=[box(510_000, 6_571_000, 511_000, 6_572_500), box(509_000, 6_570_000, 510_000, 6_571_000)],
        crs=3006,
    )
    area_service.import_area_set(session=session, kommun_code="1880", areas=revised, name="Rev", source="t")
    report_service.reassign_areas(session=session, kommun_code="1880")
    session.expire_all()
    new_area = session.get(Area, session.get(Report, by_area).area_id)
    assert new_area.code == "1880C" and new_area.id != old_area_id and new_area.name == "C reviderad"


@pytest.mark.parametrize("update_from", [True, False])
def test_apply_moves_writes_and_counts_only_changed_rows(session, world, stored, update_from):
    point_a, point_d, by_area, _, _ = stored
    area_a = session.get(Report, point_a).area_id
    area_c = session.get(Report, by_area).area_id
    connection = session.connection()

    unchanged = [[(point_a, area_a)], [], [(by_area, area_c)]]
    assert area_moves.apply_moves(connection, unchanged, update_from=update_from) == 0

    changed = area_moves.apply_moves(
        connection, [[(point_a, area_c), (point_d, None)], [(by_area, area_c)]], update_from=update_from
    )
    session.expire_all()
    assert changed == 2
    assert [_code(session, i) for i in (point_a, point_d, by_area)] == ["1880C", None, "1880C"]
    # The temporary table is gone, so a second call in the same transaction starts clean.
    assert area_moves.apply_moves(connection, [[(point_d, None)]], update_from=update_from) == 0
    if connection.dialect.name == "sqlite":  # the larger page cache was only for the UPDATE
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -2000


def test_point_moves_in_small_chunks_gives_the_same_moves(session, world, stored):
    area_service.import_area_set(session=session, kommun_code="1880", areas=_halves(), name="Halvor", source="t")
    areas = area_service.load_areas_frame(session=session, kommun_code="1880")
    area_ids = {str(c): int(i) for c, i in zip(areas.area_code, areas.area_id, strict=True)}
    connection = session.connection()

    one_go = list(area_moves.point_moves(connection, kommun_code="1880", areas=areas, area_ids=area_ids))
    by_one = list(area_moves.point_moves(connection, kommun_code="1880", areas=areas, area_ids=area_ids, chunk=1))

    expected = [(stored[0], area_ids["V"]), (stored[1], None)]
    assert [m for chunk in one_go for m in chunk] == expected
    assert len(by_one) == 2 and [m for chunk in by_one for m in chunk] == expected
