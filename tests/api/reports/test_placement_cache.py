"""The placement context is built once per version of the kommun's areas and places."""

from __future__ import annotations

from api.areas import service as area_service
from api.areas.models import Place
from api.reports import service as report_service
from tests.factories import square_areas


def test_context_is_reused_until_areas_or_places_change(session, world):
    first = report_service.cached_placement_context(session=session, kommun_code="1880")
    assert report_service.cached_placement_context(session=session, kommun_code="1880") is first
    assert sorted(first.area_ids) == ["1880A", "1880B", "1880C", "1880D"]

    session.add(Place(kommun_code="1880", name="Skolgården", area_id=first.area_ids["1880B"]))
    session.flush()
    with_place = report_service.cached_placement_context(session=session, kommun_code="1880")
    assert with_place is not first
    place_id = with_place.place_ids_by_name["Skolgården"]
    assert with_place.places_by_id[place_id].area_id == first.area_ids["1880B"]

    # A re-placed place (its area changed) is a new version too.
    place = session.get(Place, place_id)
    place.area_id = first.area_ids["1880C"]
    session.add(place)
    session.flush()
    moved = report_service.cached_placement_context(session=session, kommun_code="1880")
    assert moved.places_by_id[place_id].area_id == first.area_ids["1880C"]

    # A new area set, shifted 10 km east: its own context with its own area ids.
    area_service.import_area_set(
        session=session, kommun_code="1880", areas=square_areas("1880", 520_000, 6_570_000), name="Ny",
        source="test",
    )
    new_set = report_service.cached_placement_context(session=session, kommun_code="1880")
    assert new_set is not moved
    assert set(new_set.area_ids.values()).isdisjoint(first.area_ids.values())
    area, _place, error = report_service.place_record(
        session=session, kommun_code="1880",
        record=_record(x=520_500.0, y=6_570_500.0),
    )
    assert (error, area) == (None, new_set.area_ids["1880A"])
    # The other kommun has a context of its own.
    assert report_service.cached_placement_context(session=session, kommun_code="1480") is not new_set


def _record(**values):  # type: ignore[no-untyped-def]
    from datetime import date

    from ingest.records import ReportRecord

    return ReportRecord(kommun_code="1880", category_code="klotter", observed_date=date(2026, 11, 16),
                        source="api", **values)
